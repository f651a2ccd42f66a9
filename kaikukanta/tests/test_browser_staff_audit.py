"""The staff pages and the audit trail in real Chromium (issue 12, points 3 and 5): they reflow at 390 and 320 CSS
px in Finnish and Swedish, and the main path works with the keyboard alone — the regional contact of Tampere
deactivates an office worker's account and reads in the audit trail that they did, then filters it.

Data: ``seed_demo --small``. Skipped without /usr/bin/chromium unless REQUIRE_BROWSER=1 (CI).
"""

import re

import pytest
from django.contrib.auth import get_user_model

from kaikukanta.tests.test_browser_reflow import LANGUAGES, demo, overflow, sign_in  # noqa: F401 (demo: a fixture)
from regions.models import Region

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def press_tab_until(page, selector: str, limit: int = 60) -> None:
    """Tab through the page until ``selector`` has the focus (a keyboard user's way there)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_staff_and_audit_pages_reflow_and_a_deactivation_is_done_and_read_with_the_keyboard(
        chromium, live_server, demo):  # noqa: F811
    tampere = Region.objects.get(name="Tampere")
    worker = get_user_model().objects.get(username="jakaja-tampere")
    context, page, violations = sign_in(chromium, live_server, "alue-tampere", r"/reports/regional/$")
    paths = ["/staff/", f"/staff/regions/{tampere.pk}/", f"/staff/people/{worker.pk}/deactivate/", "/reports/audit/",
             "/reports/audit/?kind=access"]

    too_wide = {(language, path): wide for language in LANGUAGES for path in paths
                if (wide := overflow(page, live_server, path, language))}

    assert too_wide == {}
    # the keyboard path, in Finnish at 320 px: the region's staff page, the worker's deactivate link, the button
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"/staff/regions/{tampere.pk}/")
    press_tab_until(page, f'a[href^="/staff/people/{worker.pk}/deactivate/"]')
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/staff/people/{worker.pk}/deactivate/"))
    press_tab_until(page, 'form button[type="submit"]')
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/staff/regions/{tampere.pk}/$"))
    assert "jakaja-tampere" in page.locator(".messages").inner_text()
    worker.refresh_from_db()
    assert worker.is_active is False
    # the audit trail, filtered to accounts with the keyboard
    page.goto("/reports/audit/")
    press_tab_until(page, "select#id_kind")
    page.keyboard.press("End")  # the last kind, settings changes; then up to accounts
    page.keyboard.press("ArrowUp")
    press_tab_until(page, 'form.filters button[type="submit"]')
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/reports/audit/\?.*kind=account"))
    row = page.locator("main table tbody tr").first
    assert "alue-tampere" in row.inner_text()
    assert "jakaja-tampere" in row.inner_text()
    assert violations == []
    context.close()
