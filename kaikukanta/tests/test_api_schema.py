"""The OpenAPI contract: valid, warning-free, and describing every DESIGN §8 endpoint and its errors."""

import pytest
import yaml
from django.core.management import call_command
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

DESIGN_OPERATIONS = {
    ("get", "/api/v1/cards/{number}/check/"),
    ("post", "/api/v1/uses/"),
    ("post", "/api/v1/uses/{id}/cancel/"),
    ("post", "/api/v1/cards/"),
    ("get", "/api/v1/cards/{number}/"),
    ("post", "/api/v1/cards/{number}/renew/"), ("post", "/api/v1/cards/{number}/replace/"),
    ("get", "/api/v1/stats/summary/"),
    ("post", "/api/v1/auth/token/"),
    ("get", "/api/v1/me/"),
    ("post", "/api/v1/holder/activate/"),  # issue 14: the holder, without an account
    # list/detail endpoints in the caller's scope
    ("get", "/api/v1/regions/"), ("get", "/api/v1/regions/{id}/"),
    ("get", "/api/v1/offices/"), ("get", "/api/v1/offices/{id}/"),
    ("get", "/api/v1/venues/"), ("get", "/api/v1/venues/{id}/"),
    ("get", "/api/v1/offers/"), ("get", "/api/v1/offers/{id}/"),
    ("get", "/api/v1/cards/"),
    ("get", "/api/v1/uses/"), ("get", "/api/v1/uses/{id}/"),
    # Issue 16: performances and bookings ahead.
    ("get", "/api/v1/performances/"), ("get", "/api/v1/performances/{id}/"), ("post", "/api/v1/performances/"),
    ("get", "/api/v1/bookings/"), ("get", "/api/v1/bookings/{id}/"), ("post", "/api/v1/bookings/"),
    ("post", "/api/v1/bookings/{id}/cancel/"), ("post", "/api/v1/bookings/{id}/check-in/"),
}


@pytest.fixture(scope="module")
def schema(tmp_path_factory):
    path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    # --fail-on-warn: any drf-spectacular warning (unresolvable type, name collision…) fails the build.
    call_command("spectacular", "--validate", "--fail-on-warn", "--lang", "en", "--file", str(path))
    return yaml.safe_load(path.read_text())


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield method, path, operation


def test_schema_has_exactly_the_contract_operations(schema):
    assert {(method, path) for method, path, _op in _operations(schema)} == DESIGN_OPERATIONS


def test_every_error_response_uses_the_error_body(schema):
    for method, path, operation in _operations(schema):
        for http_status, response in operation["responses"].items():
            if int(http_status) >= 400:
                ref = response["content"]["application/json"]["schema"]["$ref"]
                assert ref == "#/components/schemas/Error", (method, path, http_status)
                assert "Possible codes:" in response["description"], (method, path, http_status)


def test_every_operation_documents_its_errors(schema):
    for method, path, operation in _operations(schema):
        statuses = set(operation["responses"])
        assert "429" in statuses, (method, path)
        if path != "/api/v1/auth/token/":
            assert {"401", "404"} <= statuses or path in ("/api/v1/me/", "/api/v1/holder/activate/"), (method, path)
        if method == "post":
            assert {"400", "413"} <= statuses, (method, path)


def test_idempotent_replays_are_documented(schema):
    for path in ("/api/v1/uses/", "/api/v1/cards/"):
        responses = schema["paths"][path]["post"]["responses"]
        assert {"200", "201"} <= set(responses)
        assert "409" in responses


def test_error_codes_are_an_enum_with_the_domain_codes(schema):
    codes = set(schema["components"]["schemas"]["ErrorCodeEnum"]["enum"])
    assert {"card_expired", "too_many_children", "quota_exhausted", "throttled", "not_found", "invalid",
            "server_error", "idempotency_conflict"} <= codes


def test_schema_and_docs_are_served():
    client = APIClient()

    schema = client.get("/api/schema/")
    docs = client.get("/api/docs/")

    assert schema.status_code == 200
    assert b"/api/v1/cards/{number}/check/" in schema.content
    assert docs.status_code == 200
    assert b"/static/drf_spectacular_sidecar/swagger-ui-dist/" in docs.content  # no CDN
    assert b"cdn.jsdelivr" not in docs.content


@pytest.mark.parametrize("path", ["/api/v1/offers/", "/api/v1/offers/{id}/", "/api/v1/performances/",
                                  "/api/v1/bookings/"])
def test_the_ticketing_vendors_endpoints_answer_with_an_example(schema, path):
    """Issue 16, point 4: offers, performances and bookings are in the schema with examples."""
    answer = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    assert answer.get("examples"), path
