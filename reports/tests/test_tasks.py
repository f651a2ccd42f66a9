import datetime

import pytest
from django_celery_beat.models import PeriodicTask

from kaikukanta import celery_app
from reports.models import RollupRun
from reports.tasks import apply_retention_task, monthly_regional_reports_task, rollup_rebuild_task

from .factories import card, network


@pytest.mark.django_db
def test_beat_schedule_rows_exist_for_registered_tasks():
    rows = {t.name: (t.task, str(t.crontab.minute), str(t.crontab.hour), t.crontab.day_of_month, t.enabled)
            for t in PeriodicTask.objects.filter(name__startswith="Kaikukanta:", crontab__isnull=False)
            .select_related("crontab")}

    assert rows == {
        "Kaikukanta: nightly statistics rollup": ("reports.rollup_rebuild", "30", "2", "*", True),
        "Kaikukanta: nightly retention (R13)": ("reports.apply_retention", "30", "3", "*", True),
        "Kaikukanta: monthly regional reports": ("reports.monthly_regional_reports", "0", "6", "1", True),
        "Kaikukanta: nightly booking no-shows": ("bookings.mark_no_shows", "15", "0", "*", True),
        "Kaikukanta: annual welfare reports": ("reports.annual_welfare_reports", "0", "7", "15", True),
    }
    assert {task for task, *_ in rows.values()} <= set(celery_app.tasks)
    assert all(celery_app.tasks[task].acks_late for task, *_ in rows.values())


@pytest.mark.django_db
def test_rollup_task_takes_a_run_id_and_is_idempotent():
    run = RollupRun.objects.create(status=RollupRun.Status.QUEUED)

    first = rollup_rebuild_task.delay(run.pk).get()
    finished = RollupRun.objects.get(pk=run.pk).finished_at
    second = rollup_rebuild_task.delay(run.pk).get()

    assert first == second == run.pk
    assert RollupRun.objects.get(pk=run.pk).finished_at == finished
    assert RollupRun.objects.count() == 1


@pytest.mark.django_db
def test_retention_and_monthly_tasks(django_capture_on_commit_callbacks):
    net = network()
    old = card(net, 0, issued_on=datetime.date(2019, 1, 1), valid_until=datetime.date(2020, 1, 1))

    assert apply_retention_task.delay().get() == 1
    old.refresh_from_db()
    assert old.birth_year is None
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert monthly_regional_reports_task.delay("2025-03-01").get() == 2
    assert len(callbacks) == 2
