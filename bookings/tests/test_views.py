"""The bookings pages: scope (another venue's performance or booking is 404), the form's error summary, the door
list's check-in and cancel, the no-show statistics by role, and the venue's API keys page."""

import datetime
import re

import pytest
from django.utils import timezone

from access.models import VenueKey
from bookings.models import Booking
from bookings.tests.factories import PerformanceFactory
from cards.models import Use
from cards.tests.factories import CardFactory
from regions.models import RegionMembership
from regions.tests.factories import UserFactory
from venues.tests.factories import OfferFactory, VenueMembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    staff = VenueMembershipFactory()
    other = VenueMembershipFactory()
    today = timezone.localdate()
    performance = PerformanceFactory(offer=OfferFactory(venue=staff.venue), date=today, quota=3)
    foreign = PerformanceFactory(offer=OfferFactory(venue=other.venue), date=today, quota=3)
    return staff, other, performance, foreign


def test_staff_book_by_the_form_and_check_in_on_the_door_list(client, world):
    staff, _other, performance, _foreign = world
    card = CardFactory(children=1)
    client.force_login(staff.user)

    answer = client.post(f"/venues/performances/{performance.pk}/book/",
                         {"number": card.number.lower(), "children": "1", "note": "pyörätuoli",
                          "idempotency_key": "x1"})
    assert answer.status_code == 302
    booking = Booking.objects.get()
    assert (booking.places, booking.note, booking.created_by_id) == (2, "pyörätuoli", staff.user.pk)

    door = client.get(f"/venues/performances/{performance.pk}/door/").content.decode()
    assert card.number not in door
    assert "pyörätuoli" in door
    assert client.post(f"/venues/bookings/{booking.pk}/check-in/").status_code == 302
    booking.refresh_from_db()
    assert (booking.status, booking.use_id) == ("checked_in", Use.objects.get().pk)


def test_a_refused_booking_shows_the_error_summary_and_saves_nothing(client, world):
    staff, _other, performance, _foreign = world
    client.force_login(staff.user)

    answer = client.post(f"/venues/performances/{performance.pk}/book/",
                         {"number": CardFactory(children=0).number, "children": "2", "idempotency_key": "x2"})

    html = answer.content.decode()
    assert answer.status_code == 400
    assert 'class="error-summary"' in html
    assert re.search(r'href="#id_children">[^<]*More children than the card allows', html)
    assert Booking.objects.count() == 0


def test_another_venues_performance_and_booking_are_404(client, world):
    staff, other, _performance, foreign = world
    booking = Booking.objects.create(performance=foreign, card=CardFactory(), places=1, created_by=other.user)
    client.force_login(staff.user)

    assert client.get(f"/venues/performances/{foreign.pk}/door/").status_code == 404
    assert client.get(f"/venues/performances/{foreign.pk}/book/").status_code == 404
    assert client.post(f"/venues/bookings/{booking.pk}/check-in/").status_code == 404
    assert client.post(f"/venues/bookings/{booking.pk}/cancel/").status_code == 404
    assert client.get(f"/venues/{other.venue.pk}/keys/").status_code == 404
    assert Booking.objects.get().status == "booked"


def test_the_statistics_count_no_shows_for_the_venue_and_its_regional_contact(client, world):
    staff, other, performance, foreign = world
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    past = PerformanceFactory(offer=performance.offer, date=yesterday, quota=5)
    Booking.objects.create(performance=past, card=CardFactory(), places=1)
    Booking.objects.create(performance=past, card=CardFactory(), places=1, status="no_show")
    Booking.objects.create(performance=PerformanceFactory(offer=foreign.offer, date=yesterday), card=CardFactory(),
                           places=1)
    contact = UserFactory()
    RegionMembership.objects.create(user=contact, region=staff.venue.region, started_on=datetime.date(2020, 1, 1))

    for user in (staff.user, contact):
        client.force_login(user)
        html = client.get("/venues/bookings/statistics/").content.decode()
        assert f'data-venue="{staff.venue.pk}"' in html
        assert f'data-venue="{other.venue.pk}"' not in html
        assert re.search(r"<td data-no-shows>2</td>\s*<td>100 %</td>", html)


def test_the_keys_page_shows_a_new_key_once_and_revokes_it(client, world):
    staff, _other, _performance, _foreign = world
    client.force_login(staff.user)
    url = f"/venues/{staff.venue.pk}/keys/"

    refused = client.post(url, {"action": "create", "name": "Lippu", "scopes": []})
    assert refused.status_code == 400
    assert 'class="error-summary"' in refused.content.decode()

    made = client.post(url, {"action": "create", "name": "Lippu", "scopes": ["check", "book"]}).content.decode()
    secret = re.search(r"data-secret>(kk_[^<]+)<", made).group(1)
    key = VenueKey.objects.get()
    assert key.scopes == ["check", "book"]
    assert secret not in client.get(url).content.decode()

    client.post(url, {"action": "revoke", "key": key.pk})
    key.refresh_from_db()
    assert key.is_revoked
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {secret}").status_code == 401
