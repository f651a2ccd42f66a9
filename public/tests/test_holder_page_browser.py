"""The holder's own card in real Chromium, the parts the first journey (test_holder_browser.py) leaves out (issue 14):
the office hands over an activation code and withdraws a lost phone's link on its own pages; the holder's page at
320 px with the keyboard alone, its language switch and axe; the live code hidden after a week without a check.
Data: ``seed_demo --small``."""

import datetime
import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from cards import holder
from cards.models import Card
from cards.tests.factories import UseFactory
from counter.tests.test_browser import browser, demo  # noqa: F401 - fixtures
from devdata.demo import DEMO_CARDS
from kaikukanta.tests.browser import wait_for_the_offline_copy, watch_csp
from kaikukanta.tests.test_axe import blocking_violations
from venues.models import Venue

TIMEOUT_MS = 15_000
DAY_MS = 86_400_000
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _context(browser, live_server, username: str | None = None, **options):  # noqa: F811
    context = browser.new_context(base_url=live_server.url, locale="en-GB", **options)
    context.set_default_timeout(TIMEOUT_MS)
    if username:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                              "url": live_server.url}])
    return context, watch_csp(context)


def _activate(page, number: str, code: str) -> None:
    page.goto("/en/card/activate/")
    page.fill("#id_number", number)
    page.fill("#id_code", code)
    page.keyboard.press("Enter")


def _issue_code_on_the_office_page(office, card: Card) -> str:
    office.goto(f"/cards/{card.pk}/")
    office.click(f'a[href="/cards/{card.pk}/mobile/"]')
    office.click("#issue-code")
    return office.locator("#activation-code").inner_text()


def _activated_link(browser, live_server, card: Card) -> str:  # noqa: F811
    code = holder.activation_code_issue(user=get_user_model().objects.get(username="jakaja-tampere"), card=card)
    return "/cards/m/" + holder.activate(number=card.number, code=code, address="192.0.2.7") + "/"


def test_the_office_hands_over_a_code_then_withdraws_the_lost_phone_s_link(browser, live_server, demo):  # noqa: F811
    card = Card.objects.get(number=DEMO_CARDS["tampere_valid"])
    staff, staff_csp = _context(browser, live_server, "jakaja-tampere")
    office = staff.new_page()
    code = _issue_code_on_the_office_page(office, card)
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", code)

    phone, phone_csp = _context(browser, live_server)
    page = phone.new_page()
    _activate(page, card.number, code)
    page.wait_for_url("**/cards/m/*/")
    link = page.url
    page.locator("#live-code").wait_for()

    other, other_csp = _context(browser, live_server)  # the same code on another new browser: refused
    second = other.new_page()
    _activate(second, card.number, code)
    assert "already been used" in second.locator(".error-summary").inner_text()
    assert second.url.endswith("/en/card/activate/")

    # "Phone lost": the office withdraws the link on the same page; the open card notices at its next check.
    office.click("#withdraw-link")
    office.wait_for_url(f"**/cards/{card.pk}/")
    assert "mobile link was withdrawn" in office.locator("body").inner_text()
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_function("() => document.querySelector('h1').textContent === 'This link no longer opens the card'")
    page.goto(link)
    assert page.locator("h1").inner_text() == "This link no longer opens the card"
    assert page.evaluate("() => caches.open('kaikukortti-mobile-v1').then(c => c.keys())"
                         ".then(keys => keys.filter(r => r.url.includes('/cards/m/')).length)") == 0
    new_code = _issue_code_on_the_office_page(office, card)
    assert new_code != code
    page.click('a[href="/en/card/activate/"]')
    page.fill("#id_number", card.display_number)
    page.fill("#id_code", new_code)
    page.keyboard.press("Enter")
    page.wait_for_url("**/cards/m/*/")
    assert page.url != link
    assert page.locator("#card-number").inner_text() == card.display_number
    assert staff_csp == phone_csp == other_csp == []
    for context in (staff, phone, other):
        context.close()


def test_the_holder_s_page_at_320_px_with_the_keyboard_in_three_languages(browser, live_server, demo):  # noqa: F811
    card = Card.objects.get(number=DEMO_CARDS["tampere_valid"])
    vapriikki = Venue.objects.get(name__startswith="Vapriikki")
    UseFactory(card=card, venue=vapriikki, used_on=timezone.localdate() - datetime.timedelta(days=3))
    link = _activated_link(browser, live_server, card)
    context, violations = _context(browser, live_server, viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(link)

    assert page.locator("html").get_attribute("lang") == "fi"
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert page.locator("h2").all_inner_texts() == [
        "Vaihtuva koodi", "Käyttökertani viimeisen 24 kuukauden ajalta", "Missä kortti käy", "Kortin uusiminen",
        "Mitä kortista tallennetaan"]
    assert "Vapriikki" in page.locator(".uses").inner_text()
    assert "Vapriikki" in page.locator("#where").inner_text()

    # With the keyboard alone: the language switch comes first; Svenska keeps the holder on the card.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Svenska"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/cards/m/[^/]+/\?lang=sv$"))
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.locator("p.checked").inner_text().startswith("Senast kontrollerat:")
    assert page.locator("#card-number").inner_text() == card.display_number
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "English"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*\?lang=en$"))
    assert page.locator("#stored-title").inner_text() == "What is stored about this card"
    assert "no phone number and no e-mail address" in page.locator("body").inner_text()
    assert violations == []
    context.close()

    # axe-core (its script needs the CSP off) finds no critical or serious violation.
    checked, _ = _context(browser, live_server, viewport={"width": 320, "height": 640}, bypass_csp=True)
    page = checked.new_page()
    page.goto(link)
    page.locator("#live-code").wait_for()
    assert blocking_violations(page) == []
    checked.close()


def test_after_a_week_without_a_check_the_live_code_is_hidden_and_online_it_returns(browser, live_server,  # noqa: F811
                                                                                    demo):  # noqa: F811
    card = Card.objects.get(number=DEMO_CARDS["tampere_valid"])
    link = _activated_link(browser, live_server, card)
    context, violations = _context(browser, live_server)
    page = context.new_page()
    page.clock.install()
    page.goto(link)
    assert page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("() => document.getElementById('live-code').textContent.length === 6")
    wait_for_the_offline_copy(page)
    card.refresh_from_db()

    context.set_offline(True)
    page.reload()
    page.locator("#live-card").wait_for(state="visible")
    page.clock.fast_forward(6 * DAY_MS)  # six days offline: the phone still makes the live code
    page.wait_for_function("() => !document.getElementById('live-card').hidden")
    assert page.locator("#live-offline").is_hidden()
    page.clock.fast_forward(25 * 3_600_000)  # over seven days
    page.wait_for_function("() => document.getElementById('live-card').hidden")
    assert "Yhdistä internetiin" in page.locator("#live-offline").inner_text()
    assert page.locator("#card-number").inner_text() == card.display_number  # the number still shows

    # Online again, a successful check shows the live code at once, on the server's clock.
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_function("() => !document.getElementById('live-card').hidden")
    page.wait_for_function("(codes) => codes.includes(document.getElementById('live-code').textContent)",
                           arg=[holder.live_code(card), holder.live_code(card, at=time.time() - 30),
                                holder.live_code(card, at=time.time() + 30)])
    assert violations == []
    context.close()
