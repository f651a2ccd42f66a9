"""Today's figures kept counted as uses are logged and cancelled (issue 17, point 5): ``DailyCount``.

Why
    The dashboards read whole past days from the rollups (``reports``), and the days from the rollup's cutoff
    on (normally today) were counted from the raw uses on the first request after the live cache expired: 3.7 s
    at 10 M uses. Here every logged or cancelled use adds to a few small rows instead, so a dashboard sums a
    few thousand rows at most.

The write on the counter's path
    ``use_counted`` is one ``INSERT … SELECT … ON CONFLICT DO UPDATE`` statement (SQLite and PostgreSQL) that
    adds the use to its venue-side and its origin-side row. The origin row also counts whether the use is the
    card's first counted use of its month, quarter, year and ever; the statement reads the card's previous
    counted use itself (one probe of the ``(card, used_on)`` index), so the counter pays no extra round trip.

Distinct cardholders
    ``new_month`` on day *d* counts the uses of *d* with no counted use of the same card earlier in *d*'s month
    (earlier = before it by ``(used_on, id)``); likewise quarter, year and ever (``taken``). Summed over the days
    of a period that starts at a month, quarter or year boundary (or at the beginning), they are the distinct
    cards first used in the period on those days: exactly what the live part of a dashboard adds to the rollups.

Out-of-order writes
    A late entry dated before a card's later uses, or a cancellation, changes which use is "first" for the next
    counted use of the card only; ``_shift`` moves the flags of that one use. Those paths are rare and read a
    little more. Two counters logging the same card at the same instant may both count it as first: the
    nightly rollup recounts the rows (``rebuild``), which also removes the days it has rolled up.
"""

import datetime

from django.db import connection, transaction
from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, TruncMonth, TruncQuarter, TruncYear

from .models import Card, DailyCount, Use

KEY = ["day", "side", "venue", "venue_region", "stat_group", "office", "home", "card_region", "card_kind"]
COUNTS = ["uses", "children", "new_month", "new_quarter", "new_year", "taken"]
FLAGS = COUNTS[2:]


def unit_starts(day: datetime.date) -> tuple[datetime.date, datetime.date, datetime.date]:
    """The first day of ``day``'s month, quarter and year."""
    return (day.replace(day=1), datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1),
            datetime.date(day.year, 1, 1))


def flags(day: datetime.date, previous: datetime.date | None) -> list[int]:
    """new_month, new_quarter, new_year, taken of a use on ``day`` whose card's previous counted use is
    ``previous`` (None: none)."""
    return [int(previous is None or previous < start) for start in unit_starts(day)] + [int(previous is None)]


def _keys(use: Use, card: Card) -> tuple[list, list]:
    venue = [use.used_on, DailyCount.Side.VENUE, use.venue_id, use.venue_region_id or 0, use.stat_group, 0, 0,
             use.card_region_id, use.card_kind]
    origin = [use.used_on, DailyCount.Side.ORIGIN, 0, 0, "", card.office_id, card.home_municipality_id or 0,
              use.card_region_id, use.card_kind]
    return venue, origin


def _sql(select: str) -> str:
    quote = connection.ops.quote_name
    table = quote(DailyCount._meta.db_table)
    columns = ", ".join(quote(DailyCount._meta.get_field(name).column) for name in KEY + COUNTS)
    key = ", ".join(quote(DailyCount._meta.get_field(name).column) for name in KEY)
    update = ", ".join(f"{quote(name)} = {table}.{quote(name)} + excluded.{quote(name)}" for name in COUNTS)
    # "WHERE 1 = 1": SQLite needs a WHERE before ON CONFLICT in INSERT … SELECT (else "ON" reads as a join).
    return (f"INSERT INTO {table} ({columns}) {select} WHERE 1 = 1 "  # noqa: S608
            f"ON CONFLICT ({key}) DO UPDATE SET {update}")


_ROW = ", ".join(["%s"] * (len(KEY) + len(COUNTS)))


def _add(rows: list[list]) -> None:
    """Add the counts of ``rows`` (key values then counts) to their rows, in one statement."""
    if not rows:
        return
    select = " UNION ALL ".join(f"SELECT {_ROW}" for _ in rows)
    with connection.cursor() as cursor:
        cursor.execute(_sql(select), [_adapt(value) for row in rows for value in row])


def _adapt(value):
    return connection.ops.adapt_datefield_value(value) if isinstance(value, datetime.date) else value


_USE_TABLE = Use._meta.db_table


def _hot_sql() -> str:
    quote = connection.ops.quote_name
    previous = (f"SELECT MAX({quote('used_on')}) AS prev FROM {quote(_USE_TABLE)} "  # noqa: S608
                f"WHERE {quote('card_id')} = %s AND {quote('cancelled_at')} IS NULL "
                f"AND ({quote('used_on')} < %s OR ({quote('used_on')} = %s AND {quote('id')} < %s))")
    marks = ", ".join(["%s"] * (len(KEY) + 2))
    flag = "CASE WHEN p.prev IS NULL OR p.prev < %s THEN 1 ELSE 0 END"
    select = (f"SELECT {_ROW} UNION ALL "
              f"SELECT {marks}, {flag}, {flag}, {flag}, CASE WHEN p.prev IS NULL THEN 1 ELSE 0 END "
              f"FROM ({previous}) p")
    return _sql(select)


def previous_use(card_id: int, day: datetime.date, use_id: int) -> datetime.date | None:
    """The day of the card's counted use just before ``(day, use_id)``."""
    return (Use.objects.counted().filter(card_id=card_id).filter(Q(used_on__lt=day) | Q(used_on=day, id__lt=use_id))
            .order_by("-used_on").values_list("used_on", flat=True).first())


def _next_use(card_id: int, day: datetime.date, use_id: int) -> Use | None:
    return (Use.objects.counted().filter(card_id=card_id).filter(Q(used_on__gt=day) | Q(used_on=day, id__gt=use_id))
            .order_by("used_on", "id").only("id", "used_on", "card_region_id", "card_kind", "venue_id",
                                             "venue_region_id", "stat_group").first())


def _shift(card: Card, after: Use, old_previous, new_previous) -> None:
    """The card's next counted use after ``after`` had ``old_previous`` as its previous use and now has
    ``new_previous``: move its first-of-period flags."""
    following = _next_use(card.pk, after.used_on, after.pk)
    if following is None:
        return
    delta = [new - old for new, old in zip(flags(following.used_on, new_previous),
                                           flags(following.used_on, old_previous), strict=True)]
    if any(delta):
        _add([_keys(following, card)[1] + [0, 0, *delta]])


def use_counted(use: Use, card: Card, *, latest: bool) -> None:
    """Count a use just inserted (same transaction). ``latest``: nothing of the card can be dated after it (a
    use of today), so only the one statement runs; otherwise (a late entry) the next use's flags may move."""
    venue, origin = _keys(use, card)
    if latest:
        day = _adapt(use.used_on)
        params = [*map(_adapt, venue), 1, use.children, 0, 0, 0, 0,
                  *map(_adapt, origin), 1, use.children, *map(_adapt, unit_starts(use.used_on)),
                  card.pk, day, day, use.pk]
        with connection.cursor() as cursor:
            cursor.execute(_hot_sql(), params)
        return
    previous = previous_use(card.pk, use.used_on, use.pk)
    _add([venue + [1, use.children, 0, 0, 0, 0], origin + [1, use.children, *flags(use.used_on, previous)]])
    _shift(card, use, previous, use.used_on)


def use_uncounted(use: Use, card: Card) -> None:
    """Take a use just cancelled (same transaction) out of the counts."""
    venue, origin = _keys(use, card)
    previous = previous_use(card.pk, use.used_on, use.pk)
    _add([venue + [-1, -use.children, 0, 0, 0, 0],
          origin + [-1, -use.children, *(-flag for flag in flags(use.used_on, previous))]])
    _shift(card, use, use.used_on, previous)


# --- recount ---------------------------------------------------------------------------------------------------


def _previous_expression():
    earlier = Use.objects.counted().order_by().filter(card_id=OuterRef("card_id")).filter(
        Q(used_on__lt=OuterRef("used_on")) | Q(used_on=OuterRef("used_on"), id__lt=OuterRef("id")))
    return Subquery(earlier.order_by("-used_on").values("used_on")[:1])


def _flag(start) -> Sum:
    condition = Q(prev__isnull=True) if start is None else Q(prev__isnull=True) | Q(prev__lt=start)
    return Sum(Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField()))


def recount(since: datetime.date) -> list[dict]:
    """The rows ``DailyCount`` should hold for the days from ``since`` on, counted from the uses."""
    uses = Use.objects.counted().order_by().filter(used_on__gte=since)
    venue_rows = uses.values(
        r_day=F("used_on"), r_venue=F("venue_id"), r_venue_region=Coalesce("venue_region_id", 0),
        r_group=F("stat_group"), r_card_region=F("card_region_id"), r_kind=F("card_kind"),
    ).annotate(r_uses=Count("id"), r_children=Sum("children"))
    origin_rows = uses.annotate(prev=_previous_expression()).values(
        r_day=F("used_on"), r_office=F("card__office_id"), r_home=Coalesce("card__home_municipality_id", 0),
        r_card_region=F("card_region_id"), r_kind=F("card_kind"),
    ).annotate(r_uses=Count("id"), r_children=Sum("children"), r_new_month=_flag(TruncMonth("used_on")),
               r_new_quarter=_flag(TruncQuarter("used_on")), r_new_year=_flag(TruncYear("used_on")),
               r_taken=_flag(None))
    out = []
    for row in venue_rows:
        out.append({"day": row["r_day"], "side": DailyCount.Side.VENUE, "venue": row["r_venue"],
                    "venue_region": row["r_venue_region"], "stat_group": row["r_group"], "office": 0, "home": 0,
                    "card_region": row["r_card_region"], "card_kind": row["r_kind"], "uses": row["r_uses"],
                    "children": row["r_children"] or 0, "new_month": 0, "new_quarter": 0, "new_year": 0,
                    "taken": 0})
    for row in origin_rows:
        out.append({"day": row["r_day"], "side": DailyCount.Side.ORIGIN, "venue": 0, "venue_region": 0,
                    "stat_group": "", "office": row["r_office"], "home": row["r_home"],
                    "card_region": row["r_card_region"], "card_kind": row["r_kind"], "uses": row["r_uses"],
                    "children": row["r_children"] or 0, "new_month": row["r_new_month"],
                    "new_quarter": row["r_new_quarter"], "new_year": row["r_new_year"], "taken": row["r_taken"]})
    return out


def stored(since: datetime.date) -> list[dict]:
    """The rows ``DailyCount`` holds from ``since`` on, without the ones that count nothing."""
    rows = DailyCount.objects.filter(day__gte=since).values(*KEY, *COUNTS)
    return [row for row in rows if any(row[name] for name in COUNTS)]


def rebuild(since: datetime.date) -> int:
    """Recount the days from ``since`` on and drop the earlier ones (the rollups hold them).

    The table is locked against the counters' writes while it is recounted (a second or so at 50,000 uses a
    day): a use logged meanwhile waits, then adds to the fresh rows, so it is counted exactly once.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {connection.ops.quote_name(DailyCount._meta.db_table)} "
                               "IN EXCLUSIVE MODE")
        DailyCount.objects.all().delete()
        rows = recount(since)
        DailyCount.objects.bulk_create([DailyCount(**row) for row in rows], batch_size=2000)
    return len(rows)
