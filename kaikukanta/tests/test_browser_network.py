"""Issue 12's main path in real Chromium: the coordinator opens a pilot region with two municipalities by keyboard,
adds a venue and an office from the region's page; the office registers a card; a regional contact closes the venue
and its counter then refuses the card with ``venue_inactive``. The network pages reflow at 320 px and run under the
CSP. (The days after the pilot are in test_network_journey.py: a browser cannot wait for them.)

Sessions are created server-side and handed to the browser as a cookie. Skipped without /usr/bin/chromium unless
REQUIRE_BROWSER=1 (CI), where a missing browser fails.
"""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone, translation

from cards import services as cards
from core.errors import MESSAGES
from distributors.models import Office
from distributors.tests.factories import OfficeMembershipFactory
from kaikukanta.tests.browser import watch_csp
from regions.models import Region
from regions.tests.factories import (
    CoordinatorFactory,
    MunicipalityFactory,
    RegionContactFactory,
    UserFactory,
    WelfareAreaFactory,
)
from venues.models import Venue
from venues.tests.factories import VenueMembershipFactory

TIMEOUT_MS = 15_000

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def open_as(chromium, live_server):
    contexts, violations = [], []

    def open_page(user, path: str):
        client = Client()
        client.force_login(user)
        context = chromium.new_context(base_url=live_server.url, locale="en-GB",
                                       viewport={"width": 1024, "height": 900})
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        violations.append(watch_csp(context))
        page = context.new_page()
        page.goto(path)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert [text for texts in violations for text in texts] == []


def _reflows_at_320(page) -> bool:
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 800})
    fits = page.evaluate("document.documentElement.scrollWidth") <= 320
    page.set_viewport_size(size)
    return fits


def _tab_to(page, selector: str, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def _check(page, number: str) -> None:
    page.locator("#id_number").fill(number)
    page.locator("#id_number").press("Enter")


def test_the_coordinator_opens_a_pilot_and_a_contact_closes_its_venue(open_as):
    today = timezone.localdate()
    start, end = today - datetime.timedelta(days=7), today + datetime.timedelta(days=180)
    area = WelfareAreaFactory(code="PIR", name_fi="Pirkanmaan hyvinvointialue")
    valkeakoski = MunicipalityFactory(code="908", name_fi="Valkeakoski", region=None, welfare_area=area)
    MunicipalityFactory(code="020", name_fi="Akaa", region=None, welfare_area=area)
    coordinator = CoordinatorFactory(user=UserFactory(username="koordinaattori")).user

    # The coordinator fills the region form with the keyboard.
    page = open_as(coordinator, "/regions/new/")
    assert page.title() == "New region – Kaikukanta"
    assert _reflows_at_320(page)
    page.locator("#id_name").focus()
    page.keyboard.type("Valkeakoski")
    _tab_to(page, "input[name=period_kind]")  # the group's checked radio: permanent
    page.keyboard.press("ArrowUp")  # the arrow keys choose within the group: pilot
    assert page.locator("#id_period_kind_0").is_checked()
    page.locator("#id_active_from").fill(start.isoformat())
    page.locator("#id_active_until").fill(end.isoformat())
    _tab_to(page, "fieldset.municipalities summary")
    page.keyboard.press("Enter")  # opens the welfare area's municipalities
    for label in ("Akaa", "Valkeakoski"):
        page.get_by_label(label, exact=True).focus()
        page.keyboard.press("Space")
    page.locator("#id_default_valid_until").fill(end.isoformat())
    page.locator("#id_default_valid_until").press("Enter")

    page.wait_for_url(re.compile(r"/regions/\d+/$"))
    region = Region.objects.get(name="Valkeakoski")
    assert (region.pilot, region.active_until, region.default_valid_until) == (True, end, end)
    assert sorted(region.municipalities.values_list("name_fi", flat=True)) == ["Akaa", "Valkeakoski"]
    assert page.locator("h1").inner_text() == "Region Valkeakoski"
    assert page.locator(".messages").inner_text() == "Saved the region Valkeakoski."
    assert _reflows_at_320(page)

    # From the region's page: a venue, then an office.
    page.get_by_role("button", name="Add a venue").click()
    page.wait_for_url(re.compile(r"/venues/new/\?region=\d+$"))
    page.get_by_label("Name").fill("Valkeakosken kaupunginteatteri")
    page.get_by_label("Category").select_option("theatre")
    page.get_by_label("Municipality").select_option(str(valkeakoski.pk))
    page.get_by_label("First day").fill(start.isoformat())
    assert _reflows_at_320(page)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/venues/\d+/$"))
    venue = Venue.objects.get(name="Valkeakosken kaupunginteatteri")
    assert (venue.region, venue.public_listing) == (region, True)

    page.goto(f"/regions/{region.pk}/")
    page.get_by_role("button", name="Add an office").click()
    page.get_by_label("Organisation (required)", exact=True).fill("Pirkanmaan hyvinvointialue")
    page.get_by_label("Name of the office").fill("Valkeakosken Lähitori")
    page.get_by_label("Municipality").select_option(str(valkeakoski.pk))
    page.get_by_label("First day").fill(start.isoformat())
    page.get_by_label("Listed publicly").check()
    page.get_by_label("Public phone").fill("03 565 000")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/offices/\d+/$"))
    office = Office.objects.get(name="Valkeakosken Lähitori")
    assert (office.region, office.public_listing, office.public_phone) == (region, True, "03 565 000")

    # Its office registers a card; the venue's counter takes it.
    jakaja = OfficeMembershipFactory(office=office, user=UserFactory(username="jakaja-valkeakoski")).user
    card = cards.card_issue(user=jakaja, office=office, birth_year=1980,
                            home_municipality=region.municipalities.get(code="020"))
    assert card.valid_until == end
    kassa = VenueMembershipFactory(venue=venue, user=UserFactory(username="kohde-teatteri")).user
    counter = open_as(kassa, "/venues/counter/")
    _check(counter, card.number)
    counter.wait_for_function("() => document.querySelector('#result-status .check-panel')?.dataset.valid === 'true'")

    # The region's contact closes the venue at once, by keyboard.
    contact = RegionContactFactory(user=UserFactory(username="alue-valkeakoski"), region=region).user
    page = open_as(contact, f"/venues/{venue.pk}/")
    page.get_by_role("button", name="Close venue").click()
    page.wait_for_url(re.compile(r"/venues/\d+/close/$"))
    assert page.title() == "Close venue Valkeakosken kaupunginteatteri – Kaikukanta"
    assert page.locator("#id_when_0").is_checked()  # at once
    assert _reflows_at_320(page)
    _tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/venues/{venue.pk}/$"))
    venue.refresh_from_db()
    assert venue.active_until == today - datetime.timedelta(days=1)

    # Its counter now refuses the card: the venue is not active.
    counter.reload()
    _check(counter, card.number)
    counter.wait_for_function(
        "() => document.querySelector('#result-status .check-panel')?.dataset.code === 'venue_inactive'")
    assert counter.locator("#result-status .reason").inner_text() == str(MESSAGES["venue_inactive"])
