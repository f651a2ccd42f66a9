"""The counter in real Chromium, keyboard only (no mouse): what a box office does on a busy evening.

Data: ``seed_demo --small`` (the demo logins and the known demo cards of devdata.demo). Sessions are
created server-side and handed to the browser as a cookie, so the tests start on the landing page.
Skipped without /usr/bin/chromium unless REQUIRE_BROWSER=1 (CI), where a missing browser fails.
"""

import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from cards import numbers
from cards.models import Card, CardCheck, Use
from core.errors import MESSAGES
from devdata.demo import DEMO_CARDS, OPISTO, SAVONLINNA_VENUE, VAPRIIKKI_OFFER
from kaikukanta.tests.browser import CHROMIUM, CHROMIUM_ARGS, watch_csp

TIMEOUT_MS = 10_000

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def browser(chromium):
    return chromium


@pytest.fixture(autouse=True)
def _english():
    """The browser asks for English (locale en-GB); messages compared here are English too."""
    with translation.override("en"):
        yield


@pytest.fixture
def demo(browser, transactional_db):
    call_command("seed_demo", "--small", stdout=open(os.devnull, "w"))  # noqa: SIM115


@pytest.fixture
def counter_page(browser, live_server, demo):
    """Open the landing page of a demo venue login; yields a function username -> page."""
    contexts, violations = [], []

    def open_as(username: str):
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        context = browser.new_context(base_url=live_server.url, locale="en-GB")
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                              "url": live_server.url}])
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        violations.append(watch_csp(context))
        page = context.new_page()
        page.goto("/")
        page.wait_for_url("**/venues/counter/")
        return page

    yield open_as
    for context in contexts:
        context.close()
    assert [text for texts in violations for text in texts] == []  # the pages run under the CSP unharmed


def _active(page, expression: str):
    return page.evaluate(f"() => {{ const el = document.activeElement; return {expression}; }}")


def _focus_is_in_number_field(page) -> bool:
    return _active(page, "el && el.name === 'number' && el.form && el.form.id === 'check-form'")


def _tab_to(page, selector: str, limit: int = 12) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def _check(page, number: str) -> None:
    assert _focus_is_in_number_field(page)
    page.keyboard.type(number)
    page.keyboard.press("Enter")
    page.locator("#result-status .check-panel").wait_for()


def _verdict(page) -> str:
    return " ".join(page.locator("#result-status .verdict").inner_text().split())


def _wait_logged(page) -> str:
    page.wait_for_function("() => document.getElementById('log-confirmation').textContent.length > 0")
    return page.locator("#log-confirmation").inner_text()


def _uses(number: str, venue_name: str) -> list[tuple]:
    return list(Use.objects.filter(card__number=number, venue__name=venue_name).order_by("pk")
                .values_list("kind", "children"))


def test_vapriikki_checks_and_logs_cards_with_the_keyboard(counter_page):
    page = counter_page("kohde-vapriikki")
    valid, with_children = DEMO_CARDS["tampere_valid"], DEMO_CARDS["tampere_children"]
    before_valid, before_children = _uses(valid, "Vapriikki"), _uses(with_children, "Vapriikki")
    assert _focus_is_in_number_field(page)

    # A valid card: the panel says so; one more Enter logs one ticket without children.
    _check(page, numbers.display(valid).lower())
    assert _verdict(page) == "✓ Valid"
    assert page.locator("#result-status .check-panel").get_attribute("data-valid") == "true"
    assert _active(page, "el.classList.contains('log-button')")
    page.keyboard.press("Enter")
    assert _wait_logged(page).startswith("✓ Logged a ticket for ")
    assert _focus_is_in_number_field(page)
    assert page.locator("#id_number").input_value() == ""
    assert _uses(valid, "Vapriikki") == [*before_valid, ("ticket", 0)]
    assert page.locator("#today-rows tr").first.inner_text().count("•••") == 1

    # A card with children: one Tab to the children field, then Enter logs.
    _check(page, with_children)
    assert _verdict(page) == "✓ Valid"
    assert page.locator("#result-status .children-allowed").inner_text() == "2"
    page.keyboard.press("Tab")
    assert _active(page, "el.name === 'children'")
    page.keyboard.press("Control+A")
    page.keyboard.type("2")
    page.keyboard.press("Enter")
    assert "with 2 children" in _wait_logged(page)
    assert _uses(with_children, "Vapriikki") == [*before_children, ("ticket", 2)]
    assert _focus_is_in_number_field(page)

    # An expired card is refused with the reason; the focus stays ready for the next card.
    uses_before = Use.objects.count()
    _check(page, DEMO_CARDS["tampere_expired"])
    assert _verdict(page) == "✗ Refused"
    assert page.locator("#result-status .reason").inner_text() == str(MESSAGES["card_expired"])
    assert page.locator("#log-form").count() == 0
    assert _focus_is_in_number_field(page)

    # A mistyped number (last character wrong): refused before any lookup. Typing replaces the old number.
    mistyped = valid[:-1] + ("2" if valid[-1] != "2" else "3")
    _check(page, mistyped)
    page.wait_for_function("() => document.querySelector('#result-status .check-panel').dataset.code"
                           " === 'card_number_invalid'")
    assert page.locator("#result-status .reason").inner_text() == str(MESSAGES["card_number_invalid"])
    assert page.locator("#id_number").input_value() == mistyped
    assert Use.objects.count() == uses_before


def test_vapriikki_logs_a_community_card_with_group_and_clients(counter_page):
    page = counter_page("kohde-vapriikki")
    community = DEMO_CARDS["tampere_community"]
    assert Card.objects.get(number=community).kind == "community"
    _check(page, community)
    assert _verdict(page) == "✓ Valid"
    assert _active(page, "el.name === 'group_size'")
    page.keyboard.type("3")
    page.keyboard.press("Tab")
    assert _active(page, "el.name === 'children'")
    page.keyboard.press("Control+A")
    page.keyboard.type("2")
    page.keyboard.press("Enter")
    _wait_logged(page)
    use = Use.objects.filter(card__number=community).latest("pk")
    assert (use.group_size, use.children, use.kind) == (3, 2, "ticket")

    # The new first line of today's log, and its own cancel form, reached with the keyboard.
    row = page.locator(f"#use-{use.pk}")
    assert " ".join(row.locator("td").nth(2).inner_text().split()) == "ticket · community card (group of 3)"
    assert row.locator("td").nth(3).inner_text() == "2"
    _tab_to(page, f"#use-{use.pk} summary", limit=20)
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert _active(page, f"el.id === 'id_cancel-{use.pk}-reason'")
    page.keyboard.type("Väärä ryhmä")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    use.refresh_from_db()
    assert (use.cancel_reason, use.cancelled_at is not None) == ("Väärä ryhmä", True)
    assert "Väärä ryhmä" in page.locator(f"#use-{use.pk}").inner_text()


def test_opisto_logs_a_course_place_and_refuses_children_on_it(counter_page):
    page = counter_page("kohde-opisto")
    holder = DEMO_CARDS["tampere_children"]
    before = _uses(holder, OPISTO)

    # Children on a course place: refused with the reason, the focus goes to the children field.
    _check(page, holder)
    page.keyboard.press("Tab")
    assert _active(page, "el.name === 'children'")
    page.keyboard.press("Control+A")
    page.keyboard.type("1")
    _tab_to(page, "input[name=kind]")
    # Issue 11: at a venue for courses the kind starts as a course place (it took an ArrowRight before).
    assert _active(page, "el.value === 'course' && el.checked")
    _tab_to(page, ".log-details button[type=submit]")
    page.keyboard.press("Enter")
    error = page.locator("#log-form .log-error")
    error.wait_for()
    page.wait_for_function("() => document.querySelector('#log-form .log-error').textContent.length > 0")
    assert error.inner_text() == str(MESSAGES["children_not_allowed_for_courses"])
    assert _active(page, "el.name === 'children'")
    assert _uses(holder, OPISTO) == before

    # Corrected: no children, a course place.
    page.keyboard.press("Control+A")
    page.keyboard.type("0")
    page.keyboard.press("Enter")
    assert _wait_logged(page).startswith("✓ Logged a course place for ")
    assert _uses(holder, OPISTO) == [*before, ("course", 0)]
    assert _focus_is_in_number_field(page)


def test_savonlinna_refuses_a_tampere_card(counter_page):
    page = counter_page("kohde-savonlinna")
    assert SAVONLINNA_VENUE in page.locator("hgroup").inner_text()
    uses_before = Use.objects.count()
    _check(page, DEMO_CARDS["tampere_valid"])
    assert _verdict(page) == "✗ Refused"
    assert page.locator("#result-status .reason").inner_text() == str(MESSAGES["card_not_valid_in_region"])
    assert _focus_is_in_number_field(page)
    assert Use.objects.count() == uses_before


def _qr_video(path: Path, content: str, width: int = 640, height: int = 480) -> None:
    """A Y4M clip showing ``content`` as a QR code, for Chromium's fake camera."""
    import segno

    matrix = segno.make(content, error="m").matrix
    border = 4
    modules = len(matrix) + 2 * border
    scale = min(width, height) * 9 // 10 // modules
    left, top = (width - modules * scale) // 2, (height - modules * scale) // 2
    luma = bytearray(b"\xff" * (width * height))
    for y, line in enumerate(matrix):
        for x, dark in enumerate(line):
            if not dark:
                continue
            for dy in range(scale):
                start = (top + (y + border) * scale + dy) * width + left + (x + border) * scale
                luma[start:start + scale] = b"\x00" * scale
    chroma = b"\x80" * (width * height // 4)
    frame = b"FRAME\n" + bytes(luma) + chroma + chroma
    path.write_bytes(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode() + frame * 10)


def test_camera_button_reads_the_qr_code_url_with_the_vendored_reader(browser, live_server, demo, tmp_path):
    """Chromium on Linux has no BarcodeDetector: the vendored barcode-detector/zxing-wasm reads the
    fake camera, offline, and the number from the URL in the QR code is checked at once."""
    valid = DEMO_CARDS["tampere_valid"]
    clip = tmp_path / "card-qr.y4m"
    _qr_video(clip, f"https://kaikukanta.example/kortti/{numbers.display(valid)}")
    camera = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[*CHROMIUM_ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
              f"--use-file-for-fake-video-capture={clip}"],
    )
    try:
        client = Client()
        client.force_login(get_user_model().objects.get(username="kohde-vapriikki"))
        context = camera.new_context(base_url=live_server.url, locale="en-GB")
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                              "url": live_server.url}])
        context.grant_permissions(["camera"], origin=live_server.url)
        context.set_default_timeout(TIMEOUT_MS)
        violations = watch_csp(context)
        page = context.new_page()
        external = []
        page.on("request", lambda request: external.append(request.url)
                if not request.url.startswith(live_server.url) else None)
        page.goto("/venues/counter/")
        assert page.evaluate("() => 'BarcodeDetector' in window") is False
        _tab_to(page, "#scan-button")
        page.keyboard.press("Enter")
        page.locator("#result-status .check-panel").wait_for(timeout=20_000)
        assert _verdict(page) == "✓ Valid"
        assert page.locator("#id_number").input_value() == numbers.display(valid)
        assert _active(page, "el.classList.contains('log-button')")
        assert page.locator("#scanner").is_hidden()
        assert external == []
        assert violations == []  # the wasm reader compiles under script-src 'self' 'wasm-unsafe-eval'
        context.close()
    finally:
        camera.close()


# --- issue 11: today's offer first, a course place first at a venue for courses, a typo is not a refusal -------


def test_vapriikki_chooses_the_40_place_offer_once_and_enter_counts_against_it(counter_page):
    from venues.models import Offer

    page = counter_page("kohde-vapriikki")
    offer = Offer.objects.get(title=VAPRIIKKI_OFFER)
    assert offer.quota == 40
    Offer.objects.filter(pk=offer.pk).update(used_count=0)  # the demo's own uses aside: a fresh evening
    page.reload()
    assert "Choose today's offer first" in page.locator("#offer-status").inner_text()

    # "o" (outside a text field) goes to today's offer; choose it once with the keyboard.
    page.evaluate("() => document.activeElement.blur()")
    page.keyboard.press("o")
    assert _active(page, "el.id === 'id_today_offer'")
    page.locator("#id_today_offer").select_option(str(offer.pk))
    page.keyboard.press("Tab")
    assert _active(page, "el.id === 'offer-submit'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#offer-places").inner_text() == "40 places left"

    # Three cards, each logged by Enter alone (the community card with a group of one).
    for key in ("tampere_valid", "tampere_children", "tampere_community"):
        _check(page, DEMO_CARDS[key])
        assert _verdict(page) == "✓ Valid"
        if key == "tampere_community":
            page.keyboard.type("1")
        page.keyboard.press("Enter")
        _wait_logged(page)
        assert _focus_is_in_number_field(page)
    offer.refresh_from_db()
    assert offer.used_count == 3
    assert page.locator("#offer-places").inner_text() == "37 places left"
    assert Use.objects.filter(offer=offer).count() >= 3
    page.reload()
    assert page.locator("#offer-places").inner_text() == "37 places left"  # the choice stays for the session


def test_opisto_logs_a_course_place_by_enter_and_shows_no_children(counter_page):
    page = counter_page("kohde-opisto")
    holder = DEMO_CARDS["tampere_children"]
    before = _uses(holder, OPISTO)
    _check(page, holder)
    assert _verdict(page) == "✓ Valid"
    assert page.locator("#result-status .children-allowed").count() == 0
    assert "Children" not in page.locator("#result-status").inner_text()
    assert page.locator("#log-form .log-button").inner_text() == "Log course place"
    page.keyboard.press("Enter")
    assert _wait_logged(page).startswith("✓ Logged a course place for ")
    assert _uses(holder, OPISTO) == [*before, ("course", 0)]


def test_a_mistyped_number_shows_check_the_number_and_checks_no_card(counter_page):
    page = counter_page("kohde-vapriikki")
    valid = DEMO_CARDS["tampere_valid"]
    mistyped = valid[:-1] + ("2" if valid[-1] != "2" else "3")
    against_a_card = CardCheck.objects.filter(card__isnull=False).count()
    _check(page, mistyped)
    panel = page.locator("#result-status .check-panel")
    assert _verdict(page) == "✎ Check the number"
    assert "is-mistyped" in panel.get_attribute("class")
    assert "is-refused" not in panel.get_attribute("class")
    assert page.locator("#result-status").get_attribute("aria-live") == "assertive"
    assert page.locator("#result-status .advice").inner_text().startswith("Tell the client:")
    assert CardCheck.objects.filter(card__isnull=False).count() == against_a_card
    assert CardCheck.objects.latest("pk").result == "card_number_invalid"
    assert CardCheck.objects.latest("pk").card_id is None
