"""R10 and R11 under parallel requests on real PostgreSQL: no oversold quota, no double use.

Each thread has its own database connection; a barrier releases them together so the requests
really overlap in the database.
"""

import datetime
import threading

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection

from cards import services
from cards.models import Card, Use
from cards.tests.factories import CardFactory
from core.errors import DomainError
from core.scopes import scope_for
from venues.models import Offer, Venue
from venues.tests.factories import OfferFactory, VenueMembershipFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not settings.IS_POSTGRES, reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]

THREADS = 8
TODAY = datetime.date(2025, 6, 16)


def _run_in_parallel(user_id: int, venue_id: int, card_id: int, offer_id: int | None, keys: list[str],
                     repeat_confirmed: bool = False) -> list:
    """Each thread logs one use; returns ("ok", use id) or ("refused", code) per thread."""
    barrier = threading.Barrier(len(keys), timeout=30)
    results: list = [None] * len(keys)

    def worker(index: int, key: str) -> None:
        try:
            # Everything but the rule itself is loaded before the barrier, on this thread's connection.
            user = get_user_model().objects.get(pk=user_id)
            scope_for(user)
            venue = Venue.objects.get(pk=venue_id)
            number = Card.objects.get(pk=card_id).number
            offer = Offer.objects.get(pk=offer_id) if offer_id else None
            barrier.wait()
            use = services.use_log(user=user, venue=venue, number=number, offer=offer, idempotency_key=key,
                                   repeat_confirmed=repeat_confirmed, today=TODAY)
            results[index] = ("ok", use.pk)
        except DomainError as exc:
            results[index] = ("refused", exc.code)
        except Exception as exc:  # noqa: BLE001 - reported to the test thread
            results[index] = ("error", repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, key)) for i, key in enumerate(keys)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


@pytest.fixture
def counter():
    membership = VenueMembershipFactory()
    card = CardFactory(issued_on=TODAY - datetime.timedelta(days=30), valid_until=TODAY + datetime.timedelta(days=300))
    return membership.user, membership.venue, card


def test_parallel_logging_never_oversells_a_quota(counter):
    user, venue, card = counter
    offer = OfferFactory(venue=venue, quota=3)

    # One card logged with eight keys: repeats of the day, each confirmed (issue 11), so only the quota refuses.
    results = _run_in_parallel(user.pk, venue.pk, card.pk, offer.pk, [f"kassa-{i}" for i in range(THREADS)],
                               repeat_confirmed=True)

    assert sorted(kind for kind, _ in results) == ["ok"] * 3 + ["refused"] * (THREADS - 3), results
    assert [value for kind, value in results if kind == "refused"] == ["quota_exhausted"] * (THREADS - 3)
    offer.refresh_from_db()
    assert offer.used_count == 3
    assert Use.objects.filter(offer=offer).count() == 3
    assert {value for kind, value in results if kind == "ok"} == set(Use.objects.values_list("pk", flat=True))


def test_parallel_repeats_of_one_submission_make_one_use(counter):
    user, venue, card = counter

    results = _run_in_parallel(user.pk, venue.pk, card.pk, None, ["kassa-1-0001"] * THREADS)

    assert {kind for kind, _ in results} == {"ok"}, results
    use = Use.objects.get()
    assert [value for _, value in results] == [use.pk] * THREADS
    assert use.idempotency_key == "kassa-1-0001"


def test_parallel_repeats_on_a_nearly_full_offer_make_one_use(counter):
    """The repeats that wait for the offer's lock find the first use instead of an exhausted quota."""
    user, venue, card = counter
    offer = OfferFactory(venue=venue, quota=1)

    results = _run_in_parallel(user.pk, venue.pk, card.pk, offer.pk, ["kassa-1-0002"] * THREADS)

    assert {kind for kind, _ in results} == {"ok"}, results
    use = Use.objects.get()
    assert [value for _, value in results] == [use.pk] * THREADS
    offer.refresh_from_db()
    assert offer.used_count == 1
