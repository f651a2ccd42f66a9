"""Finding 10: a job whose worker died is redelivered (settings) or swept (report_file_sweep), never left running."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone, translation
from django_celery_beat.models import PeriodicTask

from core.errors import DomainError
from kaikukanta import celery_app
from reports import services
from reports.models import ReportFile, RollupRun
from reports.tasks import report_file_sweep, report_file_sweep_task

HOUR = datetime.timedelta(hours=1)


def _file(*, status=ReportFile.Status.RUNNING, started_ago=2 * HOUR, attempts=1, kind=ReportFile.Kind.DASHBOARD,
          **kwargs) -> ReportFile:
    return ReportFile.objects.create(
        kind=kind, format="csv", status=status, attempts=attempts, started_at=timezone.now() - started_ago,
        params={"from": "2025-01-01", "to": "2025-01-31", "region_ids": None}, **kwargs)


def _state(job) -> tuple:
    job.refresh_from_db()
    return job.status, job.attempts, job.started_at, job.error


def test_celery_settings_redeliver_lost_tasks_and_outlast_the_longest_task():
    longest = max(task.time_limit for name, task in celery_app.tasks.items() if name.startswith("reports."))

    assert longest == 2 * 60 * 60 == celery_app.tasks["reports.rollup_rebuild"].time_limit
    assert celery_app.conf.task_reject_on_worker_lost is True
    assert celery_app.conf.task_acks_late is True
    assert celery_app.conf.broker_transport_options["visibility_timeout"] == longest + 15 * 60
    assert all(task.soft_time_limit == task.time_limit - 60
               for name, task in celery_app.tasks.items() if name.startswith("reports."))


@pytest.mark.django_db
def test_sweep_schedule_row_runs_the_registered_task():
    row = PeriodicTask.objects.select_related("interval").get(task="reports.report_file_sweep")

    assert (row.enabled, row.interval.every, row.interval.period, row.crontab_id) == (True, 15, "minutes", None)
    assert celery_app.tasks[row.task].acks_late


@pytest.mark.django_db
def test_a_file_stuck_running_is_requeued_once_then_failed_with_a_reason_in_the_users_language(
        django_capture_on_commit_callbacks):
    stuck = _file()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = report_file_sweep()

    assert (result.files, result.monthly, result.rollups, result.failed) == ([stuck.pk], [], [], 0)
    assert len(callbacks) == 1
    status, attempts, started_at, error = _state(stuck)
    assert (status, attempts, error) == (ReportFile.Status.QUEUED, 1, "")
    assert timezone.now() - started_at < datetime.timedelta(seconds=30)

    # the re-queued task starts (attempt 2) and its worker dies as well
    ReportFile.objects.filter(pk=stuck.pk).update(status=ReportFile.Status.RUNNING, attempts=2,
                                                  started_at=timezone.now() - 2 * HOUR)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = report_file_sweep()

    assert (result.files, result.failed, len(callbacks)) == ([], 1, 0)
    stuck.refresh_from_db()
    assert (stuck.status, stuck.attempts, stuck.error) == (ReportFile.Status.FAILED, 2, "job_interrupted")
    assert stuck.finished_at is not None
    with translation.override("fi"):
        assert stuck.failure_message.startswith("Tiedoston tekeminen keskeytyi")
    with translation.override("sv"):
        assert stuck.failure_message.startswith("Filen kunde inte göras")


@pytest.mark.django_db
def test_a_recent_or_finished_file_is_left_alone_and_a_second_sweep_changes_nothing(
        django_capture_on_commit_callbacks):
    recent = _file(started_ago=50 * datetime.timedelta(minutes=1))  # under 1 h + 15 min
    queued_recent = _file(status=ReportFile.Status.QUEUED, attempts=0, started_ago=HOUR)
    done = _file(status=ReportFile.Status.DONE, started_ago=10 * HOUR)
    failed = _file(status=ReportFile.Status.FAILED, started_ago=10 * HOUR, error="boom")
    stuck = _file()
    lost_message = _file(status=ReportFile.Status.QUEUED, attempts=0, started_ago=3 * HOUR)
    untouched = [recent, queued_recent, done, failed]
    before = [_state(job) for job in untouched]

    with django_capture_on_commit_callbacks(execute=False):
        first = report_file_sweep()
    after_first = [_state(job) for job in [*untouched, stuck, lost_message]]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        second = report_file_sweep()

    assert sorted(first.files) == [stuck.pk, lost_message.pk]
    assert [_state(job) for job in untouched] == before
    assert _state(lost_message)[:2] == (ReportFile.Status.QUEUED, 1)  # the lost message counts as a try
    assert (second.files, second.monthly, second.rollups, second.failed, len(callbacks)) == ([], [], [], 0, 0)
    assert [_state(job) for job in [*untouched, stuck, lost_message]] == after_first


@pytest.mark.django_db
def test_a_stuck_monthly_report_is_requeued_through_its_region_task_so_contacts_are_told(
        django_capture_on_commit_callbacks):
    from regions.tests.factories import RegionFactory

    region = RegionFactory()
    stuck = _file(kind=ReportFile.Kind.MONTHLY_REGIONAL, region=region, period_key="2025-09")

    with django_capture_on_commit_callbacks(execute=False):
        result = report_file_sweep()

    assert (result.files, result.monthly) == ([], [(region.pk, "2025-09")])
    assert _state(stuck)[0] == ReportFile.Status.QUEUED


@pytest.mark.django_db
def test_a_stuck_rollup_run_is_requeued_then_failed_and_a_recent_one_left_running(django_capture_on_commit_callbacks):
    now = timezone.now()
    stuck = RollupRun.objects.create(status=RollupRun.Status.RUNNING, attempts=1, full=True,
                                     started_at=now - 3 * HOUR)
    recent = RollupRun.objects.create(status=RollupRun.Status.RUNNING, attempts=1, started_at=now - 2 * HOUR)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = report_file_sweep()

    assert (result.rollups, len(callbacks)) == ([(stuck.pk, True)], 1)
    assert _state(stuck)[:2] == (RollupRun.Status.QUEUED, 1)
    assert _state(recent)[:2] == (RollupRun.Status.RUNNING, 1)

    RollupRun.objects.filter(pk=stuck.pk).update(status=RollupRun.Status.RUNNING, attempts=2,
                                                 started_at=now - 3 * HOUR)
    with django_capture_on_commit_callbacks(execute=False):
        assert report_file_sweep().failed == 1
    assert _state(stuck)[::3] == (RollupRun.Status.FAILED, "job_interrupted")


@pytest.mark.django_db
def test_a_worker_refuses_a_file_that_has_had_its_tries():
    """A task that keeps killing its worker is redelivered at once (reject on worker lost): its tries stop it."""
    used_up = _file(attempts=services.MAX_ATTEMPTS)

    with pytest.raises(DomainError) as refused:
        services.report_file_generate(report_file_id=used_up.pk)

    assert refused.value.code == "job_interrupted"
    assert _state(used_up)[::3] == (ReportFile.Status.FAILED, "job_interrupted")
    assert not used_up.file


@pytest.mark.django_db
def test_generating_a_file_counts_its_attempt():
    report = _file(status=ReportFile.Status.QUEUED, attempts=0, started_ago=HOUR)

    services.report_file_generate(report_file_id=report.pk)

    report.refresh_from_db()
    assert (report.status, report.attempts) == (ReportFile.Status.DONE, 1)
    assert timezone.now() - report.started_at < datetime.timedelta(seconds=30)


@pytest.mark.django_db
def test_the_sweep_task_queues_on_commit_and_counts(django_capture_on_commit_callbacks):
    _file()
    _file(attempts=2)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert report_file_sweep_task.delay().get() == 2
    assert len(callbacks) == 1
    assert settings.TASK_TIME_LIMITS["reports.report_file_sweep"] == celery_app.tasks[
        "reports.report_file_sweep"].time_limit


@pytest.mark.django_db
def test_the_requester_reads_why_a_swept_file_failed(client):
    from regions.tests.factories import UserFactory

    coordinator = UserFactory(is_superuser=True, is_staff=True)
    failed = _file(status=ReportFile.Status.FAILED, error="job_interrupted", requested_by=coordinator)
    client.force_login(coordinator)

    page = client.get(f"/reports/files/{failed.pk}/", HTTP_ACCEPT_LANGUAGE="fi")

    assert page.status_code == 200
    assert "Tiedoston tekeminen keskeytyi liian monta kertaa" in page.content.decode()
