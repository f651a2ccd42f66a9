"""Imports with the files in an S3-compatible bucket (issue 15, point 5): with ``AWS_STORAGE_BUCKET_NAME`` set, the
settings switch both storages to django-storages' S3 backend, private, each under its own prefix; the upload is
read by the job from the bucket, the refused rows download through the scoped view, and no local folder is
touched. The bucket is moto's, in this process."""

import os
import runpy
from pathlib import Path

import boto3
import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from moto import mock_aws

from cards import imports
from cards.models import Card, CardEvent, ImportJob
from cards.tests.web import build_world

pytestmark = pytest.mark.django_db

BUCKET = "kaikukanta-test"
SETTINGS = Path(__file__).resolve().parents[2] / "kaikukanta" / "settings.py"
BUCKET_ENV = {"AWS_STORAGE_BUCKET_NAME": BUCKET, "AWS_S3_REGION_NAME": "eu-north-1", "AWS_ACCESS_KEY_ID": "testing",
              "AWS_SECRET_ACCESS_KEY": "testing"}  # noqa: S105 - moto's


def storages_with(environ: dict) -> dict:
    """``STORAGES`` as kaikukanta/settings.py builds it with these environment variables."""
    saved = dict(os.environ)
    os.environ.update(environ)
    try:
        return runpy.run_path(str(SETTINGS))["STORAGES"]
    finally:
        os.environ.clear()
        os.environ.update(saved)


def test_without_a_bucket_the_files_stay_in_folders_and_with_one_both_go_private_to_it():
    local = storages_with({"AWS_STORAGE_BUCKET_NAME": ""})
    assert {local["default"]["BACKEND"], local["private"]["BACKEND"]} == {
        "django.core.files.storage.FileSystemStorage"}

    bucket = storages_with({**BUCKET_ENV, "AWS_S3_ENDPOINT_URL": "https://s3.example.fi"})

    for name, prefix in (("default", "media"), ("private", "private")):
        options = bucket[name]["OPTIONS"]
        assert bucket[name]["BACKEND"] == "storages.backends.s3.S3Storage"
        assert (options["bucket_name"], options["location"], options["default_acl"], options["endpoint_url"],
                options["region_name"], options["querystring_auth"]) == (
            BUCKET, prefix, "private", "https://s3.example.fi", "eu-north-1", True)


@pytest.fixture
def bucket(settings, tmp_path, monkeypatch):
    """moto's S3 with the bucket; the settings' STORAGES for it; any use of a local folder fails the test."""
    for key, value in BUCKET_ENV.items():
        monkeypatch.setenv(key, value)
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")

    def local(*args, **kwargs):
        raise AssertionError("a local folder was used")

    with mock_aws():
        s3 = boto3.client("s3", region_name="eu-north-1")
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-north-1"})
        settings.STORAGES = {**storages_with(BUCKET_ENV), "staticfiles": settings.STORAGES["staticfiles"]}
        for method in ("_save", "_open", "delete", "exists"):
            monkeypatch.setattr(FileSystemStorage, method, local)
        yield s3
    assert not (tmp_path / "media").exists()
    assert not (tmp_path / "private").exists()


def keys(s3) -> list[str]:
    return sorted(item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def upload(client, world, django_capture_on_commit_callbacks, text: str) -> ImportJob:
    client.force_login(world.jakaja)
    file = SimpleUploadedFile("kortit.csv", text.encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cards:import"), {"office": world.office.pk, "file": file})
    assert response.status_code == 302
    return ImportJob.objects.latest("pk")


def test_a_job_reads_its_upload_from_the_bucket_and_writes_from_the_checked_rows_there(
        bucket, client, django_capture_on_commit_callbacks, monkeypatch):
    world = build_world()
    opened = []
    original = imports._csv_rows
    monkeypatch.setattr(imports, "_csv_rows", lambda handle: opened.append(type(handle).__name__) or original(handle))
    seen = {}
    validate = imports._validate
    monkeypatch.setattr(imports, "_validate",
                        lambda job: seen.setdefault("during", keys(bucket)) and validate(job))

    job = upload(client, world, django_capture_on_commit_callbacks,
                 "birth_year,municipality,children\n1971,Tampere,0\n1972,837,1\n")

    assert (job.status, job.rows_valid, opened) == ("validated", 2, ["S3File"])
    assert seen["during"] == [f"private/{job.file}"]  # the upload, in the bucket under the private prefix
    assert keys(bucket) == sorted([f"private/{job.file}", f"private/{job.rows_file}"])
    grants = bucket.get_object_acl(Bucket=BUCKET, Key=f"private/{job.file}")["Grants"]
    assert [grant["Grantee"]["Type"] for grant in grants] == ["CanonicalUser"]  # the owner only: no public read

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cards:import_job_confirm", args=[job.pk]))
    job.refresh_from_db()

    assert (job.status, job.cards_created, Card.objects.count(), CardEvent.objects.count()) == ("done", 2, 2, 2)
    assert keys(bucket) == []  # both files are removed once written


def test_a_refused_file_leaves_nothing_in_the_bucket_and_its_report_downloads_only_through_the_scoped_view(
        bucket, client, django_capture_on_commit_callbacks):
    world = build_world()

    job = upload(client, world, django_capture_on_commit_callbacks,
                 "birth_year,municipality,children\n1971,Tampere,0\n2020,Tampere,1\n")

    assert (job.status, job.errors) == ("refused", [[3, "birth_year", "holder_too_young"]])
    assert keys(bucket) == []
    response = client.get(reverse("cards:import_job_errors", args=[job.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode().splitlines()[1] == (
        "3;birth_year;The holder must be at least 16 or turn 16 this year.;holder_too_young")
    client.force_login(world.other_jakaja)
    assert client.get(reverse("cards:import_job_errors", args=[job.pk])).status_code == 404
    assert Card.objects.count() == 0
