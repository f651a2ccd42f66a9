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

Queued work
    The Celery tasks (``reports.tasks``) take ids and call these functions; nothing here queues a task.
    A requested file is queued by the view that asked for it, the monthly reports by the monthly task.
"""

import datetime
import logging
import tempfile
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import Count, F, Min, Q, QuerySet, Sum, Value
from django.db.models.functions import ExtractYear, TruncMonth
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from cards import counts
from cards.models import Card, Use
from core.errors import DomainError
from core.scopes import scope_for
from regions.models import Municipality, Region, RegionMembership, WelfareArea

from . import exports, welfare
from .aggregates import ATTRIBUTED_REGION, CROSS_REGION, counted_uses, month_bit_of, month_end, next_month
from .models import (
    QUEUED_TOO_LONG,
    CardMonthly,
    CardYearly,
    ExportRecord,
    HolderCounts,
    HolderYear,
    ReportFile,
    RollupRun,
    RollupState,
    UseMonthly,
    UseOriginMonthly,
    UseOriginYearly,
)
from .selectors import HEARTBEAT_KEY, Period, dashboard_for, scoped_region_ids

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
# Hash joins and aggregates of a full rebuild stay in memory instead of spilling to disk.
ROLLUP_WORK_MEM = "256MB"
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


def _insert_holder_years(where: Q) -> None:
    """``HolderYear`` rows of the counted uses matching ``where``, in one statement.

    Distinct (card, year, month) first, so the month bits can simply be summed; the card's first
    year of use comes from a window over its years, and only the card's office and home
    municipality need the cards table.
    """
    months = (
        counted_uses().filter(where)
        .values(m_card=F("card_id"), m_year=ExtractYear("used_on"), m_bit=month_bit_of("used_on"))
        .annotate(m_first=Min("used_on"))
    )
    inner, params = months.query.sql_with_params()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(HolderYear._meta.get_field(name).column) for name in HOLDER_COLUMNS)
    card = Card._meta
    sql = (
        f"INSERT INTO {quote(HolderYear._meta.db_table)} ({columns}) "
        f"SELECT y.card_id, y.year, c.{quote(card.get_field('region').column)}, "
        f"c.{quote(card.get_field('office').column)}, c.{quote(card.get_field('home_municipality').column)}, "
        f"c.{quote(card.get_field('kind').column)}, y.months, y.first_used, "
        f"(y.year = MIN(y.year) OVER (PARTITION BY y.card_id)) "
        f"FROM (SELECT m.m_card AS card_id, m.m_year AS year, SUM(m.m_bit) AS months, MIN(m.m_first) AS first_used "
        f"FROM ({inner}) m GROUP BY m.m_card, m.m_year) y "
        f"JOIN {quote(card.db_table)} c ON c.{quote(card.pk.column)} = y.card_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


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


def _insert_holder_counts(years: set[int] | None = None) -> None:
    """``HolderCounts`` of ``years`` (all when None) from the personal cards' ``HolderYear`` rows."""
    quote = connection.ops.quote_name
    masks = HolderCounts.column_masks()
    keys = ["year", "region_id", "office_id", "home_municipality_id"]
    counts = ", ".join(f"SUM(CASE WHEN ({quote('months')} & {int(mask)}) <> 0 THEN 1 ELSE 0 END)"
                       for mask in masks.values())
    where, params = f"{quote('card_kind')} = %s", [Card.Kind.PERSONAL.value]
    if years is not None:
        where += f" AND {quote('year')} IN ({', '.join(['%s'] * len(years))})"
        params += sorted(years)
    group = ", ".join(quote(k) for k in keys)
    sql = (
        f"INSERT INTO {quote(HolderCounts._meta.db_table)} ({group}, {', '.join(quote(c) for c in masks)}) "
        f"SELECT {group}, {counts} FROM {quote(HolderYear._meta.db_table)} WHERE {where} GROUP BY {group}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _rebuild_yearly(model, source, columns: list[str], years: set[int] | None) -> None:
    """Sum a monthly table into its yearly copy for ``years`` (all when None)."""
    rows = source.objects.order_by()
    if years is not None:
        model.objects.filter(year__in=years).delete()
        rows = rows.filter(month__year__in=years)
    keys = {f"y_{name}": F(source._meta.get_field(name).attname) for name in columns[1:-len(SUMS[model])]}
    queryset = rows.values(y_year=ExtractYear("month"), **keys).annotate(
        **{f"y_{name}": Sum(name) for name in SUMS[model]}
    )
    _insert_select(model, columns, queryset)


CARD_YEARLY_COLUMNS = ["year", "region", "office", "home_municipality", "card_kind", "registered", "taken_into_use"]
ORIGIN_YEARLY_COLUMNS = ["year", "card_region", "office", "home_municipality", "card_kind", "uses", "adults",
                         "children"]
SUMS = {CardYearly: ["registered", "taken_into_use"], UseOriginYearly: ["uses", "adults", "children"]}


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
    _truncate(UseMonthly, UseOriginMonthly, UseOriginYearly, HolderYear, HolderCounts, CardMonthly, CardYearly)
    before = Q(used_on__lt=cutoff)
    _insert_select(UseMonthly, USE_MONTHLY_COLUMNS, _use_monthly_rows(before))
    _insert_select(UseOriginMonthly, ORIGIN_COLUMNS, _origin_rows(before))
    _insert_holder_years(before)
    _insert_holder_counts()
    _insert_select(CardMonthly, CARD_MONTHLY_COLUMNS, _registered_rows(Q(issued_on__lt=cutoff)))
    _insert_select(CardMonthly, CARD_MONTHLY_COLUMNS, _taken_rows(Q(first_used__lt=cutoff)))
    _rebuild_yearly(UseOriginYearly, UseOriginMonthly, ORIGIN_YEARLY_COLUMNS, None)
    _rebuild_yearly(CardYearly, CardMonthly, CARD_YEARLY_COLUMNS, None)
    _analyze(UseMonthly, UseOriginMonthly, UseOriginYearly, HolderYear, HolderCounts, CardMonthly, CardYearly)


def _first_months(card_ids: list[int]) -> set[datetime.date]:
    return set(HolderYear.objects.filter(card_id__in=card_ids, is_first=True).dates("first_used", "month"))


def _recount_cards(card_ids: list[int], cutoff: datetime.date) -> tuple[set[datetime.date], set[int]]:
    """Rebuild ``HolderYear`` of these cards; returns the first-use months before and after, and the
    years whose ``HolderCounts`` changed."""
    months: set[datetime.date] = set()
    years: set[int] = set()
    for i in range(0, len(card_ids), CARD_CHUNK):
        chunk = card_ids[i:i + CARD_CHUNK]
        months |= _first_months(chunk)
        years |= set(HolderYear.objects.filter(card_id__in=chunk).values_list("year", flat=True).distinct())
        HolderYear.objects.filter(card_id__in=chunk).delete()
        _insert_holder_years(Q(card_id__in=chunk, used_on__lt=cutoff))
        months |= _first_months(chunk)
        years |= set(HolderYear.objects.filter(card_id__in=chunk).values_list("year", flat=True).distinct())
    if years:
        HolderCounts.objects.filter(year__in=years).delete()
        _insert_holder_counts(years)
    return months, years


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
    first_months, _years = _recount_cards(card_ids, cutoff)
    card_months |= first_months
    if use_months:
        UseMonthly.objects.filter(month__in=use_months).delete()
        UseOriginMonthly.objects.filter(month__in=use_months).delete()
        where = _months_q("used_on", use_months, cutoff)
        _insert_select(UseMonthly, USE_MONTHLY_COLUMNS, _use_monthly_rows(where))
        _insert_select(UseOriginMonthly, ORIGIN_COLUMNS, _origin_rows(where))
        _rebuild_yearly(UseOriginYearly, UseOriginMonthly, ORIGIN_YEARLY_COLUMNS, {m.year for m in use_months})
    if card_months:
        CardMonthly.objects.filter(month__in=card_months).delete()
        _insert_select(CardMonthly, CARD_MONTHLY_COLUMNS, _registered_rows(_months_q("issued_on", card_months, cutoff)))
        _insert_select(CardMonthly, CARD_MONTHLY_COLUMNS, _taken_rows(_months_q("first_used", card_months, cutoff)))
        _rebuild_yearly(CardYearly, CardMonthly, CARD_YEARLY_COLUMNS, {m.year for m in card_months})
    return sorted(use_months | card_months), len(card_ids)


def rollup_rebuild(*, full: bool = False, requested_by=None, run: RollupRun | None = None,
                   now: datetime.datetime | None = None) -> RollupRun:
    """Bring the rollups up to today (incrementally, or ``full``). Safe to run twice or concurrently."""
    now = now or timezone.now()
    cutoff = timezone.localdate(now)
    if run is None:
        run = RollupRun.objects.create(full=full, requested_by=requested_by, started_at=now, attempts=1)
    else:
        RollupRun.objects.filter(pk=run.pk).update(status=RollupRun.Status.RUNNING, started_at=now,
                                                   attempts=F("attempts") + 1)
    try:
        with transaction.atomic():
            RollupState.objects.get_or_create(pk=1)
            state = RollupState.objects.select_for_update().get(pk=1)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(f"SET LOCAL work_mem = '{ROLLUP_WORK_MEM}'")
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
        # Today's counters (issue 17): recounted after the rollups commit, so their short table lock is not
        # held for the rollup's whole run; until then they still hold every day, the new cutoff's included.
        counts.rebuild(cutoff)
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


# --- exports and generated files ------------------------------------------------------------------


def export_record(*, user, what: str, fmt: str, region_ids, params: dict | None = None,
                  rows: int | None = None) -> ExportRecord:
    """R12: record an export (who, when, what). The row also lands in the audit log (auditlog)."""
    record = ExportRecord.objects.create(user=user, what=what, format=fmt, params=params or {},
                                         national=region_ids is None, rows=rows)
    if region_ids:
        record.regions.set(region_ids)
    return record


def _period_params(period: Period) -> dict:
    return period.key


def _period_from_params(params: dict) -> Period:
    start = params.get("from")
    return Period(datetime.date.fromisoformat(start) if start else None, datetime.date.fromisoformat(params["to"]))


def report_file_request(*, user, kind: str, fmt: str, period: Period, region: Region | None = None) -> ReportFile:
    """Record a request for a large export or the annual national report; the caller queues
    ``tasks.report_file_generate_task`` for it on commit and polls the file's progress."""
    scope = scope_for(user)
    if kind == ReportFile.Kind.ANNUAL_NATIONAL and not scope.national:
        raise DomainError("not_allowed")
    if fmt not in ExportRecord.Format.values or (kind == ReportFile.Kind.USES and fmt == ExportRecord.Format.PDF):
        raise DomainError("choice_invalid")
    region_ids = scoped_region_ids(user, region)
    if kind == ReportFile.Kind.ANNUAL_NATIONAL:
        region_ids, period = None, Period.for_year(period.end.year)
    params = {**_period_params(period), "region_ids": region_ids}
    report = ReportFile.objects.create(kind=kind, format=fmt, requested_by=user, region=region, params=params,
                                       period_key=str(period.end.year) if kind == ReportFile.Kind.ANNUAL_NATIONAL
                                       else "")
    export_record(user=user, what=f"request:{kind}", fmt=fmt, region_ids=region_ids,
                  params={**params, "file": report.pk})
    return report


def _save_file(report: ReportFile, name: str, content) -> None:
    report.file.save(name, content, save=False)
    ReportFile.objects.filter(pk=report.pk).update(
        file=report.file.name, status=ReportFile.Status.DONE, finished_at=timezone.now(),
        progress=F("total"), error="",
    )


def _file_name(report: ReportFile, stem: str) -> str:
    return f"kaikukortti-{stem}-{report.pk}.{report.format}"


def _dashboard_heading(report: ReportFile, board) -> str | None:
    if report.kind == ReportFile.Kind.MONTHLY_REGIONAL:
        return gettext("Kaikukortti monthly report %(period)s: %(scope)s") % {
            "period": exports.period_label(board.period), "scope": exports.scope_label(board)}
    if report.kind == ReportFile.Kind.ANNUAL_NATIONAL:
        return gettext("Kaikukortti annual report %(year)s: whole country") % {"year": board.period.end.year}
    return None


def report_file_generate(*, report_file_id: int) -> ReportFile:
    """Write the file of a queued ``ReportFile``. Idempotent: a finished file is left as it is."""
    report = ReportFile.objects.get(pk=report_file_id)
    if report.status == ReportFile.Status.DONE and report.file and report.file.storage.exists(report.file.name):
        return report
    if job_given_up(report):
        raise DomainError(INTERRUPTED)
    region_ids = report.params.get("region_ids")
    period = _period_from_params(report.params)
    ReportFile.objects.filter(pk=report.pk).update(status=ReportFile.Status.RUNNING, progress=0, error="",
                                                   started_at=timezone.now(), attempts=F("attempts") + 1)
    try:
        with translation.override(report.params.get("language") or settings.LANGUAGE_CODE):
            if report.kind == ReportFile.Kind.USES:
                _generate_uses(report, region_ids, period)
            elif report.kind == ReportFile.Kind.WELFARE:
                _generate_welfare(report, region_ids, period)
            else:
                board = dashboard_for(region_ids, period)
                ReportFile.objects.filter(pk=report.pk).update(total=1)
                if report.format == ExportRecord.Format.PDF:
                    content = exports.dashboard_pdf(board, heading=_dashboard_heading(report, board))
                elif report.format == ExportRecord.Format.XLSX:
                    content = exports.dashboard_xlsx(board)
                else:
                    content = exports.dashboard_csv(board).encode("utf-8")
                _save_file(report, _file_name(report, report.kind.replace("_", "-")), ContentFile(content))
    except Exception as exc:
        ReportFile.objects.filter(pk=report.pk).update(status=ReportFile.Status.FAILED, error=repr(exc)[:2000],
                                                       finished_at=timezone.now())
        raise
    report.refresh_from_db()
    return report


def _generate_welfare(report: ReportFile, region_ids, period: Period) -> None:
    municipality = Municipality.objects.filter(pk=report.params.get("municipality")).first()
    area = WelfareArea.objects.filter(pk=report.params.get("area")).first()
    data = welfare.welfare_report(region_ids, period.end.year, municipality=municipality, area=area)
    ReportFile.objects.filter(pk=report.pk).update(total=1)
    content = exports.welfare_report_pdf(data) if report.format == ExportRecord.Format.PDF else \
        exports.welfare_report_xlsx(data)
    _save_file(report, _file_name(report, f"welfare-{period.end.year}"), ContentFile(content))


def welfare_report_request(*, user, year: int, fmt: str, municipality: Municipality | None = None,
                           area: WelfareArea | None = None, region: Region | None = None) -> ReportFile:
    """Issue 17: a municipal welfare report (one municipality or welfare area, one year) asked for from the
    dashboard; figures of the caller's regions (or ``region``). The caller queues the file on commit."""
    if fmt not in (ExportRecord.Format.PDF, ExportRecord.Format.XLSX) or (municipality is None) == (area is None):
        raise DomainError("choice_invalid")
    region_ids = scoped_region_ids(user, region)
    if region_ids is not None:
        places = Municipality.objects.filter(region_id__in=region_ids)
        if (municipality is not None and not places.filter(pk=municipality.pk).exists()) or (
                area is not None and not places.filter(welfare_area=area).exists()):
            raise DomainError("not_allowed")
    params = {**Period.for_year(year).key, "region_ids": region_ids,
              "municipality": municipality.pk if municipality else None, "area": area.pk if area else None}
    report = ReportFile.objects.create(kind=ReportFile.Kind.WELFARE, format=fmt, requested_by=user, region=region,
                                       params=params, period_key=_welfare_key(year, municipality, area))
    export_record(user=user, what="request:welfare", fmt=fmt, region_ids=region_ids,
                  params={**params, "file": report.pk})
    return report


def _welfare_key(year: int, municipality, area) -> str:
    return f"{year}:m{municipality.pk}" if municipality is not None else f"{year}:a{area.pk}"


def annual_welfare_reports(*, region_id: int, year: int) -> list[ReportFile]:
    """January (beat): last year's welfare report (PDF + XLSX) of every municipality of the region and of every
    welfare area they belong to, then one e-mail with the links to the region's contacts. Safe to run twice: the
    files are made once per place and year, and the contacts are told once."""
    region = Region.objects.get(pk=region_id)
    municipalities = list(Municipality.objects.filter(region=region).order_by("name_fi"))
    areas = list(WelfareArea.objects.filter(municipalities__in=municipalities).distinct().order_by("name_fi"))
    period = Period.for_year(year)
    files = []
    for place in [*municipalities, *areas]:
        municipality = place if isinstance(place, Municipality) else None
        area = place if isinstance(place, WelfareArea) else None
        for fmt in (ExportRecord.Format.PDF, ExportRecord.Format.XLSX):
            report, _created = ReportFile.objects.get_or_create(
                kind=ReportFile.Kind.WELFARE, format=fmt, region=region,
                period_key=_welfare_key(year, municipality, area),
                defaults={"params": {**period.key, "region_ids": [region.pk],
                                     "municipality": municipality.pk if municipality else None,
                                     "area": area.pk if area else None}},
            )
            files.append(report_file_generate(report_file_id=report.pk))
    with transaction.atomic():
        pending = list(ReportFile.objects.select_for_update().filter(pk__in=[f.pk for f in files],
                                                                     notified_at__isnull=True))
        if pending:
            _notify_welfare(region, files, year)
            ReportFile.objects.filter(pk__in=[f.pk for f in pending]).update(notified_at=timezone.now())
    return files


def _notify_welfare(region: Region, files: list[ReportFile], year: int) -> int:
    messages = []
    base = settings.SITE_URL.rstrip("/")
    with translation.override(settings.LANGUAGE_CODE):
        names = {}
        for f in files:
            if f.params.get("municipality"):
                names[f.pk] = str(Municipality.objects.get(pk=f.params["municipality"]).name_fi)
            else:
                names[f.pk] = str(WelfareArea.objects.get(pk=f.params["area"]))
        links = [(f"{names[f.pk]} ({f.get_format_display()})", base + reverse("reports:file_detail", args=[f.pk]))
                 for f in files]
        subject = gettext("Kaikukortti welfare reports %(year)s: %(region)s") % {"year": year, "region": region.name}
        body = render_to_string("reports/email/welfare_report.txt", {"region": region, "year": year, "links": links})
    for contact in _region_contacts(region):
        messages.append(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [contact.email]))
    if messages:
        get_connection().send_messages(messages)
    return len(messages)


def welfare_reports_due(*, today: datetime.date | None = None) -> list[tuple[int, int]]:
    """(region id, last year) for every region active at some time last year."""
    year = (today or timezone.localdate()).year - 1
    regions = Region.objects.active_between(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    return [(pk, year) for pk in regions.order_by("pk").values_list("pk", flat=True)]


def _generate_uses(report: ReportFile, region_ids, period: Period) -> None:
    total = exports.uses_queryset(region_ids, period).count()
    ReportFile.objects.filter(pk=report.pk).update(total=total)

    def progress(done: int) -> None:
        ReportFile.objects.filter(pk=report.pk).update(progress=min(done, total))

    with tempfile.TemporaryFile() as out:
        if report.format == ExportRecord.Format.XLSX:
            exports.uses_xlsx(region_ids, period, out, progress=progress)
        else:
            done = 0
            for chunk in exports.uses_csv_stream(region_ids, period):
                out.write(chunk.encode("utf-8"))
                done += chunk.count("\n")
                progress(max(done - 1, 0))
        out.seek(0)
        _save_file(report, _file_name(report, "uses"), File(out))


def _covered_today(scope, report: ReportFile) -> bool:
    """Whether every region the file's figures cover is in the user's scope today: access that has ended
    since the file was made no longer opens it (a national file needs a coordinator)."""
    if scope.national:
        return True
    region_ids = report.params.get("region_ids")
    if report.kind == ReportFile.Kind.MONTHLY_REGIONAL:
        region_ids = region_ids or [report.region_id]
    return bool(region_ids) and set(region_ids) <= scope.region_ids


def report_file_visible(*, user, report: ReportFile) -> bool:
    """Who may see a file: coordinators; whoever asked for it and a region's contacts its monthly reports,
    only while the regions it covers are still in their scope today (checked on every request)."""
    if not user.is_authenticated:
        return False
    scope = scope_for(user)
    if scope.national:
        return True
    if report.requested_by_id != user.pk and report.kind != ReportFile.Kind.MONTHLY_REGIONAL:
        return False
    return _covered_today(scope, report)


def report_files_for(user) -> "QuerySet[ReportFile] | list[ReportFile]":
    """The files ``report_file_visible`` lets ``user`` see, newest first."""
    scope = scope_for(user)
    files = ReportFile.objects.select_related("region", "requested_by")
    if scope.national:
        return files
    candidates = files.filter(Q(requested_by=user) | Q(kind=ReportFile.Kind.MONTHLY_REGIONAL,
                                                      region_id__in=scope.region_ids))
    return [report for report in candidates if _covered_today(scope, report)]


# --- scheduled reports ----------------------------------------------------------------------------


def previous_month(today: datetime.date) -> datetime.date:
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def regional_monthly_report(*, region_id: int, period_key: str) -> list[ReportFile]:
    """The monthly report of one region (PDF + XLSX), then one e-mail with links to its contacts.

    Safe to run twice: files are made once per region and month, and contacts are told once.
    """
    region = Region.objects.get(pk=region_id)
    month = datetime.date.fromisoformat(f"{period_key}-01")
    period = Period(month, month_end(month))
    files = []
    for fmt in (ExportRecord.Format.PDF, ExportRecord.Format.XLSX):
        report, _created = ReportFile.objects.get_or_create(
            kind=ReportFile.Kind.MONTHLY_REGIONAL, format=fmt, region=region, period_key=period_key,
            defaults={"params": {**period.key, "region_ids": [region.pk]}},
        )
        files.append(report_file_generate(report_file_id=report.pk))
    with transaction.atomic():
        pending = list(ReportFile.objects.select_for_update().filter(pk__in=[f.pk for f in files],
                                                                     notified_at__isnull=True))
        if pending:
            _notify_contacts(region, files, period)
            ReportFile.objects.filter(pk__in=[f.pk for f in pending]).update(notified_at=timezone.now())
    return files


def _region_contacts(region: Region):
    """Active users who are the region's contact today (one membership that is the region's, a contact's
    and in force today: an earlier, ended membership of theirs does not matter)."""
    return get_user_model().objects.filter(
        RegionMembership.active_q(timezone.localdate(), prefix="region_memberships__"),
        is_active=True,
        region_memberships__region=region,
        region_memberships__role=RegionMembership.Role.CONTACT,
    ).exclude(email="").distinct()


def _notify_contacts(region: Region, files: list[ReportFile], period: Period) -> int:
    """One e-mail per contact with links (never attachments): the files stay behind sign-in."""
    messages = []
    links = [(f.get_format_display(), settings.SITE_URL.rstrip("/") + reverse("reports:file_detail", args=[f.pk]))
             for f in files]
    with translation.override(settings.LANGUAGE_CODE):
        label = exports.period_label(period)
        context = {"region": region, "period": label, "links": links}
        subject = gettext("Kaikukortti monthly report %(period)s: %(region)s") % {
            "period": label, "region": region.name}
        body = render_to_string("reports/email/monthly_report.txt", context)
    for contact in _region_contacts(region):
        messages.append(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [contact.email]))
    if messages:
        get_connection().send_messages(messages)
    return len(messages)


def monthly_reports_due(*, today: datetime.date | None = None) -> list[tuple[int, str]]:
    """Day 1: (region id, "YYYY-MM") of last month's report for every region active at some time that month
    (``tasks.monthly_regional_reports`` queues them)."""
    month = previous_month(today or timezone.localdate())
    period_key = f"{month:%Y-%m}"
    return [(pk, period_key) for pk in
            Region.objects.active_between(month, month_end(month)).values_list("pk", flat=True)]


# --- stuck jobs -------------------------------------------------------------------------------------
#
# A job is stuck when its row says queued or running for longer than its task's hard time limit plus a margin:
# the worker died without the row being told (killed hard, host lost) or the queued message was lost. The sweep
# re-queues it until it has had MAX_ATTEMPTS tries, then marks it failed with ``job_interrupted`` (shown to the
# requester in their language). A worker refuses a job that has used up its tries too, so a job that keeps
# killing its worker (redelivered at once under CELERY_TASK_REJECT_ON_WORKER_LOST) stops.

MAX_ATTEMPTS = 2
INTERRUPTED = "job_interrupted"
PENDING = ("queued", "running")


@dataclass(frozen=True)
class SweepResult:
    """What the caller queues on commit: plain file jobs, monthly reports (they also notify) and rollup runs."""

    files: list[int]
    monthly: list[tuple[int, str]]
    rollups: list[tuple[int, bool]]
    failed: int


def _stuck_after(task: str) -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.TASK_TIME_LIMITS[task] + settings.TASK_TIME_MARGIN)


def job_given_up(job: ReportFile | RollupRun) -> bool:
    """A worker's check before starting: a job that has had its tries is marked failed instead of run again."""
    if job.attempts < MAX_ATTEMPTS:
        return False
    type(job).objects.filter(pk=job.pk, status__in=PENDING).update(
        status="failed", error=INTERRUPTED, finished_at=timezone.now())
    job.refresh_from_db()
    return True


def _sweep_rows(queryset: QuerySet, now: datetime.datetime) -> tuple[list, int]:
    """Re-queue (status queued, started now) or fail each stuck row; returns the re-queued rows and the failed
    count. Each update repeats the stuck test, so a row a worker has just picked up is left alone."""
    requeued, failed = [], 0
    for job in queryset.filter(status__in=PENDING):
        still_stuck = type(job).objects.filter(pk=job.pk, status=job.status, started_at=job.started_at)
        if job.attempts >= MAX_ATTEMPTS:
            failed += still_stuck.update(status="failed", error=INTERRUPTED, finished_at=now)
        elif still_stuck.update(status="queued", started_at=now, error="",
                                # a job that never started counts the lost message as a try
                                attempts=F("attempts") + (1 if job.status == "queued" else 0)):
            requeued.append(job)
    return requeued, failed


def report_file_sweep(*, now: datetime.datetime | None = None) -> SweepResult:
    """Find generated files and rollup runs stuck in queued/running and re-queue or fail them. Running it twice
    does nothing more: a re-queued job starts its wait again, a failed one is no longer pending."""
    now = now or timezone.now()
    files, failed = _sweep_rows(ReportFile.objects.filter(
        Q(kind=ReportFile.Kind.MONTHLY_REGIONAL, started_at__lt=now - _stuck_after("reports.regional_monthly_report"))
        | (~Q(kind=ReportFile.Kind.MONTHLY_REGIONAL)
           & Q(started_at__lt=now - _stuck_after("reports.report_file_generate")))
    ).order_by("pk"), now)
    runs, failed_runs = _sweep_rows(RollupRun.objects.filter(
        started_at__lt=now - _stuck_after("reports.rollup_rebuild")).order_by("pk"), now)
    if files or runs or failed or failed_runs:
        logger.warning("stuck jobs: %s files and %s rollup runs re-queued, %s failed", len(files), len(runs),
                       failed + failed_runs)
    monthly = sorted({(f.region_id, f.period_key) for f in files if f.kind == ReportFile.Kind.MONTHLY_REGIONAL})
    return SweepResult(
        files=[f.pk for f in files if f.kind != ReportFile.Kind.MONTHLY_REGIONAL], monthly=monthly,
        rollups=[(run.pk, run.full) for run in runs], failed=failed + failed_runs,
    )


# --- worker heartbeat and the retry of a file that waits too long (issue 12, point 6) --------------------------

HEARTBEAT_KEEP_SECONDS = 7 * 24 * 60 * 60  # long enough to say "not since Friday" on Monday


def worker_heartbeat_record(*, now: datetime.datetime | None = None) -> datetime.datetime:
    """Run by a worker every minute (``reports.worker_heartbeat``): the time ``selectors.worker_status`` reads."""
    now = now or timezone.now()
    cache.set(HEARTBEAT_KEY, now.isoformat(), timeout=HEARTBEAT_KEEP_SECONDS)
    return now


def report_file_may_retry(*, user, report: ReportFile) -> bool:
    """Who may queue a file again: who may request it (``report_file_request``) and sees it. The coordinator any
    file; a regional contact the files they see (their own requests, their regions' monthly reports) while those
    regions are still theirs, never the annual national report, which only the coordinator requests."""
    scope = scope_for(user)
    if scope.national:
        return True
    if not scope.region_ids or report.kind == ReportFile.Kind.ANNUAL_NATIONAL:
        return False
    return report_file_visible(user=user, report=report)


def report_file_retry(*, user, report: ReportFile, now: datetime.datetime | None = None) -> bool:
    """Queue again a file that waits too long (``ReportFile.waits_too_long``): the same row, its waiting clock
    restarted; the caller queues its task on commit (``tasks.report_file_queue``). True when it was re-queued;
    False, changing nothing, when it no longer waits too long: a second press, or a worker took it meanwhile (one
    conditional update decides, so two presses at once re-queue it once).

    Not counted as an attempt (``attempts`` are for workers that die, and the sweep gives up after
    ``MAX_ATTEMPTS``): the file may only be waiting behind a long job, and impatience must not use up its tries.
    The message already in the queue stays; whichever runs second finds the file made and leaves it
    (``report_file_generate``, ``regional_monthly_report``)."""
    if not report_file_may_retry(user=user, report=report):
        raise DomainError("not_allowed")
    now = now or timezone.now()
    return bool(ReportFile.objects.filter(
        pk=report.pk, status=ReportFile.Status.QUEUED, started_at__lt=now - QUEUED_TOO_LONG,
    ).update(started_at=now))
