"""The import journey in real Chromium (issue 15): a refused file keeps the upload form and offers the error
report (Celery eager: the task runs when the upload's transaction commits); then a good file with the worker held
back, so the job page is seen following it by itself (its counts while checking, then the preview), confirm, the
page follows the saving, the batch PDF downloads.

Data: ``seed_demo --small``. Skipped without /usr/bin/chromium unless REQUIRE_BROWSER=1 (CI).
"""

import os
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from cards import imports, tasks
from cards.models import Card, ImportJob
from kaikukanta.tests.browser import watch_csp

TIMEOUT_MS = 30_000
GOOD = "birth_year,municipality,children\n1971,Tampere,0\n1972,Tampere,1\n1973,Tampere,2\n"
BAD = "birth_year,municipality,children\n1971,Tampere,0\n2020,Tampere,1\n"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(chromium, transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {**settings.STORAGES, "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None}}}
    with open(os.devnull, "w") as devnull:
        call_command("seed_demo", "--small", stdout=devnull)


def test_distributor_uploads_checks_confirms_and_prints_an_import(chromium, live_server, demo, tmp_path,
                                                                   monkeypatch):
    before = Card.objects.count()
    context = chromium.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    violations = watch_csp(context)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill('input[name="login"]', "jakaja-tampere")
    page.fill('input[name="password"]', settings.DEMO_PASSWORD)
    page.press('input[name="password"]', "Enter")
    page.wait_for_url(re.compile(r"/cards/$"))

    # A refused file: the rows and the error report are offered and the upload form stays.
    page.goto("/cards/import/")
    (tmp_path / "bad.csv").write_text(BAD)
    page.set_input_files('input[type="file"]', str(tmp_path / "bad.csv"))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_url(re.compile(r"/cards/import/\d+/$"))
    assert "Line 3, column birth_year" in page.locator(".import-errors").inner_text()
    assert page.get_by_role("link", name="Download the refused rows (CSV)").is_visible()
    assert page.get_by_role("button", name="Check the file").is_visible()

    # A good file: the worker is held back (the tasks are queued, not run) so the page is seen waiting; the test
    # then plays the worker and the page follows by itself: progress, the preview, confirm, saving, saved.
    queued = []
    monkeypatch.setattr(tasks.import_validate_task, "delay", lambda pk: queued.append(("validate", pk)))
    monkeypatch.setattr(tasks.import_write_task, "delay", lambda pk: queued.append(("write", pk)))
    (tmp_path / "good.csv").write_text(GOOD)
    page.set_input_files('input[type="file"]', str(tmp_path / "good.csv"))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_url(re.compile(r"/cards/import/\d+/$"))
    job = ImportJob.objects.latest("pk")
    status = page.get_by_role("status").first
    assert "The file is being checked. This page updates itself." in status.inner_text()
    assert queued == [("validate", job.pk)]
    ImportJob.objects.filter(pk=job.pk).update(rows_read=2, rows_valid=2)  # the worker's progress, mid-file
    expect(page.locator('[data-field="rows_read"]')).to_have_text("2")
    assert "The file is being checked." in status.inner_text()  # counted in place, no reload yet
    imports.job_validate(job.pk)  # the worker finishes: the page reloads itself with the preview
    page.get_by_role("button", name="Confirm: import 3 cards").wait_for()
    assert "checked, waiting for confirmation" in page.get_by_role("status").first.inner_text()
    assert page.locator('[data-field="rows_valid"]').inner_text() == "3"
    assert Card.objects.count() == before
    page.get_by_role("button", name="Confirm: import 3 cards").click()
    page.get_by_text("The cards are being saved. This page updates itself.").wait_for()
    assert queued[-1] == ("write", job.pk)
    imports.job_write(job.pk)
    page.get_by_text("3 cards imported.").wait_for()
    job.refresh_from_db()
    assert (job.status, job.cards_created, Card.objects.count()) == ("done", 3, before + 3)

    pdf = page.request.get(page.get_by_role("link", name="Cards PDF, part 1").get_attribute("href"))
    assert (pdf.status, pdf.headers["content-type"], pdf.body()[:5]) == (200, "application/pdf", b"%PDF-")
    assert violations == []
    context.close()
