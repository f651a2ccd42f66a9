#!/usr/bin/env python
"""Public catalogue benchmark (issue 13): "Where the card works" with 2,000 venues and 20,000 offers.

    make bench-public                                   # kk_bench_public: 2,000 venues / 20,000 offers
    make bench-public BENCH_ARGS="--requests 200"

1. Uses its own database, ``BENCH_PUBLIC_DATABASE_URL`` (default
   ``postgres://postgres@127.0.0.1:5432/kk_bench_public``; PostgreSQL on loopback only, never your DATABASE_URL nor
   the counter's kk_bench), migrates it and generates, once, 20 regions (two local-only, three pilots) over 100
   municipalities, ``--venues`` venues (2 % pop-ups, 5 % whose period has ended) and ``--offers`` offers (past,
   current and coming, most with a quota, some used up). Later runs find the data and skip this step.
2. Times anonymous requests through the Django test client in a fresh process (DEBUG off, one warm-up each):
   filtered catalogue pages (a region; a municipality and a category; a free text; a category on page 3 in
   Swedish), the unfiltered first page, the region index and a region page. Prints p50/p95/max wall-clock time,
   the Django process's own CPU time (p50/p95: what the page costs in Python whatever else the machine is doing;
   PostgreSQL's time is in the wall clock only) and the number of queries of each page (counted on one extra
   request). Target: a filtered catalogue page p95 <= 150 ms.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from urllib.parse import urlsplit

from benchlib import ROOT, database_url, ensure_database, manage

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/kk_bench_public"
TARGET_MS = 150
PREFIX = "Bench"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--venues", type=int, default=2_000)
    parser.add_argument("--offers", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=100, help="Timed requests per page.")
    parser.add_argument("--skip-data", action="store_true", help="Do not migrate or generate data.")
    parser.add_argument("--step", choices=["data", "pages"], help=argparse.SUPPRESS)
    return parser.parse_args()


def bench_env(url: str) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "kaikukanta.settings",
           "PRIVATE_MEDIA_ROOT": str(ROOT / "bench-out" / "private"), "LOG_LEVEL": "WARNING"}
    env.pop("REDIS_URL", None)  # cache in memory: the benchmark measures the page and the database
    return env


def run_step(env: dict, step: str, args: argparse.Namespace) -> dict:
    command = [sys.executable, __file__, "--step", step, "--venues", str(args.venues), "--offers", str(args.offers),
               "--requests", str(args.requests)]
    out = subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    sys.stderr.write(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# --- steps (each in its own process) ---------------------------------------------------------------


def step_data(venues_wanted: int, offers_wanted: int) -> dict:
    """Regions, municipalities, venues and offers, generated once (deterministic: random.Random(13))."""
    setup_django()
    import datetime
    import random

    from django.db import transaction
    from django.utils import timezone

    from regions.models import Municipality, Region
    from venues.models import Category, Offer, Venue

    existing = Venue.objects.filter(name__startswith=f"{PREFIX}-").count()
    if existing >= venues_wanted:
        return {"generated": False, "venues": existing,
                "offers": Offer.objects.filter(venue__name__startswith=f"{PREFIX}-").count()}
    rng = random.Random(13)
    today = timezone.localdate()
    days = datetime.timedelta
    categories = [value for value, _label in Category.choices]
    with transaction.atomic():
        regions = []
        for n in range(20):
            pilot = n in (2, 3, 4)
            region, _created = Region.objects.get_or_create(name=f"{PREFIX}-alue {n:02d}", defaults={
                "active_from": datetime.date(2016, 1, 1), "pilot": pilot, "local_only": n in (0, 1),
                "active_until": datetime.date(today.year + 1, 12, 31) if pilot else None})
            regions.append(region)
        municipalities = []
        for n in range(100):
            municipality, _created = Municipality.objects.update_or_create(code=f"{100 + n:03d}", defaults={
                "name_fi": f"{PREFIX}kunta {n:02d}", "name_sv": f"{PREFIX}kommun {n:02d}",
                "region": regions[n % 20]})
            municipalities.append(municipality)
        by_region = {region.pk: [m for m in municipalities if m.region_id == region.pk] for region in regions}
        venues = []
        for n in range(venues_wanted):
            popup = n % 50 == 0
            ended = n % 20 == 7
            region = None if popup else regions[n % 20]
            municipality = rng.choice(municipalities if popup else by_region[region.pk])
            start = today - days(rng.randint(30, 3000))
            until = (today - days(rng.randint(1, 25)) if ended
                     else today + days(rng.randint(30, 400)) if popup else None)
            venues.append(Venue(
                name=f"{PREFIX}-kohde {n:04d} {rng.choice(['museo', 'teatteri', 'sali', 'opisto', 'halli'])}",
                category=rng.choice(categories), region=region, municipality=municipality, is_popup=popup,
                website=f"https://kohde{n}.example/", active_from=start, active_until=until,
                public_contact="Kerro Kaikukortin numero, kun varaat lipun lipunmyynnistä tai puhelimitse. "
                               "Lippupalvelut perivät palvelumaksunsa.",
                public_phone=f"+358 40 000 {n:04d}" if n % 3 == 0 else ""))
        venues = Venue.objects.bulk_create(venues, batch_size=1000)
        offers = []
        for n in range(offers_wanted):
            venue = venues[n % len(venues)]
            start = today + days(rng.randint(-200, 120))
            quota = rng.choice([None, 5, 10, 20, 40, 100])
            used = 0 if quota is None else rng.choice([0, quota // 2, quota - 1, quota])
            offers.append(Offer(venue=venue, title=f"{PREFIX}-tarjous {n:05d}",
                                kind=rng.choice([Offer.Kind.EVENT, Offer.Kind.PERFORMANCE, Offer.Kind.COURSE]),
                                starts_on=start, ends_on=start + days(rng.randint(0, 240)), quota=quota,
                                used_count=max(used, 0)))
        Offer.objects.bulk_create(offers, batch_size=2000)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"generated": True, "venues": len(venues), "offers": len(offers)}


def _timed(client, url: str, n: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm-up: caches, first template compile
    assert response.status_code == 200, (url, response.status_code)
    times, cpu = [], []
    for _ in range(n):
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    times.sort()
    cpu.sort()
    return {"p50_ms": round(statistics.median(times), 1), "p95_ms": round(times[max(0, int(len(times) * .95) - 1)], 1),
            "max_ms": round(times[-1], 1), "queries": len(captured.captured_queries),
            "cpu_p50_ms": round(statistics.median(cpu), 1),
            "cpu_p95_ms": round(cpu[max(0, int(len(cpu) * .95) - 1)], 1),
            "bytes": len(response.content)}


def step_pages(requests: int) -> dict:
    setup_django()
    from django.test import Client

    from regions.models import Municipality, Region

    region = Region.objects.get(name=f"{PREFIX}-alue 05")
    local = Region.objects.get(name=f"{PREFIX}-alue 00")
    municipality = Municipality.objects.filter(region=region).order_by("code").first()
    client = Client()
    pages = {
        "filtered: region": f"/fi/venues/?region={region.pk}",
        "filtered: municipality+category": f"/fi/venues/?municipality={municipality.pk}&category=museum",
        "filtered: text": "/fi/venues/?q=teatteri",
        "filtered: category, page 3, sv": "/sv/venues/?category=theatre&page=3",
        "filtered: local-only region": f"/fi/venues/?region={local.pk}&q=museo",
        "unfiltered: page 1": "/fi/venues/",
        "region index": "/fi/regions/",
        "region page": f"/fi/regions/{region.pk}/",
    }
    return {name: {"url": url, **_timed(client, url, requests)} for name, url in pages.items()}


# --- main ------------------------------------------------------------------------------------------


def main() -> None:
    args = parse_args()
    if args.step:
        result = step_data(args.venues, args.offers) if args.step == "data" else step_pages(args.requests)
        print(json.dumps(result, default=str))
        return

    # Its own database: benchlib checks BENCH_DATABASE_URL (PostgreSQL, loopback), so hand it ours.
    os.environ["BENCH_DATABASE_URL"] = os.environ.get("BENCH_PUBLIC_DATABASE_URL", DEFAULT_DB)
    url = database_url()
    env = bench_env(url)
    if not args.skip_data:
        ensure_database(url)
        manage(env, "migrate", "--noinput", "-v0")
        data = run_step(env, "data", args)
        state = "generated" if data["generated"] else "already there"
        print(f"database: {urlsplit(url).path.lstrip('/')}: {data['venues']:,} venues, {data['offers']:,} offers "
              f"({state})")
    pages = run_step(env, "pages", args)
    for name, figures in pages.items():
        print(f"{name:<34} p50 {figures['p50_ms']:>6.1f} ms  p95 {figures['p95_ms']:>6.1f} ms  "
              f"max {figures['max_ms']:>6.1f} ms  (Python CPU p50 {figures['cpu_p50_ms']:>5.1f} / p95 "
              f"{figures['cpu_p95_ms']:>5.1f} ms)  {figures['queries']:>2} queries  {figures['bytes'] // 1024:>3} KiB  "
              f"{figures['url']}")
    worst = max(figures["p95_ms"] for name, figures in pages.items() if name.startswith("filtered"))
    print(f"filtered catalogue page p95 (worst of the filtered pages) {worst:.0f} ms: "
          f"{'within' if worst <= TARGET_MS else 'OVER'} the {TARGET_MS} ms target ({args.requests} requests each)")


if __name__ == "__main__":
    main()
