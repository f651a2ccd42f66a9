"""Dashboards, exports and generated files. Views only parse input, call selectors/services, render."""

import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core.errors import DomainError
from core.scopes import scope_for
from regions.models import Municipality, WelfareArea

from . import audit, exports, services, tasks, welfare
from .forms import DashboardFilterForm, FileRequestForm, UnusualUsesForm, WelfareReportForm
from .models import QUEUED_TOO_LONG, ReportFile, RollupRun
from .selectors import (
    Period,
    dashboard,
    regions_visible_for_reports,
    scoped_region_ids,
    unusual_uses,
    week_start,
    worker_status,
)

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _require(request, *, national: bool) -> None:
    scope = scope_for(request.user)
    if national and not scope.national:
        raise PermissionDenied
    if not national and not scope.region_ids:
        raise PermissionDenied


def _filters(request, *, national: bool) -> DashboardFilterForm:
    regions = regions_visible_for_reports(request.user)
    if not national:
        regions = regions.filter(pk__in=scope_for(request.user).region_ids)
    label = gettext_lazy("All regions") if national else gettext_lazy("All my regions")
    return DashboardFilterForm(request.GET or None, regions=regions, all_label=label)


def _board(request, form: DashboardFilterForm):
    try:
        return dashboard(user=request.user, period=form.period_value(), region=form.cleaned()["region"])
    except DomainError as exc:
        raise Http404 from exc


def _dashboard_view(request, *, national: bool):
    _require(request, national=national)
    form = _filters(request, national=national)
    board = _board(request, form)
    suppressed = not national
    query = urlencode(form.query_params())
    url_prefix = "reports:national" if national else "reports:regional"
    return render(request, "reports/dashboard.html", {
        "national": national,
        "form": form,
        "board": board,
        "suppressed": suppressed,
        "tables": {t.key: t for t in exports.dashboard_tables(board, suppressed=suppressed, top_venues=10,
                                                              top_offices=25 if board.national else None,
                                                              top_municipalities=25 if board.national else None)},
        "charts": exports.dashboard_charts(board, suppressed=suppressed),
        "title": exports.report_title(board),
        "period_label": exports.period_label(board.period),
        "query": query,
        "export_links": [
            (fmt.upper(), reverse(f"{url_prefix}_export", args=[fmt]) + f"?{query}") for fmt in ("csv", "xlsx", "pdf")
        ],
        "uses_csv_url": reverse("reports:uses_csv") + f"?{query}",
        "file_form": FileRequestForm(),
        "last_run": board.freshness.last_run,
        "live_seconds": settings.REPORTS_LIVE_SECONDS,
        # Issue 17: the all-years view shows every year against the one before; a year, quarter or month is
        # compared with a year earlier on the page of figures for welfare work (kept off this page's budget).
        "yoy": welfare.years_table(board.region_ids) if board.period.start is None else None,
        "welfare_url": reverse("reports:welfare") + f"?{query}",
        # The municipal welfare report is asked for on the regional dashboard (a region's few places) and on the
        # welfare page (the coordinator's list of every municipality stays off the national dashboard).
        "welfare_form": None if national else _welfare_form(request, board.region_ids),
    })


def _welfare_form(request, region_ids, data=None) -> WelfareReportForm:
    municipalities = Municipality.objects.filter(region__isnull=False)
    if region_ids is not None:
        municipalities = municipalities.filter(region_id__in=region_ids)
    areas = WelfareArea.objects.filter(municipalities__in=municipalities).distinct()
    return WelfareReportForm(data, municipalities=municipalities.order_by("name_fi"), areas=areas.order_by("name_fi"))


@login_required
@require_GET
def welfare_page(request):
    """Issue 17: wellbeing change, who the card reaches and reach per 1,000 inhabitants for the dashboard's filters,
    and the municipal welfare reports."""
    national = scope_for(request.user).national
    _require(request, national=national)
    form = _filters(request, national=national)
    board = _board(request, form)
    year = board.period.end.year
    return render(request, "reports/welfare.html", {
        "national": national, "form": form, "board": board, "title": exports.report_title(board),
        "period_label": exports.period_label(board.period), "year": year,
        "comparison": welfare.comparison_table(board.region_ids, board.period, board.summary),
        "wellbeing": welfare.wellbeing_tables(board.region_ids, year),
        "who": welfare.who_tables(board.region_ids, board.period),
        "reach": welfare.reach_tables(board),
        "welfare_form": _welfare_form(request, board.region_ids),
        "dashboard_url": reverse("reports:national" if national else "reports:regional")
        + f"?{urlencode(form.query_params())}",
    })


@login_required
@require_POST
def welfare_report_request(request):
    """Queue one municipal welfare report (PDF or XLSX) in the background; its page shows the progress."""
    scope = scope_for(request.user)
    _require(request, national=scope.national)
    form = _welfare_form(request, None if scope.national else sorted(scope.region_ids), request.POST)
    back = reverse("reports:welfare")
    if not form.is_valid():
        messages.error(request, _("Choose the municipality or welfare area, the year and the format."))
        return redirect(back)
    municipality_id, area_id = form.place_value()
    try:
        report = services.welfare_report_request(
            user=request.user, year=form.cleaned_data["year"], fmt=form.cleaned_data["format"],
            municipality=Municipality.objects.filter(pk=municipality_id).first(),
            area=WelfareArea.objects.filter(pk=area_id).first(),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    transaction.on_commit(lambda: tasks.report_file_generate_task.delay(report.pk))
    return redirect("reports:file_detail", report.pk)


@login_required
@require_GET
def national(request):
    return _dashboard_view(request, national=True)


@login_required
@require_GET
def regional(request):
    return _dashboard_view(request, national=False)


def _export(request, fmt: str, *, national: bool):
    _require(request, national=national)
    if fmt not in CONTENT_TYPES:
        raise Http404
    form = _filters(request, national=national)
    board = _board(request, form)
    if fmt == "csv":
        content = exports.dashboard_csv(board).encode("utf-8")
    elif fmt == "xlsx":
        content = exports.dashboard_xlsx(board)
    else:
        content = exports.dashboard_pdf(board)
    services.export_record(user=request.user, what="national_dashboard" if national else "regional_dashboard",
                           fmt=fmt, region_ids=board.region_ids, params={**board.period.key,
                                                                          **form.query_params()})
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    stamp = f"{board.period.start:%Y%m}-{board.period.end:%Y%m}"
    response["Content-Disposition"] = f'attachment; filename="kaikukortti-{stamp}.{fmt}"'
    return response


@login_required
@require_GET
def national_export(request, fmt: str):
    return _export(request, fmt, national=True)


@login_required
@require_GET
def regional_export(request, fmt: str):
    return _export(request, fmt, national=False)


def _month_range(request) -> Period | None:
    """Optional ``from``/``to`` months (YYYY-MM) for a longer or shorter run than the dashboard filter."""
    try:
        first = datetime.date.fromisoformat(request.GET["from"] + "-01")
        last = datetime.date.fromisoformat(request.GET["to"] + "-01")
        return Period.from_dates(first, last)
    except (KeyError, ValueError, DomainError):
        return None


@login_required
@require_GET
def uses_csv(request):
    """Every counted use of the filtered period, streamed: flat memory however many rows."""
    scope = scope_for(request.user)
    national = scope.national
    _require(request, national=national)
    form = _filters(request, national=national)
    region = form.cleaned()["region"]
    try:
        region_ids = scoped_region_ids(request.user, region)
    except DomainError as exc:
        raise Http404 from exc
    period = _month_range(request) or form.period_value()
    services.export_record(user=request.user, what="uses", fmt="csv", region_ids=region_ids,
                           params={**period.key, **form.query_params()})
    response = StreamingHttpResponse(exports.uses_csv_stream(region_ids, period), content_type=CONTENT_TYPES["csv"])
    response["Content-Disposition"] = f'attachment; filename="kaikukortti-uses-{period.end:%Y%m}.csv"'
    return response


@login_required
@require_POST
def file_request(request):
    scope = scope_for(request.user)
    _require(request, national=scope.national)
    filters = _filters(request, national=scope.national)
    form = FileRequestForm(request.POST)
    back = reverse("reports:national" if scope.national else "reports:regional")
    if not form.is_valid():
        messages.error(request, _("Choose what to prepare and the format."))
        return redirect(back)
    try:
        report = services.report_file_request(
            user=request.user, kind=form.cleaned_data["kind"], fmt=form.cleaned_data["format"],
            period=filters.period_value(), region=filters.cleaned()["region"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    transaction.on_commit(lambda: tasks.report_file_generate_task.delay(report.pk))
    return redirect("reports:file_detail", report.pk)


def _visible_file(request, pk: int) -> ReportFile:
    report = get_object_or_404(ReportFile.objects.select_related("region"), pk=pk)
    if not services.report_file_visible(user=request.user, report=report):
        raise Http404
    return report


@login_required
@require_GET
def files(request):
    scope = scope_for(request.user)
    if not (scope.national or scope.region_ids):
        raise PermissionDenied
    return render(request, "reports/file_list.html", {
        "files": services.report_files_for(request.user)[:100],
        "national": scope.national,
        "worker": worker_status(),
    })


@login_required
@require_GET
def file_detail(request, pk: int):
    report = _visible_file(request, pk)
    return render(request, "reports/file_detail.html", {
        "file": report, "worker": worker_status(),
        "may_retry": services.report_file_may_retry(user=request.user, report=report),
        "wait_minutes": int(QUEUED_TOO_LONG.total_seconds() // 60),
    })


@login_required
@require_POST
def file_retry(request, pk: int):
    """Queue again a file that has waited too long; pressing twice queues it once (``report_file_retry``)."""
    report = _visible_file(request, pk)
    try:
        requeued = services.report_file_retry(user=request.user, report=report)
    except DomainError as exc:
        raise PermissionDenied from exc
    if requeued:
        tasks.report_file_queue(report)
        messages.success(request, _("The file was queued again."))
    else:
        messages.info(request, _("The file no longer waits in the queue, so it was not queued again."))
    return redirect("reports:file_detail", report.pk)


@login_required
@require_GET
def file_status(request, pk: int):
    report = _visible_file(request, pk)
    return JsonResponse({
        "status": report.status,
        "status_label": str(report.get_status_display()),
        "progress": report.progress,
        "total": report.total,
        "percent": report.percent,
        "waits_too_long": report.waits_too_long,
        "download_url": reverse("reports:file_download", args=[report.pk])
        if report.status == ReportFile.Status.DONE else None,
    })


@login_required
@require_GET
def file_download(request, pk: int):
    report = _visible_file(request, pk)
    if report.status != ReportFile.Status.DONE or not report.file:
        raise Http404
    region_ids = report.params.get("region_ids")
    services.export_record(user=request.user, what=f"file:{report.kind}", fmt=report.format,
                           region_ids=region_ids, params={"file": report.pk, "from": report.params.get("from"),
                                                          "to": report.params.get("to")})
    name = report.file.name.rsplit("/", 1)[-1]
    return FileResponse(report.file.open("rb"), as_attachment=True, filename=name,
                        content_type=CONTENT_TYPES.get(report.format))


@login_required
@require_POST
def rollup_refresh(request):
    """The coordinator's "Refresh now": the same task as the nightly run, queued on commit."""
    if not scope_for(request.user).national:
        raise PermissionDenied
    full = request.POST.get("full") == "1"
    with transaction.atomic():
        run = RollupRun.objects.create(requested_by=request.user, full=full, status=RollupRun.Status.QUEUED,
                                       started_at=timezone.now())
        transaction.on_commit(lambda: tasks.rollup_rebuild_task.delay(run.pk, full))
    messages.success(request, _("The statistics are being refreshed. Reload the page in a moment."))
    return redirect(request.POST.get("next") if _safe_next(request) else reverse("reports:national"))


def _safe_next(request) -> bool:
    target = request.POST.get("next") or ""
    return bool(target) and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})



# --- the audit trail (R12): reports.audit ------------------------------------------------------------------


def _audit_filters(request) -> tuple[audit.AuditFilterForm, audit.AuditFilters | None]:
    if not audit.may_read_audit(request.user):
        raise PermissionDenied
    form = audit.AuditFilterForm(request.GET, user=request.user)
    return form, form.filters()


@login_required
@require_GET
def audit_trail(request):
    """Who did what, when and through which channel, in the user's scope: newest first, a page at a time."""
    form, filters = _audit_filters(request)
    page = audit.audit_page(user=request.user, filters=filters, cursor=request.GET.get("cursor")) if filters else None
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(request, "reports/audit.html", {
        "form": form, "page": page, "query": query.urlencode(), "exact_number": bool(filters and filters.card_number),
        "national": scope_for(request.user).national,
    })


@login_required
@require_GET
def audit_csv(request):
    """The filtered trail as CSV, streamed; the download is itself an export in the trail."""
    form, filters = _audit_filters(request)
    if filters is None:
        return redirect(f"{reverse('reports:audit')}?{request.GET.urlencode()}")
    services.export_record(user=request.user, what="audit", fmt="csv", region_ids=audit.audit_region_ids(request.user),
                           params={"channel": "page", **filters.params()})
    response = StreamingHttpResponse(audit.audit_csv_lines(audit.audit_events(user=request.user, filters=filters)),
                                     content_type=CONTENT_TYPES["csv"])
    response["Content-Disposition"] = f'attachment; filename="kaikukanta-audit-{timezone.localdate():%Y%m%d}.csv"'
    return response

def _week_param(monday: datetime.date) -> str:
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}"


@login_required
@require_GET
def unusual(request):
    """Issue 11: the cards of the contact's regions (the coordinator: of every region, or one) with more uses in an
    ISO week than the national threshold, masked. Default: the last complete week and the current one."""
    scope = scope_for(request.user)
    if not (scope.national or scope.region_ids):
        raise PermissionDenied
    form = UnusualUsesForm(request.GET or None, regions=regions_visible_for_reports(request.user),
                           all_label=gettext_lazy("All regions") if scope.national else gettext_lazy("All my regions"))
    region = form.chosen_region()
    try:
        listing = unusual_uses(user=request.user, weeks=form.weeks(), region=region)
    except DomainError as exc:
        raise Http404 from exc
    this_week = week_start(timezone.localdate())
    oldest, newest = listing.weeks[-1].start, listing.weeks[0].start
    extra = {"region": region.pk} if region else {}
    earlier = f"?{urlencode({'week': _week_param(oldest - datetime.timedelta(days=7)), **extra})}"
    later = None
    if newest < this_week:
        later = f"?{urlencode({'week': _week_param(newest + datetime.timedelta(days=7)), **extra})}"
    return render(request, "reports/unusual.html", {
        "form": form, "listing": listing, "national": scope.national, "earlier": earlier, "later": later,
        "show_region": scope.national or len(scope.region_ids) > 1,
    })
