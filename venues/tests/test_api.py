"""Venues and offers over the API: bodies, filters, query budgets (scope matrix: test_api_scope_matrix.py)."""

import datetime

import pytest

from kaikukanta.tests.api_world import build_world
from venues.models import Category, Offer
from venues.tests.factories import OfferFactory, VenueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def test_venue_detail_body(world):
    venue = world.venue_a

    response = world.client("venue_a").get(f"/api/v1/venues/{venue.pk}/")

    assert response.json() == {
        "id": venue.pk, "name": "Vapriikki", "category": "museum", "stat_group": "culture",
        "region": {"id": world.region_a.pk, "name": "Pirkanmaa"}, "municipality": "837", "is_popup": False,
        "offers_courses": True, "website": "", "active_from": "2015-01-01", "active_until": None,
    }


def test_offer_detail_body(world):
    offer = world.offer_a

    response = world.client("venue_a").get(f"/api/v1/offers/{offer.pk}/")

    assert response.json() == {
        "id": offer.pk, "venue": {"id": world.venue_a.pk, "name": "Vapriikki"}, "title": "Näyttely",
        "kind": "performance", "starts_on": "2020-01-01", "ends_on": "2030-12-31", "quota": 10, "used_count": 0,
        "remaining": 10,
    }


def test_venue_filters(world):
    VenueFactory(name="Uimahalli", category=Category.SWIMMING_HALL, region=world.region_a)
    client = world.client("coordinator")

    def names(**params):
        return [row["name"] for row in client.get("/api/v1/venues/", params).json()["results"]]

    assert names(region=world.region_a.pk) == ["Uimahalli", "Vapriikki"]
    assert names(category="swimming_hall") == ["Uimahalli"]
    assert names(offers_courses="true") == ["Vapriikki"]
    assert names(q="teatteri") == ["Kansallisteatteri"]


def test_unknown_category_is_400(world):
    response = world.client("coordinator").get("/api/v1/venues/", {"category": "zoo"})

    assert (response.status_code, response.json()["code"], list(response.json()["fields"])) == (
        400, "invalid", ["category"])


def test_offer_filters(world):
    OfferFactory(venue=world.venue_a, title="Kurssi", kind=Offer.Kind.COURSE, starts_on=datetime.date(2025, 1, 1),
                 ends_on=datetime.date(2025, 5, 31))
    client = world.client("venue_a")

    def titles(**params):
        return [row["title"] for row in client.get("/api/v1/offers/", params).json()["results"]]

    assert titles(kind="course") == ["Kurssi"]
    assert titles(current_on="2026-01-01") == ["Näyttely"]
    assert titles(venue=world.venue_a.pk) == ["Näyttely", "Kurssi"]


@pytest.mark.parametrize("path", ["/api/v1/venues/", "/api/v1/offers/"])
def test_list_query_budget(world, path, django_assert_num_queries):
    for _ in range(25):
        OfferFactory(venue=VenueFactory(region=world.region_a))
    client = world.client("contact_a")
    client.get(path)

    with django_assert_num_queries(4):
        response = client.get(path, {"page_size": 100})

    assert response.json()["count"] == 26
