"""Issue 17, point 5: the daily counts the use services keep equal a recount from the uses, whatever the order of
logging, late entry, cancellation and replay; and the hot path is one statement."""

import datetime
import threading

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cards import counts, services
from cards.models import DailyCount, Use
from cards.tests.factories import CardFactory, CommunityCardFactory
from distributors.tests.factories import OfficeFactory
from regions.models import NationalSettings
from regions.tests.factories import MunicipalityFactory, RegionFactory
from venues.models import Category
from venues.tests.factories import VenueFactory, VenueMembershipFactory

TODAY = datetime.date(2025, 7, 2)  # a new month and quarter: late entries reach back into June (Q2)
DAY = datetime.timedelta(days=1)
SINCE = datetime.date(2025, 1, 1)


@pytest.fixture
def world(db):
    rules = NationalSettings.current()
    rules.late_entry_days = 60
    rules.save()
    north, south = RegionFactory(name="Tampere"), RegionFactory(name="Espoo")
    home = MunicipalityFactory(code="837", region=north)
    office = OfficeFactory(region=north)
    other_office = OfficeFactory(region=south)
    museum = VenueFactory(name="Vapriikki", category=Category.MUSEUM, region=north)
    hall = VenueFactory(name="Uimahalli", category=Category.SWIMMING_HALL, region=south)
    popup = VenueFactory(name="Pop-up", category=Category.FESTIVAL, region=None, is_popup=True,
                         active_from=datetime.date(2024, 1, 1), active_until=datetime.date(2026, 12, 31))
    validity = {"issued_on": TODAY - 200 * DAY, "valid_until": TODAY + 200 * DAY}
    cards = [CardFactory(office=office, home_municipality=home, children=3, **validity) for _ in range(3)]
    cards.append(CardFactory(office=other_office, **validity))
    community = CommunityCardFactory(office=office, **validity)
    staff = {venue: VenueMembershipFactory(venue=venue).user for venue in (museum, hall, popup)}
    return {"cards": cards, "community": community, "venues": (museum, hall, popup), "staff": staff}


def log(world, venue, card, day=TODAY, **kwargs):
    if card.kind == "community":
        kwargs.setdefault("group_size", 1)
    return services.use_log(user=world["staff"][venue], venue=venue, number=card.number, used_on=day,
                            repeat_confirmed=True, today=TODAY, **kwargs)


def cancel(world, use):
    return services.use_cancel(user=world["staff"][use.venue], use=use, reason="väärä kortti", today=TODAY)


def assert_equal_to_recount(since=SINCE):
    key = lambda row: tuple(row[name] for name in counts.KEY)  # noqa: E731
    assert sorted(counts.stored(since), key=key) == sorted(
        (row for row in counts.recount(since) if any(row[name] for name in counts.COUNTS)), key=key)


def totals(day_from=SINCE, **filters) -> dict:
    rows = DailyCount.objects.filter(day__gte=day_from, side=DailyCount.Side.ORIGIN, **filters)
    return {name: sum(getattr(row, name) for row in rows) for name in counts.COUNTS}


def test_logging_today_counts_uses_children_and_first_uses_in_one_statement(world):
    museum, hall, popup = world["venues"]
    a, b, c, d = world["cards"]
    log(world, museum, a, children=2)
    with CaptureQueriesContext(connection) as queries:
        log(world, hall, a)  # the same card again today: a use, not a new cardholder
    log(world, popup, b, children=1)
    log(world, museum, world["community"], children=2)
    log(world, hall, d)

    writes = [q["sql"] for q in queries.captured_queries if "dailycount" in q["sql"].lower()]
    assert len(writes) == 1
    assert writes[0].startswith("INSERT")
    assert totals() == {"uses": 5, "children": 5, "new_month": 4, "new_quarter": 4, "new_year": 4, "taken": 4}
    venue_side = DailyCount.objects.filter(side=DailyCount.Side.VENUE)
    assert sorted(venue_side.values_list("venue", "uses", "children")) == sorted(
        [(museum.pk, 1, 2), (museum.pk, 1, 2), (hall.pk, 1, 0), (popup.pk, 1, 1), (hall.pk, 1, 0)])
    assert venue_side.get(venue=popup.pk).venue_region == 0
    assert_equal_to_recount()


def test_late_entries_cancellations_and_replays_keep_the_counts_equal_to_a_recount(world):
    museum, hall, popup = world["venues"]
    a, b, c, d = world["cards"]
    first = log(world, museum, a)
    assert totals()["taken"] == 1
    # A late entry in June (the previous month and quarter) before today's use: a's first use ever moves there,
    # today's use is still a's first of July and of Q3.
    june = log(world, hall, a, day=datetime.date(2025, 6, 20))
    assert totals(day_from=TODAY) == {"uses": 1, "children": 0, "new_month": 1, "new_quarter": 1, "new_year": 0,
                                      "taken": 0}
    assert_equal_to_recount()
    # Another, earlier in June: it takes over June's and the year's first use from the later June entry.
    log(world, popup, a, day=datetime.date(2025, 6, 3))
    assert totals()["taken"] == 1
    assert totals()["new_year"] == 1
    assert totals()["new_month"] == 2
    assert_equal_to_recount()
    # Two uses of b on the same day, the first cancelled: the second becomes its first use.
    b1 = log(world, museum, b, children=3)
    b2 = log(world, hall, b, children=1)
    cancel(world, b1)
    assert totals(day_from=TODAY) == {"uses": 2, "children": 1, "new_month": 2, "new_quarter": 2, "new_year": 1,
                                      "taken": 1}
    assert_equal_to_recount()
    cancel(world, b2)
    assert_equal_to_recount()
    # Cancelling a's earliest use gives June's first use back to the June 20 entry; then today's first use.
    cancel(world, Use.objects.get(card=a, used_on=datetime.date(2025, 6, 3)))
    assert_equal_to_recount()
    cancel(world, first)
    assert totals(day_from=TODAY)["uses"] == 0
    assert totals()["taken"] == 1
    assert Use.objects.get(pk=june.pk).cancelled_at is None
    assert_equal_to_recount()
    # A replay (same idempotency key) logs nothing and counts nothing; a repeated cancellation neither.
    keyed = log(world, museum, c, children=1, idempotency_key="k-1")
    before = counts.stored(SINCE)
    assert log(world, museum, c, children=1, idempotency_key="k-1").pk == keyed.pk
    cancel(world, keyed)
    after_cancel = counts.stored(SINCE)
    cancel(world, keyed)
    assert counts.stored(SINCE) == after_cancel != before
    assert_equal_to_recount()


def test_rebuild_recounts_and_drops_the_days_before_the_cutoff(world):
    museum, hall, _popup = world["venues"]
    a, b, *_ = world["cards"]
    log(world, museum, a, day=TODAY - 3 * DAY)
    log(world, hall, b)
    DailyCount.objects.filter(day=TODAY).update(uses=99)  # drift (two counters racing on one card, say)

    counts.rebuild(TODAY)

    assert set(DailyCount.objects.values_list("day", flat=True)) == {TODAY}
    assert totals() == {"uses": 1, "children": 0, "new_month": 1, "new_quarter": 1, "new_year": 1, "taken": 1}
    assert_equal_to_recount(TODAY)


# --- parallel counters on PostgreSQL ------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.skipif(not settings.IS_POSTGRES, reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_parallel_counters_at_one_venue_count_every_use_once():
    """Eight counters of one venue log eight cards of one office at once: they share one venue-side and one
    origin-side row, and the counts still equal the recount (the upsert waits for the row, then adds)."""
    region = RegionFactory(name="Tampere")
    office = OfficeFactory(region=region)
    home = MunicipalityFactory(code="837", region=region)
    museum = VenueFactory(name="Vapriikki", category=Category.MUSEUM, region=region)
    validity = {"issued_on": TODAY - 30 * DAY, "valid_until": TODAY + 300 * DAY}
    numbers = [CardFactory(office=office, home_municipality=home, children=1, **validity).number for _ in range(8)]
    users = [VenueMembershipFactory(venue=museum).user.pk for _ in range(8)]
    barrier = threading.Barrier(8, timeout=30)
    errors = []

    def worker(user_id: int, number: str) -> None:
        try:
            user = get_user_model().objects.get(pk=user_id)
            venue = type(museum).objects.get(pk=museum.pk)
            barrier.wait()
            services.use_log(user=user, venue=venue, number=number, children=1, today=TODAY)
        except Exception as exc:  # noqa: BLE001 - reported to the test thread
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=args) for args in zip(users, numbers, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert totals() == {"uses": 8, "children": 8, "new_month": 8, "new_quarter": 8, "new_year": 8, "taken": 8}
    assert DailyCount.objects.count() == 2
    assert_equal_to_recount()
