"""Bulk import (CSV/XLSX) as a background job (issue 15): the file is stored, checked streaming by a task with the
card rules, previewed with its counts, and written on confirmation all rows or none; the same file twice writes
nothing; refused rows come as a CSV report. Celery runs eagerly here; the jobs are queued on commit."""

import io
import re
import shutil
import subprocess
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cards import imports, numbers
from cards.models import Card, CardEvent, ImportJob
from cards.tests.factories import _number
from cards.tests.web import build_world, card_for
from regions.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db

A, B, C = _number(501), _number(502), _number(503)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {**settings.STORAGES, "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None}}}


@pytest.fixture
def world():
    w = build_world()
    MunicipalityFactory(code="005", name_fi="Alajärvi", region=w.region)
    return w


@pytest.fixture
def upload(client, world, django_capture_on_commit_callbacks):
    """Upload a file as the office's worker; the validation task runs (eagerly) on commit. Returns the job."""

    def run(file, office=None):
        client.force_login(world.jakaja)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("cards:import"), {"office": (office or world.office).pk, "file": file})
        assert response.status_code == 302, response.content
        job = ImportJob.objects.latest("pk")
        assert response["Location"] == reverse("cards:import_job", args=[job.pk])
        return job

    return run


@pytest.fixture
def confirm(client, django_capture_on_commit_callbacks):
    def run(job):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("cards:import_job_confirm", args=[job.pk]))
        assert response.status_code == 302
        job.refresh_from_db()
        return job

    return run


def csv_file(text: str, name: str = "kortit.csv", encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_file(rows: list[list], name: str = "kortit.xlsx") -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX)


GOOD = f"number,birth_year,municipality,postal_code,children,format,language\n" \
       f"{numbers.display(A)},1980,837,33100,2,paper,fi\n" \
       f",1975,Tampere,,0,mobile,sv\n" \
       f"{B},1990,5,,1,both,en\n"


def thousand_rows(bad_line: int | None = None, rows: int = 1000) -> str:
    """``rows`` rows without numbers (lines 2–rows+1); ``bad_line`` has a holder too young."""
    lines = ["birth_year,municipality,children"]
    for line in range(2, rows + 2):
        lines.append(f"{2020 if line == bad_line else 1950 + line % 50},837,{line % 3}")
    return "\n".join(lines) + "\n"


def test_rows_are_read_with_finnish_headers_semicolons_and_windows_encoding():
    text = "Numero;Syntymävuosi;Kunta;Postinumero;Lapset\n;1980;Tampere;100;0\n;;;;\n;1981;Hämeenlinna;;1\n"

    rows = list(imports.read_rows(io.BytesIO(text.encode("cp1252")), "kortit.csv"))

    assert rows == [
        (2, {"number": "", "birth_year": "1980", "municipality": "Tampere", "postal_code": "100", "children": "0"}),
        (4, {"number": "", "birth_year": "1981", "municipality": "Hämeenlinna", "postal_code": "", "children": "1"}),
    ]


def test_upload_is_checked_in_the_background_and_the_preview_saves_nothing(client, world, upload):
    job = upload(csv_file(GOOD))

    assert (job.status, job.rows_read, job.rows_valid, job.rows_refused, job.errors) == ("validated", 3, 3, 0, [])
    assert job.preview == [
        [2, numbers.display(A), 1980, "Tampere (837)", 2, "paper"],
        [3, "", 1975, "Tampere (837)", 0, "mobile"],
        [4, numbers.display(B), 1990, "Alajärvi (005)", 1, "both"],
    ]
    assert (job.office, job.user, job.filename) == (world.office, world.jakaja, "kortit.csv")
    assert Card.objects.count() == 0
    assert CardEvent.objects.count() == 0
    page = client.get(reverse("cards:import_job", args=[job.pk]))
    assert "Confirm: import 3 cards" in page.content.decode()
    assert "Nothing has been saved yet." in page.content.decode()
    assert client.get(reverse("cards:import_job_status", args=[job.pk])).json() == {
        "status": "validated", "status_label": "checked, waiting for confirmation", "rows_read": 3, "rows_valid": 3,
        "rows_refused": 0, "cards_created": 0, "waiting": False,
    }


def test_confirm_writes_every_row_from_the_validated_rows_not_the_upload(client, world, upload, confirm):
    job = upload(csv_file(GOOD))
    from cards.imports import upload_storage

    upload_storage.delete(job.file)  # the write step does not read the upload again

    job = confirm(job)

    assert (job.status, job.cards_created) == ("done", 3)
    cards = Card.objects.order_by("birth_year")
    assert [(c.birth_year, c.home_municipality.code, c.children, c.format, c.language, c.office_id) for c in cards] == [
        (1975, "837", 0, "mobile", "sv", world.office.pk), (1980, "837", 2, "paper", "fi", world.office.pk),
        (1990, "005", 1, "both", "en", world.office.pk),
    ]
    assert {A, B} <= {c.number for c in cards}
    assert all(numbers.is_valid(c.number) for c in cards)
    assert cards[0].number == imports.job_number(job.pk, 3)  # the generated number is keyed by the job and line
    assert set(CardEvent.objects.values_list("kind", "by", "office")) == {("imported", world.jakaja.pk,
                                                                            world.office.pk)}
    assert sorted(CardEvent.objects.values_list("details__line", flat=True)) == [2, 3, 4]
    # A second confirmation (or the task delivered twice) writes nothing more.
    assert confirm(job).status == "done"
    assert imports.job_write(job.pk).status == "done"
    assert Card.objects.count() == 3
    assert CardEvent.objects.count() == 3


def test_errors_name_line_column_and_translated_message_and_nothing_can_be_confirmed(client, world, upload,
                                                                                       confirm):
    card_for(world.other_office, world.helsinki, number=C)
    MunicipalityFactory(code="999", name_fi="Ulkokunta", region=None)
    text = (
        "number,birth_year,municipality,children\n"
        f"{A},1980,837,0\n"  # line 2: fine
        f"{C},1980,837,0\n"  # line 3: taken
        ",2020,837,0\n"  # line 4: too young
        ",1980,999,0\n"  # line 5: outside the network
        ",1980,Atlantis,0\n"  # line 6: unknown municipality
        f"{A[:-1]}{'X' if A[-1] != 'X' else 'Y'},1980,837,0\n"  # line 7: mistyped
        ",,,\n"  # line 8: blank, skipped
        f"{A},1981,837,0\n"  # line 9: duplicate of line 2 in the same file
        ",abc,837,x\n"  # line 10: not a year, not a number of children
    )

    job = upload(csv_file(text))

    assert (job.status, job.rows_read, job.rows_valid, job.rows_refused) == ("refused", 8, 1, 7)
    assert [str(imports.RowError(*e)) for e in job.errors] == [
        "Line 3, column number: A card with this number already exists. (card_number_taken)",
        "Line 4, column birth_year: The holder must be at least 16 or turn 16 this year. (holder_too_young)",
        "Line 5, column municipality: The home municipality does not belong to an active Kaikukortti region. "
        "(municipality_not_in_network)",
        "Line 6, column municipality: No municipality has this code or name. (municipality_unknown)",
        "Line 7, column number: The card number is mistyped: its check character does not match. "
        "(card_number_invalid)",
        "Line 9, column number: A card with this number already exists. (card_number_taken)",
        "Line 10, column birth_year: The birth year is not valid. (birth_year_invalid)",
        "Line 10, column children: The number of children is not valid. (children_invalid)",
    ]
    page = client.get(reverse("cards:import_job", args=[job.pk]))
    content = page.content.decode()
    assert "Confirm: import" not in content
    assert 'id="upload-title"' in content  # the upload form stays on the page after a refusal
    assert page.context["form"] is not None
    assert confirm(job).status == "refused"
    assert Card.objects.count() == 1


def test_one_bad_row_among_1000_writes_nothing_and_the_error_report_names_it(client, world, upload):
    job = upload(csv_file(thousand_rows(bad_line=501)))

    assert (job.status, job.rows_read, job.rows_valid, job.rows_refused) == ("refused", 1000, 999, 1)
    assert job.errors == [[501, "birth_year", "holder_too_young"]]
    assert job.rows_file == ""
    from cards.imports import upload_storage

    assert not upload_storage.exists(job.file)  # the refused upload is not kept
    response = client.get(reverse("cards:import_job_errors", args=[job.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert b"".join(response.streaming_content).decode() == (
        "\ufeffLine;Column;Message;Code\r\n"
        "501;birth_year;The holder must be at least 16 or turn 16 this year.;holder_too_young\r\n"
    )
    assert Card.objects.count() == 0
    assert CardEvent.objects.count() == 0


def test_one_bad_row_among_10000_writes_nothing_and_the_error_report_names_it(client, world, upload):
    """Issue 15's acceptance at its own size: the ten-thousand-row file with one refused row."""
    job = upload(csv_file(thousand_rows(bad_line=7777, rows=10_000)))

    assert (job.status, job.rows_read, job.rows_valid, job.rows_refused) == ("refused", 10_000, 9_999, 1)
    assert job.errors == [[7777, "birth_year", "holder_too_young"]]
    response = client.get(reverse("cards:import_job_errors", args=[job.pk]))
    assert b"".join(response.streaming_content).decode().splitlines()[1:] == [
        "7777;birth_year;The holder must be at least 16 or turn 16 this year.;holder_too_young"]
    assert Card.objects.count() == 0
    assert CardEvent.objects.count() == 0


def test_1000_rows_are_written_in_batches_in_one_transaction(world, upload, confirm, monkeypatch):
    monkeypatch.setattr(imports, "BATCH", 300)
    job = upload(csv_file(thousand_rows()))
    assert (job.status, job.rows_valid) == ("validated", 1000)

    job = confirm(job)

    assert (job.status, job.cards_created) == ("done", 1000)
    assert Card.objects.count() == 1000
    assert CardEvent.objects.filter(kind="imported").count() == 1000
    assert len(set(Card.objects.values_list("number", flat=True))) == 1000


def test_a_failure_while_writing_writes_nothing(world, upload, confirm, monkeypatch):
    monkeypatch.setattr(imports, "BATCH", 300)
    job = upload(csv_file(thousand_rows()))
    original = CardEvent.objects.bulk_create
    calls = []

    def fail_third(objs, *args, **kwargs):
        calls.append(len(objs))
        if len(calls) == 3:
            raise RuntimeError("database went away")
        return original(objs, *args, **kwargs)

    monkeypatch.setattr(CardEvent.objects, "bulk_create", fail_third)
    with pytest.raises(RuntimeError):
        confirm(job)

    job.refresh_from_db()
    assert (job.status, job.error, calls) == ("failed", "import_failed", [300, 300, 300])
    assert Card.objects.count() == 0
    assert CardEvent.objects.count() == 0


def test_a_number_taken_after_the_preview_refuses_the_whole_import(world, upload, confirm):
    job = upload(csv_file(GOOD))
    card_for(world.other_office, world.helsinki, number=B)  # taken after the preview

    job = confirm(job)

    assert (job.status, job.error) == ("refused", "card_number_taken")
    assert Card.objects.count() == 1
    assert CardEvent.objects.count() == 0


def test_the_same_file_twice_creates_nothing_the_second_time(world, upload, confirm):
    first = confirm(upload(csv_file(thousand_rows())))
    assert (first.status, Card.objects.count()) == ("done", 1000)

    second = upload(csv_file(thousand_rows()))

    assert (second.status, second.error) == ("refused", "import_already_done")
    assert confirm(second).status == "refused"
    assert Card.objects.count() == 1000
    assert CardEvent.objects.count() == 1000


def test_a_file_over_the_row_limit_is_refused_while_reading(world, upload, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 50)
    pulled = []
    original = imports._csv_rows

    def counting(handle):
        for row in original(handle):
            pulled.append(row)
            yield row

    monkeypatch.setattr(imports, "_csv_rows", counting)

    job = upload(csv_file(thousand_rows()))

    assert (job.status, job.error, job.rows_read) == ("refused", "import_too_many_rows", 50)
    assert len(pulled) == 52  # the header, 50 rows and the one over the limit: never the other 949
    assert Card.objects.count() == 0


def test_xlsx_is_read_in_read_only_mode(world, upload, monkeypatch):
    modes = []
    original = openpyxl.load_workbook

    def spy(*args, **kwargs):
        modes.append(kwargs.get("read_only"))
        return original(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", spy)
    monkeypatch.setattr(imports, "MAX_ROWS", 10)

    job = upload(xlsx_file([["birth_year", "municipality"]] + [[1980, 837]] * 10))

    assert (job.status, job.rows_read, modes) == ("validated", 10, [True])


def strip_dimension(upload: SimpleUploadedFile) -> SimpleUploadedFile:
    """The same workbook with its sheet's <dimension> removed: a file that hides its size."""
    source, target = zipfile.ZipFile(io.BytesIO(upload.read())), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                assert b"<dimension" in data
                data = re.sub(rb"<dimension [^>]*/>", b"", data)
            out.writestr(info.filename, data)
    return SimpleUploadedFile(upload.name, target.getvalue(), content_type=XLSX)


@pytest.fixture
def no_full_parse(monkeypatch):
    """openpyxl's parse of the workbook, counted; the pre-scan must refuse before it is called."""
    calls = []
    original = openpyxl.load_workbook

    def spy(*args, **kwargs):
        calls.append(kwargs.get("read_only"))
        return original(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", spy)
    return calls


@pytest.mark.parametrize("hidden", [False, True], ids=["declared", "hidden"])
def test_an_xlsx_over_the_row_limit_is_refused_by_the_prescan_before_openpyxl_parses_it(world, upload, monkeypatch,
                                                                                         no_full_parse, hidden):
    monkeypatch.setattr(imports, "MAX_ROWS", 10)
    monkeypatch.setattr(imports, "SCAN_CHUNK", 256)  # the sheet's XML read 256 bytes at a time
    file = xlsx_file([["birth_year", "municipality"]] + [[1980, 837]] * 500)
    if hidden:
        file = strip_dimension(file)
    scanned = []
    original = imports.count_xml_rows
    monkeypatch.setattr(imports, "count_xml_rows", lambda *a, **k: scanned.append(original(*a, **k)) or scanned[-1])

    job = upload(file)

    assert (job.status, job.error, job.rows_read, job.rows_valid) == ("refused", "import_too_many_rows", 0, 0)
    assert no_full_parse == []  # openpyxl never saw the file
    # A declared size over the limit is refused before a row is counted; a hidden one once more than 11 <row>s (the
    # header and 10 rows) are counted, within the chunk that holds the 12th: the rest is never read.
    assert scanned == [] if not hidden else 12 <= scanned[0] <= 16
    assert Card.objects.count() == 0
    assert not imports.upload_storage.exists(job.file)


def test_an_xlsx_at_the_row_limit_passes_the_prescan_even_without_its_size(world, upload, monkeypatch,
                                                                           no_full_parse):
    monkeypatch.setattr(imports, "MAX_ROWS", 10)

    job = upload(strip_dimension(xlsx_file([["birth_year", "municipality"]] + [[1980, 837]] * 10)))

    assert (job.status, job.rows_read, job.rows_valid, no_full_parse) == ("validated", 10, 10, [True])


def test_the_prescan_finds_the_first_sheet_through_the_workbook_relationships(monkeypatch):
    """A workbook whose first sheet is not at xl/worksheets/sheet1.xml (another writer's names) is measured too."""
    source, target = zipfile.ZipFile(io.BytesIO(strip_dimension(
        xlsx_file([["birth_year", "municipality"]] + [[1980, 837]] * 30)).read())), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info.filename).replace(b"worksheets/sheet1.xml", b"worksheets/kortit.xml")
            out.writestr(info.filename.replace("worksheets/sheet1.xml", "worksheets/kortit.xml"), data)
    assert "xl/worksheets/sheet1.xml" not in zipfile.ZipFile(target).namelist()
    assert openpyxl.load_workbook(target, read_only=True).worksheets[0].title  # still a workbook openpyxl reads

    imports.xlsx_prescan(target, 30)
    with pytest.raises(imports.DomainError) as refused:
        imports.xlsx_prescan(target, 29)

    assert (refused.value.code, target.tell()) == ("import_too_many_rows", 0)


@pytest.mark.parametrize("part", ["sheet", "shared strings"])
def test_a_workbook_that_unpacks_past_the_caps_is_refused_before_anything_is_inflated(world, upload, monkeypatch,
                                                                                       no_full_parse, part):
    """A zip bomb: a small upload whose sheet (or shared strings, which openpyxl holds in memory whole) unpacks to
    more than the caps is refused before openpyxl parses it; nothing is saved and the upload is not kept."""
    rows = [["birth_year", "municipality"]] + [[1980, 837]] * 5
    file = xlsx_file(rows)
    if part == "sheet":
        monkeypatch.setattr(imports, "SHEET_MAX_BYTES", 200)
    else:
        source, target = zipfile.ZipFile(io.BytesIO(file.read())), io.BytesIO()
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
            for info in source.infolist():
                out.writestr(info.filename, source.read(info.filename))
            out.writestr("xl/sharedStrings.xml", b"<sst>" + b" " * 5000 + b"</sst>")  # 5 kB of nothing
        file = SimpleUploadedFile("kortit.xlsx", target.getvalue(), content_type=XLSX)
        monkeypatch.setattr(imports, "PART_MAX_BYTES", 4000)
    inflated = []
    original = imports.count_xml_rows
    monkeypatch.setattr(imports, "count_xml_rows", lambda *a, **k: inflated.append(1) or original(*a, **k))

    job = upload(file)

    assert (job.status, job.error, job.rows_read, job.rows_valid) == ("refused", "import_file_too_large", 0, 0)
    assert no_full_parse == []  # openpyxl never saw it
    # Shared strings are judged from the zip directory alone; a sheet's rows are counted within the cap only.
    assert inflated == ([] if part == "shared strings" else [1])
    assert Card.objects.count() == 0
    assert not imports.upload_storage.exists(job.file)


def test_a_workbook_within_the_caps_passes(world, upload, monkeypatch, no_full_parse):
    monkeypatch.setattr(imports, "SHEET_MAX_BYTES", 100_000)
    monkeypatch.setattr(imports, "PART_MAX_BYTES", 100_000)

    job = upload(xlsx_file([["birth_year", "municipality"]] + [[1980, 837]] * 5))

    assert (job.status, job.rows_read, job.rows_valid) == ("validated", 5, 5)


def test_a_file_named_xlsx_that_is_no_zip_is_unreadable(world, upload, no_full_parse):
    job = upload(SimpleUploadedFile("kortit.xlsx", b"birth_year,municipality\n1980,837\n", content_type=XLSX))

    assert (job.status, job.error, no_full_parse) == ("refused", "import_file_unreadable", [])


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 7, 11, 64, 1000, 1 << 20])
def test_the_row_count_of_the_prescan_holds_across_chunk_boundaries(chunk):
    rows = b"".join(b'<row r="%d" spans="1:2"><c r="A%d"><v>1</v></c></row>' % (i, i) for i in range(1, 301))
    xml = (b'<worksheet xmlns="main"><dimension ref="A1:B300"/><sheetData>' + rows + b'<x:row r="301"/><row>'
           b"</row></sheetData><rowBreaks count=\"0\"/><c><is><t>&lt;row </t></is></c></worksheet>")

    assert imports.count_xml_rows(io.BytesIO(xml), 10_000, chunk=chunk) == 302
    assert imports.count_xml_rows(io.BytesIO(xml[9:]), 10_000, chunk=chunk, head=xml[:9]) == 302
    # It stops reading once over the limit: the rest of the stream stays unread.
    stream = io.BytesIO(xml)
    assert 50 < imports.count_xml_rows(stream, 50, chunk=chunk) <= 50 + max(chunk, 64)
    assert chunk >= len(xml) or stream.tell() < len(xml)


def test_xlsx_with_numeric_cells_is_imported(world, upload, confirm):
    job = upload(xlsx_file([["Syntymävuosi", "Kotikunta", "Postinumero", "Lapset", "Muoto"],
                            [1980, 5, 100, 1, "mobiili"]]))
    assert (job.status, job.errors) == ("validated", [])

    confirm(job)

    card = Card.objects.get()
    assert (card.birth_year, card.home_municipality.code, card.postal_code, card.children, card.format) == (
        1980, "005", "00100", 1, "mobile")


def test_missing_columns_and_wrong_files_are_refused(client, world, upload):
    job = upload(csv_file("number,children\n,1\n"))
    assert (job.status, job.error) == ("refused", "import_columns_missing")
    page = client.get(reverse("cards:import_job", args=[job.pk])).content.decode()
    assert "The file needs a header row with at least the columns birth_year and municipality." in page
    assert 'id="upload-title"' in page

    response = client.post(reverse("cards:import"), {"office": world.office.pk,
                                                     "file": csv_file("x", name="kortit.pdf")})
    assert "file" in response.context["form"].errors
    assert ImportJob.objects.count() == 1
    assert Card.objects.count() == 0


def test_import_is_for_distributor_staff_only_and_into_their_own_office(client, world, upload):
    job = upload(csv_file(GOOD))
    client.force_login(world.contact)
    assert client.get(reverse("cards:import")).status_code == 403

    client.force_login(world.other_jakaja)
    for name in ("cards:import_job", "cards:import_job_status", "cards:import_job_errors"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert client.post(reverse("cards:import_job_confirm", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.status == "validated"

    client.force_login(world.jakaja)
    response = client.post(reverse("cards:import"), {"office": world.other_office.pk, "file": csv_file(GOOD)})
    assert "office" in response.context["form"].errors
    assert ImportJob.objects.count() == 1
    assert Card.objects.count() == 0


@pytest.mark.skipif(not shutil.which("pdfinfo"), reason="poppler-utils not installed")
def test_the_cards_of_a_finished_import_print_as_a4_sheets_of_ten(client, world, upload, confirm, monkeypatch,
                                                                  tmp_path):
    from cards import views

    monkeypatch.setattr(views, "IMPORT_PDF_CARDS", 12)
    text = "birth_year,municipality\n" + "".join(f"{1950 + i},837\n" for i in range(14))
    job = upload(csv_file(text))
    assert client.get(reverse("cards:import_job_pdf", args=[job.pk])).status_code == 404  # not written yet
    job = confirm(job)
    page = client.get(reverse("cards:import_job", args=[job.pk])).content.decode()
    assert page.count(reverse("cards:import_job_pdf", args=[job.pk]) + "?part=") == 2

    first = client.post(reverse("cards:import_job_pdf", args=[job.pk]) + "?part=1", follow=True)
    second = client.post(reverse("cards:import_job_pdf", args=[job.pk]) + "?part=2", follow=True)
    assert second.redirect_chain == [(reverse("cards:import_job_pdf", args=[job.pk]) + "?part=2", 303)]

    assert (first.status_code, first["Content-Type"], second.status_code) == (200, "application/pdf", 200)
    pages = []
    for name, response in (("first.pdf", first), ("second.pdf", second)):
        (tmp_path / name).write_bytes(response.content)
        info = subprocess.run(["pdfinfo", str(tmp_path / name)], capture_output=True, text=True, check=True).stdout
        pages.append(re.search(r"Pages: +(\d+)", info).group(1))
        assert re.search(r"Page size: +595.276 x 841.89 pts \(A4\)", info)
    assert pages == ["2", "1"]  # 12 cards on two A4 sheets, the 2 others on one
    text_first = subprocess.run(["pdftotext", str(tmp_path / "first.pdf"), "-"], capture_output=True, text=True,
                                check=True).stdout
    numbers_printed = list(Card.objects.order_by("birth_year").values_list("number", flat=True))
    assert [numbers.display(n) in text_first for n in numbers_printed] == [True] * 12 + [False] * 2
    assert client.get(reverse("cards:import_job_pdf", args=[job.pk]) + "?part=3").status_code == 404
    assert client.post(reverse("cards:import_job_pdf", args=[job.pk]) + "?part=3").status_code == 404
    client.force_login(world.other_jakaja)
    assert client.get(reverse("cards:import_job_pdf", args=[job.pk])).status_code == 404
    assert client.post(reverse("cards:import_job_pdf", args=[job.pk])).status_code == 404


def test_the_sheet_budget_counts_rows_within_it_and_says_when_there_is_more():
    xml = b"<sheetData>" + b"<row><c/></row>" * 100 + b"</sheetData>"
    within = imports._Budget(io.BytesIO(xml), len(xml))
    assert (imports.count_xml_rows(within, 1000, chunk=7), within.over) == (100, False)
    cut = imports._Budget(io.BytesIO(xml), 11 + 15 * 10)  # the opening tag and ten rows
    assert (imports.count_xml_rows(cut, 1000, chunk=7), cut.over) == (10, True)
    # Over the row limit inside the budget: too many rows is what it says (the budget was not used up).
    many = imports._Budget(io.BytesIO(xml), len(xml))
    assert imports.count_xml_rows(many, 50, chunk=16) > 50
    assert not many.over
