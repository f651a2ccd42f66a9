"""The catalogue "Where the card works" and the region pages in real Chromium (issue 13, points 2-3): with venues,
pop-ups, offers, offices and contact persons in place, every page reflows at 390 and 320 CSS px without sideways
scrolling in Finnish and Swedish, runs under the CSP unharmed, has no critical or serious axe-core violation, and the
filters work with the keyboard alone. The empty catalogue and region index are in test_browser_public's list too."""

import os

import pytest

from kaikukanta.tests.browser import watch_csp
from public.tests.catalogue_world import build_catalogue_world
from public.tests.test_browser_public import BLOCKING, CULPRITS, LANGUAGES, WIDTHS, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def w():
    return build_catalogue_world()


def catalogue_pages(w, language: str) -> list[str]:
    return [f"/{language}/venues/", f"/{language}/venues/?municipality={w.tampere.pk}&q=n%C3%A4yttely",
            f"/{language}/venues/?q=nothing-matches", f"/{language}/regions/",
            f"/{language}/regions/{w.tampere_region.pk}/", f"/{language}/regions/{w.savonlinna_region.pk}/"]


def test_catalogue_and_region_pages_reflow_at_390_and_320_px_in_finnish_and_swedish(chromium, live_server, w):
    too_wide, wrong_language, violations = {}, {}, []
    for language in LANGUAGES:
        context, page = new_page(chromium, live_server, language)
        violations += watch_csp(context)
        for path in catalogue_pages(w, language):
            page.set_viewport_size({"width": 390, "height": 800})
            page.goto(path)
            if (lang := page.evaluate("document.documentElement.lang")) != language:
                wrong_language[path] = lang
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 800})
                scroll_width = page.evaluate("document.documentElement.scrollWidth")
                if os.environ.get("REFLOW_REPORT"):
                    print(f"REFLOW {language} {width} {path} {scroll_width}")
                if scroll_width > width:
                    too_wide[(path, width)] = (scroll_width, page.evaluate(CULPRITS))
        context.close()

    assert too_wide == {}
    assert wrong_language == {}
    assert violations == []


def test_catalogue_and_region_pages_have_no_critical_or_serious_axe_violation(chromium, live_server, w):
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")
    axe = axe_module.Axe()
    found = {}
    for language in LANGUAGES:
        context, page = new_page(chromium, live_server, language, bypass_csp=True)
        for path in catalogue_pages(w, language):
            page.goto(path)
            results = axe.run(page)
            blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING]
            if blocking:
                found[path] = [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}" for v in blocking]
        context.close()

    assert found == {}


def test_the_filters_work_with_the_keyboard_and_give_a_shareable_address_at_320_px(chromium, live_server, w):
    context, page = new_page(chromium, live_server, "sv")
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto("/sv/venues/")

    page.locator("#id_municipality").focus()
    page.select_option("#id_municipality", str(w.tampere.pk))
    page.locator("#id_q").focus()
    page.keyboard.type("vapriikki")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/sv/venues/?q=vapriikki&region=&municipality={w.tampere.pk}&category=")

    assert page.locator("article.venue h3").all_inner_texts() == ["Vapriikki"]
    assert "Tammerfors" in page.locator("article.venue .venue-meta").inner_text()
    assert page.locator("#results-count").inner_text() == "1 aktör"
    shared = page.url
    context.close()

    context, page = new_page(chromium, live_server, "fi")
    page.goto(shared)  # a shared link opens the same list in the language it was copied in
    assert page.evaluate("document.documentElement.lang") == "sv"
    assert page.locator("article.venue h3").all_inner_texts() == ["Vapriikki"]
    context.close()
