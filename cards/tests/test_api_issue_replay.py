"""A registration that waits for an identical one still in progress answers 200 with that card, never a
second 201: whether a card was created comes from the service, not from comparing clocks."""

import pytest
from django.core.cache import cache

from cards import services
from cards.models import Card
from kaikukanta.tests.api_world import build_world
from regions.models import Municipality

pytestmark = pytest.mark.django_db

BODY = {"birth_year": 1980, "home_municipality": "837", "children": 2, "format": "mobile",
        "idempotency_key": "asiakas-7"}


def test_a_repeat_that_waited_for_the_first_registration_answers_200_with_its_card(monkeypatch):
    # given: the first request with this key holds the lock and finishes while the repeat waits
    world = build_world()
    user = world.users["distributor_a"]
    key = services._issue_key(user, BODY["idempotency_key"])
    cache.add(key + ":lock", 1, timeout=60)
    municipality = Municipality.objects.get(code="837")
    data = {"office": world.office_a, "birth_year": 1980, "home_municipality": municipality, "children": 2,
            "format": "mobile", "number": None, "postal_code": "", "language": "fi", "gender": "",
            "life_situation": "", "wellbeing_at_issue": None}
    first_card = []

    def first_request_finishes(seconds):
        if not first_card:
            card = services._card_issue_new(user=user, day=services._today(None), event_kind="issued", **data)
            cache.set(key, {"fingerprint": services._issue_fingerprint(data), "card": card.pk}, timeout=60)
            cache.delete(key + ":lock")
            first_card.append(card)

    monkeypatch.setattr(services.time, "sleep", first_request_finishes)
    before = Card.objects.count()

    # when: the repeat arrives through the API
    response = world.client("distributor_a").post("/api/v1/cards/", {"office": world.office_a.pk, **BODY})

    # then: the first request's card, answered as a replay
    assert (response.status_code, response.json()["number"]) == (200, first_card[0].number)
    assert Card.objects.count() == before + 1


def test_the_service_says_which_call_created_the_card():
    world = build_world()
    municipality = Municipality.objects.get(code="837")
    kwargs = {"user": world.users["distributor_a"], "office": world.office_a, "birth_year": 1980,
              "home_municipality": municipality, "idempotency_key": "k-1"}

    card, created = services.card_issue_or_replay(**kwargs)
    again, created_again = services.card_issue_or_replay(**kwargs)

    assert (created, created_again, again.pk) == (True, False, card.pk)
