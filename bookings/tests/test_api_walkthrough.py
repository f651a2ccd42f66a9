"""The README's walk-through for a ticketing vendor, step by step against the demo (``seed_demo --small``)."""

import datetime
import os

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from access import keys
from bookings.models import Booking
from cards.models import Card
from venues.models import Offer, Venue

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("seed_demo", "--small", stdout=open(os.devnull, "w"))  # noqa: SIM115


def test_the_vendor_walk_through(demo, settings):
    settings.CARD_CHECK_FAILURES_PER_MINUTE = 100
    staff = get_user_model().objects.get(username="kohde-vapriikki")
    venue = Venue.objects.get(name="Vapriikki")
    today = timezone.localdate()
    offer = Offer.objects.filter(venue=venue, starts_on__lte=today, ends_on__gte=today).first()
    key, secret = keys.venue_key_create(user=staff, venue=venue, name="Lippujärjestelmä",
                                        scopes=["check", "log", "book"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")

    me = api.get("/api/v1/me/").json()
    assert (me["username"], me["roles"], me["venues"]) == (key.user.username, ["venue"],
                                                           [{"id": venue.pk, "name": "Vapriikki"}])
    assert offer.pk in [row["id"] for row in api.get("/api/v1/offers/", {"venue": venue.pk}).json()["results"]]

    created = api.post("/api/v1/performances/", {"offer": offer.pk, "date": today.isoformat(), "time": "19:00",
                                                 "quota": 4}, format="json")
    assert created.status_code == 201, created.json()
    performance = created.json()
    assert (performance["time"], performance["remaining"], performance["availability"]) == ("19:00", 4, "available")

    body = {"performance": performance["id"], "card_number": "TAM-PER-E3M", "children": 2, "note": "",
            "idempotency_key": "order-1188"}
    booked = api.post("/api/v1/bookings/", body, format="json")
    again = api.post("/api/v1/bookings/", body, format="json")
    assert (booked.status_code, again.status_code, booked.json()["id"]) == (201, 200, again.json()["id"])
    assert (booked.json()["card_number"], booked.json()["places"]) == ("TAM-•••-E3M", 3)

    local = api.post("/api/v1/bookings/", {"performance": performance["id"], "card_number": "SAV-NYS-22J"},
                     format="json")
    assert (local.status_code, local.json()["code"]) == (400, "card_not_valid_in_region")
    twice = api.post("/api/v1/bookings/", {"performance": performance["id"], "card_number": "TAM-PER-E3M"},
                     format="json")
    assert (twice.status_code, twice.json()["code"]) == (409, "already_booked")
    api.post("/api/v1/bookings/", {"performance": performance["id"], "card_number": "TAM-PER-E2E"}, format="json")
    full = api.post("/api/v1/bookings/", {"performance": performance["id"], "card_number": "TAM-PER-E67",
                                          "group_size": 2}, format="json")
    assert (full.status_code, full.json()["code"]) == (409, "performance_full")

    door = api.get("/api/v1/bookings/", {"performance": performance["id"]}).json()["results"]
    assert sorted(row["card_number"] for row in door) == ["TAM-•••-E2E", "TAM-•••-E3M"]

    checked = api.post(f"/api/v1/bookings/{booked.json()['id']}/check-in/")
    assert (checked.status_code, checked.json()["status"]) == (200, "checked_in")
    assert checked.json()["use"] is not None
    cancel = api.post(f"/api/v1/bookings/{booked.json()['id']}/cancel/")
    assert (cancel.status_code, cancel.json()["code"]) == (409, "booking_not_open")
    assert Booking.objects.filter(card=Card.objects.get(number="TAMPERE3M")).get().status == "checked_in"
    assert datetime.date.fromisoformat(performance["date"]) == today
