"""R15 under parallel requests on real PostgreSQL: 30 bookings at once for 10 places make exactly 10."""

import datetime
import threading

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection

from bookings import services
from bookings.models import Booking
from bookings.tests.factories import PerformanceFactory
from cards.models import Card
from cards.tests.factories import CardFactory
from core.errors import DomainError
from core.scopes import scope_for
from venues.models import Performance
from venues.tests.factories import OfferFactory, VenueMembershipFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not settings.IS_POSTGRES, reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]

TODAY = datetime.date(2026, 11, 23)
THREADS = 30


def test_thirty_parallel_bookings_for_ten_places_make_exactly_ten(settings):
    settings.CARD_CHECK_FAILURES_PER_MINUTE = 10**6
    membership = VenueMembershipFactory()
    performance = PerformanceFactory(offer=OfferFactory(venue=membership.venue), date=TODAY, quota=10)
    card_ids = [CardFactory(issued_on=TODAY - datetime.timedelta(days=10)).pk for _ in range(THREADS)]
    barrier = threading.Barrier(THREADS, timeout=30)
    results: list = [None] * THREADS

    def worker(index: int) -> None:
        try:
            user = get_user_model().objects.get(pk=membership.user_id)
            scope_for(user)
            chosen = Performance.objects.select_related("offer__venue__region").get(pk=performance.pk)
            number = Card.objects.get(pk=card_ids[index]).number
            barrier.wait()
            booking, _ = services.booking_create(user=user, performance=chosen, number=number, today=TODAY)
            results[index] = ("ok", booking.pk)
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
        thread.join(timeout=90)

    assert not any(thread.is_alive() for thread in threads)
    assert sorted(kind for kind, _ in results) == ["ok"] * 10 + ["refused"] * 20, results
    assert {value for kind, value in results if kind == "refused"} == {"performance_full"}
    performance.refresh_from_db()
    assert performance.places_booked == 10
    assert Booking.objects.filter(performance=performance).count() == 10
