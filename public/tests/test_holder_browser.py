"""The holder's own mobile card in real Chromium (issue 14): activate with number and code, the live code refreshes,
open it offline, the office withdraws the link, the old link says how to get the card back, a new code works; the
counter scanning a live and a stale code. Data: ``seed_demo --small``."""

import time

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from cards import holder
from cards.models import Card
from counter.tests.test_browser import browser, demo  # noqa: F401 - fixtures
from devdata.demo import DEMO_CARDS
from kaikukanta.tests.browser import wait_for_the_offline_copy, watch_csp

TIMEOUT_MS = 15_000
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _staff(username: str):
    return get_user_model().objects.get(username=username)


def _context(browser, live_server, username: str | None = None):  # noqa: F811
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    if username:
        client = Client()
        client.force_login(_staff(username))
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                              "url": live_server.url}])
    return context, watch_csp(context)


def _activate(page, number: str, code: str) -> None:
    page.goto("/en/")
    page.click('a[href="/en/card/activate/"]')
    page.fill("#id_number", number)
    page.fill("#id_code", code)
    page.keyboard.press("Enter")


def test_holder_activates_goes_offline_loses_the_phone_and_activates_again(browser, live_server, demo):  # noqa: F811
    card = Card.objects.get(number=DEMO_CARDS["tampere_valid"])
    jakaja = _staff("jakaja-tampere")
    code = holder.activation_code_issue(user=jakaja, card=card)
    context, violations = _context(browser, live_server)
    page = context.new_page()

    _activate(page, card.display_number.lower(), code.lower())
    page.wait_for_url("**/cards/m/*/")
    link = page.url
    page.locator("#live-code").wait_for()
    card.refresh_from_db()
    shown = page.locator("#live-code").inner_text()
    assert shown in {holder.live_code(card), holder.live_code(card, at=time.time() - 30)}
    # The code refreshes from live.json without reloading the page.
    page.evaluate("document.getElementById('live-code').textContent = 'old'")
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    page.wait_for_function("() => document.getElementById('live-code').textContent !== 'old'")

    # Offline the cached card still opens.
    assert page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    wait_for_the_offline_copy(page)
    context.set_offline(True)
    page.reload()
    assert page.locator("#card-number").inner_text() == card.display_number
    # It says when the card was last checked, and the phone keeps making live codes from the card's secret.
    checked = page.locator("#last-checked")
    assert checked.get_attribute("datetime")
    assert page.locator("p.checked").inner_text().startswith("Viimeksi tarkistettu:")
    page.locator("#live-card").wait_for(state="visible")
    assert page.locator("#live-code").inner_text() in {holder.live_code(card),
                                                       holder.live_code(card, at=time.time() - 30)}
    context.set_offline(False)

    # The same code again is refused with the error summary.
    other, _ = _context(browser, live_server)
    second = other.new_page()
    _activate(second, card.number, code)
    second.locator(".error-summary").wait_for()
    assert "already been used" in second.locator(".error-summary").inner_text()

    # The office withdraws the link: the old link says how to get the card back; a new code works.
    holder.link_withdraw(user=jakaja, card=card)
    fresh, _ = _context(browser, live_server)
    old = fresh.new_page()
    old.goto(link)
    assert old.locator("h1").inner_text() == "This link no longer opens the card"
    new_code = holder.activation_code_issue(user=jakaja, card=card)
    old.click('a[href="/en/card/activate/"]')
    old.fill("#id_number", card.number)
    old.fill("#id_code", new_code)
    old.keyboard.press("Enter")
    old.wait_for_url("**/cards/m/*/")
    assert old.url != link
    old.locator("#live-code").wait_for()
    assert violations == []
    for each in (context, other, fresh):
        each.close()


def test_counter_scans_a_live_and_a_stale_code(browser, live_server, demo):  # noqa: F811
    card = Card.objects.get(number=DEMO_CARDS["tampere_valid"])
    holder.activate(number=card.number, code=holder.activation_code_issue(user=_staff("jakaja-tampere"), card=card),
                    address="192.0.2.5")
    card.refresh_from_db()
    context, violations = _context(browser, live_server, "kohde-vapriikki")
    page = context.new_page()
    page.goto("/")
    page.wait_for_url("**/venues/counter/")

    for payload, words in ((holder.live_payload(card), "Live mobile card code"),
                           (holder.live_payload(card, at=time.time() - 120), "Old mobile card code")):
        page.fill("#check-form input[name=number]", payload)
        page.keyboard.press("Enter")
        page.wait_for_function("(words) => { const el = document.querySelector('#result-status .mobile-code');"
                               " return el && el.textContent.startsWith(words); }", arg=words)
        assert page.locator("#result-status .check-panel").get_attribute("data-valid") == "true"
    page.fill("#check-form input[name=number]", card.number)
    page.keyboard.press("Enter")
    page.wait_for_function("() => !document.querySelector('#result-status .mobile-code')")
    assert page.locator("#result-status .check-panel").get_attribute("data-valid") == "true"
    assert violations == []
    context.close()
