"""The README's REST API walk-through, step by step, on the small demo: keeps the README true."""

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from cards.models import Card, Use
from devdata.demo import DEMO_CARDS, demo_seed

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def demo():
    demo_seed(small=True)


def _login(username: str) -> APIClient:
    response = APIClient().post(f"{API}/auth/token/", {"username": username, "password": settings.DEMO_PASSWORD})
    assert response.status_code == 200
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


@pytest.mark.usefixtures("demo")
def test_box_office_walk_through():
    client = _login("kohde-vapriikki")

    me = client.get(f"{API}/me/").json()
    assert (me["roles"], [venue["name"] for venue in me["venues"]]) == (["venue"], ["Vapriikki"])
    venue = me["venues"][0]["id"]

    valid = client.get(f"{API}/cards/TAM-PER-E3M/check/", {"venue": venue}).json()
    expired = client.get(f"{API}/cards/TAM-PER-E4T/check/", {"venue": venue}).json()
    assert (valid["number"], valid["valid"], valid["code"], valid["children_allowed"]) == (
        DEMO_CARDS["tampere_children"], True, None, 2)
    assert (expired["valid"], expired["code"]) == (False, "card_expired")

    body = {"card_number": "TAM-PER-E3M", "venue": venue, "kind": "ticket", "children": 2,
            "idempotency_key": "lippu-0001"}
    logged = client.post(f"{API}/uses/", body)
    again = client.post(f"{API}/uses/", body)
    refused = client.post(f"{API}/uses/", {**body, "children": 3, "idempotency_key": "lippu-0002"})
    assert (logged.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == logged.json()["id"]
    assert (refused.status_code, refused.json()["code"]) == (400, "too_many_children")

    use_id = logged.json()["id"]
    cancelled = client.post(f"{API}/uses/{use_id}/cancel/", {"reason": "Asiakas ei tullutkaan"})
    assert cancelled.status_code == 200
    assert Use.objects.get(pk=use_id).cancel_reason == "Asiakas ei tullutkaan"


@pytest.mark.usefixtures("demo")
def test_distributor_and_contact_walk_through():
    distributor = _login("jakaja-tampere")
    office = distributor.get(f"{API}/me/").json()["offices"][0]["id"]

    created = distributor.post(f"{API}/cards/", {"office": office, "birth_year": 1980, "home_municipality": "837",
                                                 "children": 2, "format": "mobile"})
    assert created.status_code == 201
    number = created.json()["number"]
    assert Card.objects.get(number=number).office_id == office
    assert distributor.get(f"{API}/cards/{number}/").json()["status"] == "active"

    renewed = distributor.post(f"{API}/cards/{DEMO_CARDS['tampere_valid']}/renew/", {"wellbeing_at_renewal": 4})
    replaced = distributor.post(f"{API}/cards/{number}/replace/", {"reason": "lost"})
    assert (renewed.status_code, renewed.json()["number"]) == (200, DEMO_CARDS["tampere_valid"])
    assert "birth_year" not in renewed.json()
    assert replaced.status_code == 201
    assert Card.objects.get(number=replaced.json()["number"]).replaces.number == number

    stats = _login("alue-tampere").get(f"{API}/stats/summary/", {"from": "2025-01-01"})
    assert stats.status_code == 200
    assert stats.json()["uses_total"] >= 1
