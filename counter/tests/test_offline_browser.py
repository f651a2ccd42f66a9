"""The counter offline, in real Chromium (issue 11, point 5): the network drops, three uses are logged without
checking (one for an expired card), the network comes back and each valid use reaches the server exactly once, even
when the browser sends them all again; the refused one is listed until resolved. Then the service worker: the page
opens without a network after a reload, and signing out empties its copy.

Data: ``seed_demo --small`` (devdata.demo). Playwright's ``context.set_offline`` also cuts the service worker's
fetches in this Chromium (checked: a reload while offline is answered from the worker's cache, not the network).
"""

import datetime
import os

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone, translation
from playwright.sync_api import Error as PlaywrightError

from cards.models import Use
from core.errors import MESSAGES
from devdata.demo import DEMO_CARDS
from kaikukanta.tests.browser import watch_csp

TIMEOUT_MS = 10_000
VENUE = "Vapriikki"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def counter(chromium, live_server, transactional_db):
    """A signed-in Vapriikki box office on the counter page: yields (context, page); no CSP violation at the end."""
    call_command("seed_demo", "--small", stdout=open(os.devnull, "w"))  # noqa: SIM115
    client = Client()
    client.force_login(get_user_model().objects.get(username="kohde-vapriikki"))
    context = chromium.new_context(base_url=live_server.url, locale="en-GB")
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    context.set_default_timeout(TIMEOUT_MS)
    violations = watch_csp(context)
    page = context.new_page()
    page.goto("/venues/counter/")
    yield context, page
    context.close()
    assert violations == []


def _uses(key: str) -> list[tuple]:
    return list(Use.objects.filter(card__number=DEMO_CARDS[key], venue__name=VENUE).order_by("pk")
                .values_list("kind", "children", "used_on", "channel"))


def _log_offline(page, number: str, children: int = 0) -> None:
    """As staff do: the number into the check field and Enter; offline it goes to "log without checking", whose
    button takes the focus; one more Enter keeps the use."""
    page.locator("#id_number").focus()
    page.keyboard.type(number)
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.matches('#offline-form button[type=submit]')")
    assert page.locator("#offline_number").input_value() == number
    if children:
        page.locator("#offline_children").fill(str(children))
        page.locator("#offline_children").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("(n) => document.activeElement.id === 'id_number' && !document.activeElement.value"
                           " && document.getElementById('offline-status').textContent.includes(n)",
                           arg=number[-3:])


def _kept(page) -> list[dict]:
    """The uses kept in the browser's IndexedDB (counter-offline.js)."""
    return page.evaluate("""() => new Promise((resolve, reject) => {
        const open = indexedDB.open("kaikukanta-counter", 1);
        open.onsuccess = () => {
            const request = open.result.transaction("uses").objectStore("uses").getAll();
            request.onsuccess = () => resolve(request.result);
            request.onerror = () => reject(request.error);
        };
    })""")


def _keep_again(page, uses: list[dict]) -> None:
    page.evaluate("""(uses) => new Promise((resolve) => {
        const open = indexedDB.open("kaikukanta-counter", 1);
        open.onsuccess = () => {
            const tx = open.result.transaction("uses", "readwrite");
            uses.forEach((use) => tx.objectStore("uses").put(use));
            tx.oncomplete = () => resolve();
        };
    })""", uses)


def _until(page, promise_expression: str) -> None:
    """Poll an expression that answers with a promise (wait_for_function takes a promise itself as truthy)."""
    for _ in range(100):
        if page.evaluate(promise_expression):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"never true: {promise_expression}")


def test_offline_three_uses_reach_the_server_once_each_and_the_refused_one_is_listed(counter):
    context, page = counter
    before = {key: _uses(key) for key in ("tampere_valid", "tampere_children", "tampere_expired")}
    rows_before = page.locator("#today-rows tr").count()

    context.set_offline(True)
    banner = page.locator("#offline-banner")
    banner.wait_for(state="visible")
    assert "No connection: cards cannot be checked" in banner.inner_text()  # words and an icon, not colour alone
    assert page.locator("#offline-alert").inner_text().startswith("No connection: cards cannot be checked.")

    _log_offline(page, DEMO_CARDS["tampere_valid"])
    _log_offline(page, DEMO_CARDS["tampere_children"], children=1)
    _log_offline(page, DEMO_CARDS["tampere_expired"])
    assert page.locator("#offline-waiting .count").inner_text() == "3"
    assert "TAM-•••-E4T" in page.locator("#offline-waiting").inner_text()
    kept = _kept(page)
    assert sorted(use["number"] for use in kept) == sorted(
        DEMO_CARDS[key] for key in ("tampere_valid", "tampere_children", "tampere_expired"))
    assert len({use["key"] for use in kept}) == 3
    assert all(len(use["key"]) == 32 for use in kept)
    assert {key: _uses(key) for key in before} == before  # nothing reached the server

    # A mistyped number is caught offline too (the check character), and nothing is kept for it.
    page.locator("#id_number").focus()
    page.keyboard.type(DEMO_CARDS["tampere_valid"][:-1] + "2")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.id === 'offline_number'")
    assert page.locator("#offline-error").inner_text() == str(MESSAGES["card_number_invalid"])
    page.keyboard.press("Escape")
    assert len(_kept(page)) == 3

    context.set_offline(False)
    page.locator("#offline-waiting").wait_for(state="hidden")
    page.locator("#offline-refused li").wait_for()
    assert banner.is_hidden()
    today = timezone.localdate()
    assert _uses("tampere_valid") == [*before["tampere_valid"], ("ticket", 0, today, "counter")]
    assert _uses("tampere_children") == [*before["tampere_children"], ("ticket", 1, today, "counter")]
    assert _uses("tampere_expired") == before["tampere_expired"]
    status = page.locator("#offline-status").inner_text()
    assert "sent to the server: 2." in status
    assert "after sending: 1." in status
    assert page.locator("#today-rows tr").count() == rows_before + 2  # the sent ones, in today's log

    refused = page.locator("#offline-refused li")
    assert refused.count() == 1
    assert "TAM-•••-E4T" in refused.inner_text()
    assert str(MESSAGES["card_expired"]) in refused.inner_text()
    assert page.locator("#offline-refused .count").inner_text() == "1"

    # The browser sends every one of them again (a lost answer, another tab): the keys keep it to one use each.
    _keep_again(page, kept)
    page.reload()
    page.wait_for_function("() => document.getElementById('offline-waiting').hidden"
                           " && document.querySelectorAll('#offline-refused li').length === 1")
    assert len(_uses("tampere_valid")) == len(before["tampere_valid"]) + 1
    assert len(_uses("tampere_children")) == len(before["tampere_children"]) + 1
    assert _uses("tampere_expired") == before["tampere_expired"]
    assert str(MESSAGES["card_expired"]) in page.locator("#offline-refused li").inner_text()

    # Resolved: the staff member removes it from the list with the keyboard.
    page.locator("#offline-refused .item-resolve").focus()
    page.keyboard.press("Enter")
    page.locator("#offline-refused").wait_for(state="hidden")
    assert _kept(page) == []
    assert page.locator("#offline").is_hidden()


def test_a_use_taken_offline_late_yesterday_lands_on_yesterday(counter):
    context, page = counter
    before = _uses("tampere_valid")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    context.set_offline(True)
    page.locator("#offline-banner").wait_for(state="visible")
    evening = timezone.make_aware(datetime.datetime.combine(yesterday, datetime.time(21, 30)))
    page.clock.set_fixed_time(evening)  # the tent's evening; the connection comes back after midnight
    _log_offline(page, DEMO_CARDS["tampere_valid"])
    page.clock.set_fixed_time(timezone.now())
    context.set_offline(False)
    page.locator("#offline-waiting").wait_for(state="hidden")
    assert _uses("tampere_valid") == [*before, ("ticket", 0, yesterday, "late")]
    assert "visit on" in page.locator("#today-rows tr").first.inner_text()


def test_the_service_worker_opens_the_counter_offline_and_sign_out_empties_its_copy(counter):
    context, page = counter
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    _until(page, """() => caches.open("kaikukanta-counter-v1").then((cache) => cache.keys())
        .then((keys) => keys.some((r) => r.url.endsWith('/venues/counter/'))
                        && keys.some((r) => r.url.endsWith('/js/counter-offline.js')))""")
    assert page.evaluate("() => navigator.serviceWorker.controller.scriptURL").endswith("/venues/counter/sw.js")

    context.set_offline(True)
    page.reload()  # answered from the worker's copy: the page and its scripts
    page.locator("#offline-banner").wait_for(state="visible")
    assert page.locator("h1").inner_text() == "Counter"
    before = _uses("tampere_valid")
    _log_offline(page, DEMO_CARDS["tampere_valid"])
    context.set_offline(False)
    page.locator("#offline-waiting").wait_for(state="hidden")
    assert _uses("tampere_valid") == [*before, ("ticket", 0, timezone.localdate(), "counter")]

    # Signing out: the next page (no one signed in) deletes the copy, so the next person never sees this page.
    page.set_viewport_size({"width": 1280, "height": 800})
    with page.expect_navigation():
        page.locator("form[action$='/accounts/logout/'] button").click()
    _until(page, "() => caches.keys().then((names) => names.length === 0)")
    context.set_offline(True)
    with pytest.raises(PlaywrightError, match="ERR_FAILED|ERR_INTERNET_DISCONNECTED"):  # no copy left
        page.goto("/venues/counter/")
