"""R3/R4 across the offices of a region, over the API: ``POST /api/v1/cards/{number}/renew/`` and ``/replace/``.

The API world's region A (Pirkanmaa) has office A, whose staff is ``distributor_a``, and office A2, which issued
``card_a2``; region B (Uusimaa) has office B. Every refusal asserts its status, its code and that nothing changed.
"""

import datetime

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from cards import numbers
from cards.models import Card, CardEvent
from cards.tests.factories import CardFactory, CommunityCardFactory, _number
from kaikukanta.tests.api_world import build_world
from regions.models import NationalSettings

pytestmark = pytest.mark.django_db

NEW_NUMBER = _number(9191)


@pytest.fixture
def world():
    NationalSettings.current()
    return build_world()


def _today() -> datetime.date:
    return timezone.localdate()


def snapshot():
    return (sorted(Card.objects.values_list("number", "status", "valid_until", "office_id")),
            CardEvent.objects.count(), LogEntry.objects.count())


def _post(world, role, number, action, body=None):
    return world.client(role).post(f"/api/v1/cards/{number}/{action}/", body or {}, format="json")


def _served(card: Card) -> dict:
    return {
        "number": card.number, "display_number": card.display_number, "kind": "personal", "status": "active",
        "office": {"id": card.office_id, "name": card.office.name}, "region": {"id": card.region_id,
                                                                              "name": card.region.name},
        "children": card.children, "format": card.format, "language": card.language,
        "issued_on": card.issued_on.isoformat(), "valid_until": card.valid_until.isoformat(),
    }


def test_another_office_of_the_region_renews_the_card_by_its_number(world):
    card = world.card_a2
    Card.objects.filter(pk=card.pk).update(valid_until=_today() + datetime.timedelta(days=5))

    response = _post(world, "distributor_a", card.display_number.lower(), "renew", {"wellbeing_at_renewal": 4})

    card.refresh_from_db()
    assert response.status_code == 200
    assert response.json() == _served(card)
    assert card.valid_until == _today() + datetime.timedelta(days=365)
    assert card.wellbeing_at_renewal == 4
    event = card.events.get()
    assert (event.kind, event.by, event.office) == ("renewed", world.users["distributor_a"], world.office_a)
    assert set(response.json()) & {"birth_year", "home_municipality", "postal_code", "wellbeing_at_renewal"} == set()


def test_another_office_of_the_region_replaces_the_card_by_its_number(world):
    old = world.card_a2

    response = _post(world, "distributor_a", old.number, "replace",
                     {"number": numbers.display(NEW_NUMBER), "reason": "lost"})

    old.refresh_from_db()
    new = Card.objects.get(number=NEW_NUMBER)
    assert response.status_code == 201
    assert response.json() == _served(new)
    assert (old.status, old.inactive_reason) == ("inactive", "lost")
    assert (new.replaces, new.office, new.birth_year) == (old, world.office_a2, old.birth_year)
    assert old.events.get().office == world.office_a


def test_a_generated_number_when_none_is_given(world):
    response = _post(world, "distributor_a", world.card_a2.number, "replace")

    assert response.status_code == 201
    new = Card.objects.get(replaces=world.card_a2)
    assert response.json()["number"] == new.number
    assert new.number != world.card_a2.number


def test_the_card_stays_out_of_the_list_and_the_read(world):
    """Acting by number is no browsing: office A's list and GET /cards/{number}/ keep to its own cards."""
    client = world.client("distributor_a")

    listed = {row["number"] for row in client.get("/api/v1/cards/").json()["results"]}

    assert listed == {world.card_a.number}
    assert client.get(f"/api/v1/cards/{world.card_a2.number}/").status_code == 404
    assert {row["number"] for row in world.client("distributor_b").get("/api/v1/cards/").json()["results"]} == {
        world.card_b.number}


@pytest.mark.parametrize("role", ["distributor_b", "venue_a", "contact_a", "coordinator", "nobody"])
@pytest.mark.parametrize("action", ["renew", "replace"])
def test_no_one_else_renews_or_replaces_and_nothing_changes(world, role, action):
    """Another region's office, venue staff, the region's contact and the coordinator (who read but do not act)
    and an account without a role: all 404, the same answer as a number that does not exist."""
    before = snapshot()

    response = _post(world, role, world.card_a2.number, action)

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Not found."}
    assert snapshot() == before


@pytest.mark.parametrize("action", ["renew", "replace"])
def test_a_mistyped_or_unknown_number_answers_404(world, action):
    before = snapshot()
    mistyped = world.card_a2.number[:-1] + ("2" if world.card_a2.number[-1] != "2" else "3")

    for number in (mistyped, _number(123456), "X"):
        response = _post(world, "distributor_a", number, action)
        assert (response.status_code, response.json()["code"]) == (404, "not_found"), number
    assert snapshot() == before


def test_anonymous_answers_401(world):
    before = snapshot()

    response = world.client(None).post(f"/api/v1/cards/{world.card_a.number}/renew/", {}, format="json")

    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")
    assert snapshot() == before


@pytest.mark.parametrize(("action", "setup", "body", "http_status", "code"), [
    ("renew", "inactive", {}, 400, "card_not_renewable"),
    ("renew", "region_ended", {}, 400, "region_inactive"),
    ("renew", None, {"wellbeing_at_renewal": 6}, 400, "invalid"),
    ("renew", None, {"wellbeing_at_renewal": "4"}, 400, "invalid"),
    ("replace", "inactive", {}, 400, "card_inactive"),
    ("replace", None, {"number": "ABC-DEF-GHK"}, 400, "card_number_invalid"),
    ("replace", "taken", None, 409, "card_number_taken"),
    ("replace", None, {"reason": "returned"}, 400, "invalid"),
])
def test_refusals_answer_their_code_and_change_nothing(world, action, setup, body, http_status, code):
    card = world.card_a2
    if setup == "inactive":
        Card.objects.filter(pk=card.pk).update(status="inactive", inactive_reason="lost", inactivated_on=_today())
    elif setup == "region_ended":
        region = world.region_a
        region.pilot, region.active_until = True, _today() - datetime.timedelta(days=1)
        region.save()
    elif setup == "taken":
        body = {"number": CardFactory(office=world.office_b).number}
    before = snapshot()

    response = _post(world, "distributor_a", card.number, action, body)

    assert response.status_code == http_status
    assert response.json()["code"] == code
    assert snapshot() == before


def test_a_community_card_is_renewed_but_not_replaced(world):
    community = CommunityCardFactory(office=world.office_a2)
    before = snapshot()

    refused = _post(world, "distributor_a", community.number, "replace")
    assert (refused.status_code, refused.json()["code"]) == (400, "card_kind_mismatch")
    assert snapshot() == before
    assert _post(world, "distributor_a", community.number, "renew").json()["kind"] == "community"
