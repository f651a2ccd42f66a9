"""Jobs that tell the truth (issue 12, point 6): the prepared-files pages say whether background jobs run (a worker
heartbeat, or inline without a broker), and a file that has waited in the queue too long says so and can be queued
again, once however often the button is pressed, by whoever may request it."""

import datetime
from unittest import mock

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from core.errors import DomainError
from distributors.tests.factories import OfficeMembershipFactory
from kaikukanta import celery_app
from regions.tests.factories import CoordinatorFactory, RegionContactFactory
from reports import services, tasks
from reports.models import QUEUED_TOO_LONG, ReportFile
from reports.selectors import HEARTBEAT_KEY, worker_status

from .factories import network

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.delete(HEARTBEAT_KEY)
    yield
    cache.delete(HEARTBEAT_KEY)


@pytest.fixture
def broker(settings):
    """Celery with a real broker: tasks wait in a queue for a worker (tests never start one)."""
    settings.CELERY_TASK_ALWAYS_EAGER = False


@pytest.fixture
def world():
    net = network(popup=False)
    contact = RegionContactFactory(region=net["north"]).user
    return {
        "net": net, "contact": contact,
        "other_contact": RegionContactFactory(region=net["north"]).user,
        "south_contact": RegionContactFactory(region=net["south"]).user,
        "coordinator": CoordinatorFactory().user,
        "distributor": OfficeMembershipFactory(office=net["offices"][0]).user,
    }


def _file(world, *, waited=10 * MINUTE, status=ReportFile.Status.QUEUED, kind=ReportFile.Kind.USES, **kwargs):
    net = world["net"]
    defaults = {"requested_by": world["contact"], "format": "csv",
                "params": {"from": "2025-01-01", "to": "2025-01-31", "region_ids": [net["north"].pk]}}
    defaults.update(kwargs)
    return ReportFile.objects.create(kind=kind, status=status, started_at=timezone.now() - waited, **defaults)


def _state(report: ReportFile) -> tuple:
    report.refresh_from_db()
    return report.status, report.attempts, report.started_at, report.progress


# --- the heartbeat ---------------------------------------------------------------------------------------------


def test_without_a_broker_jobs_run_inline_and_no_worker_is_asked(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True

    status = worker_status()

    assert (status.inline, status.alive, status.silent, status.last_seen) == (True, True, False, None)


@pytest.mark.usefixtures("broker")
def test_the_heartbeat_task_makes_the_worker_alive_for_three_minutes():
    assert (worker_status().alive, worker_status().last_seen) == (False, None)

    ran_at = datetime.datetime.fromisoformat(tasks.worker_heartbeat_task())

    assert worker_status() == type(worker_status())(inline=False, last_seen=ran_at, alive=True)
    assert worker_status(now=ran_at + 3 * MINUTE).alive is True
    later = worker_status(now=ran_at + 3 * MINUTE + datetime.timedelta(seconds=1))
    assert (later.alive, later.silent, later.last_seen) == (False, True, ran_at)


@pytest.mark.usefixtures("broker")
def test_an_unreadable_heartbeat_or_cache_counts_as_silent():
    cache.set(HEARTBEAT_KEY, "not a time")
    assert (worker_status().silent, worker_status().last_seen) == (True, None)

    with mock.patch("reports.selectors.cache.get", side_effect=ConnectionError("redis down")):
        assert worker_status().silent is True


def test_beat_runs_the_heartbeat_every_minute_and_drops_a_late_one():
    row = PeriodicTask.objects.select_related("interval").get(task="reports.worker_heartbeat")

    assert (row.enabled, row.interval.every, row.interval.period, row.expire_seconds) == (True, 1, "minutes", 50)
    task = celery_app.tasks[row.task]
    assert (task.time_limit, task.soft_time_limit) == (120, 60)


# --- the pages say whether jobs run ----------------------------------------------------------------------------


def test_the_demo_says_jobs_run_inline(client, world, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    client.force_login(world["contact"])

    html = client.get(reverse("reports:files")).content.decode()

    assert "Background jobs run inline in this installation" in html


@pytest.mark.usefixtures("broker")
@pytest.mark.parametrize(("beat_ago", "says", "does_not_say"), [
    (None, "No background worker has reported yet.", "Background jobs are running"),
    (MINUTE, "Background jobs are running: a worker last took one at", "No background job has run since"),
    (10 * MINUTE, "No background job has run since", "Background jobs are running"),
])
def test_the_files_page_says_whether_a_worker_runs(client, world, beat_ago, says, does_not_say):
    if beat_ago is not None:
        services.worker_heartbeat_record(now=timezone.now() - beat_ago)
    client.force_login(world["contact"])
    _file(world)

    pages = [client.get(reverse("reports:files")), client.get(reverse("reports:file_detail",
                                                                      args=[ReportFile.objects.get().pk]))]

    for page in pages:
        html = page.content.decode()
        assert says in html
        assert does_not_say not in html
        assert "run inline" not in html


# --- a file that waits too long --------------------------------------------------------------------------------


@pytest.mark.usefixtures("broker")
def test_a_file_queued_too_long_says_so_on_the_list_the_page_and_its_status(client, world):
    client.force_login(world["contact"])
    late = _file(world, waited=QUEUED_TOO_LONG + MINUTE)
    fresh = _file(world, waited=MINUTE)
    running = _file(world, status=ReportFile.Status.RUNNING, waited=QUEUED_TOO_LONG + MINUTE)

    listing = client.get(reverse("reports:files")).content.decode()
    assert listing.count("waiting longer than usual") == 1

    for report, waits in ((late, True), (fresh, False), (running, False)):
        assert report.waits_too_long is waits
        assert client.get(reverse("reports:file_status", args=[report.pk])).json()["waits_too_long"] is waits
        html = client.get(reverse("reports:file_detail", args=[report.pk])).content.decode()
        assert ('id="file-waiting" class="file-waiting">' in html) is waits
        assert ('id="file-waiting" class="file-waiting" hidden>' in html) is not waits
        assert reverse("reports:file_retry", args=[report.pk]) in html  # shown by the page's script when it waits
    assert "This file has waited in the queue for more than 5 minutes, longer than usual." in html


@pytest.mark.usefixtures("broker")
def test_queue_it_again_requeues_the_same_file_once(client, world, django_capture_on_commit_callbacks):
    client.force_login(world["contact"])
    report = _file(world, attempts=0)

    with (mock.patch.object(tasks.report_file_generate_task, "delay") as delay,
          django_capture_on_commit_callbacks(execute=True) as callbacks):
        response = client.post(reverse("reports:file_retry", args=[report.pk]))

    assert response["Location"] == reverse("reports:file_detail", args=[report.pk])
    assert len(callbacks) == 1
    delay.assert_called_once_with(report.pk)
    status, attempts, started_at, _progress = _state(report)
    assert (status, attempts) == (ReportFile.Status.QUEUED, 0)  # waiting is no failed try
    assert timezone.now() - started_at < datetime.timedelta(seconds=30)
    assert ReportFile.objects.count() == 1
    assert report.waits_too_long is False

    # A second press (or a second tab) queues nothing and changes nothing.
    before = _state(report)
    with (mock.patch.object(tasks.report_file_generate_task, "delay") as delay,
          django_capture_on_commit_callbacks(execute=True) as callbacks):
        again = client.post(reverse("reports:file_retry", args=[report.pk]), follow=True)

    assert (len(callbacks), delay.call_count) == (0, 0)
    assert _state(report) == before
    assert "The file no longer waits in the queue, so it was not queued again." in again.content.decode()


@pytest.mark.usefixtures("broker")
def test_a_waiting_monthly_report_is_queued_again_through_its_region_task(client, world,
                                                                          django_capture_on_commit_callbacks):
    north = world["net"]["north"]
    report = _file(world, kind=ReportFile.Kind.MONTHLY_REGIONAL, region=north, period_key="2025-09", requested_by=None,
                   format="pdf", params={"from": "2025-09-01", "to": "2025-09-30", "region_ids": [north.pk]})
    client.force_login(world["other_contact"])  # any contact of the region sees its monthly reports

    with (mock.patch.object(tasks.regional_monthly_report_task, "delay") as delay,
          django_capture_on_commit_callbacks(execute=True)):
        client.post(reverse("reports:file_retry", args=[report.pk]))

    delay.assert_called_once_with(north.pk, "2025-09")


@pytest.mark.usefixtures("broker")
@pytest.mark.parametrize("status", [ReportFile.Status.RUNNING, ReportFile.Status.DONE, ReportFile.Status.FAILED])
def test_a_file_that_does_not_wait_in_the_queue_is_not_queued_again(world, status):
    report = _file(world, status=status)
    before = _state(report)

    assert services.report_file_retry(user=world["contact"], report=report) is False
    assert _state(report) == before


@pytest.mark.usefixtures("broker")
def test_a_file_queued_a_moment_ago_is_not_queued_again(world):
    report = _file(world, waited=MINUTE)
    before = _state(report)

    assert services.report_file_retry(user=world["contact"], report=report) is False
    assert _state(report) == before


# --- who may: the permission of requesting the file --------------------------------------------------------------

# who -> status of POST retry on the north contact's own file
RETRY_MATRIX = {
    "contact": 302,  # asked for it
    "coordinator": 302,  # every file
    "other_contact": 404,  # same region, not theirs: they do not see it
    "south_contact": 404,
    "distributor": 404,
}


@pytest.mark.usefixtures("broker")
@pytest.mark.parametrize(("who", "expected"), RETRY_MATRIX.items())
def test_who_may_queue_a_file_again(client, world, who, expected, django_capture_on_commit_callbacks):
    report = _file(world)
    before = _state(report)
    client.force_login(world[who])

    with (mock.patch.object(tasks.report_file_generate_task, "delay") as delay,
          django_capture_on_commit_callbacks(execute=True)):
        response = client.post(reverse("reports:file_retry", args=[report.pk]))

    assert response.status_code == expected
    if expected == 302:
        delay.assert_called_once_with(report.pk)
        assert _state(report)[2] > before[2]
    else:
        assert delay.call_count == 0
        assert _state(report) == before


@pytest.mark.usefixtures("broker")
def test_the_annual_national_report_is_queued_again_by_the_coordinator_only(world):
    report = _file(world, kind=ReportFile.Kind.ANNUAL_NATIONAL, requested_by=world["contact"], format="pdf",
                   params={"from": "2024-01-01", "to": "2024-12-31", "region_ids": None})
    before = _state(report)

    with pytest.raises(DomainError) as refused:
        services.report_file_retry(user=world["contact"], report=report)
    assert refused.value.code == "not_allowed"
    assert _state(report) == before
    assert services.report_file_retry(user=world["coordinator"], report=report) is True


@pytest.mark.usefixtures("broker")
def test_the_coordinator_is_offered_the_button_on_any_waiting_file(client, world):
    report = _file(world)
    client.force_login(world["coordinator"])

    html = client.get(reverse("reports:file_detail", args=[report.pk])).content.decode()

    assert reverse("reports:file_retry", args=[report.pk]) in html


def test_anonymous_is_sent_to_sign_in(client, world):
    report = _file(world)
    before = _state(report)

    response = client.post(reverse("reports:file_retry", args=[report.pk]))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert _state(report) == before


@pytest.mark.usefixtures("broker")
def test_retry_only_by_post(client, world):
    report = _file(world)
    client.force_login(world["contact"])

    assert client.get(reverse("reports:file_retry", args=[report.pk])).status_code == 405
