"""Celery tasks: thin, take ids, idempotent, acknowledged late (settings.CELERY_TASK_ACKS_LATE).

They call ``reports.services`` (and ``cards.retention``); the services never queue a task. Queue them with
``transaction.on_commit`` so a worker never reads a row that is not committed yet: the views do for the
requests they take, ``monthly_regional_reports`` for the monthly reports. The nightly and monthly ones are
scheduled with django-celery-beat (migrations 0003, 0007 and 0008).

Time limits come from ``settings.TASK_TIME_LIMITS``: the broker's visibility timeout and the stuck-job sweep are
derived from the same numbers.
"""

import datetime

from celery import shared_task
from django.conf import settings
from django.db import transaction

from cards.retention import retention_apply

from . import services
from .models import ReportFile, RollupRun


def limits(name: str) -> dict:
    """``shared_task`` options for a task: late acks, its hard limit and a soft limit a minute earlier (the
    service then marks its row failed itself)."""
    limit = settings.TASK_TIME_LIMITS[name]
    return {"name": name, "acks_late": True, "time_limit": limit, "soft_time_limit": limit - 60}


@shared_task(**limits("reports.rollup_rebuild"))
def rollup_rebuild_task(run_id: int | None = None, full: bool = False) -> int:
    """Nightly (beat) and on demand (the coordinator's button, which creates the run row first)."""
    run = RollupRun.objects.filter(pk=run_id).first() if run_id else None
    if run is not None and (run.status == RollupRun.Status.DONE or services.job_given_up(run)):
        return run.pk
    return services.rollup_rebuild(full=full or bool(run and run.full), run=run,
                                   requested_by=run.requested_by if run else None).pk


@shared_task(**limits("reports.report_file_generate"))
def report_file_generate_task(report_file_id: int) -> int:
    return services.report_file_generate(report_file_id=report_file_id).pk


@shared_task(**limits("reports.regional_monthly_report"))
def regional_monthly_report_task(region_id: int, period_key: str) -> list[int]:
    return [f.pk for f in services.regional_monthly_report(region_id=region_id, period_key=period_key)]


def monthly_regional_reports(*, today: datetime.date | None = None) -> list[tuple[int, str]]:
    """Day 1: queue last month's report for every region that was active in that month (on commit)."""
    queued = services.monthly_reports_due(today=today)
    for region_id, key in queued:
        transaction.on_commit(lambda r=region_id, k=key: regional_monthly_report_task.delay(r, k))
    return queued


@shared_task(**limits("reports.monthly_regional_reports"))
def monthly_regional_reports_task(today: str | None = None) -> int:
    """Day 1 of the month (beat): one report task per region active last month."""
    day = datetime.date.fromisoformat(today) if today else None
    return len(monthly_regional_reports(today=day))


@shared_task(**limits("reports.apply_retention"))
def apply_retention_task() -> int:
    """Nightly (beat): R13 retention, in ``cards.retention``."""
    return retention_apply().reduced


def report_file_queue(report: ReportFile) -> None:
    """Queue (on commit) the task that makes ``report``: a monthly report through its region's report task, which
    also tells the contacts once; any other file through ``report_file_generate_task``."""
    if report.kind == ReportFile.Kind.MONTHLY_REGIONAL:
        transaction.on_commit(lambda: regional_monthly_report_task.delay(report.region_id, report.period_key))
    else:
        transaction.on_commit(lambda: report_file_generate_task.delay(report.pk))


@shared_task(**limits("reports.worker_heartbeat"))
def worker_heartbeat_task() -> str:
    """Every minute (beat, migration 0008): the time a worker last took a job, for the prepared-files page."""
    return services.worker_heartbeat_record().isoformat()


def report_file_sweep() -> services.SweepResult:
    """Re-queue (on commit) what ``services.report_file_sweep`` found stuck."""
    result = services.report_file_sweep()
    for pk in result.files:
        transaction.on_commit(lambda pk=pk: report_file_generate_task.delay(pk))
    for region_id, key in result.monthly:
        transaction.on_commit(lambda r=region_id, k=key: regional_monthly_report_task.delay(r, k))
    for run_id, full in result.rollups:
        transaction.on_commit(lambda r=run_id, f=full: rollup_rebuild_task.delay(r, f))
    return result


@shared_task(**limits("reports.report_file_sweep"))
def report_file_sweep_task() -> int:
    """Every 15 minutes (beat): stuck generated files and rollup runs are re-queued or marked failed."""
    with transaction.atomic():
        result = report_file_sweep()
    return len(result.files) + len(result.monthly) + len(result.rollups) + result.failed


# Issue 17: the municipal welfare reports, every January (beat, migration 0010), with the monthly reports' limits.
@shared_task(**{**limits("reports.regional_monthly_report"), "name": "reports.annual_welfare_report"})
def annual_welfare_report_task(region_id: int, year: int) -> list[int]:
    return [f.pk for f in services.annual_welfare_reports(region_id=region_id, year=year)]


@shared_task(**{**limits("reports.monthly_regional_reports"), "name": "reports.annual_welfare_reports"})
def annual_welfare_reports_task(today: str | None = None) -> int:
    """January (beat): one task per region active last year, queued on commit."""
    day = datetime.date.fromisoformat(today) if today else None
    queued = services.welfare_reports_due(today=day)
    for region_id, year in queued:
        transaction.on_commit(lambda r=region_id, y=year: annual_welfare_report_task.delay(r, y))
    return len(queued)
