"""Rollup + live delta equal a direct count over the raw data, for generated data (hypothesis)."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from cards.models import Card, Use
from distributors.models import Office
from regions.models import Municipality, Region
from reports.models import (
    CardMonthly,
    CardYearly,
    HolderCounts,
    HolderYear,
    RollupRun,
    RollupState,
    UseMonthly,
    UseOriginMonthly,
    UseOriginYearly,
)
from reports.selectors import Period, dashboard_for, summary_for
from reports.services import rollup_rebuild
from venues.models import Venue

from .factories import card as make_card
from .factories import network
from .factories import use as make_use

TODAY = timezone.localdate()


def direct_summary(region_ids, period: Period) -> dict:
    """The reference: every figure counted in Python straight from the raw rows."""
    regions = set(region_ids) if region_ids is not None else None

    def in_regions(region_id):
        return regions is None or region_id in regions

    counted = [u for u in Use.objects.all() if u.cancelled_at is None]
    uses = [u for u in counted if period.contains(u.used_on) and in_regions(u.venue_region_id or u.card_region_id)]
    groups = {g: {"adults": 0, "children": 0} for g in ("culture", "education", "science", "sport")}
    for u in uses:
        groups[u.stat_group]["adults"] += 1
        groups[u.stat_group]["children"] += u.children
    first_use: dict[int, datetime.date] = {}
    for u in counted:
        first_use[u.card_id] = min(first_use.get(u.card_id, u.used_on), u.used_on)
    cards = {c.pk: c for c in Card.objects.all()}
    holders = {u.card_id for u in counted if period.contains(u.used_on) and u.card_kind == "personal"
               and in_regions(u.card_region_id)}

    def overlaps(obj):
        return obj.active_from <= period.end and (
            period.start is None or obj.active_until is None or obj.active_until >= period.start)

    active_regions = {r.pk for r in Region.objects.all() if overlaps(r) and in_regions(r.pk)}
    return {
        "cards_registered": sum(1 for c in cards.values() if period.contains(c.issued_on) and in_regions(c.region_id)),
        "cards_taken_into_use": sum(1 for card_id, day in first_use.items()
                                    if period.contains(day) and in_regions(cards[card_id].region_id)),
        "active_cardholders": len(holders),
        "uses_total": len(uses),
        "uses_adults": len(uses),
        "uses_children": sum(u.children for u in uses),
        "uses_by_group": groups,
        "community_card_uses": sum(1 for u in uses if u.card_kind == "community"),
        "cross_region_uses": sum(1 for u in uses if u.venue_region_id and u.venue_region_id != u.card_region_id),
        "active_offices": sum(1 for o in Office.objects.all() if overlaps(o) and in_regions(o.region_id)),
        "active_venues": sum(1 for v in Venue.objects.all() if overlaps(v) and (
            regions is None or v.region_id in regions)),
        "municipalities_in_network": Municipality.objects.filter(region__in=active_regions).count(),
    }


def rollup_rows() -> dict:
    """The rollup tables as comparable multisets (row order and split rows do not matter)."""
    def fold(model, keys, values):
        folded: dict = {}
        for row in model.objects.values(*keys, *values):
            key = tuple(row[k] for k in keys)
            folded[key] = tuple(a + row[v] for a, v in zip(folded.get(key, (0,) * len(values)), values, strict=True))
        return {k: v for k, v in folded.items() if any(v)}

    return {
        "use": fold(UseMonthly, ["month", "region", "venue", "stat_group", "card_kind", "cross_region"],
                    ["uses", "adults", "children"]),
        "origin": fold(UseOriginMonthly, ["month", "card_region", "office", "home_municipality", "card_kind"],
                       ["uses", "adults", "children"]),
        "card": fold(CardMonthly, ["month", "region", "office", "home_municipality", "card_kind"],
                     ["registered", "taken_into_use"]),
        "holder": set(HolderYear.objects.values_list("card", "year", "months", "first_used", "is_first", "region",
                                                      "office", "card_kind")),
        "card_yearly": fold(CardYearly, ["year", "region", "office", "home_municipality", "card_kind"],
                            ["registered", "taken_into_use"]),
        "origin_yearly": fold(UseOriginYearly, ["year", "card_region", "office", "home_municipality", "card_kind"],
                              ["uses", "adults", "children"]),
        "counts": fold(HolderCounts, ["year", "region", "office", "home_municipality"],
                       list(HolderCounts.column_masks())),
    }


def periods(net) -> list[tuple]:
    year = TODAY.year
    return [
        (None, Period(None, Period.from_dates(TODAY, TODAY).end)),
        (None, Period.for_year(year)),
        (None, Period.for_year(year - 1)),
        (None, Period.from_dates(datetime.date(year - 1, 11, 5), TODAY)),
        (None, Period.from_dates(TODAY, TODAY)),
        (None, Period.from_dates(datetime.date(year, 1, 1), TODAY)),  # January to this month
        (None, Period.for_year(year - 1, quarter=3)),
        (None, Period.from_dates(datetime.date(year - 1, 3, 1), datetime.date(year - 1, 7, 1))),
        ([net["north"].pk], Period.for_year(year)),
        ([net["south"].pk], Period(None, Period.from_dates(TODAY, TODAY).end)),
        ([net["north"].pk, net["south"].pk], Period.from_dates(datetime.date(year - 1, 3, 1), TODAY)),
    ]


def assert_matches(net, boards: bool = False):
    for region_ids, period in periods(net):
        expected = direct_summary(region_ids, period)
        assert summary_for(region_ids, period) == expected, (region_ids, period)
        if boards:  # the dashboards add their figures up from grouped rows: the same numbers
            assert dashboard_for(region_ids, period).summary == expected, (region_ids, period)


USE = st.tuples(
    st.integers(0, 5),  # card
    st.integers(0, 4),  # venue
    st.integers(0, 500),  # days ago
    st.integers(0, 3),  # children
    st.booleans(),  # course (at the adult-education venue)
    st.sampled_from([None, None, "before", "after"]),  # cancelled before or after the first rollup
)
LATE = st.tuples(st.integers(0, 5), st.integers(0, 4), st.integers(0, 500), st.integers(0, 2))


@pytest.mark.django_db
@hsettings(
    max_examples=8, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    first=st.lists(USE, min_size=1, max_size=14),
    late=st.lists(LATE, max_size=6),
    new_card_days=st.lists(st.integers(0, 400), max_size=2),
    inactivate=st.sets(st.integers(0, 5), max_size=2),
    today_uses=st.lists(st.tuples(st.integers(0, 5), st.integers(0, 4)), max_size=3),
)
def test_rollup_plus_live_equals_direct_count(first, late, new_card_days, inactivate, today_uses):
    now = timezone.now()
    earlier = now - datetime.timedelta(days=2)
    with transaction.atomic():
        net = network()
        venues = net["venues"]
        cards = [make_card(net, i % 2, community=(i == 5), issued_on=TODAY - datetime.timedelta(days=600),
                           valid_until=TODAY + datetime.timedelta(days=30)) for i in range(6)]
        made = []
        for card_i, venue_i, days, children, course, cancelled in first:
            course = course and venue_i == 1 and cards[card_i].kind == "personal"
            u = make_use(cards[card_i], venues[venue_i], TODAY - datetime.timedelta(days=days),
                         children=0 if cards[card_i].kind == "community" else children, course=course)
            made.append((u, cancelled))
        for u, cancelled in made:
            if cancelled == "before":
                Use.objects.filter(pk=u.pk).update(cancelled_at=earlier, cancel_reason="väärä kortti")
        Use.objects.update(logged_at=earlier)
        Card.objects.update(created_at=earlier)

        # The first run, "yesterday": everything before yesterday goes into the rollups.
        rollup_rebuild(now=now - datetime.timedelta(days=1))

        # Then: late entries to past months, cancellations, new (imported, back-dated) cards, changed cards.
        for u, cancelled in made:
            if cancelled == "after":
                Use.objects.filter(pk=u.pk).update(cancelled_at=now, cancel_reason="peruttu")
        for card_i, venue_i, days, children in late:
            make_use(cards[card_i], venues[venue_i], TODAY - datetime.timedelta(days=days),
                     children=0 if cards[card_i].kind == "community" else children)
        for days in new_card_days:
            make_card(net, 1, issued_on=TODAY - datetime.timedelta(days=days))
        for card_i in inactivate:
            Card.objects.filter(pk=cards[card_i].pk).update(status="inactive", inactive_reason="lost",
                                                           inactivated_on=TODAY)

        run = rollup_rebuild()
        assert run.status == RollupRun.Status.DONE
        assert RollupState.objects.get().cutoff == TODAY
        assert_matches(net, boards=True)

        # The incremental run left the same tables as a full rebuild would.
        incremental = rollup_rows()
        rollup_rebuild(full=True)
        assert rollup_rows() == incremental

        # Today's uses are counted live, before any rollup.
        for card_i, venue_i in today_uses:
            make_use(cards[card_i], venues[venue_i], TODAY)
        assert_matches(net)
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_rollup_twice_is_idempotent_and_before_any_rollup_everything_is_live():
    net = network()
    holder = make_card(net, 0)
    make_use(holder, net["venues"][2], TODAY - datetime.timedelta(days=40), children=2)
    make_use(holder, net["venues"][0], TODAY)
    expected = direct_summary(None, Period.for_year(TODAY.year))
    assert summary_for(None, Period.for_year(TODAY.year)) == expected

    rollup_rebuild()
    rows = rollup_rows()
    rollup_rebuild()

    assert rollup_rows() == rows
    assert summary_for(None, Period.for_year(TODAY.year)) == expected
