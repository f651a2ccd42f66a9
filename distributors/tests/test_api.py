"""Offices over the API: body, filters, query budget (the scope matrix is kaikukanta/tests/test_api_scope_matrix.py)."""

import datetime

import pytest

from distributors.tests.factories import OfficeFactory
from kaikukanta.tests.api_world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def test_office_detail_body(world):
    office = world.office_a

    response = world.client("distributor_a").get(f"/api/v1/offices/{office.pk}/")

    assert response.json() == {
        "id": office.pk, "name": "Tampereen sosiaalitoimisto",
        "organisation": {"id": office.organisation_id, "name": office.organisation.name},
        "region": {"id": world.region_a.pk, "name": "Pirkanmaa"}, "municipality": "837", "email": "",
        "active_from": "2015-01-01", "active_until": None,
    }


def test_office_filters(world):
    OfficeFactory(name="Lakkautettu toimisto", region=world.region_a, active_until=datetime.date(2020, 12, 31))
    client = world.client("contact_a")

    def names(**params):
        return [row["name"] for row in client.get("/api/v1/offices/", params).json()["results"]]

    assert names() == ["Lakkautettu toimisto", "Nuorisotyö Tampere", "Tampereen sosiaalitoimisto"]
    assert names(active_on="2024-01-01") == ["Nuorisotyö Tampere", "Tampereen sosiaalitoimisto"]
    assert names(municipality="837") == ["Tampereen sosiaalitoimisto"]
    assert names(q="nuoriso") == ["Nuorisotyö Tampere"]
    assert names(region=world.region_b.pk) == []  # out of scope: filtered to nothing, not an error


def test_office_list_query_budget(world, django_assert_num_queries):
    for _ in range(25):
        OfficeFactory(region=world.region_a)
    client = world.client("coordinator")
    client.get("/api/v1/offices/")

    with django_assert_num_queries(4):
        response = client.get("/api/v1/offices/", {"page_size": 100})

    assert response.json()["count"] == 28
