"""Regions over the API: body, filters, query budget (the scope matrix is kaikukanta/tests/test_api_scope_matrix.py)."""

import datetime

import pytest

from kaikukanta.tests.api_world import build_world
from regions.tests.factories import RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def test_region_detail_body(world):
    response = world.client("contact_a").get(f"/api/v1/regions/{world.region_a.pk}/")

    assert response.json() == {"id": world.region_a.pk, "name": "Pirkanmaa", "active_from": "2015-01-01",
                               "active_until": None, "local_only": False}


def test_region_filters(world):
    RegionFactory(name="Savonlinna", local_only=True, active_from=datetime.date(2018, 2, 1),
                  active_until=datetime.date(2019, 1, 31))
    client = world.client("coordinator")

    def names(**params):
        return [row["name"] for row in client.get("/api/v1/regions/", params).json()["results"]]

    assert names(local_only="true") == ["Savonlinna"]
    assert names(active_on="2018-06-01") == ["Pirkanmaa", "Savonlinna", "Uusimaa"]
    assert names(active_on="2020-06-01") == ["Pirkanmaa", "Uusimaa"]
    assert names(q="maa") == ["Pirkanmaa", "Uusimaa"]


def test_region_list_query_budget(world, django_assert_num_queries):
    for _ in range(20):
        RegionFactory()
    client = world.client("distributor_a")
    client.get("/api/v1/regions/")

    with django_assert_num_queries(4):
        response = client.get("/api/v1/regions/")

    assert response.json()["count"] == 1
