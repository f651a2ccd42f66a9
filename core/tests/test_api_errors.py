"""Every API error answers {"code","detail"}: size limits, bad bodies, unknown paths, server errors."""

import json

import pytest
from django.test import RequestFactory

from cards.models import Use
from core import views as errors
from kaikukanta.tests.api_world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def test_huge_json_body_is_413_and_nothing_is_logged(world, settings):
    body = json.dumps({"card_number": world.card_a.number, "venue": world.venue_a.pk,
                       "idempotency_key": "x", "padding": "y" * settings.API_MAX_BODY_BYTES})

    response = world.client("venue_a").post("/api/v1/uses/", body, content_type="application/json")

    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert Use.objects.count() == 3


def test_malformed_json_is_400_parse_error(world):
    response = world.client("venue_a").post("/api/v1/uses/", '{"card_number": ', content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_form_body_is_415(world):
    response = world.client("venue_a").post("/api/v1/uses/", "card_number=x",
                                            content_type="application/x-www-form-urlencoded")

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_wrong_method_is_405(world):
    response = world.client("coordinator").delete(f"/api/v1/cards/{world.card_a.number}/")

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_unknown_api_path_is_json_404(world):
    response = world.client("coordinator").get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_unexpected_error_is_500_without_a_stack_trace(world, monkeypatch, caplog):
    def broken(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("cards.api.views.use_log_or_replay", broken)

    response = world.client("venue_a").post("/api/v1/uses/", {"card_number": world.card_a.number,
                                                                "venue": world.venue_a.pk})

    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    assert set(response.json()) == {"code", "detail"}
    assert b"secret" not in response.content
    assert b"Traceback" not in response.content
    assert "secret internals" in caplog.text  # logged for the operators


def test_django_level_errors_on_api_paths_are_json():
    request = RequestFactory().get("/api/v1/cards/")

    server = errors.server_error(request)
    missing = errors.page_not_found(request, Exception("x"))

    assert (server.status_code, json.loads(server.content)["code"]) == (500, "server_error")
    assert (missing.status_code, json.loads(missing.content)["code"]) == (404, "not_found")


def test_django_level_errors_elsewhere_stay_html():
    response = errors.server_error(RequestFactory().get("/cards/"))

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")


def test_detail_is_translated(world):
    response = world.client("venue_a").post(
        "/api/v1/uses/", {"card_number": world.card_a.number, "venue": world.venue_a.pk, "children": 9},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.json() == {"code": "too_many_children", "detail": "More children than the card allows."}
