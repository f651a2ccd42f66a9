"""Issue 17, points 3 and 4: the municipal welfare report (Tampere 2025, PDF and XLSX, totals equal to the regional
dashboard's), its January run, the welfare page and the dashboards' all-years period with year-over-year change."""

import datetime
import io

import pytest
from django.core import mail
from django.urls import reverse
from django_celery_beat.models import PeriodicTask
from openpyxl import load_workbook

from core.errors import DomainError
from regions.models import Municipality
from regions.tests.factories import CoordinatorFactory, RegionContactFactory
from reports.exports import dashboard_tables, welfare_report_pdf, welfare_report_xlsx
from reports.models import ReportFile
from reports.selectors import Period, dashboard_for, summary_for
from reports.services import annual_welfare_reports, report_file_generate, rollup_rebuild, welfare_report_request
from reports.tasks import annual_welfare_reports_task
from reports.welfare import welfare_report, year_rows

from .factories import card, network, use

YEAR = 2025


@pytest.fixture
def net(db):
    """North (Tampere): 7 holders living in Tampere in 2025 and 6 in 2024; south (Helsinki): 5 holders."""
    net = network()
    theatre, opisto, heureka, _hall, popup = net["venues"]
    tampere = net["munis"][net["north"].pk]
    tampere.population = 250_000
    tampere.save()
    for year, count in ((YEAR, 7), (YEAR - 1, 6)):
        issued = {"issued_on": datetime.date(year, 1, 5), "valid_until": datetime.date(year, 12, 31)}
        for i in range(count):
            holder = card(net, 0, children=2, **issued)
            use(holder, theatre, datetime.date(year, 2, 1 + i), children=1 + i % 2)
            use(holder, heureka, datetime.date(year, 3, 1 + i))  # cross-region, in the south
            if i < 3:
                use(holder, opisto, datetime.date(year, 4, 1 + i), course=True)
        for i in range(5):
            visitor = card(net, 1, **issued)
            use(visitor, theatre, datetime.date(year, 5, 1 + i))  # cross-region, at a Tampere venue
    community = card(net, 0, community=True, issued_on=datetime.date(YEAR, 1, 5),
                     valid_until=datetime.date(YEAR, 12, 31))
    for i in range(5):
        use(community, theatre, datetime.date(YEAR, 6, 1 + i), children=2, group_size=3)
    use(card(net, 0, issued_on=datetime.date(YEAR, 1, 5), valid_until=datetime.date(YEAR, 12, 31)), popup,
        datetime.date(YEAR, 7, 1))
    rollup_rebuild()
    return net


def test_the_tampere_2025_report_opens_and_its_totals_equal_the_regional_dashboards(net):
    north = [net["north"].pk]
    tampere = Municipality.objects.get(code="837")
    report = welfare_report(north, YEAR, municipality=tampere)

    board = dashboard_for(north, Period.for_year(YEAR))
    row = next(r for r in board.municipalities if r["municipality"] and r["municipality"].pk == tampere.pk)
    assert report.residents == {name: row[name] for name in ("registered", "taken", "holders", "uses", "children")}
    assert report.residents == {"registered": 8, "taken": 8, "holders": 8, "uses": 18, "children": 10}
    shown = {t.key: t for t in dashboard_tables(board, suppressed=True)}["municipalities"]
    tampere_row = next(r for r in shown.rows if r[0] == "Tampere")
    residents = {t.key: t for t in report.tables}["residents"].rows
    assert [residents[i][1] for i in (0, 1, 2, 4, 6)] == tampere_row[2:]
    assert residents[2] == ["Active cardholders", 8, 6, "+33 %"]
    assert residents[3] == ["Cardholders per 1,000 inhabitants", 0.03, 0.02, "+50 %"]
    venues_in_tampere = [r for r in board.venues
                         if r["venue"].municipality and r["venue"].municipality.pk == tampere.pk]
    assert report.venue_totals["uses"] == sum(r["uses"] for r in venues_in_tampere) == 7 + 3 + 5 + 5
    assert report.venue_totals["children"] == sum(r["children"] for r in venues_in_tampere) == 10 + 10
    assert report.venue_totals["community"] == 5
    assert report.venue_totals["cross"] == 5

    pdf = welfare_report_pdf(report)
    assert pdf.startswith(b"%PDF")
    workbook = load_workbook(io.BytesIO(welfare_report_xlsx(report)))
    sheet = workbook[workbook.sheetnames[1]]
    values = [[cell.value for cell in line] for line in sheet.iter_rows()]
    assert values[0][0] == "Cardholders living in Tampere"
    assert values[1] == ["Figure", "2025", "2024", "Change"]
    assert values[2][:3] == ["Cards registered", "..", 6]  # as the dashboard shows it: the community card is "<5"


def test_the_welfare_area_report_sums_its_municipalities(net):
    area = Municipality.objects.get(code="837").welfare_area
    report = welfare_report(None, YEAR, area=area)
    board = dashboard_for(None, Period.for_year(YEAR))
    row = next(r for r in board.welfare_areas if r["welfare_area"].pk == area.pk)
    assert report.residents == {name: row[name] for name in ("registered", "taken", "holders", "uses", "children")}


def test_the_report_is_requested_from_the_regional_dashboard_and_opens(client, net, django_capture_on_commit_callbacks):
    client.force_login(RegionContactFactory(region=net["north"]).user)
    page = client.get(reverse("reports:regional"), {"year": YEAR})
    assert page.status_code == 200
    assert reverse("reports:welfare_report") in page.content.decode()
    tampere = Municipality.objects.get(code="837")
    for fmt, magic in (("pdf", b"%PDF"), ("xlsx", b"PK")):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("reports:welfare_report"),
                                   {"report-place": f"m{tampere.pk}", "report-year": YEAR, "report-format": fmt})
        report = ReportFile.objects.get(kind=ReportFile.Kind.WELFARE, format=fmt)
        assert response.status_code == 302
        assert report.status == ReportFile.Status.DONE
        download = client.get(reverse("reports:file_download", args=[report.pk]))
        assert b"".join(download.streaming_content).startswith(magic)
    # Helsinki belongs to the south: not this contact's.
    helsinki = Municipality.objects.get(code="091")
    client.post(reverse("reports:welfare_report"),
                {"report-place": f"m{helsinki.pk}", "report-year": YEAR, "report-format": "pdf"})
    assert ReportFile.objects.filter(kind=ReportFile.Kind.WELFARE).count() == 2
    with pytest.raises(DomainError) as refused:
        welfare_report_request(user=response.wsgi_request.user, year=YEAR, fmt="pdf", municipality=helsinki)
    assert refused.value.code == "not_allowed"
    assert ReportFile.objects.filter(kind=ReportFile.Kind.WELFARE).count() == 2


def test_january_sends_every_place_of_the_region_once(net, django_capture_on_commit_callbacks):
    RegionContactFactory(region=net["north"], user__email="kulttuuri@tampere.fi")
    row = PeriodicTask.objects.get(name="Kaikukanta: annual welfare reports")
    assert (row.task, row.crontab.month_of_year, row.crontab.day_of_month) == ("reports.annual_welfare_reports",
                                                                               "1", "15")
    with django_capture_on_commit_callbacks(execute=True):
        assert annual_welfare_reports_task(today=f"{YEAR + 1}-01-15") == 2
    north_files = ReportFile.objects.filter(kind=ReportFile.Kind.WELFARE, region=net["north"])
    assert sorted(north_files.values_list("period_key", "format")) == sorted(
        (f"{YEAR}:{key}", fmt) for key in (f"m{net['munis'][net['north'].pk].pk}",
                                            f"a{net['munis'][net['north'].pk].welfare_area_id}")
        for fmt in ("pdf", "xlsx"))
    assert all(f.status == ReportFile.Status.DONE for f in north_files)
    assert [m.to for m in mail.outbox] == [["kulttuuri@tampere.fi"]]
    annual_welfare_reports(region_id=net["north"].pk, year=YEAR)  # again: nothing new, nobody told twice
    assert len(mail.outbox) == 1
    assert report_file_generate(report_file_id=north_files.first().pk).status == ReportFile.Status.DONE


def test_welfare_page_and_all_years_with_year_over_year_change(client, net):
    client.force_login(CoordinatorFactory().user)
    page = client.get(reverse("reports:welfare"), {"year": YEAR})
    assert page.status_code == 200
    assert "Reach per 1,000 inhabitants" in page.content.decode()
    all_years = client.get(reverse("reports:national"), {"year": "all"})
    assert all_years.status_code == 200
    assert all_years.context["board"].period.start is None
    years = all_years.context["yoy"].rows
    by_year = {row[0]: row for row in years}
    assert by_year[str(YEAR)][1:3] == [summary_for(None, Period.for_year(YEAR))["uses_total"], "+7 %"] or \
        by_year[str(YEAR)][1] == summary_for(None, Period.for_year(YEAR))["uses_total"]
    for row in year_rows(None):
        summary = summary_for(None, Period.for_year(row["year"]))
        assert {name: summary[name] for name in row if name != "year"} == {k: v for k, v in row.items() if k != "year"}
    assert client.get(reverse("reports:national"), {"year": YEAR}).context["yoy"] is None
    comparison = page.context["comparison"].rows
    assert comparison[0][0] == "Uses"
    assert comparison[0][1:3] == [summary_for(None, Period.for_year(YEAR))["uses_total"],
                                  summary_for(None, Period.for_year(YEAR - 1))["uses_total"]]
