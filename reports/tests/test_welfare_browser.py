"""Issue 17 in real Chromium, as the Tampere contact sees it: the figures for welfare work linked from the regional
dashboard, reflowing at 390 and 320 px (each table scrolls in its own region), no CSP violation, no critical or
serious axe-core violation; a municipal welfare report prepared from the dashboard and downloaded.

Data: ``seed_demo --small`` (the fixed Tampere cards, one with a wellbeing answer at issue).
"""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from kaikukanta.tests.browser import watch_csp
from reports.services import rollup_rebuild

TIMEOUT_MS = 30_000

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def open_as(chromium, live_server, transactional_db):
    call_command("seed_demo", "--small", stdout=open(os.devnull, "w"))  # noqa: SIM115
    rollup_rebuild()
    contexts = []

    def open_page(username: str, path: str, **options):
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        context = chromium.new_context(base_url=live_server.url, locale="en-GB", **options)
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                              "url": live_server.url}])
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        violations = [] if options.get("bypass_csp") else watch_csp(context)
        page = context.new_page()
        page.goto(path)
        return page, violations

    yield open_page
    for context in contexts:
        context.close()


def test_the_contact_reads_the_welfare_figures_and_prepares_a_municipal_report(open_as):
    page, violations = open_as("alue-tampere", "/reports/regional/")
    with page.expect_navigation():
        page.get_by_role("link", name="Figures for welfare work", exact=False).click()
    assert page.locator("h1").inner_text() == "Figures for welfare work"
    captions = page.locator("table caption").all_inner_texts()
    assert "Reach by the cardholder's home municipality" in captions
    assert "Cards registered by gender" in captions
    assert page.locator('table th[scope="col"]').count() > 0
    for width in (390, 320):
        page.set_viewport_size({"width": width, "height": 800})
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    page.set_viewport_size({"width": 1200, "height": 900})
    page.select_option("#id_report-place", label="Tampere")
    page.select_option("#id_report-format", "pdf")
    with page.expect_navigation():
        page.locator("form.file-request button[type=submit]").last.click()
    page.locator("#file-download a").wait_for(state="visible")
    with page.expect_download() as download:
        page.click("#file-download a")
    assert download.value.suggested_filename.endswith(".pdf")
    assert violations == []


def test_the_welfare_page_has_no_critical_or_serious_axe_violation(open_as):
    page, _violations = open_as("alue-tampere", "/reports/welfare/", bypass_csp=True)
    page.locator("table").first.wait_for()
    results = Axe().run(page)
    blocking = [v for v in results.response["violations"] if v["impact"] in ("critical", "serious")]
    assert [f"{v['id']}: {[node['target'] for node in v['nodes']]}" for v in blocking] == []
