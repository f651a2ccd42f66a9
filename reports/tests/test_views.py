import csv
import datetime
import io

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from distributors.tests.factories import OfficeFactory, OfficeMembershipFactory
from regions.tests.factories import CoordinatorFactory, RegionContactFactory, UserFactory
from reports.models import ExportRecord, ReportFile, RollupRun
from reports.services import rollup_rebuild
from reports.tasks import monthly_regional_reports
from venues.tests.factories import VenueMembershipFactory

from .factories import card, network, use

YEAR = timezone.localdate().year - 1


def day(month: int, d: int = 1) -> datetime.date:
    return datetime.date(YEAR, month, d)


@pytest.fixture
def net(db):
    """North: 6 cards at its office, 2 at a small one; south: 1 card. Uses last year."""
    net = network()
    theatre, opisto, heureka, swimming, popup = net["venues"]
    issued = {"issued_on": day(1, 5), "valid_until": day(12, 31)}
    north_cards = [card(net, 0, children=1, **issued) for _ in range(6)]
    small = OfficeFactory(region=net["north"], name="Pieni järjestö")
    small_cards = [card(net, 0, office=small, **issued) for _ in range(2)]
    south = card(net, 1, **issued)
    for i, holder in enumerate(north_cards):
        use(holder, theatre, day(2 + i % 3, 10), children=1)
    use(small_cards[0], opisto, day(3, 3), course=True)
    use(south, heureka, day(4, 4))
    use(north_cards[0], popup, day(5, 5))
    rollup_rebuild()
    net["small"] = small
    return net


def login(client, user):
    client.force_login(user)
    return user


def query(**extra):
    return {"year": YEAR, **extra}


@pytest.mark.parametrize(("role", "page", "status"), [
    ("coordinator", "reports:national", 200),
    ("contact", "reports:national", 403),
    ("distributor", "reports:national", 403),
    ("venue", "reports:national", 403),
    ("coordinator", "reports:regional", 403),
    ("contact", "reports:regional", 200),
    ("distributor", "reports:regional", 403),
    ("venue", "reports:regional", 403),
])
def test_dashboard_access_matrix(client, net, role, page, status):
    users = {
        "coordinator": lambda: CoordinatorFactory().user,
        "contact": lambda: RegionContactFactory(region=net["north"]).user,
        "distributor": lambda: OfficeMembershipFactory(office=net["offices"][0]).user,
        "venue": lambda: VenueMembershipFactory(venue=net["venues"][0]).user,
    }
    login(client, users[role]())

    response = client.get(reverse(page), query())

    assert response.status_code == status


def test_anonymous_is_sent_to_sign_in(client, net):
    response = client.get(reverse("reports:national"))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_national_dashboard_shows_figures_charts_and_tables(client, net, django_assert_max_num_queries):
    login(client, CoordinatorFactory().user)

    with django_assert_max_num_queries(60):
        response = client.get(reverse("reports:national"), query())

    html = response.content.decode()
    board = response.context["board"]
    assert board.summary["uses_total"] == 9
    assert board.summary["uses_children"] == 6
    assert board.summary["cards_registered"] == 9
    assert html.count('role="img"') == 4
    assert html.count("<details") >= 4
    # Exact small counts nationally on screen (the coordinator's view is not suppressed).
    assert response.context["tables"]["offices"].rows[-2][3] == 2


def test_regional_dashboard_suppresses_small_person_counts_and_stays_in_scope(client, net):
    login(client, RegionContactFactory(region=net["north"]).user)

    response = client.get(reverse("reports:regional"), query(region=net["south"].pk))

    board = response.context["board"]
    assert board.region_ids == [net["north"].pk]
    offices = {row[0]: row[3:] for row in response.context["tables"]["offices"].rows}
    # the region's figures (8 cards, 7 taken, 7 holders) minus 6 would give the small office's: hidden too
    assert offices == {"Tampereen sosiaalityö": ["..", "..", ".."], "Pieni järjestö": ["<5", "<5", "<5"]}
    assert "Heureka" not in response.content.decode()


def test_csv_export_has_bom_semicolons_suppression_and_is_recorded(client, net):
    user = login(client, RegionContactFactory(region=net["north"]).user)

    response = client.get(reverse("reports:regional_export", args=["csv"]), query())

    content = response.content.decode("utf-8")
    assert response["Content-Type"].startswith("text/csv")
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content[1:]), delimiter=";"))
    small = next(r for r in rows if r[:1] == ["Pieni järjestö"])
    assert small[2:] == ["Pohjoinen", "<5", "<5", "<5"]
    assert any("Data protection" in r[0] for r in rows if r)
    record = ExportRecord.objects.get()
    assert (record.user, record.what, record.format, record.national) == (user, "regional_dashboard", "csv", False)
    assert list(record.regions.all()) == [net["north"]]
    assert LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(ExportRecord),
                                   object_id=record.pk, action=LogEntry.Action.CREATE).count() == 1


def test_national_exports_suppress_small_counts_too(client, net):
    login(client, CoordinatorFactory().user)

    xlsx = client.get(reverse("reports:national_export", args=["xlsx"]), query())
    pdf = client.get(reverse("reports:national_export", args=["pdf"]), query())

    workbook = load_workbook(io.BytesIO(xlsx.content))
    offices = workbook[next(name for name in workbook.sheetnames if name.startswith("Cards by"))]
    values = {row[0]: row[3:] for row in offices.iter_rows(min_row=2, values_only=True)}
    assert values["Pieni järjestö"] == ("<5", "<5", "<5")
    assert values["Tampereen sosiaalityö"] == ("..", "..", "..")  # complementary: north's figures minus it
    assert "Data protection" in workbook[workbook.sheetnames[0]]["A5"].value
    assert pdf.content.startswith(b"%PDF")
    assert pdf["Content-Type"] == "application/pdf"
    assert ExportRecord.objects.filter(what="national_dashboard").count() == 2


def test_uses_csv_streams_counted_uses_without_card_numbers(client, net):
    login(client, RegionContactFactory(region=net["north"]).user)

    response = client.get(reverse("reports:uses_csv"), query())

    content = b"".join(response.streaming_content).decode("utf-8")
    rows = list(csv.reader(io.StringIO(content[1:]), delimiter=";"))
    assert len(rows) == 1 + 8  # header + the uses attributed to the north region (its pop-up use too)
    assert {r[1] for r in rows[1:]} == {"Tampereen Teatteri", "Työväenopisto", "Pop-up festivaali"}
    assert all(c.number not in content for c in net["offices"][0].cards.all())
    assert ExportRecord.objects.get().what == "uses"


def test_large_export_runs_as_a_task_with_progress_and_download(client, net, django_capture_on_commit_callbacks):
    user = login(client, RegionContactFactory(region=net["north"]).user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:file_request") + "?year=" + str(YEAR),
                               {"kind": "uses", "format": "xlsx"})

    report = ReportFile.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:file_detail", args=[report.pk])
    status = client.get(reverse("reports:file_status", args=[report.pk])).json()
    assert (status["status"], status["progress"], status["total"], status["percent"]) == ("done", 8, 8, 100)
    page = client.get(reverse("reports:file_detail", args=[report.pk])).content.decode()
    assert "<progress" in page
    assert "js/reports.js" in page
    download = client.get(status["download_url"])
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert sheet.max_row == 9
    assert ExportRecord.objects.filter(user=user, what="file:uses", format="xlsx").count() == 1

    client.force_login(RegionContactFactory(region=net["south"]).user)
    assert client.get(reverse("reports:file_status", args=[report.pk])).status_code == 404
    assert client.get(reverse("reports:file_download", args=[report.pk])).status_code == 404


def test_annual_report_only_for_coordinator(client, net, django_capture_on_commit_callbacks):
    login(client, RegionContactFactory(region=net["north"]).user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:file_request") + f"?year={YEAR}", {"kind": "annual_national", "format": "pdf"})

    assert ReportFile.objects.count() == 0
    login(client, CoordinatorFactory().user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:file_request") + f"?year={YEAR}", {"kind": "annual_national", "format": "pdf"})
    report = ReportFile.objects.get()
    assert (report.kind, report.status, report.period_key, report.params["region_ids"]) == (
        "annual_national", "done", str(YEAR), None)
    assert report.file.open("rb").read(4) == b"%PDF"


def test_refresh_button_runs_the_rollup(client, net, django_capture_on_commit_callbacks):
    login(client, RegionContactFactory(region=net["north"]).user)
    assert client.post(reverse("reports:rollup_refresh")).status_code == 403
    coordinator = login(client, CoordinatorFactory().user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:rollup_refresh"), {"next": "https://evil.example/"})

    assert response["Location"] == reverse("reports:national")
    run = RollupRun.objects.first()
    assert (run.status, run.requested_by) == (RollupRun.Status.DONE, coordinator)


def test_monthly_regional_reports_are_made_once_and_mailed_as_links(net, django_capture_on_commit_callbacks):
    contact = RegionContactFactory(region=net["north"], user=UserFactory(email="alue@example.fi")).user
    RegionContactFactory(region=net["north"], user=UserFactory(email=""))

    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            queued = monthly_regional_reports(today=day(4, 1))

    assert {region_id for region_id, _key in queued} == {net["north"].pk, net["south"].pk}
    files = ReportFile.objects.filter(kind="monthly_regional")
    assert sorted((f.region.name, f.format, f.period_key, f.status) for f in files) == [
        ("Etelä", "pdf", f"{YEAR}-03", "done"), ("Etelä", "xlsx", f"{YEAR}-03", "done"),
        ("Pohjoinen", "pdf", f"{YEAR}-03", "done"), ("Pohjoinen", "xlsx", f"{YEAR}-03", "done"),
    ]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [contact.email]
    assert message.attachments == []
    north = files.filter(region=net["north"])
    for report in north:
        assert f"https://kaikukanta.example.fi/reports/files/{report.pk}/" in message.body


def test_the_monthly_mail_goes_to_todays_contacts_an_earlier_ended_grant_aside(net, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    back = RegionContactFactory(region=net["north"], user=UserFactory(email="palannut@example.fi"),
                                started_on=today - datetime.timedelta(days=400),
                                ended_on=today - datetime.timedelta(days=200)).user
    RegionContactFactory(region=net["north"], user=back, started_on=today - datetime.timedelta(days=100))
    RegionContactFactory(region=net["north"], user=UserFactory(email="lahtenyt@example.fi"),
                         started_on=today - datetime.timedelta(days=400), ended_on=today - datetime.timedelta(days=1))
    RegionContactFactory(region=net["north"], user=UserFactory(email="tuleva@example.fi"),
                         started_on=today + datetime.timedelta(days=1))
    RegionContactFactory(region=net["north"], user=UserFactory(email="viimeinen@example.fi"),
                         started_on=today - datetime.timedelta(days=400), ended_on=today)

    with django_capture_on_commit_callbacks(execute=True):
        monthly_regional_reports(today=day(4, 1))

    assert sorted(address for message in mail.outbox for address in message.to) == [
        "palannut@example.fi", "viimeinen@example.fi"]
