"""R3/R4 across the offices of a region in real Chromium (issue 12, point 4): staff of another Tampere office find a
card of jakaja-tampere's office by its exact number, open it, renew it and replace it; its uses and the holder's
details are not on their page; staff of an Espoo office get 404 for the same number. At 320 px, without CSP
violations.

Data: ``seed_demo --small`` plus one member of staff at each of the two offices. Skipped without /usr/bin/chromium
unless REQUIRE_BROWSER=1 (CI), where a missing browser fails.
"""

import datetime
import os
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from cards import numbers
from cards.models import Card, CardEvent
from devdata.demo import DEMO_CARDS
from distributors.models import Office
from distributors.tests.factories import OfficeMembershipFactory
from kaikukanta.tests.browser import watch_csp
from regions.tests.factories import UserFactory

TIMEOUT_MS = 15_000
REPLACEMENT = "NUUSKRT2" + numbers.check_character("NUUSKRT2")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(chromium, transactional_db):
    with open(os.devnull, "w") as devnull:
        call_command("seed_demo", "--small", stdout=devnull)
    for username, office in (("jakaja-nuoriso", "Nuorisopalvelut"), ("jakaja-espoo", "Aikuissosiaalityö, Espoo")):
        OfficeMembershipFactory(user=UserFactory(username=username, password=settings.DEMO_PASSWORD),
                                office=Office.objects.get(name=office))


def _sign_in(context, username: str):
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill('input[name="login"]', username)
    page.fill('input[name="password"]', settings.DEMO_PASSWORD)
    page.press('input[name="password"]', "Enter")
    page.wait_for_url(re.compile(r"/cards/$"))
    return page


def test_another_tampere_office_renews_and_replaces_by_number_and_espoo_cannot(chromium, live_server, demo):
    number = DEMO_CARDS["tampere_children"]
    card = Card.objects.get(number=number)
    assert card.office.name == "Hyvinvointialueen sosiaalityö, Tampere"
    context = chromium.new_context(base_url=live_server.url, locale="en-GB", viewport={"width": 320, "height": 800})
    context.set_default_timeout(TIMEOUT_MS)
    violations = watch_csp(context)
    page = _sign_in(context, "jakaja-nuoriso")

    # The own list has none of the other office's cards; a part of the number finds nothing either.
    assert numbers.display(number) not in page.inner_text("main")
    page.fill('input[name="q"]', number[:6])
    page.press('input[name="q"]', "Enter")
    page.wait_for_url(re.compile(r"q="))
    assert "No cards match." in page.inner_text("main")

    # The whole number, as printed: the card is offered beside the (empty) list.
    page.fill('input[name="q"]', numbers.display(number).lower())
    page.press('input[name="q"]', "Enter")
    page.wait_for_url(re.compile(r"q=tam"))
    region_card = page.locator('section[aria-labelledby="region-card-title"]')
    assert "Hyvinvointialueen sosiaalityö, Tampere" in region_card.inner_text()
    region_card.get_by_role("button", name=f"Open card {numbers.display(number)}").click()
    page.wait_for_url(re.compile(rf"/cards/number/{number}/$"))
    main = page.inner_text("main")
    assert "another office of your region" in main
    assert "History" not in main
    assert str(card.birth_year) not in main
    assert page.evaluate("document.documentElement.scrollWidth") <= 320

    # Renew by keyboard-reachable buttons: confirm page, then the card's page with the new date.
    page.get_by_role("button", name="Renew").click()
    page.wait_for_url(re.compile(rf"/cards/number/{number}/renew/$"))
    page.get_by_role("button", name="Confirm renewal").click()
    page.wait_for_url(re.compile(rf"/cards/number/{number}/$"))
    card.refresh_from_db()
    assert card.valid_until >= timezone.localdate() + datetime.timedelta(days=300)
    assert card.events.get(kind=CardEvent.Kind.RENEWED).office.name == "Nuorisopalvelut"
    assert "Card renewed" in page.inner_text("main")

    # Replace with a new pre-printed card: on to the new card's page, by its number.
    page.get_by_role("button", name="Replace a lost card").click()
    page.fill('input[name="number"]', numbers.display(REPLACEMENT))
    page.get_by_role("button", name="Confirm replacement").click()
    page.wait_for_url(re.compile(rf"/cards/number/{REPLACEMENT}/$"))
    card.refresh_from_db()
    assert (card.status, Card.objects.get(number=REPLACEMENT).replaces) == ("inactive", card)
    assert violations == []

    # Espoo: the same number is simply not found, and nothing is offered in the search.
    espoo = _sign_in(chromium.new_context(base_url=live_server.url, locale="en-GB"), "jakaja-espoo")
    assert espoo.goto(f"/cards/number/{REPLACEMENT}/").status == 404
    espoo.goto(f"/cards/?q={REPLACEMENT}")
    assert espoo.locator('section[aria-labelledby="region-card-title"]').count() == 0
