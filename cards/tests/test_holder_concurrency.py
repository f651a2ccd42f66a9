"""One activation code typed on several phones at the same moment (issue 14) on real PostgreSQL: the card's row lock
lets exactly one activate; the others are refused, change nothing and are recorded.

Each thread has its own database connection; a barrier releases them together so the attempts really overlap."""

import threading

import pytest
from django.conf import settings
from django.db import connection

from cards import holder
from cards.models import ActivationAttempt, Card, CardEvent
from cards.tests.web import build_world, card_for
from core.errors import DomainError

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not settings.IS_POSTGRES, reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]

THREADS = holder.ACTIVATIONS_PER_CARD  # all within the per-card limit: the lock, not the throttle, decides


def test_the_same_code_on_several_phones_at_once_activates_exactly_one():
    world = build_world()
    card = card_for(world.office, world.tampere)
    code = holder.activation_code_issue(user=world.jakaja, card=card)
    barrier = threading.Barrier(THREADS, timeout=30)
    results: list = [None] * THREADS

    def worker(index: int) -> None:
        try:
            barrier.wait()
            results[index] = ("ok", holder.activate(number=card.number, code=code, address=f"198.51.100.{index}"))
        except DomainError as exc:
            results[index] = ("refused", exc.code)
        except Exception as exc:  # noqa: BLE001 - reported to the test thread
            results[index] = ("error", repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not any(thread.is_alive() for thread in threads)
    winners = [value for kind, value in results if kind == "ok"]
    assert len(winners) == 1
    assert sorted(value for kind, value in results if kind != "ok") == ["activation_invalid"] * (THREADS - 1)
    card.refresh_from_db()
    assert card.mobile_token_hash == holder.token_hash(winners[0])
    assert card.events.filter(kind=CardEvent.Kind.ACTIVATED).count() == 1
    assert sorted(ActivationAttempt.objects.values_list("result", flat=True)) == (
        ["activated"] + ["activation_invalid"] * (THREADS - 1))
    assert Card.objects.get(pk=card.pk).activation_code_used_at is not None
