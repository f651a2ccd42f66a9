"""The public pages in real Chromium (issue 13): every one reflows at 390 and 320 CSS px without sideways scrolling
(WCAG 1.4.10: ``document.documentElement.scrollWidth`` ≤ the viewport) in Finnish and Swedish, runs under the
Content-Security-Policy unharmed, and has no critical or serious axe-core violation.

axe-core comes with ``axe-playwright-python`` (its bundled axe.min.js); its script is injected into the page, which the
CSP would block, so only the axe contexts run with ``bypass_csp``. Without the package the axe test is skipped.
No data beyond the national settings is needed. Skipped without /usr/bin/chromium unless REQUIRE_BROWSER=1 (CI).
"""

import os

import pytest
from django.conf import settings

from kaikukanta.tests.browser import watch_csp

TIMEOUT_MS = 15_000
WIDTHS = (390, 320)
LANGUAGES = ("fi", "sv")
BLOCKING = ("critical", "serious")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def public_pages(language: str) -> list[tuple[str, str]]:
    """(path, the language the page answers in) of every public page, as a visitor with ``language`` opens them."""
    pages = [("/", language), (f"/{language}/", language), (f"/{language}/accessibility/", language),
             (f"/{language}/privacy/", language), (f"/{language}/figures/", language), ("/does-not-exist/", language)]
    # The catalogue and the region index (empty here; with data in test_browser_catalogue.py).
    pages += [(f"/{language}/venues/", language), (f"/{language}/regions/", language)]
    if language == "fi":
        pages.append(("/fi/selkokieli/", "fi"))
    return pages


# What sticks out past the viewport, for the failure message.
CULPRITS = """[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > innerWidth + 1)
  .slice(0, 4).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))"""


def new_page(chromium, live_server, language: str, **options):
    context = chromium.new_context(base_url=live_server.url, locale="fi-FI", viewport={"width": 390, "height": 800},
                                   **options)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
    return context, context.new_page()


def test_every_public_page_reflows_at_390_and_320_px_in_finnish_and_swedish(chromium, live_server):
    too_wide, wrong_language, violations = {}, {}, []
    for language in LANGUAGES:
        context, page = new_page(chromium, live_server, language)
        violations += watch_csp(context)
        for path, answers_in in public_pages(language):
            page.set_viewport_size({"width": 390, "height": 800})
            page.goto(path)
            if (lang := page.evaluate("document.documentElement.lang")) != answers_in:
                wrong_language[(language, path)] = lang
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 800})
                scroll_width = page.evaluate("document.documentElement.scrollWidth")
                if os.environ.get("REFLOW_REPORT"):
                    print(f"REFLOW {language} {width} {path} {scroll_width}")
                if scroll_width > width:
                    too_wide[(language, path, width)] = (scroll_width, page.evaluate(CULPRITS))
        context.close()

    assert too_wide == {}
    assert wrong_language == {}
    assert violations == []


def test_the_footer_links_and_the_language_switch_work_with_the_keyboard_at_320_px(chromium, live_server):
    context, page = new_page(chromium, live_server, "fi")
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto("/fi/")

    page.locator("footer a", has_text="Tietosuojaseloste").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/fi/privacy/")
    page.locator("header.site summary").focus()
    page.keyboard.press("Enter")
    page.locator("#lang-select").focus()
    page.select_option("#lang-select", "sv")  # choosing changes nothing yet (WCAG 3.2.2: no change on input)
    page.wait_for_timeout(300)
    assert page.url.endswith("/fi/privacy/")
    page.keyboard.press("Tab")  # to the language menu's own button
    assert page.evaluate("document.activeElement.textContent") == "Vaihda kieli"
    page.keyboard.press("Enter")
    page.wait_for_url("**/sv/privacy/")

    assert page.evaluate("document.documentElement.lang") == "sv"
    assert page.locator("h1").inner_text() == "Dataskyddsbeskrivning"
    context.close()


def test_public_pages_have_no_critical_or_serious_axe_violation(chromium, live_server):
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")
    axe = axe_module.Axe()
    found = {}
    for language in LANGUAGES:
        context, page = new_page(chromium, live_server, language, bypass_csp=True)
        for path, _answers_in in public_pages(language):
            page.goto(path)
            results = axe.run(page)
            blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING]
            if blocking:
                found[(language, path)] = [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
                                           for v in blocking]
        context.close()

    assert found == {}
