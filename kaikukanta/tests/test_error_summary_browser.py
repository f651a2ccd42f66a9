"""The error summary in real Chromium, keyboard only: a card register form sent with errors comes back with the focus on
the summary (not on the autofocused number field), and each of its links moves the focus into its field.

Data: ``seed_demo --small``; the session is made server-side and handed to the browser as a cookie. The page runs
under the site's CSP (no inline script): no violation is reported. Skipped without /usr/bin/chromium unless
REQUIRE_BROWSER=1 (CI), where a missing browser fails.
"""

import os

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from kaikukanta.tests.browser import watch_csp

TIMEOUT_MS = 15_000

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def register_page(chromium, live_server, transactional_db):
    with open(os.devnull, "w") as devnull:
        call_command("seed_demo", "--small", stdout=devnull)
    client = Client()
    client.force_login(get_user_model().objects.get(username="jakaja-tampere"))
    context = chromium.new_context(base_url=live_server.url, locale="en-GB")
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    context.set_default_timeout(TIMEOUT_MS)
    violations = watch_csp(context)
    page = context.new_page()
    page.goto("/cards/register/")
    yield page
    context.close()
    assert violations == []


def _focused(page, selector: str) -> bool:
    return page.evaluate("(s) => document.activeElement !== null && document.activeElement.matches(s)", selector)


def test_a_refused_card_register_form_puts_the_focus_on_the_summary_and_its_links_on_the_fields(register_page):
    page = register_page
    assert _focused(page, "#id_number")  # the scanner's field, ready on a fresh form

    # Sent empty (Tab to the button, Enter): the page comes back with the summary focused, read first by a screen
    # reader. (Enter in the number field moves on instead: a scanner ends with Enter, card-forms.js.)
    for _ in range(40):
        if _focused(page, "#register-form button[type=submit]"):
            break
        page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    summary = page.locator("[data-error-summary]")
    assert summary.locator("h2").inner_text() == "There is a problem"
    page.wait_for_function("() => document.activeElement && document.activeElement.matches('[data-error-summary]')")
    assert page.evaluate("document.querySelectorAll('[autofocus]').length") == 0
    links = summary.locator("a")
    assert [links.nth(i).get_attribute("href") for i in range(links.count())] == [
        "#id_number", "#id_birth_year", "#id_home_municipality"]

    # Tab reaches the first link; Enter puts the focus in the field it names, without leaving the page.
    page.keyboard.press("Tab")
    assert _focused(page, "[data-error-summary] a[href='#id_number']")
    page.keyboard.press("Enter")
    assert _focused(page, "#id_number")
    page.keyboard.type("x")  # typing goes into the field
    assert page.locator("#id_number").input_value() == "x"

    # The next link, to the birth year.
    summary.locator("a[href='#id_birth_year']").focus()
    page.keyboard.press("Enter")
    assert _focused(page, "#id_birth_year")
    assert page.evaluate("location.pathname") == "/cards/register/"
