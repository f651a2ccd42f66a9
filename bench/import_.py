#!/usr/bin/env python
"""Card import benchmark (issue 15, DESIGN §9): 100,000 cards from a CSV in at most 2 minutes, worker ≤ 300 MB.

    make bench-import                                    # 100,000-row CSV and XLSX
    make bench-import BENCH_ARGS="--rows 20000 --skip-xlsx --skip-huge"

1. Uses ``BENCH_IMPORT_DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/kk_bench_import``; PostgreSQL on
   loopback only, never your DATABASE_URL), migrates it and makes one region, office and office worker
   (``bench-importer``) once. Redis ``BENCH_REDIS_URL`` (default ``redis://127.0.0.1:6379/13``, its own database
   so no other worker takes the jobs) is the broker; files go to ``bench-out/private`` through the private storage.
2. Starts a real Celery worker (concurrency 1) and, for each file, generates it (10 % of the rows with a printed
   number, the rest generated), uploads it as a job, queues the validation, waits, confirms, waits for the write.
   Prints rows/s and wall time of each step and of the whole job, and the worker's peak resident memory (VmHWM of
   the worker processes). Before them, a 1.5 M-row XLSX whose sheet hides its size (no <dimension>) must be
   refused within 5 s of its job being queued, the worker staying under 300 MB (the worker's peak at that point).
3. Queries per 1,000 rows: the same validation and write run in this process, eagerly, on a ``--sample``-row file
   with every statement counted (a worker process cannot be counted from outside).
Each run imports new cards (the files differ per run); the database grows by ``--rows`` cards per file.
"""

import argparse
import contextlib
import csv
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from benchlib import ROOT, ensure_database, manage

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/kk_bench_import"
DEFAULT_REDIS = "redis://127.0.0.1:6379/13"
TARGET_SECONDS = 120
TARGET_RSS_MB = 300


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=10_000, help="Rows of the file whose queries are counted.")
    parser.add_argument("--skip-xlsx", action="store_true")
    parser.add_argument("--skip-huge", action="store_true", help="Skip the 1.5M-row XLSX that must be refused.")
    parser.add_argument("--skip-migrate", action="store_true")
    parser.add_argument("--step", choices=["run"], help=argparse.SUPPRESS)
    return parser.parse_args()


def bench_env() -> dict:
    os.environ["BENCH_DATABASE_URL"] = os.environ.get("BENCH_IMPORT_DATABASE_URL", DEFAULT_DB)
    from benchlib import database_url

    redis = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS)
    if not redis.startswith(("redis://127.0.0.1", "redis://localhost")):
        sys.exit("BENCH_REDIS_URL must be on 127.0.0.1.")
    return {**os.environ, "DATABASE_URL": database_url(), "REDIS_URL": redis,
            "DJANGO_SETTINGS_MODULE": "kaikukanta.settings", "MEDIA_ROOT": str(ROOT / "bench-out" / "media"),
            "PRIVATE_MEDIA_ROOT": str(ROOT / "bench-out" / "private"),
            "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)}


# --- the worker -----------------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(p) for p in (task / "children").read_text().split()]
    return found


def _hwm_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class Worker:
    def __init__(self, env: dict) -> None:
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "celery"), "-A", "kaikukanta", "worker", "--concurrency", "1",
             "--pool", "prefork", "--without-heartbeat", "--without-gossip", "--without-mingle", "-n",
             f"bench-import-{uuid.uuid4().hex[:6]}@%h", "--loglevel", "WARNING"],
            cwd=ROOT, env=env)
        self.peak_kib = 0

    def sample(self) -> None:
        pids = [self.process.pid, *_children(self.process.pid)]
        self.peak_kib = max([self.peak_kib] + [_hwm_kib(pid) for pid in pids])

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


# --- in the Django process -------------------------------------------------------------------------


def _world():
    import datetime

    from distributors.models import Office, OfficeMembership
    from distributors.tests.factories import OfficeFactory, OfficeMembershipFactory
    from regions.models import Municipality, NationalSettings, Region
    from regions.tests.factories import MunicipalityFactory, RegionFactory, UserFactory

    NationalSettings.current()
    region = Region.objects.filter(name="Bench import").first() or RegionFactory(name="Bench import")
    municipalities = list(Municipality.objects.filter(region=region))
    if not municipalities:
        municipalities = [MunicipalityFactory(code=f"{900 + i}", name_fi=f"Benchkunta {i}", region=region)
                          for i in range(5)]
    office = Office.objects.filter(name="Bench import office").first() or OfficeFactory(
        name="Bench import office", region=region)
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username="bench-importer").first() or UserFactory(
        username="bench-importer")
    if not OfficeMembership.objects.filter(user=user, office=office).exists():
        OfficeMembershipFactory(user=user, office=office, started_on=datetime.date(2015, 1, 1))
    return office, user, [m.code for m in municipalities]


def _rows(count: int, codes: list[str], printed_every: int = 10):
    from cards import numbers

    for i in range(count):
        number = numbers.display(numbers.generate()) if i % printed_every == 0 else ""
        yield [number, 1940 + i % 60, codes[i % len(codes)], f"{33100 + i % 50:05d}", i % 4,
               ("paper", "mobile", "both")[i % 3], ("fi", "sv", "en")[i % 3]]


HEADER = ["number", "birth_year", "municipality", "postal_code", "children", "format", "language"]


def make_csv(path: Path, count: int, codes: list[str]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(_rows(count, codes))


def make_xlsx(path: Path, count: int, codes: list[str]) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADER)
    for row in _rows(count, codes):
        sheet.append(row)
    book.save(path)


HUGE_ROWS = 1_500_000
TARGET_REFUSAL_SECONDS = 5
_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="xl/workbook.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
        '</Relationships>'),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Kortit" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/></Relationships>'),
}


def make_huge_xlsx(path: Path, count: int, codes: list[str]) -> None:
    """A ``count``-row workbook whose sheet declares no <dimension> (its size shows only by reading it), written
    streaming through zipfile: birth year, municipality code and children, numbers only."""
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        for name, text in _XLSX_PARTS.items():
            book.writestr(name, text)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet '
                        b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                        b'<row r="1"><c r="A1" t="inlineStr"><is><t>birth_year</t></is></c>'
                        b'<c r="B1" t="inlineStr"><is><t>municipality</t></is></c>'
                        b'<c r="C1" t="inlineStr"><is><t>children</t></is></c></row>')
            block = []
            for i in range(2, count + 2):
                block.append(f'<row r="{i}"><c r="A{i}"><v>{1940 + i % 60}</v></c><c r="B{i}"><v>'
                             f'{codes[i % len(codes)]}</v></c><c r="C{i}"><v>{i % 4}</v></c></row>')
                if len(block) == 10_000:
                    sheet.write("".join(block).encode())
                    block = []
            sheet.write("".join(block).encode() + b"</sheetData></worksheet>")


def run_refusal(path: Path, office, user, worker: Worker) -> tuple[float, str]:
    """Seconds from queuing the validation of ``path`` to its refusal, and the refusal's code."""
    from django.core.files import File

    from cards import imports, tasks

    with path.open("rb") as handle:
        job = imports.job_create(user=user, office=office, upload=File(handle, name=path.name))
    started = time.monotonic()
    tasks.import_validate_task.delay(job.pk)
    _wait(job, {"validated", "refused", "failed"}, worker)
    return time.monotonic() - started, job.error or job.status


def _wait(job, statuses: set[str], worker: Worker | None) -> None:
    while True:
        job.refresh_from_db()
        if worker is not None:
            worker.sample()
        if job.status in statuses:
            return
        if worker is not None and worker.process.poll() is not None:
            sys.exit("the Celery worker stopped")
        time.sleep(0.2)


def run_job(path: Path, office, user, worker: Worker) -> dict:
    from django.core.files import File

    from cards import imports, tasks

    with path.open("rb") as handle:
        job = imports.job_create(user=user, office=office, upload=File(handle, name=path.name))
    started = time.monotonic()
    tasks.import_validate_task.delay(job.pk)
    _wait(job, {"validated", "refused", "failed"}, worker)
    validated = time.monotonic()
    if job.status != "validated":
        sys.exit(f"{path.name}: {job.status} {job.error} {job.errors[:5]}")
    imports.job_confirm(job=job)
    tasks.import_write_task.delay(job.pk)
    _wait(job, {"done", "refused", "failed"}, worker)
    finished = time.monotonic()
    if job.status != "done":
        sys.exit(f"{path.name}: {job.status} {job.error}")
    return {"rows": job.rows_read, "cards": job.cards_created, "validate_s": validated - started,
            "write_s": finished - validated, "total_s": finished - started}


def count_queries(office, user, codes: list[str], sample: int, out: Path) -> float:
    from django.core.files import File
    from django.db import connection

    from cards import imports

    path = out / f"sample-{uuid.uuid4().hex[:8]}.csv"
    make_csv(path, sample, codes)
    statements = []
    with path.open("rb") as handle:
        job = imports.job_create(user=user, office=office, upload=File(handle, name=path.name))
    def counting(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counting):
        imports.job_validate(job.pk)
        imports.job_confirm(job=job)
        job = imports.job_write(job.pk)
    path.unlink()
    assert job.status == "done", (job.status, job.error)
    return len(statements) / sample * 1000


def run(args: argparse.Namespace, env: dict) -> None:
    import django

    django.setup()
    office, user, codes = _world()
    out = ROOT / "bench-out" / "import"
    out.mkdir(parents=True, exist_ok=True)
    files = [("CSV", out / f"cards-{uuid.uuid4().hex[:8]}.csv", make_csv)]
    if not args.skip_xlsx:
        files.append(("XLSX", out / f"cards-{uuid.uuid4().hex[:8]}.xlsx", make_xlsx))
    worker = Worker(env)
    results = {}
    try:
        time.sleep(4)  # the worker connects to the broker
        if not args.skip_huge:  # first, so the worker's peak so far is this job's
            path = out / f"huge-{uuid.uuid4().hex[:8]}.xlsx"
            t0 = time.monotonic()
            make_huge_xlsx(path, HUGE_ROWS, codes)
            print(f"XLSX without <dimension>: generated {HUGE_ROWS:,} rows ({path.stat().st_size / 1e6:.1f} MB) in "
                  f"{time.monotonic() - t0:.1f} s", flush=True)
            seconds, outcome = run_refusal(path, office, user, worker)
            path.unlink()
            worker.sample()
            huge_mb = worker.peak_kib / 1024
            verdict = ("OK" if outcome == "import_too_many_rows" and seconds <= TARGET_REFUSAL_SECONDS
                       and huge_mb <= TARGET_RSS_MB else "OVER TARGET")
            print(f"1.5M-row XLSX refused in {seconds:.1f} s, RSS {huge_mb:.0f} MB ({outcome}; target ≤ "
                  f"{TARGET_REFUSAL_SECONDS} s, ≤ {TARGET_RSS_MB} MB): {verdict}", flush=True)
        for kind, path, make in files:
            t0 = time.monotonic()
            make(path, args.rows, codes)
            print(f"{kind}: generated {args.rows:,} rows ({path.stat().st_size / 1e6:.1f} MB) in "
                  f"{time.monotonic() - t0:.1f} s", flush=True)
            result = run_job(path, office, user, worker)
            path.unlink()
            results[kind] = result
            print(f"{kind}: validate {result['validate_s']:.1f} s "
                  f"({result['rows'] / result['validate_s']:,.0f} rows/s), "
                  f"write {result['write_s']:.1f} s ({result['cards'] / result['write_s']:,.0f} rows/s), "
                  f"total {result['total_s']:.1f} s ({result['cards'] / result['total_s']:,.0f} rows/s), "
                  f"{result['cards']:,} cards", flush=True)
    finally:
        worker.sample()
        worker.stop()
    peak_mb = worker.peak_kib / 1024
    print(f"worker peak RSS (VmHWM, largest worker process): {peak_mb:.0f} MB (target ≤ {TARGET_RSS_MB} MB)")
    per_thousand = count_queries(office, user, codes, args.sample, out)
    print(f"queries per 1,000 rows (validate + write, {args.sample:,}-row sample): {per_thousand:.1f}")
    csv_total = results["CSV"]["total_s"]
    verdict = "OK" if csv_total <= TARGET_SECONDS and peak_mb <= TARGET_RSS_MB else "OVER TARGET"
    print(f"CSV {results['CSV']['cards']:,} cards in {csv_total:.1f} s (target ≤ {TARGET_SECONDS} s): {verdict}")


def main() -> None:
    args = parse_args()
    env = bench_env()
    if args.step == "run":
        run(args, env)
        return
    ensure_database(env["DATABASE_URL"])
    if not args.skip_migrate:
        manage(env, "migrate", "--noinput", "-v", "0")
    command = [sys.executable, __file__, "--step", "run", "--rows", str(args.rows), "--sample", str(args.sample)]
    if args.skip_xlsx:
        command.append("--skip-xlsx")
    if args.skip_huge:
        command.append("--skip-huge")
    subprocess.run(command, cwd=ROOT, env=env, check=True)


if __name__ == "__main__":
    main()
