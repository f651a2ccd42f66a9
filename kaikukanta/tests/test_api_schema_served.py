"""The served schema says what the API does (issue 18, finding 13): one schema in every language, JSON on
request, nullable fields that admit null, the token prefix in the security scheme, and inputs refused
exactly where the schema says they are."""

import json

import jsonschema
import pytest
import yaml
from rest_framework.test import APIClient

from cards.models import Use

from .api_world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        return yaml.safe_load(APIClient().get("/api/schema/", {"format": "json"}).content)  # JSON is YAML


def _validator(schema, component: str):
    document = {"$ref": f"#/components/schemas/{component}", "components": schema["components"]}
    return jsonschema.Draft202012Validator(document, format_checker=jsonschema.FormatChecker())


@pytest.mark.parametrize("query", [{}, {"format": "json"}, {"format": "yaml"}])
def test_schema_is_the_same_bytes_in_every_language(query):
    bodies = {
        language: APIClient().get("/api/schema/", query, HTTP_ACCEPT_LANGUAGE=language).content
        for language in ("fi", "sv", "en")
    }

    assert bodies["fi"] == bodies["sv"] == bodies["en"]
    text = bodies["en"].decode()
    assert "Possible codes:" in text  # error descriptions in English, not the language the views were imported in
    assert "Mahdolliset" not in text
    assert "Muoto" not in text


def test_schema_is_json_with_format_json_and_yaml_by_default():
    as_json = APIClient().get("/api/schema/", {"format": "json"})
    by_default = APIClient().get("/api/schema/")

    assert as_json["Content-Type"].startswith("application/vnd.oai.openapi+json")
    assert json.loads(as_json.content)["openapi"].startswith("3.1")
    assert by_default["Content-Type"].startswith("application/vnd.oai.openapi;")
    assert yaml.safe_load(by_default.content) == json.loads(as_json.content)


def test_schema_has_no_lang_switch():
    """drf-spectacular's view would translate the schema for ``?lang=fi``: one schema means one schema."""
    assert APIClient().get("/api/schema/", {"lang": "fi"}).content == APIClient().get("/api/schema/").content


def test_query_filter_enums_are_the_named_enums(schema):
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/cards/"]["get"]["parameters"]}

    assert parameters["format"]["schema"] == {"$ref": "#/components/schemas/CardFormatEnum"}
    assert parameters["kind"]["schema"] == {"$ref": "#/components/schemas/CardKindEnum"}


def test_token_prefix_is_part_of_the_security_scheme(schema, world):
    scheme = schema["components"]["securitySchemes"]["tokenAuth"]
    token = world.client("venue_a")._credentials["HTTP_AUTHORIZATION"]

    assert (scheme["type"], scheme["scheme"]) == ("http", "Token")
    assert token.startswith(f"{scheme['scheme']} ")  # what the API takes, RFC 7235: "<scheme> <credentials>"


def test_mistyped_number_check_matches_the_schema(schema, world):
    response = world.client("venue_a").get("/api/v1/cards/TAM-PER-E3N/check/", {"venue": world.venue_a.pk})

    body = response.json()
    assert (response.status_code, body["code"], body["region"]) == (200, "card_number_invalid", None)
    _validator(schema, "CardCheck").validate(body)


def test_nullable_references_admit_null(schema):
    region = schema["components"]["schemas"]["Venue"]["properties"]["region"]
    document = {**region, "components": schema["components"]}

    jsonschema.Draft202012Validator(document).validate(None)
    jsonschema.Draft202012Validator(document).validate({"id": 1, "name": "Tampere"})


def test_string_filters_document_their_limits(schema):
    venues = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/venues/"]["get"]["parameters"]}
    cards = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/cards/"]["get"]["parameters"]}

    assert venues["municipality"] == {"type": "string", "minLength": 1, "maxLength": 3, "pattern": r"^[^\x00]*$"}
    assert cards["number"]["maxLength"] == 40
    assert venues["q"]["maxLength"] == 100
    assert cards["page_size"]["minimum"] == 1


def test_typed_card_numbers_document_their_shape(schema):
    card_number = schema["components"]["schemas"]["UseLogRequest"]["properties"]["card_number"]
    validator = jsonschema.Draft202012Validator(card_number)

    for typed in ("TAM-PER-E3M", "tamper e3m", "TAMPERE3M"):
        assert validator.is_valid(typed), typed
    for typed in ("TAM-PER-E3", "TAM-PER-E3MM", "TAM-PER-I3M", "TAM/PER/E3M"):
        assert not validator.is_valid(typed), typed
    assert "card_number_invalid" in card_number["description"]


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [
        ("/api/v1/cards/", {"valid_to": ""}, "valid_to"),
        ("/api/v1/uses/", {"used_from": ""}, "used_from"),
        ("/api/v1/venues/", {"municipality": ""}, "municipality"),
        ("/api/v1/uses/", {"cancelled": "maybe"}, "cancelled"),
        ("/api/v1/venues/", {"is_popup": "1"}, "is_popup"),
        ("/api/v1/venues/", {"page_size": "null"}, "page_size"),
        ("/api/v1/venues/", {"page_size": "0"}, "page_size"),
        ("/api/v1/offices/", {"page_size": "-5"}, "page_size"),
    ],
)
def test_blank_and_mistyped_filters_are_refused(world, path, query, field):
    """django-filter and DRF would ignore these and answer the unfiltered list (200) — which a program takes
    for the filtered one. The schema does not allow them, and now neither does the API."""
    response = world.client("coordinator").get(path, query)

    assert response.status_code == 400
    assert (response.json()["code"], list(response.json()["fields"])) == ("invalid", [field])


def test_valid_filters_and_page_sizes_still_work(world):
    client = world.client("coordinator")

    assert client.get("/api/v1/uses/", {"cancelled": "false", "page_size": "1"}).json()["count"] >= 1
    assert len(client.get("/api/v1/uses/", {"page_size": "1"}).json()["results"]) == 1
    assert client.get("/api/v1/venues/", {"page_size": "100000"}).status_code == 200  # more than 200 gives 200
    assert client.get("/api/v1/venues/", {"municipality": "837"}).status_code == 200


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"children": "2"}, "children"),
        ({"venue": "VENUE"}, "venue"),
        ({"idempotency_key": 17}, "idempotency_key"),
        ({"card_number": 123456789}, "card_number"),
    ],
)
def test_request_body_types_are_json_types(world, change, field):
    """A string for a number or a number for a string is refused as the schema says (DRF would convert it);
    nothing is logged."""
    body = {"card_number": world.card_a.number, "venue": world.venue_a.pk, "kind": "ticket", "children": 0,
            "idempotency_key": "type-check"}
    if change.get("venue") == "VENUE":
        change = {"venue": str(world.venue_a.pk)}
    uses_before = Use.objects.count()

    response = world.client("venue_a").post("/api/v1/uses/", {**body, **change}, format="json")

    assert response.status_code == 400
    assert (response.json()["code"], list(response.json()["fields"])) == ("invalid", [field])
    assert Use.objects.count() == uses_before


def test_integral_json_numbers_are_integers(world):
    """JSON has one number type: 2.0 is the integer 2 (JSON Schema says so too)."""
    # Card A was used at venue A today (the world's use_a): another use is a repeat, confirmed (issue 11).
    body = {"card_number": world.card_a.number, "venue": float(world.venue_a.pk), "kind": "ticket", "children": 0.0,
            "confirm_repeat": True}

    response = world.client("venue_a").post("/api/v1/uses/", body, format="json")

    assert response.status_code == 201
    assert response.json()["children"] == 0
