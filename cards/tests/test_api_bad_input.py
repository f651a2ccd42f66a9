"""Bad input on every POST endpoint of the API, and the failed-check throttle under interleaved requests
(hardening issue, findings 6 and 8). The threaded versions on PostgreSQL and Redis are in test_concurrency_api.py.
"""

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cards import services
from cards.models import Card, CardCheck, CardEvent, Use
from cards.tests.factories import _number
from core.api.base import LimitedJSONParser, nested_deeper_than
from core.errors import MESSAGES, DomainError
from kaikukanta.tests.api_world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def _state() -> dict:
    return {
        "cards": list(Card.objects.order_by("pk").values_list("pk", "number", "status")),
        "events": CardEvent.objects.count(),
        "uses": list(Use.objects.order_by("pk").values_list("pk", "cancelled_at", "cancel_reason")),
        "tokens": Token.objects.count(),
        "checks": CardCheck.objects.count(),
    }


def _nested(depth: int, leaf: str = "1") -> str:
    return '{"a":' * depth + leaf + "}" * depth


def _post_endpoints(world) -> list[tuple[str, APIClient]]:
    return [
        ("/api/v1/cards/", world.client("distributor_a")),
        ("/api/v1/uses/", world.client("venue_a")),
        (f"/api/v1/uses/{world.use_a.pk}/cancel/", world.client("venue_a")),
        ("/api/v1/auth/token/", APIClient()),
    ]


# --- finding 6: deeply nested JSON answers 400 invalid_json, never 500 -----------------------------------


@pytest.mark.parametrize("endpoint", ["cards", "uses", "cancel", "token"])
def test_deeply_nested_json_is_400_invalid_json_and_changes_nothing(world, endpoint):
    path, client = dict(zip(["cards", "uses", "cancel", "token"], _post_endpoints(world), strict=True))[endpoint]
    before = _state()

    response = client.post(path, _nested(5000), content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"code": "invalid_json", "detail": str(MESSAGES["invalid_json"])}
    assert _state() == before


def test_nesting_up_to_the_limit_reaches_validation(world):
    """64 levels are parsed (and refused as fields, ``invalid``); 65 are not parsed at all."""
    client = world.client("venue_a")
    limit = LimitedJSONParser.max_depth

    at_limit = client.post("/api/v1/uses/", _nested(limit), content_type="application/json")
    over = client.post("/api/v1/uses/", _nested(limit + 1), content_type="application/json")

    assert (at_limit.status_code, at_limit.json()["code"]) == (400, "invalid")
    assert (over.status_code, over.json()["code"]) == (400, "invalid_json")
    assert Use.objects.count() == 3


def test_brackets_inside_strings_do_not_count(world):
    reason = '[{"\\"' * 100 + "]}" * 100

    response = world.client("venue_a").post(f"/api/v1/uses/{world.use_a.pk}/cancel/", {"reason": reason[:200]})

    assert response.status_code == 200
    assert Use.objects.get(pk=world.use_a.pk).cancel_reason == reason[:200]


def test_nesting_depth_scan():
    assert not nested_deeper_than('{"a": [1, {"b": "[[[[[[[[["}]}', 3)
    assert nested_deeper_than('{"a": [1, {"b": 2}]}', 2)
    assert not nested_deeper_than('{"a": [1, {"b": 2}]}', 3)
    assert not nested_deeper_than('"\\\\" [[[', 3)  # an escaped backslash ends its string; three levels
    assert nested_deeper_than("[" * 10_000, 64)
    assert not nested_deeper_than("[]" * 10_000, 1)


# --- finding 8: the failed-check throttle counts atomically ---------------------------------------------


def _interleaved(monkeypatch, requests: list, lookup: str = "_find_card") -> list:
    """Run ``requests`` (callables) so that each one passes the throttle's read before any of them counts its
    failure: the card lookup of request k starts request k+1, the interleaving of parallel requests."""
    results: list = []
    pending = list(requests)
    original = getattr(services, lookup)

    def lookup_while_the_next_request_runs(*args, **kwargs):
        _run_next()
        return original(*args, **kwargs)

    def _run_next() -> None:
        if not pending:
            return
        request = pending.pop(0)
        try:
            request()
            results.append("answered")
        except DomainError as exc:
            results.append(exc.code)

    monkeypatch.setattr(services, lookup, lookup_while_the_next_request_runs)
    _run_next()
    return results


def test_interleaved_wrong_checks_get_exactly_the_limit_of_answers(world, settings, monkeypatch):
    settings.CARD_CHECK_FAILURES_PER_MINUTE = 20
    user, venue = world.users["venue_a"], world.venue_a
    unknown = [_number(800_000 + i) for i in range(40)]
    answers: list = []

    def check(number):
        def run():
            answers.append(services.card_check(user=user, venue=venue, number=number).code)
        return run

    results = _interleaved(monkeypatch, [check(number) for number in unknown])

    assert sorted(results) == ["answered"] * 20 + ["throttled"] * 20
    assert answers == ["card_not_found"] * 20
    recorded = list(CardCheck.objects.filter(user=user).values_list("result", flat=True))
    assert sorted(recorded) == ["card_not_found"] * 20 + ["throttled"] * 20
    assert cache.get(services._throttle_key(user)) == 40


def test_interleaved_wrong_logs_get_exactly_the_limit_of_answers(world, settings, monkeypatch):
    settings.CARD_CHECK_FAILURES_PER_MINUTE = 20
    user, venue = world.users["venue_a"], world.venue_a
    before = _state()

    def log(number):
        return lambda: services.use_log(user=user, venue=venue, number=number)

    results = _interleaved(monkeypatch, [log(_number(800_000 + i)) for i in range(40)])

    assert sorted(results) == ["card_not_found"] * 20 + ["throttled"] * 20
    assert _state() == before


def test_a_valid_check_is_answered_while_failures_fill_the_window(world, settings, monkeypatch):
    """Only failures count: a valid card interleaved with failures is answered as long as the read passed."""
    settings.CARD_CHECK_FAILURES_PER_MINUTE = 2
    user, venue = world.users["venue_a"], world.venue_a
    answers: list = []

    def check(number):
        return lambda: answers.append(services.card_check(user=user, venue=venue, number=number).code)

    numbers_typed = [_number(800_001), _number(800_002), world.card_a.number, _number(800_003)]
    results = _interleaved(monkeypatch, [check(number) for number in numbers_typed])

    assert sorted(results) == ["answered"] * 3 + ["throttled"]
    assert sorted(answers, key=str) == [None, "card_not_found", "card_not_found"]


def test_an_expired_window_is_reopened_with_an_expiry(world, settings, monkeypatch):
    """``incr`` of a key that vanished after ``add`` failed: the count starts again at 1, with the window."""
    settings.CARD_CHECK_FAILURES_PER_MINUTE = 1
    user, venue = world.users["venue_a"], world.venue_a
    key = services._throttle_key(user)
    real_add = cache.add
    calls = []

    def add_that_loses_the_race_once(*args, **kwargs):
        calls.append(args[0])
        if len(calls) == 1:
            return False  # another request's window was there, and expires before our incr
        return real_add(*args, **kwargs)

    monkeypatch.setattr(cache, "add", add_that_loses_the_race_once)

    result = services.card_check(user=user, venue=venue, number=_number(800_001))

    assert result.code == "card_not_found"
    assert calls == [key, key]
    assert cache.get(key) == 1
