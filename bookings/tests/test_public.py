"""R16 for performances: the public catalogue shows each coming performance's band, never a count."""

import datetime

import pytest
from django.utils import timezone

from bookings.selectors import public_performances
from bookings.tests.factories import PerformanceFactory
from venues.tests.factories import OfferFactory, VenueFactory

pytestmark = pytest.mark.django_db


def test_coming_performances_show_their_band_only():
    today = timezone.localdate()
    venue = VenueFactory()
    offer = OfferFactory(venue=venue, title="Pikku Myy", starts_on=today, ends_on=today + datetime.timedelta(days=60))
    for days, booked in ((1, 0), (2, 8), (3, 10)):
        PerformanceFactory(offer=offer, date=today + datetime.timedelta(days=days), quota=10, places_booked=booked)
    PerformanceFactory(offer=offer, date=today - datetime.timedelta(days=1), quota=10)  # past: not shown

    shown = public_performances([venue.pk], today)[venue.pk]

    assert [(p.title, p.date - today, p.availability) for p in shown] == [
        ("Pikku Myy", datetime.timedelta(days=1), "available"),
        ("Pikku Myy", datetime.timedelta(days=2), "few_left"),
        ("Pikku Myy", datetime.timedelta(days=3), "full"),
    ]


def test_the_catalogue_page_shows_the_bands(client):
    today = timezone.localdate()
    venue = VenueFactory(name="Teatteri Myy")
    offer = OfferFactory(venue=venue, title="Pikku Myy", starts_on=today, ends_on=today + datetime.timedelta(days=60))
    PerformanceFactory(offer=offer, date=today + datetime.timedelta(days=1), quota=10, places_booked=10)

    html = client.get("/en/venues/").content.decode()

    assert "Coming performances to book" in html
    assert 'class="availability availability-full">full<' in html
    assert "places_booked" not in html
