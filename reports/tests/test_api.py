"""GET /api/v1/stats/summary/: the DESIGN §7 figures for the caller's scope (role × scope matrix)."""

import datetime

import pytest
from django.utils import timezone

from cards.tests.factories import CommunityCardFactory, UseFactory
from kaikukanta.tests.api_world import build_world

pytestmark = pytest.mark.django_db

FIGURES = {
    "cards_registered", "cards_taken_into_use", "active_cardholders", "uses_total", "uses_adults",
    "uses_children", "uses_by_group", "community_card_uses", "cross_region_uses", "active_offices",
    "active_venues", "municipalities_in_network",
}


@pytest.fixture
def world():
    w = build_world()
    today = timezone.localdate()
    # One more use at region A's venue with a community card and children (today: counted live).
    UseFactory(card=CommunityCardFactory(office=w.office_a), venue=w.venue_a, used_on=today, children=2,
               group_size=3)
    return w


def _summary(world, role, **params):
    return world.client(role).get("/api/v1/stats/summary/", params)


def test_coordinator_gets_the_national_figures(world):
    response = _summary(world, "coordinator")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == FIGURES | {"period"}
    assert body["uses_total"] == 4
    assert body["uses_adults"] == 4
    assert body["uses_children"] == 2
    assert body["community_card_uses"] == 1
    assert body["cross_region_uses"] == 1  # card of region A used at region B's venue
    assert body["uses_by_group"]["culture"] == {"adults": 4, "children": 2}
    assert body["uses_by_group"]["sport"] == {"adults": 0, "children": 0}
    assert body["period"]["from"] is None
    assert body["period"]["to"] >= timezone.localdate().isoformat()


def test_coordinator_can_pick_a_region(world):
    body = _summary(world, "coordinator", region=world.region_b.pk).json()

    assert body["uses_total"] == 2  # both uses at region B's venue
    assert body["active_venues"] == 1


def test_regional_contact_gets_their_region(world):
    response = _summary(world, "contact_a")

    assert response.status_code == 200
    assert response.json()["uses_total"] == 2  # at region A's venue
    assert response.json()["active_offices"] == 2
    assert _summary(world, "contact_a", region=world.region_a.pk).json() == response.json()


def test_region_outside_the_scope_is_404(world):
    for region in (world.region_b.pk, 987654):
        response = _summary(world, "contact_a", region=region)

        assert (response.status_code, response.json()["code"]) == (404, "not_found")


@pytest.mark.parametrize("role", ["distributor_a", "venue_a", "distributor_b", "venue_b", "nobody"])
def test_other_roles_are_refused(world, role):
    response = _summary(world, role)

    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")


def test_period_is_whole_months(world):
    body = _summary(world, "coordinator", **{"from": "2024-03-15", "to": "2024-04-02"}).json()

    assert body["period"] == {"from": "2024-03-01", "to": "2024-04-30"}
    assert body["uses_total"] == 0


@pytest.mark.parametrize(("params", "code"), [
    ({"from": "2025-05-01", "to": "2025-01-01"}, "period_invalid"),
    ({"from": "1999-12-31"}, "invalid"),
    ({"to": "huomenna"}, "invalid"),
    ({"region": "0"}, "invalid"),
])
def test_bad_queries_are_400(world, params, code):
    response = _summary(world, "coordinator", **params)

    assert (response.status_code, response.json()["code"]) == (400, code)


def test_late_dates_inside_the_range_work(world):
    response = _summary(world, "coordinator", to=datetime.date(2999, 12, 31).isoformat())

    assert response.status_code == 200
