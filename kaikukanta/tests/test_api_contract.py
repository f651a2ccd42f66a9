"""Schemathesis against the live OpenAPI schema: every operation as a venue user, a distributor and a
coordinator; invalid input (negative mode); stateful chains as the venue user. Checks: no server error,
every response matches the schema (body and documented status).

Generated ids and numbers rarely exist, so a ``map_case`` hook swaps in a real object of the small
world about half of the time; the other half exercises the 404 / refusal paths. Examples are bounded
and derandomised so the run is repeatable and quick in CI.
"""

import copy
import zlib

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.generation.stateful import run_state_machine_as_test
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from .api_world import build_world

CONTRACT_ROLES = ("venue_a", "distributor_a", "coordinator")
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]
EXAMPLES = 15


@pytest.fixture
def _in_test_transaction():
    """Schemathesis calls the WSGI app directly. Like Django's test client, keep the request signals
    from closing the connection, which would end the test's transaction on PostgreSQL."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def contract_world(db, settings, _in_test_transaction):
    # Enumeration throttling would turn most generated checks into 429s; it has its own tests.
    settings.CARD_CHECK_FAILURES_PER_MINUTE = 10**6
    return build_world()


def _real_values(world) -> dict:
    return {
        "regions": [world.region_a.pk, world.region_b.pk],
        "offices": [world.office_a.pk, world.office_b.pk],
        "venues": [world.venue_a.pk, world.venue_b.pk],
        "offers": [world.offer_a.pk, world.offer_b.pk],
        "uses": [world.use_a.pk, world.use_b.pk, world.use_x.pk],
        "performances": [world.performance_a.pk, world.performance_b.pk],
        "bookings": [world.booking_a.pk, world.booking_b.pk],
        "cards": [world.card_a.number, world.card_a2.number, world.card_b.number],
    }


def _stable_hash(seed) -> int:
    # Not hash(): str hashes change per process (PYTHONHASHSEED), and the run must be repeatable.
    return zlib.crc32(repr(seed).encode())


def _pick(values: list, seed) -> object:
    return values[_stable_hash(seed) % len(values)]


def _swap_in_real_objects(world):
    real = _real_values(world)

    def map_case(context, case):
        seed = (case.path_parameters, case.query, case.body)
        if _stable_hash(seed) % 2:
            return case  # keep the generated values: not-found and refusal paths
        collection = case.path.split("/")[3]
        params = case.path_parameters or {}
        if "id" in params and collection in real:
            params["id"] = _pick(real[collection], seed)
        if "number" in params:
            params["number"] = _pick(real["cards"], seed)
        if isinstance(case.query, dict) and "venue" in case.query:
            case.query["venue"] = _pick(real["venues"], seed)
        if isinstance(case.body, dict):
            for field, key in (("venue", "venues"), ("office", "offices"), ("card_number", "cards"),
                               ("performance", "performances"), ("offer", "offers")):
                if field in case.body:
                    case.body[field] = _pick(real[key], seed)
            if "home_municipality" in case.body:
                case.body["home_municipality"] = "837"
        return case

    return map_case


_DOCUMENT: dict = {}


def _with_client_address(app):
    """Werkzeug's test environ has no REMOTE_ADDR, which every real server sets; allauth's per-address sign-in
    limits (also on POST /api/v1/auth/token/) refuse a request whose client address is unknown."""

    def wrapped(environ, start_response):
        environ.setdefault("REMOTE_ADDR", "127.0.0.1")
        return app(environ, start_response)

    return wrapped


def _load_schema():
    """The live schema, fetched from the app once per run (generating it takes a while); a fresh
    schemathesis object per test so that hooks never leak between tests."""
    app = _with_client_address(get_wsgi_application())
    if not _DOCUMENT:
        _DOCUMENT.update(schemathesis.openapi.from_wsgi("/api/schema/", app).raw_schema)
    schema = schemathesis.openapi.from_dict(copy.deepcopy(_DOCUMENT))
    schema.app = app
    return schema


OPERATIONS = [
    ("POST", "/api/v1/auth/token/"),
    ("GET", "/api/v1/me/"),
    ("GET", "/api/v1/regions/"), ("GET", "/api/v1/regions/{id}/"),
    ("GET", "/api/v1/offices/"), ("GET", "/api/v1/offices/{id}/"),
    ("GET", "/api/v1/venues/"), ("GET", "/api/v1/venues/{id}/"),
    ("GET", "/api/v1/offers/"), ("GET", "/api/v1/offers/{id}/"),
    ("GET", "/api/v1/cards/"), ("POST", "/api/v1/cards/"), ("GET", "/api/v1/cards/{number}/"),
    ("GET", "/api/v1/cards/{number}/check/"),
    ("POST", "/api/v1/cards/{number}/renew/"), ("POST", "/api/v1/cards/{number}/replace/"),
    ("GET", "/api/v1/uses/"), ("POST", "/api/v1/uses/"), ("GET", "/api/v1/uses/{id}/"),
    ("POST", "/api/v1/uses/{id}/cancel/"),
    ("GET", "/api/v1/performances/"), ("POST", "/api/v1/performances/"), ("GET", "/api/v1/performances/{id}/"),
    ("GET", "/api/v1/bookings/"), ("POST", "/api/v1/bookings/"), ("GET", "/api/v1/bookings/{id}/"),
    ("POST", "/api/v1/bookings/{id}/cancel/"), ("POST", "/api/v1/bookings/{id}/check-in/"),
    ("GET", "/api/v1/stats/summary/"),
    ("POST", "/api/v1/holder/activate/"),
]


@pytest.mark.django_db
@pytest.mark.usefixtures("_in_test_transaction")
def test_every_operation_is_fuzzed():
    schema = _load_schema()
    assert {(op.ok().method.upper(), op.ok().path) for op in schema.get_all_operations()} == set(OPERATIONS)


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_api_conforms_to_its_schema(contract_world, method, path):
    schema = _load_schema()
    operation = schema[path][method]
    swap = _swap_in_real_objects(contract_world)
    tokens = [contract_world.client(role)._credentials["HTTP_AUTHORIZATION"] for role in CONTRACT_ROLES]

    @given(case=operation.as_strategy().map(lambda case: swap(None, case)))
    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        for token in tokens:
            case.call_and_validate(headers={"Authorization": token}, checks=CHECKS)

    run()


# Operations with inputs a client can get wrong (the others have nothing to negate).
NEGATABLE = [op for op in OPERATIONS if op not in {("GET", "/api/v1/me/"), ("GET", "/api/v1/cards/{number}/")}]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), NEGATABLE)
def test_api_refuses_invalid_input_cleanly(contract_world, method, path):
    """Negative mode: wrong types, missing fields, out-of-range values. Never a server error, and the
    refusal is the documented error body."""
    schema = _load_schema()
    operation = schema[path][method]
    token = contract_world.client("venue_a")._credentials["HTTP_AUTHORIZATION"]

    @given(case=operation.as_strategy(GenerationMode.NEGATIVE))
    @hypothesis_settings(
        max_examples=8,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        case.call_and_validate(headers={"Authorization": token},
                               checks=[not_a_server_error, response_schema_conformance])

    run()


# Rarely (twice in many CI runs, never alone or in its module here) Hypothesis stopped this run with
# FlakyStrategyDefinition: a replayed chain drew differently from its first run. The likely cause: the per-minute
# limits kept in the cache (POST /api/v1/auth/token/: 10 a minute, and allauth's per-address sign-in limits)
# grew over the runs, so a replayed call met a 429 its first run had not. Each run now starts with an empty cache;
# as a safety net the test runs once more before it fails.
@pytest.mark.flaky(reruns=1)
@pytest.mark.django_db
def test_api_stateful_as_box_office(contract_world):
    """Chains of calls linked by the responses (schemathesis infers the links): log a use, then read it,
    cancel it, read it again; list cards, then read or check one. As the venue user, who can write."""
    schema = _load_schema()
    schema.hook("map_case")(_swap_in_real_objects(contract_world))
    token = contract_world.client("venue_a")._credentials["HTTP_AUTHORIZATION"]

    class BoxOffice(schema.as_state_machine()):
        def __init__(self):
            super().__init__()
            cache.clear()  # the per-minute limits start afresh: a replayed run meets the answers its first run met

        def get_call_kwargs(self, case):
            return {"headers": {"Authorization": token}}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS)

    run_state_machine_as_test(BoxOffice, settings=hypothesis_settings(
        max_examples=25,
        stateful_step_count=5,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    ))
