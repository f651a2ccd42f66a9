"""Cards and uses through the REST API (DESIGN §8): checks, logging, cancelling, registering.

Each refusal asserts its status, its stable code and that nothing changed.
"""

import datetime

import pytest
from django.utils import timezone

from cards.models import Card, CardCheck, CardEvent, Use
from cards.tests.factories import CardFactory, CommunityCardFactory, UseFactory, _number
from kaikukanta.tests.api_world import ROLES, build_world
from regions.models import NationalSettings
from regions.tests.factories import MunicipalityFactory
from venues.tests.factories import OfferFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def today() -> datetime.date:
    return timezone.localdate()


def _check(world, role, number, venue):
    return world.client(role).get(f"/api/v1/cards/{number}/check/", {"venue": venue.pk})


# --- GET /cards/{number}/check/ ----------------------------------------------------------------------


def test_check_valid_card_answers_the_contract_body(world):
    card = world.card_a

    response = _check(world, "venue_a", card.number, world.venue_a)

    assert response.status_code == 200
    assert response.json() == {
        "number": card.number,
        "kind": "personal",
        "valid": True,
        "code": None,
        "valid_until": card.valid_until.isoformat(),
        "children_allowed": 2,
        "region": {"id": world.region_a.pk, "name": "Pirkanmaa"},
        # Issue 11: the world's use_a, card A at venue A today (logging it again needs a confirmation).
        "uses_today": [{"id": world.use_a.pk, "logged_at": response.json()["uses_today"][0]["logged_at"],
                        "kind": "ticket", "offer": None, "children": 0, "group_size": None, "channel": "counter"}],
    }
    assert datetime.datetime.fromisoformat(response.json()["uses_today"][0]["logged_at"]) == world.use_a.logged_at
    check = CardCheck.objects.get()
    assert (check.user, check.venue, check.card, check.result, check.channel) == (
        world.users["venue_a"], world.venue_a, card, "valid", Use.Channel.API)


def test_check_accepts_a_printed_number_in_lower_case(world):
    printed = world.card_a.display_number.lower()

    response = _check(world, "venue_a", printed, world.venue_a)

    assert response.status_code == 200
    assert response.json()["number"] == world.card_a.number
    assert response.json()["valid"] is True


@pytest.mark.parametrize(("setup", "code"), [
    ("mistyped", "card_number_invalid"),
    ("unknown", "card_not_found"),
    ("expired", "card_expired"),
    ("inactive", "card_inactive"),
])
def test_check_refused_card_answers_200_with_the_code(world, setup, code):
    if setup == "mistyped":
        number = world.card_a.number[:-1] + ("2" if world.card_a.number[-1] != "2" else "3")
    elif setup == "unknown":
        number = _number(999_999)
    elif setup == "expired":
        number = CardFactory(office=world.office_a, valid_until=today() - datetime.timedelta(days=1)).number
    else:
        number = CardFactory(office=world.office_a, status=Card.Status.INACTIVE, inactive_reason="lost",
                             inactivated_on=today()).number

    response = _check(world, "venue_a", number, world.venue_a)

    assert response.status_code == 200
    body = response.json()
    assert (body["valid"], body["code"], body["children_allowed"]) == (False, code, 0)
    assert CardCheck.objects.get().result == code


def test_check_community_card_allows_a_group(world):
    card = CommunityCardFactory(office=world.office_a)

    body = _check(world, "venue_a", card.number, world.venue_a).json()

    assert (body["kind"], body["valid"], body["children_allowed"]) == ("community", True,
                                                                       NationalSettings.current().group_max)


@pytest.mark.parametrize("role", [r for r in ROLES if r != "venue_a"])
def test_check_at_a_venue_not_yours_is_404_and_not_recorded(world, role):
    response = _check(world, role, world.card_a.number, world.venue_a)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert CardCheck.objects.count() == 0


def test_check_at_unknown_venue_is_404(world):
    response = world.client("venue_a").get(f"/api/v1/cards/{world.card_a.number}/check/", {"venue": 987654})

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_check_without_venue_is_400_naming_the_field(world):
    response = world.client("venue_a").get(f"/api/v1/cards/{world.card_a.number}/check/")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["fields"]) == ["venue"]
    assert CardCheck.objects.count() == 0


def test_failed_checks_are_throttled_per_user(world, settings):
    settings.CARD_CHECK_FAILURES_PER_MINUTE = 3
    unknown = [_number(900_000 + i) for i in range(4)]

    statuses = [_check(world, "venue_a", number, world.venue_a).status_code for number in unknown]
    blocked = _check(world, "venue_a", world.card_a.number, world.venue_a)
    other_user = _check(world, "venue_b", world.card_b.number, world.venue_b)

    assert statuses == [200, 200, 200, 429]
    assert blocked.status_code == 429
    assert blocked.json()["code"] == "throttled"
    assert other_user.status_code == 200
    checks = CardCheck.objects.filter(user=world.users["venue_a"]).order_by("pk")
    results = list(checks.values_list("result", flat=True))
    assert results == ["card_not_found"] * 3 + ["throttled"] * 2


def test_over_long_or_control_character_number_is_just_invalid(world):
    response = _check(world, "venue_a", "A%00B" + "C" * 300, world.venue_a)

    assert response.status_code == 200
    assert response.json()["code"] == "card_number_invalid"
    assert CardCheck.objects.get().number == "A?B" + "C" * 37


# --- POST /uses/ ---------------------------------------------------------------------------------------


def _log(world, role="venue_a", **body):
    # The world's use_a is card A at venue A today: another use of it there today is a repeat, so these logs confirm
    # it (issue 11; the repeat warning itself is tested in test_api_repeat.py).
    payload = {"card_number": world.card_a.number, "venue": world.venue_a.pk, "kind": "ticket", "children": 0,
               "offer": None, "used_on": today().isoformat(), "idempotency_key": "lippu-1", "confirm_repeat": True}
    payload.update(body)
    return world.client(role).post("/api/v1/uses/", payload)


def test_log_use_answers_201_with_the_use(world):
    response = _log(world, children=2, offer=world.offer_a.pk)

    assert response.status_code == 201
    use = Use.objects.get(pk=response.json()["id"])
    assert response.json() == {
        "id": use.pk, "card_number": world.card_a.number, "card_kind": "personal",
        "venue": {"id": world.venue_a.pk, "name": "Vapriikki"}, "offer": world.offer_a.pk, "kind": "ticket",
        "children": 2, "group_size": None, "used_on": today().isoformat(),
        "logged_at": response.json()["logged_at"], "channel": "api", "idempotency_key": "lippu-1",
        "cancelled": False, "cancelled_at": None, "cancel_reason": "", "stat_group": "culture",
    }
    assert (use.logged_by, use.channel) == (world.users["venue_a"], Use.Channel.API)
    world.offer_a.refresh_from_db()
    assert world.offer_a.used_count == 3


def test_log_use_repeated_with_the_same_key_answers_200_with_the_same_use(world):
    first = _log(world, children=1, offer=world.offer_a.pk)
    again = _log(world, children=1, offer=world.offer_a.pk)

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Use.objects.filter(idempotency_key="lippu-1").count() == 1
    world.offer_a.refresh_from_db()
    assert world.offer_a.used_count == 2


def test_log_use_same_key_for_another_card_is_409(world):
    _log(world)
    before = Use.objects.count()

    response = _log(world, card_number=CardFactory(office=world.office_a).number)

    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_conflict"
    assert Use.objects.count() == before


def test_log_use_without_key_logs_each_time(world):
    assert _log(world, idempotency_key="").status_code == 201
    assert _log(world, idempotency_key="").status_code == 201
    assert Use.objects.filter(card=world.card_a, venue=world.venue_a).count() == 3


@pytest.mark.parametrize(("change", "http_status", "code"), [
    ({"children": 3}, 400, "too_many_children"),
    ({"kind": "course", "children": 1}, 400, "children_not_allowed_for_courses"),
    ({"used_on": "2999-01-01"}, 400, "used_on_in_future"),
    ({"card_number": "ABCDEFGHJ"}, 400, "card_number_invalid"),
    ({"card_number": _number(777_777)}, 404, "card_not_found"),
    ({"offer": "offer_b"}, 400, "offer_mismatch"),
    ({"offer": 98765}, 400, "offer_mismatch"),
    ({"children": -1}, 400, "invalid"),
    ({"kind": "concert"}, 400, "invalid"),
    ({"card_number": "X" * 41}, 400, "invalid"),
    ({"idempotency_key": "k" * 65}, 400, "invalid"),
])
def test_log_use_refusals_change_nothing(world, change, http_status, code):
    if change.get("offer") == "offer_b":
        change["offer"] = world.offer_b.pk
    before = Use.objects.count()

    response = _log(world, **change)

    assert response.status_code == http_status, response.json()
    assert response.json()["code"] == code
    assert Use.objects.count() == before


def test_log_use_quota_exhausted_is_409(world):
    offer = OfferFactory(venue=world.venue_a, quota=1)
    assert _log(world, offer=offer.pk, idempotency_key="a").status_code == 201

    response = _log(world, offer=offer.pk, idempotency_key="b")

    assert response.status_code == 409
    assert response.json()["code"] == "quota_exhausted"
    offer.refresh_from_db()
    assert offer.used_count == 1


def test_log_use_with_community_card_needs_group_size(world):
    card = CommunityCardFactory(office=world.office_a)

    refused = _log(world, card_number=card.number, idempotency_key="g0")
    logged = _log(world, card_number=card.number, group_size=3, children=2, idempotency_key="g1")

    assert (refused.status_code, refused.json()["code"]) == (400, "group_size_invalid")
    assert logged.status_code == 201
    assert (logged.json()["group_size"], logged.json()["card_kind"]) == (3, "community")


@pytest.mark.parametrize("role", [r for r in ROLES if r != "venue_a"])
def test_log_use_at_a_venue_not_yours_is_404(world, role):
    before = Use.objects.count()

    response = _log(world, role=role)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert Use.objects.count() == before


# --- POST /uses/{id}/cancel/ -----------------------------------------------------------------------------


def _cancel(world, use, role="venue_a", reason="Väärä kortti"):
    return world.client(role).post(f"/api/v1/uses/{use.pk}/cancel/", {"reason": reason})


def test_cancel_use(world):
    response = _cancel(world, world.use_a)

    assert response.status_code == 200
    assert (response.json()["cancelled"], response.json()["cancel_reason"]) == (True, "Väärä kortti")
    world.use_a.refresh_from_db()
    assert world.use_a.cancelled_by == world.users["venue_a"]


def test_cancel_repeated_answers_200_and_another_reason_409(world):
    first = _cancel(world, world.use_a)
    cancelled_at = Use.objects.get(pk=world.use_a.pk).cancelled_at

    again = _cancel(world, world.use_a)
    other = _cancel(world, world.use_a, reason="Toinen syy")

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json()
    assert (other.status_code, other.json()["code"]) == (409, "use_already_cancelled")
    use = Use.objects.get(pk=world.use_a.pk)
    assert (use.cancelled_at, use.cancel_reason) == (cancelled_at, "Väärä kortti")


def test_cancel_needs_a_reason(world):
    response = _cancel(world, world.use_a, reason="  ")

    assert (response.status_code, response.json()["code"]) == (400, "reason_required")
    assert Use.objects.get(pk=world.use_a.pk).cancelled_at is None


def test_cancel_after_the_window_is_refused(world):
    old = UseFactory(card=world.card_a, venue=world.venue_a, used_on=today() - datetime.timedelta(days=15))

    response = _cancel(world, old)

    assert (response.status_code, response.json()["code"]) == (400, "cancel_window_passed")
    assert Use.objects.get(pk=old.pk).cancelled_at is None


@pytest.mark.parametrize("role", [r for r in ROLES if r != "venue_a"])
def test_cancel_by_anyone_but_the_venue_is_404(world, role):
    response = _cancel(world, world.use_a, role=role)

    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert Use.objects.get(pk=world.use_a.pk).cancelled_at is None


# --- POST /cards/ and GET /cards/{number}/ ----------------------------------------------------------------


def _issue(world, role="distributor_a", **body):
    payload = {"office": world.office_a.pk, "birth_year": 1980, "home_municipality": "837", "children": 2,
               "format": "mobile"}
    payload.update(body)
    return world.client(role).post("/api/v1/cards/", payload)


def test_issue_card_answers_201_with_number_validity_and_status(world):
    response = _issue(world)

    assert response.status_code == 201
    body = response.json()
    card = Card.objects.get(number=body["number"])
    assert (card.office, card.birth_year, card.children, card.format) == (world.office_a, 1980, 2, "mobile")
    assert body["valid_until"] == card.valid_until.isoformat()
    assert body["status"] == "active"
    assert body["display_number"] == card.display_number
    assert body["office"] == {"id": world.office_a.pk, "name": "Tampereen sosiaalitoimisto"}
    assert CardEvent.objects.filter(card=card, kind=CardEvent.Kind.ISSUED).count() == 1


def test_issue_pre_printed_card(world):
    number = _number(123_456)

    response = _issue(world, number=f"{number[:3]}-{number[3:6]}-{number[6:]}".lower(), format="paper")

    assert response.status_code == 201
    assert response.json()["number"] == number


@pytest.mark.parametrize(("change", "http_status", "code"), [
    ({"birth_year": today().year - 10}, 400, "holder_too_young"),
    ({"home_municipality": "999"}, 400, "municipality_not_in_network"),
    ({"home_municipality": "Tampere"}, 400, "invalid"),
    ({"number": "ABCDEFGHJ"}, 400, "card_number_invalid"),
    ({"format": "plastic"}, 400, "invalid"),
    ({"children": 21}, 400, "children_invalid"),
    ({"office": "office_b"}, 404, "not_found"),
    ({"office": 98765}, 404, "not_found"),
])
def test_issue_refusals_change_nothing(world, change, http_status, code):
    if change.get("office") == "office_b":
        change["office"] = world.office_b.pk
    before = Card.objects.count()

    response = _issue(world, **change)

    assert response.status_code == http_status, response.json()
    assert response.json()["code"] == code
    assert Card.objects.count() == before


def test_issue_municipality_outside_the_network(world):
    MunicipalityFactory(code="999", region=None)

    response = _issue(world, home_municipality="999")

    assert (response.status_code, response.json()["code"]) == (400, "municipality_not_in_network")


def test_issue_taken_number_is_409(world):
    response = _issue(world, number=world.card_b.number)

    assert (response.status_code, response.json()["code"]) == (409, "card_number_taken")


def test_issue_idempotent_on_key(world):
    before = Card.objects.count()

    first = _issue(world, idempotency_key="asiakas-42")
    again = _issue(world, idempotency_key="asiakas-42")
    other = _issue(world, idempotency_key="asiakas-42", birth_year=1990)

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert (other.status_code, other.json()["code"]) == (409, "idempotency_conflict")
    assert Card.objects.count() == before + 1


def test_issue_key_is_per_user(world):
    OfficeMembership = world.users["distributor_a"].office_memberships.model
    OfficeMembership.objects.create(user=world.users["contact_a"], office=world.office_a,
                                    started_on=datetime.date(2015, 1, 1))

    first = _issue(world, idempotency_key="k")
    second = _issue(world, role="contact_a", idempotency_key="k")

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["number"] != second.json()["number"]


@pytest.mark.parametrize("role", [r for r in ROLES if r != "distributor_a"])
def test_issue_for_office_a_by_anyone_else_is_404(world, role):
    before = Card.objects.count()

    response = _issue(world, role=role)

    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert Card.objects.count() == before


def test_card_detail_by_printed_number(world):
    response = world.client("distributor_a").get(f"/api/v1/cards/{world.card_a.display_number.lower()}/")

    assert response.status_code == 200
    assert response.json()["number"] == world.card_a.number
    assert response.json()["children"] == 2


def test_card_detail_links_replacements(world):
    old = CardFactory(office=world.office_a, status=Card.Status.INACTIVE, inactive_reason="replaced",
                      inactivated_on=today())
    new = CardFactory(office=world.office_a, replaces=old)
    client = world.client("distributor_a")

    assert client.get(f"/api/v1/cards/{old.number}/").json()["replaced_by"] == new.number
    assert client.get(f"/api/v1/cards/{new.number}/").json()["replaces"] == old.number


# --- filters and query budgets ----------------------------------------------------------------------------


def test_card_list_filters(world):
    CardFactory(office=world.office_a, status=Card.Status.INACTIVE, inactive_reason="lost", inactivated_on=today())
    client = world.client("contact_a")

    active = client.get("/api/v1/cards/", {"status": "active", "office": world.office_a.pk}).json()
    by_number = client.get("/api/v1/cards/", {"number": world.card_a2.display_number}).json()

    assert [row["number"] for row in active["results"]] == [world.card_a.number]
    assert [row["number"] for row in by_number["results"]] == [world.card_a2.number]


def test_use_list_filters(world):
    _cancel(world, world.use_a)
    client = world.client("coordinator")

    cancelled = client.get("/api/v1/uses/", {"cancelled": "true"}).json()
    at_b = client.get("/api/v1/uses/", {"venue": world.venue_b.pk, "cancelled": "false"}).json()
    by_card = client.get("/api/v1/uses/", {"card": world.card_b.number}).json()

    assert [row["id"] for row in cancelled["results"]] == [world.use_a.pk]
    assert {row["id"] for row in at_b["results"]} == {world.use_b.pk, world.use_x.pk}
    assert [row["id"] for row in by_card["results"]] == [world.use_b.pk]


def test_list_invalid_filter_is_400(world):
    response = world.client("coordinator").get("/api/v1/uses/", {"used_from": "eilen"})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "used_from" in response.json()["fields"]


# A page of uses is also an export (R12): its export record and that record's audit-log entry are two inserts more.
@pytest.mark.parametrize(("path", "queries"), [("/api/v1/cards/", 4), ("/api/v1/uses/", 6)])
def test_lists_issue_a_bounded_number_of_queries(world, path, queries, django_assert_num_queries):
    for _ in range(30):
        card = CardFactory(office=world.office_a, home_municipality=world.municipality_a)
        UseFactory(card=card, venue=world.venue_a)
    client = world.client("coordinator")
    client.get(path)  # warm caches (content types, national settings)

    with django_assert_num_queries(queries):
        response = client.get(path, {"page_size": 100})

    assert response.status_code == 200
    assert len(response.json()["results"]) >= 31


def test_page_size_parameter(world):
    for _ in range(3):
        CardFactory(office=world.office_a)

    response = world.client("coordinator").get("/api/v1/cards/", {"page_size": 2})

    assert len(response.json()["results"]) == 2
    assert response.json()["count"] == 6
