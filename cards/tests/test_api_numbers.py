"""Card numbers in API answers follow the pages' masking rule, by role (DESIGN §5; hardening issue, finding 4).

A use's card number is shown in full only to those who may see the card itself (its office, its region's
contacts, the coordinators) and in the answer to the request that typed it; anyone else, venue staff in
particular, sees ``ABC-•••-GHJ``, the mask the counter's pages and CSV exports show.
"""

import pytest

from cards import numbers
from cards.models import Use
from cards.tests.factories import UseFactory
from counter.selectors import mask_number
from kaikukanta.tests.api_world import build_world
from venues.tests.factories import VenueMembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """``use_y``: a region B card used at region A's venue, so region A's contact sees a card outside their scope."""
    w = build_world()
    w.objects["use_y"] = UseFactory(card=w.card_b, venue=w.venue_a)
    return w


def _full(use) -> str:
    return use.card.number


def _masked(use) -> str:
    return numbers.mask(use.card.number)


# role -> {use: how its card number is shown}; uses outside the role's scope are not listed at all.
EXPECTED = {
    "coordinator": {"use_a": _full, "use_b": _full, "use_x": _full, "use_y": _full},
    "contact_a": {"use_a": _full, "use_x": _full, "use_y": _masked},
    "distributor_a": {"use_a": _full, "use_x": _full},
    "distributor_b": {"use_b": _full, "use_y": _full},
    "venue_a": {"use_a": _masked, "use_y": _masked},
    "venue_b": {"use_b": _masked, "use_x": _masked},
    "nobody": {},
}


def test_mask_keeps_the_first_and_the_last_group():
    assert numbers.mask("ABCDEFGHJ") == "ABC-•••-GHJ"
    assert numbers.mask("abc-def-ghj") == "ABC-•••-GHJ"
    assert numbers.mask("AB") == "•••"
    assert mask_number("TAMPERE3M") == numbers.mask("TAMPERE3M") == "TAM-•••-E3M"  # the counter's is the same rule


@pytest.mark.parametrize("role", list(EXPECTED))
def test_use_list_shows_card_numbers_by_role(world, role):
    response = world.client(role).get("/api/v1/uses/", {"page_size": 100})

    assert response.status_code == 200
    shown = {row["id"]: row["card_number"] for row in response.json()["results"]}
    expected = {getattr(world, name).pk: rule(getattr(world, name)) for name, rule in EXPECTED[role].items()}
    assert shown == expected
    for name, rule in EXPECTED[role].items():
        if rule is _masked:
            assert getattr(world, name).card.number.encode() not in response.content


@pytest.mark.parametrize("role", list(EXPECTED))
def test_one_use_shows_its_card_number_by_role(world, role):
    for name, rule in EXPECTED[role].items():
        use = getattr(world, name)

        response = world.client(role).get(f"/api/v1/uses/{use.pk}/")

        assert response.status_code == 200
        assert response.json()["card_number"] == rule(use)


def test_venue_staff_who_also_distribute_see_their_offices_cards_in_full(world):
    """Roles add up: the same person at the venue and at office A sees office A's cards, and only those."""
    user = world.users["distributor_a"]
    VenueMembershipFactory(user=user, venue=world.venue_a)

    response = world.client("distributor_a").get("/api/v1/uses/", {"venue": world.venue_a.pk})

    shown = {row["id"]: row["card_number"] for row in response.json()["results"]}
    assert shown == {world.use_a.pk: world.card_a.number, world.use_y.pk: numbers.mask(world.card_b.number)}


def test_logging_echoes_the_typed_number_and_later_reads_mask_it(world):
    """The answer to the log shows the number the request typed (as the check does); the same use read or
    cancelled afterwards by venue staff shows the mask."""
    typed = world.card_b.display_number.lower()
    client = world.client("venue_a")

    # use_y is card B at venue A today: another use there today is a repeat, confirmed (issue 11).
    body = {"card_number": typed, "venue": world.venue_a.pk, "idempotency_key": "t-1", "confirm_repeat": True}
    logged = client.post("/api/v1/uses/", body)
    again = client.post("/api/v1/uses/", body)
    read = client.get(f"/api/v1/uses/{logged.json()['id']}/")
    cancelled = client.post(f"/api/v1/uses/{logged.json()['id']}/cancel/", {"reason": "väärä kortti"})

    assert (logged.status_code, again.status_code, read.status_code, cancelled.status_code) == (201, 200, 200, 200)
    assert logged.json()["card_number"] == again.json()["card_number"] == world.card_b.number
    assert read.json()["card_number"] == cancelled.json()["card_number"] == numbers.mask(world.card_b.number)
    assert Use.objects.get(pk=logged.json()["id"]).cancel_reason == "väärä kortti"


def test_masking_adds_no_query_to_the_use_list(world, django_assert_num_queries):
    for _ in range(20):
        UseFactory(card=world.card_b, venue=world.venue_a)
    client = world.client("venue_a")
    client.get("/api/v1/uses/")  # warm caches (content types, national settings)

    # 4 for the page; 8 more, however many rows, for its export record (R12: the venue's region looked up, the record
    # and its region written, each with its audit-log entry).
    with django_assert_num_queries(4 + 8):
        response = client.get("/api/v1/uses/", {"page_size": 100})

    assert {row["card_number"] for row in response.json()["results"]} == {
        numbers.mask(world.card_a.number), numbers.mask(world.card_b.number)
    }
