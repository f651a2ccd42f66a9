"""Issue 11, the repeat warning in real Chromium, keyboard only: the second log of the same card at the same venue on
the same day needs one explicit confirmation. The check says when the card was logged here today and what; the first
Enter on "Log ticket" logs nothing and moves the focus to "Log again" (the reason announced by the form's alert);
Enter on it logs exactly one more use.

Data: ``seed_demo --small`` (its own uses of the demo cards are yesterday's, so the first log here is no repeat).
"""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import formats, timezone, translation

from cards.models import Use
from cards.services import use_log
from core.errors import MESSAGES
from devdata.demo import DEMO_CARDS
from kaikukanta.tests.browser import watch_csp
from venues.models import Venue

TIMEOUT_MS = 10_000
VENUE = "Vapriikki"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def page(chromium, live_server, transactional_db):
    """A signed-in Vapriikki box office on the counter page; no CSP violation at the end."""
    call_command("seed_demo", "--small", stdout=open(os.devnull, "w"))  # noqa: SIM115
    client = Client()
    client.force_login(get_user_model().objects.get(username="kohde-vapriikki"))
    context = chromium.new_context(base_url=live_server.url, locale="en-GB")
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    context.set_default_timeout(TIMEOUT_MS)
    violations = watch_csp(context)
    page = context.new_page()
    page.goto("/venues/counter/")
    yield page
    context.close()
    assert violations == []


def _today_uses(number: str) -> list[tuple]:
    return list(Use.objects.filter(card__number=number, venue__name=VENUE, used_on=timezone.localdate())
                .order_by("pk").values_list("pk", "kind", "children"))


def _active(page, selector: str) -> bool:
    return page.evaluate("(s) => !!document.activeElement && document.activeElement.matches(s)", selector)


def _check(page, number: str) -> None:
    assert _active(page, "#id_number")
    page.keyboard.type(number)
    page.keyboard.press("Enter")
    page.locator("#result-status .check-panel").wait_for()


def _wait_logged(page) -> str:
    page.wait_for_function("() => document.getElementById('log-confirmation').textContent.length > 0")
    return page.locator("#log-confirmation").inner_text()


def test_the_second_log_of_a_card_the_same_day_needs_a_confirmation(page):
    number = DEMO_CARDS["tampere_valid"]
    assert _today_uses(number) == []

    # The first log of the day: no warning, Enter logs.
    _check(page, number)
    assert page.locator("#result-status .repeat-note").count() == 0
    page.keyboard.press("Enter")
    assert _wait_logged(page).startswith("✓ Logged a ticket for ")
    [(first_pk, _kind, _children)] = _today_uses(number)
    logged_at = formats.time_format(timezone.localtime(Use.objects.get(pk=first_pk).logged_at), "H:i")

    # The same card again: the panel (aria-live) says when it was logged here and what.
    _check(page, number)
    note = page.locator("#result-status .repeat-note")
    assert note.locator(".repeat-heading").inner_text().strip() == "! Already logged here today:"
    assert note.locator("li").all_inner_texts() == [f"{logged_at} ticket, 0 children"]
    assert page.locator("#result-status").get_attribute("aria-live") == "assertive"
    assert page.locator("#log-form .repeat-confirm").is_hidden()

    # The first attempt logs nothing: the reason is announced and the focus moves to "Log again".
    assert _active(page, "#log-form .log-button")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement && document.activeElement.matches('#log-form .repeat-button')")
    error = page.locator("#log-form .log-error")
    assert error.get_attribute("role") == "alert"
    assert error.inner_text() == str(MESSAGES["repeat_use"])
    confirm = page.locator("#log-form .repeat-confirm")
    assert confirm.is_visible()
    assert confirm.locator("li").all_inner_texts() == [f"{logged_at} ticket, 0 children"]
    assert page.locator("#log-form .repeat-button").inner_text() == "Log again"
    assert _today_uses(number) == [(first_pk, "ticket", 0)]

    # One explicit confirmation: Enter on "Log again" logs exactly one more use, and the next card is ready.
    page.keyboard.press("Enter")
    assert _wait_logged(page).startswith("✓ Logged a ticket for ")
    uses = _today_uses(number)
    assert len(uses) == 2
    assert uses[0] == (first_pk, "ticket", 0)
    assert uses[1][1:] == ("ticket", 0)
    assert _active(page, "#id_number")
    assert page.locator("#id_number").input_value() == ""


def test_the_warning_and_log_again_have_no_critical_or_serious_axe_violation(chromium, live_server, transactional_db):
    """axe-core in the two new states of the counter: the panel listing today's use, and "Log again" after the first
    attempt (its context without the CSP, for axe's injected script)."""
    call_command("seed_demo", "--small", stdout=open(os.devnull, "w"))  # noqa: SIM115
    staff = get_user_model().objects.get(username="kohde-vapriikki")
    number = DEMO_CARDS["tampere_children"]
    use_log(user=staff, venue=Venue.objects.get(name=VENUE), number=number, children=1)
    client = Client()
    client.force_login(staff)
    context = chromium.new_context(base_url=live_server.url, locale="fi-FI", bypass_csp=True)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto("/venues/counter/")
        axe = Axe()

        def blocking() -> list[str]:
            violations = axe.run(page).response["violations"]
            return [f"{v['id']}: {[n['target'] for n in v['nodes']]}" for v in violations
                    if v["impact"] in ("critical", "serious")]

        _check(page, number)
        page.locator("#result-status .repeat-note li").wait_for()
        assert blocking() == []
        page.keyboard.press("Enter")
        page.wait_for_function("() => document.activeElement && document.activeElement.matches('.repeat-button')")
        assert page.locator("#log-form .repeat-button").inner_text() == "Kirjaa uudelleen"
        assert blocking() == []
        assert len(_today_uses(number)) == 1
    finally:
        context.close()
