"""Finding 7 of the hardening issue: a generated file follows the scope of today, not of the day it was made."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from access.services import membership_end
from regions.tests.factories import CoordinatorFactory, RegionContactFactory
from reports.models import ExportRecord, ReportFile
from reports.services import rollup_rebuild

from .factories import card, network, use

YEAR = timezone.localdate().year - 1


@pytest.fixture
def world(db, django_capture_on_commit_callbacks, client):
    """A contact of the north region who asked for the north's uses as CSV (done), and the coordinator."""
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
    return {"net": net, "contact": contact, "report": report, "coordinator": CoordinatorFactory()}


def urls(report: ReportFile) -> list[str]:
    return [reverse(name, args=[report.pk]) for name in
            ("reports:file_detail", "reports:file_status", "reports:file_download")]


def test_a_contact_whose_membership_ended_no_longer_opens_their_earlier_file(client, world):
    # Given the contact could download their file while a contact of the region
    report, contact = world["report"], world["contact"]
    assert [client.get(url).status_code for url in urls(report)] == [200, 200, 200]
    records = ExportRecord.objects.count()
    # When the coordinator ends their membership of the region
    membership_end(user=world["coordinator"].user, membership=contact)
    # Then the file's page, status and download answer 404, the file list is closed to them,
    # and nothing is recorded or changed
    assert [client.get(url).status_code for url in urls(report)] == [404, 404, 404]
    assert client.get(reverse("reports:files")).status_code == 403
    assert ExportRecord.objects.count() == records
    after = ReportFile.objects.get(pk=report.pk)
    assert (after.status, after.file.name, after.requested_by_id) == (report.status, report.file.name,
                                                                       contact.user_id)


def test_a_file_of_two_regions_closes_when_one_of_them_leaves_the_scope(client, world):
    # Given a contact of north and south who asked for the uses of both (their whole scope)
    net, coordinator = world["net"], world["coordinator"]
    north = RegionContactFactory(region=net["north"])
    south = RegionContactFactory(region=net["south"], user=north.user)
    client.force_login(north.user)
    client.post(reverse("reports:file_request") + f"?year={YEAR}", {"kind": "uses", "format": "csv"})
    report = ReportFile.objects.filter(requested_by=north.user).get()
    assert sorted(report.params["region_ids"]) == sorted([net["north"].pk, net["south"].pk])
    assert client.get(reverse("reports:file_detail", args=[report.pk])).status_code == 200
    # When their south membership ends
    membership_end(user=coordinator.user, membership=south)
    # Then the file is closed to them although north is still theirs
    assert [client.get(url).status_code for url in urls(report)] == [404, 404, 404]
    assert [f.pk for f in client.get(reverse("reports:files")).context["files"]] == []


def test_the_coordinator_still_opens_every_file_and_a_current_contact_their_own(client, world):
    report = world["report"]
    client.force_login(world["coordinator"].user)
    assert [client.get(url).status_code for url in urls(report)] == [200, 200, 200]
    client.force_login(world["contact"].user)
    assert [client.get(url).status_code for url in urls(report)] == [200, 200, 200]
    assert [f.pk for f in client.get(reverse("reports:files")).context["files"]] == [report.pk]


def test_monthly_reports_follow_the_region_membership_of_today(client, world):
    # Given last month's report of the north region, and a second contact of the north
    net = world["net"]
    report = ReportFile.objects.create(kind=ReportFile.Kind.MONTHLY_REGIONAL, format="pdf", region=net["north"],
                                       period_key=f"{YEAR}-03", params={"from": f"{YEAR}-03-01",
                                                                        "to": f"{YEAR}-03-31",
                                                                        "region_ids": [net["north"].pk]})
    other = RegionContactFactory(region=net["north"])
    client.force_login(other.user)
    assert client.get(reverse("reports:file_detail", args=[report.pk])).status_code == 200
    # When their membership ends, Then the report is closed to them
    membership_end(user=world["coordinator"].user, membership=other)
    assert client.get(reverse("reports:file_detail", args=[report.pk])).status_code == 404
