"""The regional contact's dashboard in real Chromium: lands on it after signing in, reads the charts'
data tables with the keyboard, changes the period, and watches a prepared file's progress turn into a
download link (the polling script).

Data: ``seed_demo --small`` plus a few uses. Skipped without /usr/bin/chromium unless REQUIRE_BROWSER=1
(CI), where a missing browser fails.
"""

import os
import re
import time

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from devdata.demo import demo_totp_code
from kaikukanta.tests.browser import watch_csp
from regions.models import Region
from reports.models import ReportFile
from reports.services import rollup_rebuild

TIMEOUT_MS = 15_000

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]




@pytest.fixture
def demo(chromium, transactional_db, settings):
    # Two-factor sign-in as in production (on by default): seed_demo gives alue-tampere the demo TOTP.
    settings.MFA_REQUIRED_FOR_REGIONAL = True
    with open(os.devnull, "w") as devnull:
        call_command("seed_demo", "--small", stdout=devnull)
    rollup_rebuild()


def test_regional_contact_reads_the_dashboard_and_gets_a_prepared_file(chromium, live_server, demo):
    context = chromium.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    violations = watch_csp(context)
    page = context.new_page()

    page.goto("/accounts/login/")
    page.fill('input[name="login"]', "alue-tampere")
    page.fill('input[name="password"]', settings.DEMO_PASSWORD)
    page.press('input[name="password"]', "Enter")
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/$"))
    if 30 - time.time() % 30 < 3:  # not a code about to expire (allauth accepts only the current 30 s window)
        time.sleep(3)
    page.fill('input[name="code"]', demo_totp_code())  # what an authenticator app with the demo secret shows
    page.press('input[name="code"]', "Enter")
    page.wait_for_url(re.compile(r"/reports/regional/$"))

    # Four charts, each an image with a name, each followed by its table behind a keyboard toggle.
    charts = page.locator('svg[role="img"]')
    assert charts.count() == 4
    assert all(charts.nth(i).get_attribute("aria-labelledby") for i in range(4))
    summary = page.locator("details.data-table summary").nth(1)
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator("details.data-table").nth(1).get_attribute("open") is not None
    assert page.locator("details.data-table").nth(1).locator("table caption").inner_text() == "Uses by month"

    # The period filter is a plain GET form.
    page.select_option("#id_period", "q1")
    page.click('form.report-filters button[type="submit"]')
    page.wait_for_url(re.compile(r"period=q1"))
    assert "1–3/" in page.locator("hgroup p").inner_text()

    # A file being prepared: the page polls its status and shows the link when it is ready.
    tampere = Region.objects.get(name="Tampere")
    user = tampere.memberships.get(user__username="alue-tampere").user
    report = ReportFile.objects.create(kind=ReportFile.Kind.USES, format="csv", requested_by=user, total=10,
                                       progress=3, status=ReportFile.Status.RUNNING,
                                       params={"from": None, "to": timezone.localdate().isoformat(),
                                               "region_ids": [tampere.pk]})
    page.goto(f"/reports/files/{report.pk}/")
    assert page.locator("#file-download").is_hidden()
    assert page.locator("#file-progress").get_attribute("value") == "3"
    report.file.save("kaikukortti-uses.csv", ContentFile(b"\xef\xbb\xbfDate;Venue\r\n"), save=False)
    ReportFile.objects.filter(pk=report.pk).update(file=report.file.name, status=ReportFile.Status.DONE,
                                                   progress=10)
    page.locator("#file-download a").wait_for(state="visible")
    assert page.locator("[data-percent]").inner_text() == "100"
    with page.expect_download() as download:
        page.click("#file-download a")
    assert download.value.suggested_filename == "kaikukortti-uses.csv"
    context.close()
    assert violations == []  # the dashboard, its charts and the polling page run under the CSP
