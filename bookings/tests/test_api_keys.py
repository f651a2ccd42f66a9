"""Venue API keys (issue 16): scopes (403 ``key_scope_missing``), revoked (401), another venue (404), rotation,
shown once and stored hashed, every request recorded, limited per key."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from access import keys
from access.models import VenueKey, VenueKeyUse
from bookings.models import Booking
from bookings.tests.factories import PerformanceFactory
from cards.models import Use
from cards.tests.factories import CardFactory
from core.errors import DomainError
from regions.models import RegionMembership
from venues.tests.factories import (
    OfferFactory,
    UserFactory,  # noqa: I001
    VenueMembershipFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    staff_a = VenueMembershipFactory()
    staff_b = VenueMembershipFactory()
    today = timezone.localdate()
    performance_a = PerformanceFactory(offer=OfferFactory(venue=staff_a.venue), date=today, quota=5)
    performance_b = PerformanceFactory(offer=OfferFactory(venue=staff_b.venue), date=today, quota=5)
    return staff_a, staff_b, performance_a, performance_b, CardFactory()


def _client(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def _book(client, performance, card, key="k1"):
    return client.post("/api/v1/bookings/", {"performance": performance.pk, "card_number": card.number,
                                             "idempotency_key": key}, format="json")


def test_a_check_key_checks_but_cannot_log_or_book(world):
    staff_a, _staff_b, performance_a, _performance_b, card = world
    key, secret = keys.venue_key_create(user=staff_a.user, venue=staff_a.venue, name="Lippu.fi", scopes=["check"])
    client = _client(secret)

    checked = client.get(f"/api/v1/cards/{card.number}/check/", {"venue": staff_a.venue.pk})
    logged = client.post("/api/v1/uses/", {"card_number": card.number, "venue": staff_a.venue.pk}, format="json")
    booked = _book(client, performance_a, card)

    assert (checked.status_code, checked.json()["valid"]) == (200, True)
    assert (logged.status_code, logged.json()["code"]) == (403, "key_scope_missing")
    assert (booked.status_code, booked.json()["code"]) == (403, "key_scope_missing")
    assert Use.objects.count() == 0
    assert Booking.objects.count() == 0
    assert VenueKeyUse.objects.filter(key=key).count() == 3


def test_a_book_key_books_and_a_replay_answers_200(world):
    staff_a, _staff_b, performance_a, _performance_b, card = world
    _key, secret = keys.venue_key_create(user=staff_a.user, venue=staff_a.venue, name="Kassa", scopes=["book", "log"])
    client = _client(secret)

    first = _book(client, performance_a, card)
    again = _book(client, performance_a, card)
    checked_in = client.post(f"/api/v1/bookings/{first.json()['id']}/check-in/")

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["card_number"].count("•") == 3
    assert (checked_in.status_code, checked_in.json()["status"]) == (200, "checked_in")
    assert Use.objects.get().channel == "api"


def test_a_revoked_key_answers_401_and_rotation_ends_the_old_secret(world):
    staff_a, _staff_b, _performance_a, _performance_b, _card = world
    key, secret = keys.venue_key_create(user=staff_a.user, venue=staff_a.venue, name="Kassa", scopes=["check"])
    _key, rotated = keys.venue_key_rotate(user=staff_a.user, key=key)

    assert _client(secret).get("/api/v1/me/").status_code == 401
    assert _client(rotated).get("/api/v1/me/").status_code == 200

    keys.venue_key_revoke(user=staff_a.user, key=key)
    answer = _client(rotated).get("/api/v1/me/")

    assert (answer.status_code, answer.json()["code"]) == (401, "authentication_failed")
    assert _client("kk_00000000_nope").get("/api/v1/me/").status_code == 401


def test_venue_as_key_cannot_touch_venue_b(world):
    staff_a, staff_b, _performance_a, performance_b, card = world
    _key, secret = keys.venue_key_create(user=staff_a.user, venue=staff_a.venue, name="Kassa",
                                         scopes=["check", "log", "book"])
    client = _client(secret)
    booking_b = Booking.objects.create(performance=performance_b, card=CardFactory(), places=1,
                                       created_by=staff_b.user)

    answers = [
        client.get(f"/api/v1/cards/{card.number}/check/", {"venue": staff_b.venue.pk}),
        client.post("/api/v1/uses/", {"card_number": card.number, "venue": staff_b.venue.pk}, format="json"),
        _book(client, performance_b, card),
        client.get(f"/api/v1/bookings/{booking_b.pk}/"),
        client.post(f"/api/v1/bookings/{booking_b.pk}/cancel/"),
        client.get(f"/api/v1/performances/{performance_b.pk}/"),
    ]

    assert [(a.status_code, a.json()["code"]) for a in answers] == [(404, "not_found")] * 6
    assert Booking.objects.get().status == "booked"
    assert Use.objects.count() == 0


def test_keys_are_shown_once_stored_hashed_and_managed_by_the_venue_or_its_contact(world):
    staff_a, staff_b, _performance_a, _performance_b, _card = world
    contact = UserFactory()
    RegionMembership.objects.create(user=contact, region=staff_a.venue.region, started_on=datetime.date(2020, 1, 1))

    key, secret = keys.venue_key_create(user=contact, venue=staff_a.venue, name="Lippupiste", scopes=["log", "x"])

    assert secret.startswith(f"kk_{key.prefix}_")
    assert secret.split("_", 2)[2] not in key.secret_hash
    assert key.scopes == ["log"]
    assert key.user.has_usable_password() is False
    for user, kwargs, code in (
        (staff_b.user, {"name": "X", "scopes": ["check"]}, "not_allowed"),
        (staff_a.user, {"name": " ", "scopes": ["check"]}, "name_required"),
        (staff_a.user, {"name": "X", "scopes": []}, "key_scopes_required"),
    ):
        with pytest.raises(DomainError) as exc:
            keys.venue_key_create(user=user, venue=staff_a.venue, **kwargs)
        assert exc.value.code == code
    assert VenueKey.objects.count() == 1


def test_requests_are_limited_per_key(world, settings):
    staff_a, _staff_b, _performance_a, _performance_b, _card = world
    settings.VENUE_KEY_REQUESTS_PER_MINUTE = 2
    _key, secret = keys.venue_key_create(user=staff_a.user, venue=staff_a.venue, name="Kassa", scopes=["check"])
    client = _client(secret)

    statuses = [client.get("/api/v1/me/").status_code for _ in range(3)]

    assert statuses[:2] == [200, 200]
    assert statuses[2] == 429 or datetime.datetime.now().second == 0  # noqa: DTZ005 - a minute boundary resets it
