"""Hardening #5: the venue's uses CSV writes an offer title or a cancel reason that looks like a formula as text."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cards import numbers
from cards.tests.factories import CardFactory, UseFactory
from regions.tests.factories import RegionFactory, UserFactory
from venues.models import Category
from venues.tests.factories import OfferFactory, VenueFactory, VenueMembershipFactory


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def staff_client(client, db):
    region = RegionFactory(name="Tampere")
    venue = VenueFactory(name="Vapriikki", category=Category.MUSEUM, region=region)
    card = CardFactory(number="TAMPERE2" + numbers.check_character("TAMPERE2"), office__region=region, region=region)
    offer = OfferFactory(venue=venue, title='=HYPERLINK("http://x")')
    UseFactory(card=card, venue=venue, used_on=datetime.date(2025, 3, 20), offer=offer, children=2)
    UseFactory(card=card, venue=venue, used_on=datetime.date(2025, 4, 2), cancelled_at=timezone.now(),
               cancel_reason="=1+2")
    UseFactory(card=card, venue=venue, used_on=datetime.date(2025, 4, 3), cancelled_at=timezone.now(),
               cancel_reason=" @SUM(A1)")
    client.force_login(VenueMembershipFactory(venue=venue, user=UserFactory()).user)
    return client


def test_formula_offer_titles_and_cancel_reasons_are_written_as_text(staff_client):
    # When the venue's staff download their uses
    response = staff_client.get(reverse("venues:uses_export"))

    # Then the title and the reasons start with a quote, and the counts are plain numbers
    body = b"".join(response.streaming_content).decode("utf-8")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    by_day = {row[0]: row for row in rows[1:]}
    assert by_day["2025-03-20"][6] == "'=HYPERLINK(\"http://x\")"
    assert by_day["2025-04-02"][10] == "'=1+2"
    assert by_day["2025-04-03"][10] == "' @SUM(A1)"
    assert by_day["2025-03-20"][4] == "2"
    assert [value for row in rows for value in row if value.lstrip()[:1] in ("=", "+", "-", "@")] == []
