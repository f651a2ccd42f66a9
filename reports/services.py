"""Statistics writes: the rollup builder, export records and generated report files.

Rollup
    ``rollup_rebuild`` brings the rollup tables up to ``cutoff`` = today (they hold every day before
    it) in one transaction, under a row lock so two runs never interleave. An incremental run finds
    what changed since the previous run from the raw data itself:

    * uses logged or cancelled since the previous run (minus a safety overlap for transactions that
      committed late) and uses dated between the previous and the new cutoff -> their months are
      rebuilt in the use tables, and their cards are recounted in ``HolderYear``;
    * cards created since the previous run or issued between the cutoffs -> their issue months;
    * the months a recounted card was first used in, before and after -> "taken into use".

    A month is rebuilt by deleting its rows and inserting a fresh ``GROUP BY`` over the raw rows
    (``INSERT … SELECT``, no rows through Python), so running twice gives the same tables. A full
    rebuild does the same for everything.
"""

import datetime
import logging

from django.db import connection, transaction
from django.db.models import Count, Exists, F, Min, OuterRef, Q, Sum, Value
from django.db.models.functions import ExtractYear, TruncMonth
from django.utils import timezone

from cards.models import Card, Use

from .aggregates import ATTRIBUTED_REGION, CROSS_REGION, counted_uses, month_bit_of, next_month
from .models import CardMonthly, HolderYear, RollupRun, RollupState, UseMonthly, UseOriginMonthly

logger = logging.getLogger(__name__)

# A use committed up to this long after its ``logged_at`` is still seen by the next incremental run.
LOOKBACK = datetime.timedelta(hours=1)
CARD_CHUNK = 2000


# --- INSERT … SELECT ------------------------------------------------------------------------------


def _insert_select(model, columns: list[str], queryset) -> int:
    """Insert the rows of a ``values().annotate()`` queryset, whose SELECT order is ``columns``."""
    sql, params = queryset.query.sql_with_params()
    quote = connection.ops.quote_name
    target = ", ".join(quote(model._meta.get_field(name).column) for name in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({target}) {sql}", params)  # noqa: S608
        return cursor.rowcount


USE_MONTHLY_COLUMNS = ["month", "region", "venue", "stat_group", "card_kind", "cross_region", "uses", "adults",
                       "children"]
ORIGIN_COLUMNS = ["month", "card_region", "office", "home_municipality", "card_kind", "uses", "adults", "children"]
HOLDER_COLUMNS = ["card", "year", "region", "office", "home_municipality", "card_kind", "months", "first_used",
                  "is_first"]
CARD_MONTHLY_COLUMNS = ["month", "region", "office", "home_municipality", "card_kind", "registered",
                        "taken_into_use"]


def _use_monthly_rows(where: Q):
    return (
        counted_uses().filter(where)
        .values(r_month=TruncMonth("used_on"), r_region=ATTRIBUTED_REGION, r_venue=F("venue_id"),
                r_group=F("stat_group"), r_kind=F("card_kind"), r_cross=CROSS_REGION)
        .annotate(r_uses=Count("id"), r_adults=Count("id"), r_children=Sum("children"))
    )


def _origin_rows(where: Q):
    return (
        counted_uses().filter(where)
        .values(o_month=TruncMonth("used_on"), o_region=F("card_region_id"), o_office=F("card__office_id"),
                o_home=F("card__home_municipality_id"), o_kind=F("card_kind"))
        .annotate(o_uses=Count("id"), o_adults=Count("id"), o_children=Sum("children"))
    )


def _holder_rows(where: Q):
    return (
        counted_uses().filter(where)
        .values(h_card=F("card_id"), h_year=ExtractYear("used_on"), h_region=F("card_region_id"),
                h_office=F("card__office_id"), h_home=F("card__home_municipality_id"), h_kind=F("card_kind"))
        .annotate(h_months=Sum(month_bit_of("used_on"), distinct=True), h_first=Min("used_on"),
                  h_is_first=Value(False))
    )


def _registered_rows(where: Q):
    return (
        Card.objects.order_by().filter(where)
        .values(c_month=TruncMonth("issued_on"), c_region=F("region_id"), c_office=F("office_id"),
                c_home=F("home_municipality_id"), c_kind=F("kind"))
        .annotate(c_registered=Count("id"), c_taken=Value(0))
    )


def _taken_rows(where: Q):
    return (
        HolderYear.objects.order_by().filter(where, is_first=True)
        .values(c_month=TruncMonth("first_used"), c_region=F("region_id"), c_office=F("office_id"),
                c_home=F("home_municipality_id"), c_kind=F("card_kind"))
        .annotate(c_registered=Value(0), c_taken=Count("id"))
    )


def _mark_first_years(cards: Q) -> None:
    earlier = HolderYear.objects.filter(card_id=OuterRef("card_id"), year__lt=OuterRef("year"))
    HolderYear.objects.filter(cards).filter(~Exists(earlier)).update(is_first=True)


def _months_q(field: str, months: set[datetime.date], cutoff: datetime.date) -> Q:
    """Days of ``months`` before ``cutoff``; contiguous months become one range."""
    q, ranges = Q(), []
    for month in sorted(months):
        if ranges and ranges[-1][1] == month:
            ranges[-1][1] = next_month(month)
        else:
            ranges.append([month, next_month(month)])
    for start, end in ranges:
        q |= Q(**{f"{field}__gte": start, f"{field}__lt": min(end, cutoff)})
    return q


# --- rebuilds -------------------------------------------------------------------------------------


def _truncate(*models) -> None:
    if connection.vendor == "postgresql":
        tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models)
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {tables}")
    else:
        for model in models:
            model.objects.all().delete()


def _analyze(*models) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in models:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _rebuild_all(cutoff: datetime.date) -> None:
    _truncate(UseMonthly, UseOriginMonthly, HolderYear, CardMonthly)
    before = Q(used_on__lt=cutoff)
    _insert_select(UseMonthly, USE_MONTHLY_COLUMNS, _use_monthly_rows(before))
    _insert_select(UseOriginMonthly, ORIGIN_COLUMNS, _origin_rows(before))
    _insert_select(HolderYear, HOLDER_COLUMNS, _holder_rows(before))
    _mark_first_years(Q())
    _insert_select(CardMonthly, CARD_MONTHLY_COLUMNS, _registered_rows(Q(issued_on__lt=cutoff)))
    _insert_select(CardMonthly, CARD_MONTHLY_COLUMNS, _taken_rows(Q(first_used__lt=cutoff)))
    _analyze(UseMonthly, UseOriginMonthly, HolderYear, CardMonthly)


def _first_months(card_ids: list[int]) -> set[datetime.date]:
    return set(HolderYear.objects.filter(card_id__in=card_ids, is_first=True).dates("first_used", "month"))


def _recount_cards(card_ids: list[int], cutoff: datetime.date) -> set[datetime.date]:
    """Rebuild ``HolderYear`` of these cards; returns the first-use months before and after."""
    months: set[datetime.date] = set()
    for i in range(0, len(card_ids), CARD_CHUNK):
        chunk = card_ids[i:i + CARD_CHUNK]
        months |= _first_months(chunk)
        HolderYear.objects.filter(card_id__in=chunk).delete()
        _insert_select(HolderYear, HOLDER_COLUMNS, _holder_rows(Q(card_id__in=chunk, used_on__lt=cutoff)))
        _mark_first_years(Q(card_id__in=chunk))
        months |= _first_months(chunk)
    return months


def _rebuild_changed(state: RollupState, cutoff: datetime.date) -> tuple[list[datetime.date], int]:
    since = state.as_of - LOOKBACK
    low, high = sorted([state.cutoff, cutoff])
    changed = Use.objects.order_by().filter(used_on__lt=high).filter(
        Q(logged_at__gt=since) | Q(cancelled_at__gt=since) | Q(used_on__gte=low)
    )
    use_months = set(changed.dates("used_on", "month"))
    card_ids = sorted(set(changed.values_list("card_id", flat=True)))
    card_months = set(
        Card.objects.order_by().filter(issued_on__lt=high)
        .filter(Q(created_at__gt=since) | Q(issued_on__gte=low)).dates("issued_on", "month")
    )
    card_months |= _recount_cards(card_ids, cutoff)
    if use_months:
        UseMonthly.objects.filter(month__in=use_months).delete()
        UseOriginMonthly.objects.filter(month__in=use_months).delete()
        where = _months_q("used_on", use_months, cutoff)
        _insert_select(UseMonthly, USE_MONTHLY_COLUMNS, _use_monthly_rows(where))
        _insert_select(UseOriginMonthly, ORIGIN_COLUMNS, _origin_rows(where))
    if card_months:
        CardMonthly.objects.filter(month__in=card_months).delete()
        _insert_select(CardMonthly, CARD_MONTHLY_COLUMNS, _registered_rows(_months_q("issued_on", card_months, cutoff)))
        _insert_select(CardMonthly, CARD_MONTHLY_COLUMNS, _taken_rows(_months_q("first_used", card_months, cutoff)))
    return sorted(use_months | card_months), len(card_ids)


def rollup_rebuild(*, full: bool = False, requested_by=None, run: RollupRun | None = None,
                   now: datetime.datetime | None = None) -> RollupRun:
    """Bring the rollups up to today (incrementally, or ``full``). Safe to run twice or concurrently."""
    now = now or timezone.now()
    cutoff = timezone.localdate(now)
    if run is None:
        run = RollupRun.objects.create(full=full, requested_by=requested_by, started_at=now)
    else:
        RollupRun.objects.filter(pk=run.pk).update(status=RollupRun.Status.RUNNING, started_at=now)
    try:
        with transaction.atomic():
            RollupState.objects.get_or_create(pk=1)
            state = RollupState.objects.select_for_update().get(pk=1)
            if full or state.cutoff is None or state.as_of is None:
                _rebuild_all(cutoff)
                months, touched, full = ["all"], 0, True
                state.full_built_at = now
            else:
                rebuilt, touched = _rebuild_changed(state, cutoff)
                months = [month.isoformat()[:7] for month in rebuilt]
            state.cutoff = cutoff
            state.as_of = now
            state.save()
    except Exception as exc:
        RollupRun.objects.filter(pk=run.pk).update(status=RollupRun.Status.FAILED, error=repr(exc)[:2000],
                                                   finished_at=timezone.now())
        raise
    RollupRun.objects.filter(pk=run.pk).update(
        status=RollupRun.Status.DONE, finished_at=timezone.now(), cutoff=cutoff, months=months,
        cards_touched=touched, full=full,
    )
    run.refresh_from_db()
    logger.info("rollup %s: cutoff %s, months %s, cards %s", "full" if full else "incremental", cutoff,
                months, touched)
    return run
