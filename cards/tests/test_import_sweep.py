"""Issue 15, point 4: an import left "validating" or "writing" by a lost worker for longer than its step's hard time
limit plus TASK_TIME_MARGIN is marked failed (``import_interrupted``, translated) by the beat sweep; nothing was
saved, its files are removed, a recent or finished job is left alone, and a late redelivery does nothing."""

import datetime

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override
from django_celery_beat.models import PeriodicTask

from cards import imports
from cards.models import Card, CardEvent, ImportJob
from cards.tasks import import_sweep_task
from cards.tests.web import build_world
from kaikukanta.celery import app as celery_app

pytestmark = pytest.mark.django_db

ROWS = "birth_year,municipality\n1971,837\n1972,837\n"


@pytest.fixture(autouse=True)
def _private(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None}}}


@pytest.fixture
def world():
    return build_world()


def limit(step: str) -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.TASK_TIME_LIMITS[step] + settings.TASK_TIME_MARGIN)


def job_in(world, status: str, started: datetime.datetime) -> ImportJob:
    job = imports.job_create(user=world.jakaja, office=world.office,
                             upload=SimpleUploadedFile("kortit.csv", ROWS.encode()))
    if status in ("validated", "writing"):
        job = imports.job_validate(job.pk)
        assert job.status == "validated"
    ImportJob.objects.filter(pk=job.pk).update(status=status, step_started_at=started)
    job.refresh_from_db()
    return job


def test_a_job_stuck_checking_or_saving_is_marked_failed_and_its_files_removed(client, world):
    now = timezone.now()
    checking = job_in(world, "validating", now - limit("cards.import_validate") - datetime.timedelta(seconds=1))
    saving = job_in(world, "writing", now - limit("cards.import_write") - datetime.timedelta(seconds=1))
    files = [checking.file, saving.file, saving.rows_file]
    assert all(imports.upload_storage.exists(name) for name in files)

    assert imports.job_sweep(now=now) == 2

    for job in (checking, saving):
        job.refresh_from_db()
        assert (job.status, job.error, job.finished_at) == ("failed", "import_interrupted", now)
    assert not any(imports.upload_storage.exists(name) for name in files)
    assert (Card.objects.count(), CardEvent.objects.count()) == (0, 0)
    assert imports.job_sweep(now=now) == 0  # a second sweep changes nothing
    # A late redelivery of the lost task does nothing.
    assert imports.job_validate(checking.pk).status == "failed"
    assert imports.job_write(saving.pk).status == "failed"
    assert Card.objects.count() == 0
    # The page says it in the person's language, and offers the upload form again.
    client.force_login(world.jakaja)
    page = client.get(reverse("cards:import_job", args=[checking.pk])).content.decode()
    assert "The import stopped because the server handling it was lost, and nothing was saved." in page
    assert 'id="upload-title"' in page
    with override("fi"):
        assert str(imports.MESSAGES["import_interrupted"]).startswith("Tuonti keskeytyi")


def test_a_recent_queued_checked_or_finished_job_is_left_alone(world):
    now = timezone.now()
    long_ago = now - datetime.timedelta(days=2)
    recent = job_in(world, "validating", now - limit("cards.import_validate") + datetime.timedelta(seconds=5))
    saving = job_in(world, "writing", now - limit("cards.import_write") + datetime.timedelta(seconds=5))
    others = [job_in(world, status, long_ago) for status in ("queued", "validated", "done", "refused", "failed")]

    assert imports.job_sweep(now=now) == 0

    assert [j.status for j in ImportJob.objects.filter(pk__in=[recent.pk, saving.pk, *[o.pk for o in others]])
            .order_by("pk")] == ["validating", "writing", "queued", "validated", "done", "refused", "failed"]
    assert ImportJob.objects.filter(error="import_interrupted").count() == 0


def test_a_job_a_worker_takes_again_meanwhile_is_left_alone(world, monkeypatch):
    now = timezone.now()
    job = job_in(world, "validating", now - limit("cards.import_validate") - datetime.timedelta(minutes=1))
    original = ImportJob.objects.filter

    def taken_meanwhile(*args, **kwargs):
        # Between the sweep's read and its update, the redelivered task starts the step again.
        if "step_started_at" in kwargs and "pk" in kwargs:
            ImportJob.objects.all().update(step_started_at=now)
        return original(*args, **kwargs)

    monkeypatch.setattr(ImportJob.objects, "filter", taken_meanwhile)
    assert imports.job_sweep(now=now) == 0
    job.refresh_from_db()
    assert (job.status, job.error) == ("validating", "")


def test_the_sweep_runs_every_15_minutes_from_beat_with_its_time_limit(world):
    row = PeriodicTask.objects.select_related("interval").get(task="cards.import_sweep")
    assert (row.enabled, row.interval.every, row.interval.period) == (True, 15, "minutes")
    task = celery_app.tasks["cards.import_sweep"]
    assert task.time_limit == settings.TASK_TIME_LIMITS["cards.import_sweep"]
    job_in(world, "validating", timezone.now() - limit("cards.import_validate") - datetime.timedelta(minutes=1))

    assert import_sweep_task.delay().get() == 1
    assert ImportJob.objects.get().status == "failed"
