"""The import journey in real Chromium (issue 15): a refused file keeps the upload form and offers the error
report (Celery eager: the task runs when the upload's transaction commits); then a good file with the worker held
back, so the job page is seen following it by itself (its counts while checking, then the preview), confirm, the
page follows the saving, the batch PDF opens from its button.

Data: ``seed_demo --small``. Skipped without /usr/bin/chromium unless REQUIRE_BROWSER=1 (CI).
"""

import os
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from cards import imports, numbers, tasks
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

    # The part's button posts in a new tab (fresh activation codes), which follows to the PDF.
    opened = lambda r: "/cards.pdf" in r.url and r.request.method == "GET"  # noqa: E731
    with context.expect_event("response", opened) as answer:
        page.get_by_role("button", name="Cards PDF, part 1").click()
    pdf = answer.value
    assert (pdf.status, pdf.headers["content-type"]) == (200, "application/pdf")
    assert page.request.get(pdf.url).body()[:5] == b"%PDF-"  # fetched again: the same print
    assert violations == []
    context.close()


def test_a_worker_prints_a_selection_of_the_office_cards_at_320_px_with_the_keyboard(chromium, live_server, demo):
    """Point 4: on the card list at a phone's 320 px, the select-all box (shown by its script) ticks every labelled
    card box, one is cleared with the keyboard, "Print selected cards" (Enter) answers one PDF; no CSP violation,
    nothing past the right edge, and axe-core finds no critical or serious violation on the list."""
    from axe_playwright_python.sync_playwright import Axe

    context = chromium.new_context(base_url=live_server.url, locale="en-GB", viewport={"width": 320, "height": 700})
    context.set_default_timeout(TIMEOUT_MS)
    violations = watch_csp(context)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill('input[name="login"]', "jakaja-tampere")
    page.fill('input[name="password"]', settings.DEMO_PASSWORD)
    page.press('input[name="password"]', "Enter")
    page.wait_for_url(re.compile(r"/cards/$"))

    boxes = page.locator('input[name="card"]')
    total = boxes.count()
    assert total >= 2
    first = Card.objects.get(pk=int(boxes.first.get_attribute("value")))
    expect(page.get_by_label(f"Select card {numbers.mask(first.number)}")).to_have_count(1)
    select_all = page.get_by_label("Select all cards on this page")
    expect(select_all).to_be_visible()
    select_all.focus()
    page.keyboard.press("Space")
    for index in range(total):
        expect(boxes.nth(index)).to_be_checked()
    boxes.first.focus()
    page.keyboard.press("Space")
    expect(boxes.first).not_to_be_checked()
    expect(select_all).not_to_be_checked()
    button = page.get_by_role("button", name="Print selected cards")
    for element in (select_all, button, page.get_by_role("button", name=re.compile("Print every card in use"))):
        box = element.bounding_box()
        assert 0 <= box["x"] <= box["x"] + box["width"] <= 320, box

    button.focus()
    with page.expect_response(re.compile(r"/cards/print\.pdf$")) as answer:
        page.keyboard.press("Enter")
    response = answer.value
    assert (response.status, response.headers["content-type"]) == (200, "application/pdf")
    assert violations == []
    context.close()

    # axe-core's script needs the CSP bypassed: a context of its own, signed in by a session cookie.
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username="jakaja-tampere"))
    context = chromium.new_context(base_url=live_server.url, locale="fi-FI", bypass_csp=True,
                                   viewport={"width": 320, "height": 700})
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    page.goto("/cards/")
    results = Axe().run(page)
    blocking = [f"{v['id']}: {[n['target'] for n in v['nodes']]}" for v in results.response["violations"]
                if v["impact"] in ("critical", "serious")]
    assert blocking == []
    context.close()
