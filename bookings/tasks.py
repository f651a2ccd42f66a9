"""The nightly no-show run (R15): thin, idempotent, with its time limit."""

from celery import shared_task
from django.conf import settings

from . import services

NAME = "bookings.mark_no_shows"


@shared_task(name=NAME, acks_late=True, reject_on_worker_lost=True,
             time_limit=settings.TASK_TIME_LIMITS.get(NAME, 10 * 60),
             soft_time_limit=settings.TASK_TIME_LIMITS.get(NAME, 10 * 60) - 60)
def mark_no_shows_task() -> int:
    return services.booking_mark_no_shows()
