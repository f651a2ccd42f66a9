"""Parallel API requests on real PostgreSQL (and Redis where CI sets REDIS_URL): exactly one 201 per created use,
exactly the limit of answered failed checks (hardening issue, findings 8 and 11).

Each thread has its own database connection and API client; a barrier releases them together so the
requests really overlap in the database and the cache.
"""

import threading

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cards import services
from cards.models import CardCheck, Use
from cards.tests.factories import _number
from kaikukanta.tests.api_world import build_world

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not settings.IS_POSTGRES, reason="needs PostgreSQL row locks and parallel connections"),
    pytest.mark.django_db(transaction=True),
]

THREADS = 20


def _in_parallel(requests: list) -> list:
    """Run the callables together (one thread each, released by a barrier); their results in order."""
    barrier = threading.Barrier(len(requests), timeout=30)
    results: list = [None] * len(requests)

    def worker(index: int) -> None:
        try:
            barrier.wait()
            results[index] = requests[index]()
        except Exception as exc:  # noqa: BLE001 - reported to the test thread
            results[index] = ("error", repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


@pytest.fixture
def world():
    return build_world()


def _client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


@pytest.mark.parametrize("with_offer", [False, True], ids=["no-offer", "offer"])
def test_parallel_identical_logs_answer_one_201_and_the_rest_200_with_that_use(world, with_offer):
    """Without an offer the losers' INSERTs hit the unique key index; with one they wait for its lock and find the
    use. Either way the database says which request created it, so exactly one answers 201."""
    user = world.users["venue_a"]
    for trial in range(5):
        # The world's use_a is card A at venue A today: each trial is a repeat of the day, confirmed (issue 11).
        body = {"card_number": world.card_a.number, "venue": world.venue_a.pk, "kind": "ticket", "children": 1,
                "offer": world.offer_a.pk if with_offer else None, "idempotency_key": f"lippu-{trial}",
                "confirm_repeat": True}
        clients = [_client(user) for _ in range(THREADS)]

        def post(client, body=body):
            response = client.post("/api/v1/uses/", body, format="json")
            return response.status_code, response.json().get("id"), response.json().get("card_number")

        results = _in_parallel([lambda client=client: post(client) for client in clients])

        use = Use.objects.get(idempotency_key=f"lippu-{trial}")
        assert sorted(status for status, _id, _number in results) == [200] * (THREADS - 1) + [201], (trial, results)
        assert {(use_id, number) for _status, use_id, number in results} == {(use.pk, world.card_a.number)}
    world.offer_a.refresh_from_db()
    assert world.offer_a.used_count == (5 * 2 if with_offer else 0)
    assert Use.objects.filter(idempotency_key__startswith="lippu-").count() == 5


def test_parallel_wrong_checks_get_exactly_the_limit_of_answers(world):
    assert settings.CARD_CHECK_FAILURES_PER_MINUTE == 20
    user = world.users["venue_a"]
    unknown = [_number(700_000 + i) for i in range(40)]
    clients = [_client(user) for _ in unknown]

    def check(client, number):
        response = client.get(f"/api/v1/cards/{number}/check/", {"venue": world.venue_a.pk})
        return response.status_code, response.json()["code"]

    results = _in_parallel([lambda c=client, n=number: check(c, n) for client, number in zip(clients, unknown,
                                                                                               strict=True)])

    assert sorted(results) == [(200, "card_not_found")] * 20 + [(429, "throttled")] * 20, results
    recorded = sorted(CardCheck.objects.filter(user=user).values_list("result", flat=True))
    assert recorded == ["card_not_found"] * 20 + ["throttled"] * 20
    assert 20 <= cache.get(services._throttle_key(user)) <= 40  # every failure that passed the read counted
