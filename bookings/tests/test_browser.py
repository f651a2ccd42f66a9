"""The booking journey in real Chromium (issue 16, acceptance): on Monday the Vapriikki box office books two cards
by phone for Friday's performance, on Friday opens the door list and checks one booking in with Enter, and on
Saturday sees the other as a no-show in the statistics.

The days are set by replacing ``django.utils.timezone.localdate`` (the live server runs in this process), so every
service, page and scope read sees the chosen day; clock times stay real. Data: ``seed_demo --small``.
"""

import datetime
import os
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone, translation

from bookings.models import Booking
from cards import numbers
from kaikukanta.tests.browser import watch_csp
from venues.models import Offer, Performance, Venue

TIMEOUT_MS = 15_000

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def clock(monkeypatch):
    """The day the application sees; ``clock["day"]`` is changed by the test."""
    real = datetime.date.today()  # noqa: DTZ011 - the next Monday after the machine's today, whatever its zone
    state = {"day": real + datetime.timedelta(days=7 - real.weekday())}
    original = timezone.localdate

    def localdate(value=None, timezone=None):
        return state["day"] if value is None else original(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
    return state


def test_book_by_phone_check_in_by_enter_and_see_the_no_show(chromium, live_server, clock):
    call_command("seed_demo", "--small", stdout=open(os.devnull, "w"))  # noqa: SIM115
    monday = clock["day"]
    friday = monday + datetime.timedelta(days=4)
    venue = Venue.objects.get(name="Vapriikki")
    offer = Offer.objects.create(venue=venue, title="Iltanäyttely", kind=Offer.Kind.EVENT, starts_on=monday,
                                 ends_on=monday + datetime.timedelta(days=30))
    performance = Performance.objects.create(offer=offer, date=friday, time=datetime.time(18, 0), quota=10)

    client = Client()
    client.force_login(get_user_model().objects.get(username="kohde-vapriikki"))
    context = chromium.new_context(base_url=live_server.url, locale="en-GB")
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    context.set_default_timeout(TIMEOUT_MS)
    violations = watch_csp(context)
    page = context.new_page()

    # Monday: from the counter to the performances, and two phone bookings for Friday.
    page.goto("/")
    page.wait_for_url("**/venues/counter/")
    page.click('a[href="/venues/performances/"]')
    page.wait_for_url("**/venues/performances/")
    for number, children in (("tam-per-e3m", "1"), ("TAM-PER-E2E", "0")):
        page.click(f'a[href="/venues/performances/{performance.pk}/book/"]')
        page.wait_for_url(f"**/venues/performances/{performance.pk}/book/")
        assert page.evaluate("document.activeElement.name") == "number"
        page.keyboard.type(number)
        page.fill('input[name="children"]', children)
        page.fill('input[name="note"]', "puhelimessa")
        page.press('input[name="note"]', "Enter")
        page.wait_for_url(f"**/venues/performances/{performance.pk}/door/")
        if number == "tam-per-e3m":
            page.goto("/venues/performances/")
    bookings = {b.card.number: b for b in Booking.objects.select_related("card")}
    assert sorted(bookings) == ["TAMPERE2E", "TAMPERE3M"]
    assert {number: (b.status, b.places) for number, b in bookings.items()} == {
        "TAMPERE3M": ("booked", 2), "TAMPERE2E": ("booked", 1)}
    performance.refresh_from_db()
    assert performance.places_booked == 3
    assert numbers.mask("TAMPERE3M") in page.inner_text("table")

    # Friday: the door list; Tab to the first booking's Check in button and press Enter.
    clock["day"] = friday
    page.goto(f"/venues/performances/{performance.pk}/door/")
    button = page.locator(f'tr[data-booking="{bookings["TAMPERE3M"].pk}"] button', has_text="Check in")
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert re.search(r"checked in", page.inner_text("main"))
    checked = Booking.objects.get(pk=bookings["TAMPERE3M"].pk)
    assert (checked.status, checked.use.used_on, checked.use.children) == ("checked_in", friday, 1)
    assert Booking.objects.get(pk=bookings["TAMPERE2E"].pk).status == "booked"

    # Saturday: the statistics count the booking not checked in as a no-show.
    clock["day"] = friday + datetime.timedelta(days=1)
    page.goto("/venues/bookings/statistics/")
    row = page.locator(f'tr[data-venue="{venue.pk}"]')
    assert row.locator("td[data-no-shows]").inner_text() == "1"
    assert "50 %" in row.inner_text()
    assert violations == []
    context.close()
