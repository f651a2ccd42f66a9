"""The holder's mobile card over the API (issue 14): activation code on registration, activation, the check's
``mobile_code``."""

import time

import pytest

from cards import holder
from cards.models import ActivationAttempt, Card, CardCheck
from kaikukanta.tests.api_world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def _activated(world, card):
    code = holder.activation_code_issue(user=world.users["distributor_a"], card=card)
    holder.activate(number=card.number, code=code, address="192.0.2.1")
    card.refresh_from_db()
    return card


def _check(world, number, **query):
    return world.client("venue_a").get(f"/api/v1/cards/{number}/check/", {"venue": world.venue_a.pk, **query})


def test_registration_answers_the_activation_code_once(world):
    body = {"office": world.office_a.pk, "birth_year": 1980, "home_municipality": world.card_a.home_municipality.code,
            "idempotency_key": "k-1"}
    first = world.client("distributor_a").post("/api/v1/cards/", body, format="json")
    again = world.client("distributor_a").post("/api/v1/cards/", body, format="json")

    assert first.status_code == 201
    code = first.json()["activation_code"]
    assert len(code) == 9
    assert again.status_code == 200
    assert again.json()["activation_code"] == code  # a retry after a lost answer gets the code while unused
    response = world.client(None).post("/api/v1/holder/activate/", {"number": first.json()["number"], "code": code},
                                       format="json")
    assert response.status_code == 200
    assert response.json()["card_url"].startswith("http://testserver/cards/m/")
    used = world.client(None).post("/api/v1/holder/activate/", {"number": first.json()["number"], "code": code},
                                   format="json")
    assert used.status_code == 400
    assert used.json()["code"] == "activation_invalid"
    replay = world.client("distributor_a").post("/api/v1/cards/", body, format="json")
    assert replay.json()["activation_code"] is None


def test_activation_refusals_and_throttle_change_nothing(world):
    card = world.card_a
    holder.activation_code_issue(user=world.users["distributor_a"], card=card)
    before = Card.objects.filter(pk=card.pk).values().get()
    client = world.client(None)

    statuses = [client.post("/api/v1/holder/activate/", {"number": card.number, "code": "0000-0000"},
                            format="json").status_code for _ in range(holder.ACTIVATIONS_PER_CARD + 2)]

    assert statuses == [400] * holder.ACTIVATIONS_PER_CARD + [429, 429]
    last = client.post("/api/v1/holder/activate/", {"number": card.number, "code": "0000-0000"}, format="json")
    assert last.json()["code"] == "activation_throttled"
    assert Card.objects.filter(pk=card.pk).values().get() == before
    assert ActivationAttempt.objects.count() == holder.ACTIVATIONS_PER_CARD + 3
    assert client.post("/api/v1/holder/activate/", {"number": card.number}, format="json").status_code == 400


def test_check_answers_live_stale_or_nothing(world):
    card = _activated(world, world.card_a)
    live = _check(world, holder.live_payload(card))
    stale = _check(world, holder.live_payload(card, at=time.time() - 120))
    by_query = _check(world, card.number, code=holder.live_code(card))
    typed = _check(world, card.number)

    assert (live.status_code, live.json()["mobile_code"], live.json()["valid"]) == (200, "live", True)
    assert (stale.json()["mobile_code"], stale.json()["valid"]) == ("stale", True)
    assert by_query.json()["mobile_code"] == "live"
    assert "mobile_code" not in typed.json()
    assert list(CardCheck.objects.values_list("number", flat=True).order_by("pk")) == [card.number] * 4

    bad = _check(world, f"KK1:{card.number}:12ab56")
    assert bad.status_code == 400
    assert bad.json()["code"] == "mobile_code_invalid"
    assert CardCheck.objects.count() == 5  # recorded like a mistyped number, never looked up
    assert CardCheck.objects.order_by("pk").values_list("result", "card", "channel").last() == (
        "mobile_code_invalid", None, "api")


def test_another_cards_code_is_stale(world):
    card = _activated(world, world.card_a)
    other = _activated(world, Card.objects.exclude(pk=card.pk).filter(region=card.region, kind="personal",
                                                                        status="active").first())
    code = holder.live_code(other)
    if code == holder.live_code(card):  # one in a million
        return
    assert _check(world, card.number, code=code).json()["mobile_code"] == "stale"
