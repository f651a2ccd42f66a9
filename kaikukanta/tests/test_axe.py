"""axe-core in real Chromium: no critical or serious violation on the counter in each of its states, nor on the card
register page with errors, a card's page and the regional dashboard (issue 11: "0 critical/serious violations on the
counter in each state").

axe-core comes from PyPI with ``axe-playwright-python`` (its bundled axe.min.js; requirements.txt). Its script is
injected into the page, which the Content-Security-Policy (script-src 'self') would block, so the axe contexts, and
only they, run with Playwright's ``bypass_csp``; the journeys elsewhere keep asserting that the pages run under the
CSP unharmed. Data: ``seed_demo --small``; sessions are made server-side and handed to the browser as a cookie.
Skipped without /usr/bin/chromium unless REQUIRE_BROWSER=1 (CI), where a missing browser fails.

A new state of the counter is one more line in COUNTER_STATES: a function that brings the signed-in counter page
(``page``) into the state and waits until it shows.
"""

import datetime
import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from cards.models import Card
from devdata.demo import DEMO_CARDS

TIMEOUT_MS = 15_000
BLOCKING = ("critical", "serious")
AXE = Axe()

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(chromium, transactional_db):
    with open(os.devnull, "w") as devnull:
        call_command("seed_demo", "--small", stdout=devnull)


@pytest.fixture
def open_as(chromium, live_server, demo):
    """username, path -> a page of that login at that path, in a context without the CSP (for axe's script)."""
    contexts = []

    def open_page(username: str, path: str):
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        context = chromium.new_context(base_url=live_server.url, locale="fi-FI", bypass_csp=True)
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                              "url": live_server.url}])
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.goto(path)
        return page

    yield open_page
    for context in contexts:
        context.close()


def blocking_violations(page) -> list[str]:
    """axe-core's critical and serious violations on the page as it is now: 'rule (impact): targets'."""
    results = AXE.run(page)
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING]
    if blocking:
        print(results.generate_report())
    return [f"{v['id']} ({v['impact']}): {[node['target'] for node in v['nodes']]}" for v in blocking]


# --- the counter's states ----------------------------------------------------------------------------------------


def _check(page, number: str, state: str) -> None:
    """Type a number and press Enter, as at the box office; wait for the panel of ``state`` (its CSS class)."""
    page.locator("#id_number").fill(number)
    page.locator("#id_number").press("Enter")
    page.locator(f"#result-status .check-panel.is-{state}").wait_for()


def empty(page, settings):
    page.locator("#id_number").wait_for()


def valid_card_checked(page, settings):
    _check(page, DEMO_CARDS["tampere_valid"], "valid")
    page.locator("#log-form .log-button").wait_for()


def mistyped_number(page, settings):
    valid = DEMO_CARDS["tampere_valid"]
    _check(page, valid[:-1] + ("2" if valid[-1] != "2" else "3"), "mistyped")


def refused_expired(page, settings):
    _check(page, DEMO_CARDS["tampere_expired"], "refused")


def throttled(page, settings):
    settings.CARD_CHECK_FAILURES_PER_MINUTE = 0  # the window is full before the first check (cards.services)
    _check(page, DEMO_CARDS["tampere_valid"], "throttled")


def use_logged(page, settings):
    valid_card_checked(page, settings)
    page.locator("#log-form .log-button").press("Enter")
    page.wait_for_function("() => document.getElementById('log-confirmation').textContent.length > 0")
    page.locator("#today-rows tr.fresh").first.wait_for()


def late_entry_refused(page, settings):
    """A use written on paper with a mistyped number: the page comes back with the late entry's error summary."""
    valid = DEMO_CARDS["tampere_valid"]
    page.locator("#late-heading").click()
    page.locator("#id_late-number").fill(valid[:-1] + ("2" if valid[-1] != "2" else "3"))
    page.locator("#id_late-used_on").fill(timezone.localdate().isoformat())
    page.locator("#late-entry button[type=submit]").click()
    page.locator("#late-entry [data-error-summary]").wait_for()


def late_entry_logged(page, settings):
    """A use written on paper yesterday, entered: the page comes back with the message that it was logged."""
    page.locator("#late-heading").click()
    page.locator("#id_late-number").fill(DEMO_CARDS["tampere_children"])
    page.locator("#id_late-used_on").fill((timezone.localdate() - datetime.timedelta(days=1)).isoformat())
    page.locator("#late-entry button[type=submit]").click()
    page.locator(".messages li.success").wait_for()


COUNTER_STATES = [
    pytest.param(empty, id="empty"),
    pytest.param(valid_card_checked, id="valid"),
    pytest.param(mistyped_number, id="check-the-number"),
    pytest.param(refused_expired, id="refused-expired"),
    pytest.param(throttled, id="throttled"),
    pytest.param(use_logged, id="use-logged"),
    pytest.param(late_entry_refused, id="late-entry-errors"),
    pytest.param(late_entry_logged, id="late-entry-logged-message"),
]


@pytest.mark.parametrize("bring_into_state", COUNTER_STATES)
def test_the_counter_has_no_critical_or_serious_violation(open_as, settings, bring_into_state):
    page = open_as("kohde-vapriikki", "/venues/counter/")
    bring_into_state(page, settings)
    assert blocking_violations(page) == []


def test_axe_finds_a_violation_where_there_is_one(open_as):
    """The check can fail: an image without a text alternative and an unnamed button are critical."""
    page = open_as("kohde-vapriikki", "/venues/counter/")
    page.evaluate("""() => document.querySelector('main').insertAdjacentHTML('beforeend',
        '<img src="/static/x.png"><button type="button"></button>')""")
    assert [finding.split(" ")[0] for finding in blocking_violations(page)] == ["button-name", "image-alt"]


# --- other staff pages -------------------------------------------------------------------------------------------


def test_the_card_register_page_with_errors_has_no_critical_or_serious_violation(open_as):
    page = open_as("jakaja-tampere", "/cards/register/")
    page.locator("#register-form button[type=submit]").click()
    page.locator("[data-error-summary]").wait_for()
    assert blocking_violations(page) == []


def test_a_cards_page_has_no_critical_or_serious_violation(open_as):
    card = Card.objects.get(number=DEMO_CARDS["tampere_children"])
    page = open_as("jakaja-tampere", f"/cards/{card.pk}/")
    page.locator("h1").wait_for()
    assert blocking_violations(page) == []


def test_the_regional_dashboard_has_no_critical_or_serious_violation(open_as):
    page = open_as("alue-tampere", "/reports/regional/")
    page.locator("h1").wait_for()
    assert blocking_violations(page) == []
