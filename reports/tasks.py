"""Celery tasks: thin, take ids, idempotent, acknowledged late (settings.CELERY_TASK_ACKS_LATE).

They call ``reports.services`` (and ``cards.retention``); the services never queue a task. Queue them with
``transaction.on_commit`` so a worker never reads a row that is not committed yet: the views do for the
requests they take, ``monthly_regional_reports`` for the monthly reports. The nightly and monthly ones are
scheduled with django-celery-beat (migration 0002).
"""

import datetime

from celery import shared_task
from django.db import transaction

from cards.retention import retention_apply

from . import services
from .models import RollupRun

HOUR = 60 * 60


@shared_task(name="reports.rollup_rebuild", acks_late=True, time_limit=2 * HOUR, soft_time_limit=2 * HOUR - 60)
def rollup_rebuild_task(run_id: int | None = None, full: bool = False) -> int:
    """Nightly (beat) and on demand (the coordinator's button, which creates the run row first)."""
    run = RollupRun.objects.filter(pk=run_id).first() if run_id else None
    if run is not None and run.status == RollupRun.Status.DONE:
        return run.pk
    return services.rollup_rebuild(full=full or bool(run and run.full), run=run,
                                   requested_by=run.requested_by if run else None).pk


@shared_task(name="reports.report_file_generate", acks_late=True, time_limit=HOUR, soft_time_limit=HOUR - 60)
def report_file_generate_task(report_file_id: int) -> int:
    return services.report_file_generate(report_file_id=report_file_id).pk


@shared_task(name="reports.regional_monthly_report", acks_late=True, time_limit=HOUR, soft_time_limit=HOUR - 60)
def regional_monthly_report_task(region_id: int, period_key: str) -> list[int]:
    return [f.pk for f in services.regional_monthly_report(region_id=region_id, period_key=period_key)]


def monthly_regional_reports(*, today: datetime.date | None = None) -> list[tuple[int, str]]:
    """Day 1: queue last month's report for every region that was active in that month (on commit)."""
    queued = services.monthly_reports_due(today=today)
    for region_id, key in queued:
        transaction.on_commit(lambda r=region_id, k=key: regional_monthly_report_task.delay(r, k))
    return queued


@shared_task(name="reports.monthly_regional_reports", acks_late=True, time_limit=10 * 60, soft_time_limit=9 * 60)
def monthly_regional_reports_task(today: str | None = None) -> int:
    """Day 1 of the month (beat): one report task per region active last month."""
    day = datetime.date.fromisoformat(today) if today else None
    return len(monthly_regional_reports(today=day))


@shared_task(name="reports.apply_retention", acks_late=True, time_limit=HOUR, soft_time_limit=HOUR - 60)
def apply_retention_task() -> int:
    """Nightly (beat): R13 retention, in ``cards.retention``."""
    return retention_apply().reduced
