"""Generated report files in the S3-compatible bucket (issue 15, point 5): with ``AWS_STORAGE_BUCKET_NAME`` set, a
file asked for on the dashboard is written by the task to the bucket under the private prefix, never to a local
folder, downloads only through the scoped view, and has no public URL. The bucket is moto's, in this process."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cards.tests.test_import_s3 import BUCKET, bucket, keys  # noqa: F401 - the bucket fixture
from regions.tests.factories import RegionContactFactory
from reports.models import ReportFile
from reports.services import rollup_rebuild

from .factories import card, network, use

YEAR = timezone.localdate().year - 1


def test_a_generated_file_goes_to_the_bucket_and_downloads_only_through_the_scoped_view(
        db, bucket, client, django_capture_on_commit_callbacks):  # noqa: F811 - the fixture
    net = network()
    holder = card(net, 0, issued_on=datetime.date(YEAR, 1, 5), valid_until=datetime.date(YEAR, 12, 31))
    use(holder, net["venues"][0], datetime.date(YEAR, 3, 3), children=1)
    rollup_rebuild()
    contact = RegionContactFactory(region=net["north"])
    client.force_login(contact.user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:file_request") + f"?year={YEAR}", {"kind": "uses", "format": "csv"})

    report = ReportFile.objects.get()
    assert report.status == ReportFile.Status.DONE
    assert keys(bucket) == [f"private/{report.file.name}"]
    acl = bucket.get_object_acl(Bucket=BUCKET, Key=f"private/{report.file.name}")
    assert [grant["Permission"] for grant in acl["Grants"]] == ["FULL_CONTROL"]  # the owner only, no public grant
    with pytest.raises(ValueError, match="no public URL"):
        report.file.url  # noqa: B018 - the property raises

    response = client.get(reverse("reports:file_download", args=[report.pk]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[0].count(";") + body.splitlines()[0].count(",") > 0  # a CSV header line
    assert len(body.splitlines()) == 2  # the header and the one use

    client.force_login(RegionContactFactory(region=net["south"]).user)
    assert client.get(reverse("reports:file_download", args=[report.pk])).status_code == 404
