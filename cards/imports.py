"""Bulk import of personal cards as a background job (issue 15): store → validate → confirm → write.

1. ``job_create`` stores the upload through the ``private`` storage of ``STORAGES`` (shared by web and worker
   nodes; never served under /media/) and records an ``ImportJob``; the view queues
   ``cards.tasks.import_validate_task`` on commit.
2. ``job_validate`` reads the file streaming (CSV row by row, XLSX with openpyxl ``read_only`` after a pre-scan of
   the zip that refuses a sheet of more than ``MAX_ROWS`` rows before openpyxl parses anything), stops as soon as
   it has read more than ``MAX_ROWS`` rows, checks every row with the card rules (the column widgets of
   ``cards.resources`` and ``services.card_issue_holder_check``: R1, R2) and records progress every
   ``PROGRESS_EVERY`` rows. The valid rows go compactly to a JSON-lines file in the storage.
3. ``job_write`` (after the confirmation) reads that file — not the upload — and writes every card with
   ``bulk_create`` in batches, with the card events, in ONE transaction: a refused or failed import writes nothing.
   The job's row is locked and marked done in the same transaction, the file's hash is unique per office among
   finished imports, and generated numbers are derived from the job and the line: the same file twice, or the
   same job delivered twice, creates nothing the second time.
4. ``job_sweep`` (beat, every 15 minutes) marks failed a job whose worker was lost in the middle of a step.
"""

import codecs
import contextlib
import csv
import datetime
import hashlib
import hmac
import io
import json
import re
import tempfile
import uuid
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import MESSAGES, DomainError
from core.exports import CsvWriter
from regions.models import Municipality, NationalSettings

from . import numbers, services
from .models import Card, CardEvent, ImportJob
from .resources import MAX_ROWS, CardImportResource, _header_key, _text

BATCH = 2000
PROGRESS_EVERY = 1000
PREVIEW_ROWS = 20
ERRORS_KEPT = 100_000
MAX_ATTEMPTS = 3
# Which column a rule's refusal points at.
RULE_COLUMN = {
    "birth_year_invalid": "birth_year", "holder_too_young": "birth_year",
    "municipality_not_in_network": "municipality", "municipality_unknown": "municipality",
    "children_invalid": "children", "card_format_invalid": "format", "card_number_taken": "number",
    "card_number_invalid": "number",
}
# The compact validated row: one JSON list per line.
FIELDS = ("line", "number", "birth_year", "municipality", "postal_code", "children", "format", "language",
          "gender", "life_situation")


class _UploadStorage:
    """``STORAGES["private"]`` (a folder, or the bucket under its own prefix), looked up on every use: Django keeps
    the instance, and drops it when a test overrides ``STORAGES``."""

    def __getattr__(self, name):
        return getattr(storages["private"], name)


upload_storage = _UploadStorage()


# --- 1. store ---------------------------------------------------------------------------------------


def job_create(*, user, office, upload) -> ImportJob:
    """Store ``upload`` through the private storage and record a queued job (the caller checks the office)."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    extension = "xlsx" if (upload.name or "").lower().endswith(".xlsx") else "csv"
    name = upload_storage.save(f"imports/{uuid.uuid4().hex}.{extension}", upload)
    return ImportJob.objects.create(office=office, user=user, filename=(upload.name or "")[-200:], file=name,
                                    sha256=digest.hexdigest())


# --- 2. read and validate ------------------------------------------------------------------------------


def _csv_rows(handle) -> Iterator[list]:
    head = handle.read(64 * 1024)
    handle.seek(0)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        encoding = "utf-8-sig"
    except UnicodeDecodeError:
        encoding = "cp1252"
    first = head.decode(encoding, errors="replace").split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    text = io.TextIOWrapper(handle, encoding=encoding, errors="replace", newline="")
    try:
        yield from csv.reader(text, delimiter=delimiter)
    except csv.Error as exc:
        raise DomainError("import_file_unreadable") from exc


# --- the XLSX pre-scan: a workbook's size before openpyxl parses it -----------------------------------------
#
# openpyxl reads a sheet's rows only after it has parsed the workbook's shared strings and styles, and a sheet
# that hides its size (no <dimension>) can only be measured by reading it. The pre-scan opens the file as the zip
# it is, reads the first worksheet's XML decompressed in chunks and counts its <row> elements, stopping as soon as
# there are more than the limit: a 1.5 M-row workbook is refused after ~100,000 rows of XML, within a second, in a
# few MB of memory, before openpyxl sees it.

SCAN_CHUNK = 1024 * 1024
# What the zip directory says each part unpacks to (zipfile never inflates a part past its declared size): the first
# sheet at most SHEET_MAX_BYTES (a 100,000-row sheet written with inline strings is about 33 MB), every other part
# (shared strings, styles: openpyxl holds them in memory whole) at most PART_MAX_BYTES. A small upload that inflates
# past these, a zip bomb, is refused before anything is inflated.
SHEET_MAX_BYTES = 128 * 1024 * 1024
PART_MAX_BYTES = 32 * 1024 * 1024
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,40}:)?row[\s>/]")
_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\b[^>]*?\bref=[\"']([^\"']*)[\"']")
_SHEET_DATA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheetData[\s>/]")
_OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_SHEET_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def count_xml_rows(stream, stop_after: int, chunk: int = SCAN_CHUNK, head: bytes = b"") -> int:
    """The number of ``<row`` elements in ``head`` and then the XML ``stream``, read ``chunk`` bytes at a time;
    stops counting (and reading) once it is over ``stop_after``. A tag cut by a chunk's end is carried to the next
    chunk: a match holds one "<", at its start, so everything before the last "<" can be counted now."""
    count, carry = 0, b""
    block = head or stream.read(chunk)
    while block:
        buffer = carry + block
        cut = buffer.rfind(b"<")
        if cut < len(buffer) - 64:  # no tag can still be open at the end
            cut = len(buffer)
        count += len(_ROW_TAG.findall(buffer, 0, cut))
        carry = buffer[cut:]
        if count > stop_after:
            return count
        block = stream.read(chunk)
    return count + len(_ROW_TAG.findall(carry))


def _declared_rows(head: bytes) -> int:
    """The last row of the sheet's declared <dimension ref="A1:G1500001"> (0 when it declares none)."""
    found = _DIMENSION.search(head)
    digits = re.findall(rb"\d+", found.group(1)) if found else []
    return int(digits[-1]) if digits else 0


def _first_sheet_path(book: zipfile.ZipFile) -> str:
    """The part of the workbook's first sheet, as openpyxl takes it: the first <sheet> of xl/workbook.xml through
    its relationship; ``xl/worksheets/sheet1.xml`` when the workbook does not say."""
    from xml.etree import ElementTree

    def small(name: str) -> bytes:  # a few kB in any real workbook; never a part inflated to fill the memory
        if book.getinfo(name).file_size > 4 * 1024 * 1024:
            raise KeyError(name)
        return book.read(name)

    try:
        workbook = ElementTree.fromstring(small("xl/workbook.xml"))
        sheet = workbook.find(f"{{{_SHEET_MAIN}}}sheets/{{{_SHEET_MAIN}}}sheet")
        rel_id = sheet.get(f"{{{_OFFICE_REL}}}id") if sheet is not None else None
        rels = ElementTree.fromstring(small("xl/_rels/workbook.xml.rels"))
        for rel in rels.iter(f"{{{_PACKAGE_REL}}}Relationship"):
            if rel.get("Id") == rel_id:
                target = rel.get("Target", "")
                return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    except (KeyError, ElementTree.ParseError):
        pass
    return "xl/worksheets/sheet1.xml"


class _Budget:
    """A stream read up to ``left`` bytes; ``over`` once it turns out to hold more."""

    def __init__(self, stream, left: int) -> None:
        self.stream, self.left, self.over = stream, left, left < 0

    def read(self, size: int) -> bytes:
        if self.left <= 0:
            self.over = self.over or bool(self.stream.read(1))
            return b""
        block = self.stream.read(min(size, self.left))
        self.left -= len(block)
        return block


def xlsx_prescan(handle, limit: int) -> None:
    """Refuse (``import_too_many_rows``) a workbook whose first sheet declares or holds more than ``limit`` data
    rows, reading only its zip directory and that sheet's XML, streaming; leaves ``handle`` at its start. A workbook
    whose parts unpack past ``SHEET_MAX_BYTES`` / ``PART_MAX_BYTES`` is refused (``import_file_too_large``) first."""
    try:
        with zipfile.ZipFile(handle) as book:
            name = _first_sheet_path(book)
            if any(info.file_size > PART_MAX_BYTES for info in book.infolist() if info.filename != name):
                raise DomainError("import_file_too_large")
            if name not in book.NameToInfo:
                return  # openpyxl says what is wrong with it
            with book.open(name) as sheet:
                head = sheet.read(min(SCAN_CHUNK, 64 * 1024))
                data = _SHEET_DATA.search(head)
                if _declared_rows(head[:data.start()] if data else head) > limit + 1:
                    raise DomainError("import_too_many_rows")
                # Too many rows is said first (a 1.5 M-row sheet is over both); the rows are counted in at most
                # SHEET_MAX_BYTES of XML, so a sheet that inflates past it with few rows is not inflated further.
                budget = _Budget(sheet, SHEET_MAX_BYTES - len(head))
                if count_xml_rows(budget, limit + 1, chunk=SCAN_CHUNK, head=head) > limit + 1:
                    raise DomainError("import_too_many_rows")
                if budget.over:
                    raise DomainError("import_file_too_large")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error, NotImplementedError) as exc:
        raise DomainError("import_file_unreadable") from exc
    finally:
        handle.seek(0)


def _xlsx_rows(handle) -> Iterator[tuple]:
    import openpyxl

    xlsx_prescan(handle, MAX_ROWS)
    try:
        book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:
        raise DomainError("import_file_unreadable") from exc
    try:
        sheet = book.worksheets[0]
        # The size the sheet declares (its <dimension>): a file that says it is over the limit is refused before
        # a row is read. A file that declares less, or nothing, still stops at the limit while it is read.
        declared = sheet.max_row if sheet.max_row and sheet.max_row > 1 else 0
        if declared > MAX_ROWS + 1:
            raise DomainError("import_too_many_rows")
        yield from sheet.iter_rows(values_only=True)
    finally:
        book.close()


def read_rows(handle, filename: str) -> Iterator[tuple[int, dict]]:
    """(line, {column: text}) for every non-blank data row, streaming; line 1 is the header row.

    Refuses a file without the required columns (``import_columns_missing``) and stops reading at the first row
    beyond ``MAX_ROWS`` (``import_too_many_rows``): a huge file is never read to its end.
    """
    rows = _xlsx_rows(handle) if filename.lower().endswith(".xlsx") else _csv_rows(handle)
    try:
        yield from _data_rows(rows)
    finally:
        rows.close()  # while the file is still open


def _data_rows(rows) -> Iterator[tuple[int, dict]]:
    header = next(rows, None)
    if header is None:
        raise DomainError("import_columns_missing")
    keys = [_header_key(name) for name in header]
    if any(required not in keys for required in ("birth_year", "municipality")):
        raise DomainError("import_columns_missing")
    wanted = [(i, key) for i, key in enumerate(keys) if key]
    limit = MAX_ROWS
    for count, row in enumerate(rows, start=1):
        if count > limit:
            raise DomainError("import_too_many_rows")
        values = {key: _text(row[i]) if i < len(row) else "" for i, key in wanted}
        if any(values.values()):
            yield count + 1, values


@dataclass
class RowError:
    line: int
    column: str
    code: str

    @property
    def message(self) -> str:
        return str(MESSAGES.get(self.code, self.code))

    def __str__(self) -> str:
        return _("Line %(line)s, column %(column)s: %(message)s (%(code)s)") % {
            "line": self.line, "column": self.column or "–", "message": self.message, "code": self.code}


class RowChecker:
    """The card rules for one row: the importer's column widgets (R2 number check, municipality look-up once per
    text) and ``services.card_issue_holder_check`` (R1), as the register form and the API use them."""

    def __init__(self, *, user, office, day) -> None:
        resource = CardImportResource(user=user, office=office)
        self.widgets = {name: field.widget for name, field in resource.fields.items()}
        self.day = day
        self.min_age = NationalSettings.current().holder_min_age

    def check(self, line: int, values: dict) -> tuple[list | None, list[RowError]]:
        cleaned, errors = {}, []
        for column, widget in self.widgets.items():
            try:
                cleaned[column] = widget.clean(values.get(column, ""))
            except DomainError as error:
                errors.append(RowError(line, column, error.code))
        if errors:
            return None, errors
        if cleaned["birth_year"] is None:
            return None, [RowError(line, "birth_year", "birth_year_invalid")]
        municipality: Municipality | None = cleaned["municipality"]
        if municipality is None:
            return None, [RowError(line, "municipality", "municipality_unknown")]
        card_format = cleaned["format"] or Card.Format.PAPER
        try:
            services.card_issue_holder_check(
                birth_year=cleaned["birth_year"], home_municipality=municipality, children=cleaned["children"] or 0,
                format=card_format, wellbeing_at_issue=None, day=self.day, holder_min_age=self.min_age)
        except DomainError as error:
            return None, [RowError(line, RULE_COLUMN.get(error.code, ""), error.code)]
        return [line, cleaned["number"] or "", cleaned["birth_year"], municipality.pk, cleaned["postal_code"] or "",
                cleaned["children"] or 0, card_format, cleaned["language"] or Card.Language.FI,
                cleaned["gender"] or "", cleaned["life_situation"] or ""], []


def _progress(job: ImportJob, **fields) -> None:
    ImportJob.objects.filter(pk=job.pk).update(**fields)


def _finish(job: ImportJob, status: str, **fields) -> ImportJob:
    fields.update(status=status, finished_at=timezone.now())
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=list(fields))
    return job


def _start(job_id: int, expected: str, running: str) -> ImportJob | None:
    """Take the job for a step (counting the attempt); ``None`` when it is not waiting for this step."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status not in (expected, running):
            return None
        job.attempts += 1
        job.status = running
        job.step_started_at = timezone.now()
        job.save(update_fields=["attempts", "status", "step_started_at"])
    if job.attempts > MAX_ATTEMPTS:  # it kept killing its worker
        _finish(job, ImportJob.Status.FAILED, error="import_failed")
        return None
    return job


def job_validate(job_id: int) -> ImportJob | None:
    job = _start(job_id, ImportJob.Status.QUEUED, ImportJob.Status.VALIDATING)
    if job is None:
        return ImportJob.objects.filter(pk=job_id).first()
    try:
        job = _validate(job)
    except Exception:
        _finish(job, ImportJob.Status.FAILED, error="import_failed")
        _cleanup(job)
        raise
    if job.status == ImportJob.Status.REFUSED:
        _cleanup(job)  # nothing will be written: the refused rows stay on the job for the error report
    return job


def _validate(job: ImportJob) -> ImportJob:
    day = timezone.localdate()
    read = valid = 0
    preview: list = []
    errors: list[RowError] = []
    printed: dict[str, int] = {}
    rows_name = f"imports/{uuid.uuid4().hex}.jsonl"
    try:
        if ImportJob.objects.filter(office=job.office, sha256=job.sha256, status=ImportJob.Status.DONE).exists():
            raise DomainError("import_already_done")
        services.card_issue_office_check(user=job.user, office=job.office, day=day)
        checker = RowChecker(user=job.user, office=job.office, day=day)
        with upload_storage.open(job.file, "rb") as handle, tempfile.TemporaryFile("w+b") as out:
            for line, values in read_rows(handle, job.filename):
                read += 1
                row, row_errors = checker.check(line, values)
                if row is not None and row[1]:
                    if row[1] in printed:
                        row, row_errors = None, [RowError(line, "number", "card_number_taken")]
                    else:
                        printed[row[1]] = line
                if row is None:
                    if len(errors) < ERRORS_KEPT:
                        errors.extend(row_errors)
                else:
                    valid += 1
                    out.write(json.dumps(row, separators=(",", ":")).encode() + b"\n")
                    if len(preview) < PREVIEW_ROWS:
                        place = checker.widgets["municipality"].clean(values["municipality"])
                        preview.append([line, numbers.display(row[1]) if row[1] else "", row[2],
                                        f"{place} ({place.code})", row[5], row[6]])
                if read % PROGRESS_EVERY == 0:
                    _progress(job, rows_read=read, rows_valid=valid, rows_refused=read - valid)
            taken = _taken(list(printed))
            for number in taken:
                errors.append(RowError(printed[number], "number", "card_number_taken"))
            valid -= len(taken)
            if not errors:
                out.seek(0)
                rows_name = upload_storage.save(rows_name, File(out))
    except DomainError as error:
        return _finish(job, ImportJob.Status.REFUSED, error=error.code, rows_read=read, rows_valid=valid,
                       rows_refused=read - valid, preview=preview, errors=[])
    errors.sort(key=lambda e: e.line)
    if errors or not read:
        return _finish(job, ImportJob.Status.REFUSED, error="" if read else "import_empty", rows_read=read,
                       rows_valid=valid, rows_refused=read - valid, preview=preview,
                       errors=[[e.line, e.column, e.code] for e in errors])
    return _finish(job, ImportJob.Status.VALIDATED, rows_file=rows_name, rows_read=read, rows_valid=valid,
                   rows_refused=0, preview=preview, errors=[])


def _taken(candidates: list[str]) -> set[str]:
    taken: set[str] = set()
    for start in range(0, len(candidates), 5000):
        taken.update(Card.objects.filter(number__in=candidates[start:start + 5000]).values_list("number", flat=True))
    return taken


# --- 3. write -----------------------------------------------------------------------------------------


def job_confirm(*, job: ImportJob) -> bool:
    """The person confirms a validated job: it is queued for writing (the caller queues the task on commit)."""
    return bool(ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.VALIDATED)
                .update(status=ImportJob.Status.WRITING, attempts=0, step_started_at=timezone.now()))


def job_number(job_id: int, line: int, salt: int = 0) -> str:
    """R2: the generated number of ``line`` of job ``job_id``: the same job always gets the same numbers."""
    key = settings.SECRET_KEY.encode()
    digest = hmac.new(key, f"card-import:{job_id}:{line}:{salt}".encode(), hashlib.sha256).digest()
    value = int.from_bytes(digest[:8], "big")
    payload = ""
    for _i in range(numbers.PAYLOAD_LENGTH):
        value, index = divmod(value, numbers.MODULUS)
        payload += numbers.ALPHABET[index]
    return payload + numbers.check_character(payload)


def _rows(name: str) -> Iterator[list]:
    with upload_storage.open(name, "rb") as handle:
        for raw in handle:
            if raw.strip():
                yield json.loads(raw)


def _batches(rows: Iterator[list]) -> Iterator[list[list]]:
    batch: list[list] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def job_write(job_id: int) -> ImportJob | None:
    job = _start(job_id, ImportJob.Status.WRITING, ImportJob.Status.WRITING)
    if job is None:
        return ImportJob.objects.filter(pk=job_id).first()
    try:
        with transaction.atomic():
            locked = ImportJob.objects.select_for_update().get(pk=job.pk)
            if locked.status != ImportJob.Status.WRITING:
                return locked
            created = _write(job)
            _finish(job, ImportJob.Status.DONE, cards_created=created)
    except DomainError as error:
        return _finish(job, ImportJob.Status.REFUSED, error=error.code)
    except IntegrityError:
        return _finish(job, ImportJob.Status.REFUSED, error="import_already_done")
    except Exception:
        _finish(job, ImportJob.Status.FAILED, error="import_failed")
        raise
    _cleanup(job)
    return job


def _write(job: ImportJob) -> int:
    day = timezone.localdate()
    office = job.office
    services.card_issue_office_check(user=job.user, office=office, day=day)
    valid_until = services.default_valid_until(office.region, day)
    created = 0
    for batch in _batches(_rows(job.rows_file)):
        printed = [row[1] for row in batch if row[1]]
        if _taken(printed):
            raise DomainError("card_number_taken")
        generated = {row[0]: job_number(job.pk, row[0]) for row in batch if not row[1]}
        salt = 0
        while taken := _taken(list(generated.values())):
            salt += 1
            generated = {line: (job_number(job.pk, line, salt) if number in taken else number)
                         for line, number in generated.items()}
        cards = [Card(number=row[1] or generated[row[0]], kind=Card.Kind.PERSONAL, office=office,
                      region_id=office.region_id, home_municipality_id=row[3], postal_code=row[4], birth_year=row[2],
                      children=row[5], format=row[6], language=row[7], issued_on=day, valid_until=valid_until,
                      gender=row[8], life_situation=row[9]) for row in batch]
        Card.objects.bulk_create(cards)
        until = valid_until.isoformat()
        CardEvent.objects.bulk_create([
            CardEvent(card=card, kind=CardEvent.Kind.IMPORTED, by=job.user, office=office,
                      details={"valid_until": until, "import_job": job.pk, "line": row[0]})
            for card, row in zip(cards, batch, strict=True)])
        created += len(cards)
        _progress(job, cards_created=created)
    return created


def _cleanup(job: ImportJob) -> None:
    for name in (job.file, job.rows_file):
        if name:
            with contextlib.suppress(OSError):
                upload_storage.delete(name)


# --- 4. stuck jobs -------------------------------------------------------------------------------------
#
# A worker that dies hard (killed, its host lost) leaves its job "validating" or "writing": its transaction rolled
# back, so nothing was saved, but the page would wait forever. Every 15 minutes (beat, migration 0005) the sweep
# marks failed, with ``import_interrupted``, every job whose step started longer ago than the step's hard time limit
# plus ``TASK_TIME_MARGIN`` (no live worker can still be on it: the hard limit has killed it), and removes its
# files. A job confirmed but never taken by a worker (its message lost) is "writing" too and is swept the same way.

STUCK_STEPS = {ImportJob.Status.VALIDATING: "cards.import_validate", ImportJob.Status.WRITING: "cards.import_write"}


def stuck_after(status: str) -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.TASK_TIME_LIMITS[STUCK_STEPS[status]] + settings.TASK_TIME_MARGIN)


def job_sweep(*, now: datetime.datetime | None = None) -> int:
    """Mark failed the jobs stuck in a step; returns how many. Each update repeats the test (same status, same
    step start), so a job a worker has just taken again is left alone, and a second sweep changes nothing."""
    now = now or timezone.now()
    failed = 0
    for status in STUCK_STEPS:
        for job in ImportJob.objects.filter(status=status, step_started_at__lt=now - stuck_after(status)):
            if ImportJob.objects.filter(pk=job.pk, status=status, step_started_at=job.step_started_at).update(
                    status=ImportJob.Status.FAILED, error="import_interrupted", finished_at=now):
                failed += 1
                _cleanup(job)
    return failed


# --- 5. error report ----------------------------------------------------------------------------------


def error_report_lines(job: ImportJob) -> Iterator[str]:
    """The refused rows as CSV (line, column, translated message, code) through the one export writer."""
    header = [_("Line"), _("Column"), _("Message"), _("Code")]
    rows = [header]
    if job.error:
        rows.append([1, "", str(MESSAGES.get(job.error, job.error)), job.error])
    for line, column, code in job.errors:
        rows.append([line, column, str(MESSAGES.get(code, code)), code])
    return CsvWriter().lines(rows, batch=1000)
