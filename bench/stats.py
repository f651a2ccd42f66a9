#!/usr/bin/env python
"""Statistics benchmark (DESIGN §9): rollup rebuild, national dashboard, streamed 1M-row CSV export.

    make bench-stats                                    # kk_bench: 1,000,000 cards / 10,000,000 uses
    make bench-stats BENCH_ARGS="--cards 100000 --uses 1000000"

1. Uses ``BENCH_DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/kk_bench``, shared with
   ``make bench-counter``; PostgreSQL on loopback only, never your DATABASE_URL), migrates it and runs
   ``manage.py bench_data`` (idempotent: generates the cards and uses once, later runs skip). The
   benchmark only reads the raw tables; it writes the rollup tables, a few export records and the
   bench logins' sessions.
2. Full rollup rebuild, then the nightly incremental run (the state set back one day, so it rolls up
   a day of uses and recounts those cards), each in its own process.
3. The national dashboard (``/reports/national/``, current year, all regions) through the Django
   test client as ``bench-coordinator``: one warm-up, then ``--requests`` timed requests (target
   ≤ 300 ms). The regional dashboard (``bench-contact``) and ``/api/v1/stats/summary/`` alongside,
   and the national one with the live part (today's uses, summed from ``cards.DailyCount``) computed on
   every request (``REPORTS_LIVE_SECONDS=0``). Issue 17: the same with the whole cache emptied before
   every third request (``*_expiries``, the all-years view too), the process's first dashboard request
   with an empty cache, and the first request after emptying the cache in a running process.
4. The uses CSV (``/reports/uses.csv``) for the shortest run of recent months with at least
   ``--export-rows`` uses, streamed through a ``StreamingHttpResponse`` and consumed chunk by chunk in
   a fresh process; prints rows, seconds and the resident memory along the way and at its peak.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from benchlib import ROOT, database_url, ensure_database, manage


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cards", type=int, default=1_000_000)
    parser.add_argument("--uses", type=int, default=10_000_000)
    parser.add_argument("--requests", type=int, default=15, help="Timed dashboard requests.")
    parser.add_argument("--export-rows", type=int, default=1_000_000)
    parser.add_argument("--skip-data", action="store_true", help="Do not migrate or generate data.")
    parser.add_argument("--skip-rollup", action="store_true", help="Keep the rollups as they are.")
    parser.add_argument("--step", choices=["rollup-full", "rollup-incremental", "dashboard", "export"],
                        help=argparse.SUPPRESS)
    return parser.parse_args()




def bench_env(url: str) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "kaikukanta.settings",
           "PRIVATE_MEDIA_ROOT": str(ROOT / "bench-out" / "private"), "LOG_LEVEL": "WARNING",
           # The bench logins sign in with force_login: two-factor set-up is sign-in, not what is timed here.
           "MFA_REQUIRED_FOR_REGIONAL": "False"}
    env.pop("REDIS_URL", None)  # tasks eager, cache in memory: the benchmark measures the database path
    return env


def run_step(env: dict, step: str, args: argparse.Namespace) -> dict:
    command = [sys.executable, __file__, "--step", step, "--requests", str(args.requests),
               "--export-rows", str(args.export_rows)]
    out = subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    sys.stderr.write(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- steps (each in its own process) ---------------------------------------------------------------


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def peak_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def step_rollup(full: bool) -> dict:
    setup_django()
    import datetime

    from reports.models import HolderYear, RollupState, UseMonthly
    from reports.services import rollup_rebuild

    if not full:
        # A night's work: pretend the last run was 24 hours ago, so yesterday's uses (and whatever
        # was logged or cancelled since) are rolled up now.
        state = RollupState.objects.get(pk=1)
        RollupState.objects.filter(pk=1).update(cutoff=state.cutoff - datetime.timedelta(days=1),
                                                as_of=state.as_of - datetime.timedelta(days=1))
    started = time.perf_counter()
    run = rollup_rebuild(full=full)
    seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 2), "months": run.months, "cards": run.cards_touched,
            "use_rows": UseMonthly.objects.count(), "holder_rows": HolderYear.objects.count()}


def _login_client(username: str):
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _timed(client, url: str, n: int, clear_every: int = 0) -> dict:
    """p50/p95/max of ``n`` requests after one warm-up; ``clear_every``: empty the whole cache (the live part, the
    sessions, everything) before every such request, so the figures include requests after a cache expiry."""
    from django.core.cache import cache
    from django.db import connection, reset_queries

    response = client.get(url)  # warm-up: caches, first template compile
    assert response.status_code == 200, (url, response.status_code)
    times, queries = [], 0
    for index in range(n):
        if clear_every and index % clear_every == 0:
            cache.clear()
        reset_queries()
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        queries = len(connection.queries)
        assert response.status_code == 200
    times.sort()
    return {"p50_ms": round(statistics.median(times), 1), "p95_ms": round(times[max(0, int(len(times) * .95) - 1)], 1),
            "max_ms": round(times[-1], 1), "queries": queries, "bytes": len(response.content)}


def step_dashboard(requests: int) -> dict:
    setup_django()
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection, reset_queries
    from django.utils import timezone

    # As a web process does at start-up (kaikukanta/wsgi.py) before its first request: URLs, translations and
    # templates ready, nothing from the database or the cache.
    from kaikukanta.warmup import warm_up

    warm_up()
    # Count queries (connection.queries) without DEBUG: DEBUG would also compile the templates in debug mode and
    # measure a slower page than production serves.
    connection.force_debug_cursor = True

    year = timezone.localdate().year
    coordinator = _login_client("bench-coordinator")
    contact = _login_client("bench-contact")
    def once(client, url: str) -> dict:
        cache.clear()
        reset_queries()
        started = time.perf_counter()
        response = client.get(url)
        ms = round((time.perf_counter() - started) * 1000, 1)
        assert response.status_code == 200
        return {"p50_ms": ms, "p95_ms": ms, "max_ms": ms, "queries": len(connection.queries),
                "bytes": len(response.content)}

    # The cold first request: the first dashboard request of this process, with an empty cache (nothing of
    # today's live part or of anything else cached; no database connection yet), after the process's start-up
    # warm-up as in kaikukanta/wsgi.py. Then the first request
    # after an expiry in a running process: another page has compiled the templates, the cache is emptied.
    process_first = once(coordinator, f"/reports/national/?year={year}")
    once(contact, f"/reports/regional/?year={year - 1}")
    results = {
        "national_cold_first": process_first,
        "national_first_after_expiry": once(coordinator, f"/reports/national/?year={year}"),
        "national": _timed(coordinator, f"/reports/national/?year={year}", requests),
        # Every third request after an emptied cache (REPORTS_LIVE_SECONDS expired, and more).
        "national_expiries": _timed(coordinator, f"/reports/national/?year={year}", requests, clear_every=3),
        "regional_expiries": _timed(contact, f"/reports/regional/?year={year}", requests, clear_every=3),
        "national_all_years": _timed(coordinator, "/reports/national/?year=all", requests, clear_every=3),
        "national_last_year": _timed(coordinator, f"/reports/national/?year={year - 1}", requests),
        "regional": _timed(contact, f"/reports/regional/?year={year}", requests),
        "api_summary": _timed(coordinator, f"/api/v1/stats/summary/?from={year}-01-01", requests),
    }
    # The first request after the live part's cache expires (REPORTS_LIVE_SECONDS) counts today's uses.
    settings.REPORTS_LIVE_SECONDS = 0
    results["national_live_uncached"] = _timed(coordinator, f"/reports/national/?year={year}", max(3, requests // 3))
    return results


def step_export(rows_wanted: int) -> dict:
    setup_django()
    from django.db.models import Sum

    from reports.models import UseMonthly

    months = list(UseMonthly.objects.values_list("month").annotate(n=Sum("uses")).order_by("-month"))
    total, first = 0, None
    for month, n in months[1:]:  # whole months before the current one
        total += n
        first = month
        if total >= rows_wanted:
            break
    last = months[1][0]
    client = _login_client("bench-coordinator")
    base_rss = rss_kib()
    started = time.perf_counter()
    response = client.get(f"/reports/uses.csv?from={first:%Y-%m}&to={last:%Y-%m}")
    lines, size, samples, next_sample = 0, 0, [], 100_000
    for chunk in response.streaming_content:
        lines += chunk.count(b"\n")
        size += len(chunk)
        if lines >= next_sample:
            samples.append((lines, rss_kib() // 1024))
            next_sample += 250_000
    seconds = time.perf_counter() - started
    return {"rows": lines - 1, "expected_rows": total, "months": f"{first:%Y-%m}..{last:%Y-%m}",
            "seconds": round(seconds, 1), "mib": round(size / 2**20, 1), "rss_before_mib": base_rss // 1024,
            "rss_samples_mib": samples, "peak_rss_mib": peak_kib() // 1024}


# --- main ------------------------------------------------------------------------------------------


def main() -> None:
    args = parse_args()
    if args.step:
        if args.step == "rollup-full":
            result = step_rollup(full=True)
        elif args.step == "rollup-incremental":
            result = step_rollup(full=False)
        elif args.step == "dashboard":
            result = step_dashboard(args.requests)
        else:
            result = step_export(args.export_rows)
        print(json.dumps(result, default=str))
        return

    url = database_url()
    env = bench_env(url)
    if not args.skip_data:
        ensure_database(url)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "bench_data", "--cards", str(args.cards), "--uses", str(args.uses))
    print(f"database: {urlsplit(url).path.lstrip('/')} (cards {args.cards:,}, uses {args.uses:,})")
    if not args.skip_rollup:
        full = run_step(env, "rollup-full", args)
        print(f"rollup, full rebuild:      {full['seconds']:>7.2f} s  ({full['use_rows']:,} venue-month rows, "
              f"{full['holder_rows']:,} card-year rows)")
        incremental = run_step(env, "rollup-incremental", args)
        print(f"rollup, nightly incremental (yesterday's uses): {incremental['seconds']:.2f} s  "
              f"(months {incremental['months']}, cards recounted {incremental['cards']:,})")
    dashboards = run_step(env, "dashboard", args)
    for name, figures in dashboards.items():
        print(f"{name:<22} p50 {figures['p50_ms']:>6.1f} ms  p95 {figures['p95_ms']:>6.1f} ms  "
              f"max {figures['max_ms']:>6.1f} ms  {figures['queries']} queries  {figures['bytes'] // 1024} KiB")
    print("(*_expiries, national_all_years: the whole cache emptied before every 3rd timed request; "
          "national_live_uncached: REPORTS_LIVE_SECONDS=0, the live part summed on every request; "
          "national_cold_first: the process's first dashboard request after its start-up warm-up "
          "(kaikukanta/wsgi.py), cache empty; "
          "national_first_after_expiry: the first request after the whole cache is emptied in a running process)")
    for name in ("national", "national_expiries", "regional_expiries", "national_all_years", "national_last_year",
                 "regional", "national_live_uncached", "national_cold_first", "national_first_after_expiry"):
        target = dashboards[name]["p95_ms"]
        print(f"{name} p95 {target:.0f} ms: {'within' if target <= 300 else 'OVER'} the 300 ms target")
    export = run_step(env, "export", args)
    print(f"uses CSV {export['months']}: {export['rows']:,} rows ({export['mib']} MiB) in {export['seconds']} s; "
          f"RSS before {export['rss_before_mib']} MiB, along the way {export['rss_samples_mib']}, "
          f"peak {export['peak_rss_mib']} MiB")


if __name__ == "__main__":
    main()
