"""Celery tasks of the card import (issue 15): thin, take ids, idempotent, acknowledged late.

They call ``cards.imports``; a job's row says which step it waits for, so a task delivered twice (a worker lost
with late acks) does nothing the second time. Time limits come from ``settings.TASK_TIME_LIMITS``.
"""

from celery import shared_task
from django.conf import settings

from . import imports


def limits(name: str) -> dict:
    limit = settings.TASK_TIME_LIMITS[name]
    return {"name": name, "acks_late": True, "reject_on_worker_lost": True, "time_limit": limit,
            "soft_time_limit": limit - 60}


@shared_task(**limits("cards.import_validate"))
def import_validate_task(job_id: int) -> str | None:
    job = imports.job_validate(job_id)
    return job.status if job else None


@shared_task(**limits("cards.import_write"))
def import_write_task(job_id: int) -> str | None:
    job = imports.job_write(job_id)
    return job.status if job else None


@shared_task(**limits("cards.import_sweep"))
def import_sweep_task() -> int:
    """Every 15 minutes (beat, cards migration 0005): imports left checking or saving by a lost worker are marked
    failed."""
    return imports.job_sweep()
