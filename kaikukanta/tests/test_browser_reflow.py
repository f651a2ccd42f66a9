"""Signed-in pages reflow on a phone (WCAG 1.4.10) in real Chromium: at 390 and 320 CSS px the page never scrolls
sideways (``document.documentElement.scrollWidth`` ≤ the viewport), in Finnish and Swedish; the navigation
collapses into a menu button that opens with the keyboard. Wide data tables scroll inside their own region.

Data: ``seed_demo --small``. One browser, one sign-in per role. Skipped without /usr/bin/chromium unless
REQUIRE_BROWSER=1 (CI), where a missing browser fails.
"""

import os
import re
import time

import pytest
from django.conf import settings
from django.core.management import call_command

from cards.models import Card
from devdata.demo import DEMO_CARDS, demo_totp_code
from distributors.models import Office
from kaikukanta.tests.browser import watch_csp
from reports.services import rollup_rebuild
from venues.models import Venue

TIMEOUT_MS = 15_000
WIDTHS = (390, 320)
LANGUAGES = ("fi", "sv")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(chromium, transactional_db, settings):
    settings.MFA_REQUIRED_FOR_REGIONAL = True  # as in production: the regional contact signs in with the demo TOTP
    with open(os.devnull, "w") as devnull:
        call_command("seed_demo", "--small", stdout=devnull)
    rollup_rebuild()


def sign_in(chromium, live_server, username, landing):
    context = chromium.new_context(base_url=live_server.url, locale="fi-FI", viewport={"width": 390, "height": 800})
    context.set_default_timeout(TIMEOUT_MS)
    violations = watch_csp(context)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill('input[name="login"]', username)
    page.fill('input[name="password"]', settings.DEMO_PASSWORD)
    page.press('input[name="password"]', "Enter")
    if username.startswith("alue-"):
        page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/$"))
        if 30 - time.time() % 30 < 3:  # not a code about to expire
            time.sleep(3)
        page.fill('input[name="code"]', demo_totp_code())
        page.press('input[name="code"]', "Enter")
    page.wait_for_url(re.compile(landing))
    return context, page, violations


# What sticks out past the viewport, for the failure message.
CULPRITS = """[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > innerWidth + 1)
  .slice(0, 4).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))"""


def overflow(page, live_server, path, language) -> list[tuple[int, int, list[str]]]:
    """(viewport width, scrollWidth, what sticks out) for each phone width where the page is wider than the viewport.
    REFLOW_REPORT=1 prints every measurement."""
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
    page.goto(path)
    assert page.evaluate("document.documentElement.lang") == language
    wide = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if os.environ.get("REFLOW_REPORT"):
            print(f"REFLOW {language} {width} {path} {scroll_width}")
        if scroll_width > width:
            wide.append((width, scroll_width, page.evaluate(CULPRITS)))
    return wide


def test_signed_in_pages_reflow_at_390_and_320_px_and_the_menu_opens_with_the_keyboard(chromium, live_server, demo):
    card = Card.objects.get(number=DEMO_CARDS["tampere_valid"])
    office = Office.objects.get(pk=card.office_id)
    venue = Venue.objects.get(name="Vapriikki")
    pages = {
        ("kohde-vapriikki", r"/venues/counter/$"): ["/venues/counter/", "/venues/uses/"],
        ("jakaja-tampere", r"/cards/$"): ["/cards/", "/cards/register/", f"/cards/{card.pk}/"],
        ("alue-tampere", r"/reports/regional/$"): ["/reports/regional/", "/offices/", f"/offices/{office.pk}/",
                                                  f"/venues/{venue.pk}/"],
    }
    too_wide = {}
    all_violations = []
    for (username, landing), paths in pages.items():
        context, page, violations = sign_in(chromium, live_server, username, landing)
        all_violations += violations
        for language in LANGUAGES:
            for path in paths:
                if wide := overflow(page, live_server, path, language):
                    too_wide[(language, path)] = wide
        if username == "kohde-vapriikki":
            counter_page = page
        else:
            context.close()
    assert too_wide == {}
    menu_opens_with_the_keyboard(counter_page)
    assert all_violations == []


def menu_opens_with_the_keyboard(page):
    """At 320 px the nav links hide behind the menu button; Tab reaches it, Enter opens it, a link shows."""
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto("/venues/uses/")
    link = page.locator('header.site nav a[href="/venues/counter/"]')
    assert not link.is_visible()
    for _ in range(5):  # the skip link, the home link, then the menu button
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('header.site summary')"):
            break
    assert page.evaluate("document.activeElement.matches('header.site summary')")
    page.keyboard.press("Enter")
    assert link.is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('header.site details') !== null")
    # On a desk the links stand in the header and the menu button is gone (kaikukanta.css, ::details-content).
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/venues/uses/")
    assert link.is_visible()
    assert not page.locator("header.site summary").is_visible()
