#!/usr/bin/env python
"""Counter benchmark (DESIGN §9): check a card and log a ticket through the real HTTP stack.

    make bench-counter                       # 1,000,000 cards / 10,000,000 uses in database kk_bench
    make bench-counter BENCH_ARGS="--cards 100000 --uses 1000000 --duration 10"

What it does, in order:

1. Uses ``BENCH_DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/kk_bench``, created if
   missing; PostgreSQL only, never your DATABASE_URL), migrates it and runs ``manage.py bench_data``
   (idempotent: generates the cards and uses once, later runs skip).
2. Starts the web server on 127.0.0.1 as docker-compose.yml does (granian, ``--workers`` × ``--threads``;
   ``--server gunicorn`` compares gunicorn's gthread workers, after ``pip install gunicorn``) with the PostgreSQL
   settings, signs in ``bench-venue`` through the login form (session cookie) and picks valid personal cards
   without a use at its venue today (valid cards only, so the failed-check throttle never trips), dealt one
   per pair from a shuffled deck.
3. For each client count (default 1, 8 and 32 threads, each with its own keep-alive
   ``http.client`` connection, no think time) runs check + log pairs for ``--duration`` seconds after
   a warm-up, and prints p50/p95 of the pair and of each request and the logged uses per second.
   Clients without think time measure capacity: each waits only for its own answers, so at 32 clients
   a pair's latency is 32 / throughput whatever the server does.
4. For each offered rate (``--rates``, default 100 and 200 pairs per second) starts a pair at a steady
   pace, taken by the first free one of as many connections as the largest client count (32 counters),
   and times it from the moment it was due: a server that falls behind shows as queueing in the
   latency. This is the target's measure: p95 of a check + log at 200 uses/s from 32 counters.
5. Prints the database floor next to it: the same check + log called in-process through
   ``cards.services`` (no HTTP, no templates) and as the bare SQL statements over one psycopg connection.

Sessions, the throttle and the cached settings live in Redis as in production (``BENCH_REDIS_URL``,
default ``redis://127.0.0.1:6379/6``; per-process memory if Redis does not answer).
Target: p95 ≤ 50 ms and ≥ 200 logged uses/s. Every address is loopback.
"""

import argparse
import datetime
import http.client
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from benchlib import LOOPBACK, ROOT, database_url, ensure_database, manage

HOST = "127.0.0.1"
USERNAME = "bench-venue"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cards", type=int, default=1_000_000)
    parser.add_argument("--uses", type=int, default=10_000_000)
    parser.add_argument("--clients", default="1,8,32", help="Comma-separated client counts.")
    parser.add_argument("--rates", default="100,200", help="Comma-separated offered pairs per second.")
    parser.add_argument("--duration", type=float, default=20.0, help="Measured seconds per client count.")
    parser.add_argument("--warmup", type=float, default=3.0, help="Unmeasured seconds before each run.")
    parser.add_argument("--workers", type=int, default=2, help="server processes (as docker-compose.yml).")
    parser.add_argument("--threads", type=int, default=2, help="WSGI threads per process (as docker-compose.yml).")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--server", choices=["granian", "gunicorn"], default="granian",
                        help="granian (Rust HTTP, WSGI threads; as docker-compose.yml) or gunicorn (gthread; "
                             "pip install gunicorn first).")
    parser.add_argument("--floor-pairs", type=int, default=500)
    parser.add_argument("--skip-data", action="store_true", help="Do not migrate or generate data.")
    return parser.parse_args()


# --- set-up ----------------------------------------------------------------------------------------



def redis_url() -> str:
    """The bench's Redis database, or "" (per-process memory) when it does not answer."""
    import socket

    url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6")
    parts = urlsplit(url)
    if (parts.hostname or "") not in LOOPBACK:
        sys.exit("The benchmark only talks to loopback addresses; BENCH_REDIS_URL must be on 127.0.0.1.")
    try:
        socket.create_connection((parts.hostname, parts.port or 6379), timeout=1).close()
    except OSError:
        print(f"Redis does not answer at {url}: sessions and the throttle stay in each process's memory")
        return ""
    return url




APPLICATION_NAME = "kk-bench-counter"  # marks the server workers' database sessions for the CPU accounting


def start_server(env: dict, args: argparse.Namespace) -> subprocess.Popen:
    env = dict(env)
    url = env["DATABASE_URL"]
    env["DATABASE_URL"] = f"{url}{'&' if '?' in url else '?'}application_name={APPLICATION_NAME}"
    # Connections live through a whole run, so no database backend (and its CPU time) ends between the
    # CPU snapshots; with the default 60 s each thread reconnects once a minute, which costs nothing here.
    env["DATABASE_CONN_MAX_AGE"] = "600"
    command = [sys.executable, "-m", "granian", "--interface", "wsgi", "kaikukanta.wsgi:application",
               "--host", HOST, "--port", str(args.port), "--workers", str(args.workers),
               "--blocking-threads", str(args.threads), "--backlog", "256", "--log-level", "warning", "--no-ws"]
    if args.server == "gunicorn":
        import importlib.util

        if importlib.util.find_spec("gunicorn") is None:
            sys.exit("--server gunicorn: gunicorn is not installed (not a dependency): .venv/bin/pip install gunicorn")
        command = [
            sys.executable, "-m", "gunicorn", "kaikukanta.wsgi:application", "--bind", f"{HOST}:{args.port}",
            "--workers", str(args.workers), "--worker-class", "gthread", "--threads", str(args.threads),
            "--log-level", "warning", "--keep-alive", "30", "--backlog", "256",
        ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, args.port, timeout=2)
            conn.request("GET", "/healthz/")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    sys.exit(f"{args.server} did not answer /healthz/ within 30 s")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


class Session:
    """Cookies of one signed-in browser: session + CSRF."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def absorb(self, response: http.client.HTTPResponse) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value

    @property
    def header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())


def sign_in(port: int, password: str) -> Session:
    """Sign in through the real login form, as a browser would."""
    session = Session()
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    conn.request("GET", "/accounts/login/")
    response = conn.getresponse()
    session.absorb(response)
    html = response.read().decode()
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not match:
        sys.exit("no CSRF token on the login page")
    body = urlencode({"csrfmiddlewaretoken": match.group(1), "login": USERNAME, "password": password})
    conn.request("POST", "/accounts/login/", body, {
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": session.header,
        "Referer": f"http://{HOST}:{port}/accounts/login/"})
    response = conn.getresponse()
    response.read()
    session.absorb(response)
    if response.status != 302 or "sessionid" not in session.cookies:
        sys.exit(f"signing in as {USERNAME} failed (HTTP {response.status})")
    conn.request("GET", "/venues/counter/", headers={"Cookie": session.header})
    response = conn.getresponse()
    response.read()
    session.absorb(response)
    if response.status != 200:
        sys.exit(f"{USERNAME} cannot open the counter (HTTP {response.status})")
    return session


def pick_cards(limit: int = 100_000) -> list[str]:
    """Valid personal cards that work at the bench venue (not of a local-only region) and have no use there
    today: each pair logs a card's first use of the day, as nearly every use at a real counter is. (Drawing
    again and again from a few cards made the repeat warning the common case: every later run showed each
    card's earlier uses and logged with a confirmation, and grew slower with every run of the day.)"""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from cards.models import Card, Use
    from core.scopes import scope_for

    today = timezone.localdate()
    venue_id = next(iter(scope_for(get_user_model().objects.get(username=USERNAME)).venue_ids))
    with connection.cursor() as cursor:
        cursor.execute(f"""
            SELECT c.number FROM {Card._meta.db_table} c JOIN regions_region r ON r.id = c.region_id
            WHERE c.status = 'active' AND c.kind = 'personal' AND c.issued_on <= %s AND c.valid_until >= %s
              AND NOT r.local_only
              AND NOT EXISTS (SELECT 1 FROM {Use._meta.db_table} u
                              WHERE u.card_id = c.id AND u.venue_id = %s AND u.used_on = %s)
            ORDER BY c.id DESC LIMIT %s
        """, [today, today + datetime.timedelta(days=2), venue_id, today, limit])
        numbers = [row[0] for row in cursor.fetchall()]
    if not numbers:
        sys.exit("no valid card to benchmark with")
    return numbers


class Deck:
    """The cards of a whole run in a shuffled order, dealt one per pair to whichever connection asks: a card
    comes back (as a repeat the check reports) only after every other card has been logged once."""

    def __init__(self, cards: list[str]) -> None:
        self.cards = list(cards)
        random.Random(0).shuffle(self.cards)
        self.position = 0
        self.lock = threading.Lock()

    def deal(self) -> str:
        with self.lock:
            card = self.cards[self.position % len(self.cards)]
            self.position += 1
        return card


# --- measuring -------------------------------------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _proc_cpu(pid: int) -> float:
    """User + system CPU seconds of a process (Linux /proc), 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def _children(pid: int) -> list[int]:
    result = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    result.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return result


def cpu_snapshot(server_pid: int, database: str) -> dict[str, dict[int, float]]:
    """CPU seconds so far of the server's processes and of their PostgreSQL backends (not of anybody
    else using the bench database at the same time)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND application_name = %s",
                       [database, APPLICATION_NAME])
        backends = [row[0] for row in cursor.fetchall()]
    return {"app": {pid: _proc_cpu(pid) for pid in [server_pid, *_children(server_pid)]},
            "db": {pid: _proc_cpu(pid) for pid in backends}}


def cpu_used(before: dict, after: dict) -> dict[str, float]:
    return {part: sum(value - before[part].get(pid, 0.0) for pid, value in after[part].items()) for part in after}


@dataclass
class Samples:
    pair: list[float] = field(default_factory=list)
    check: list[float] = field(default_factory=list)
    log: list[float] = field(default_factory=list)
    logged: int = 0
    all_pairs: int = 0
    errors: int = 0
    error_examples: list[str] = field(default_factory=list)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


class Pair:
    """One check + log at the counter over a keep-alive connection, as the counter's script sends them."""

    def __init__(self, port: int, session: Session) -> None:
        self.port = port
        self.headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json",
                        "X-CSRFToken": session.cookies.get("csrftoken", ""), "Cookie": session.header,
                        "Referer": f"http://{HOST}:{port}/venues/counter/"}

    def connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(HOST, self.port, timeout=30)

    def _post(self, conn: http.client.HTTPConnection, path: str, data: dict) -> tuple[int, bytes, float]:
        t0 = time.perf_counter()
        conn.request("POST", path, urlencode(data), self.headers)
        response = conn.getresponse()
        body = response.read()
        return response.status, body, (time.perf_counter() - t0) * 1000

    def __call__(self, conn: http.client.HTTPConnection, number: str) -> tuple[bool, float, float, str]:
        """(logged, check ms, log ms, what went wrong); raises OSError/HTTPException on a broken connection."""
        status_c, body_c, t_check = self._post(conn, "/venues/counter/check/", {"number": number})
        check = json.loads(body_c) if status_c == 200 else {}
        ok_check = check.get("valid") is True
        key = (check.get("log") or {}).get("idempotency_key") or uuid.uuid4().hex
        log = {"number": number, "idempotency_key": key, "children": "0", "kind": "ticket"}
        if check.get("repeat"):
            # A card comes back the same day only once the deck is used up (or from an earlier run): the bench
            # confirms the repeat the check reported (issue 11) in the same request, rather than timing the page's
            # refusal and "Log again" too.
            log["confirm_repeat"] = "1"
        status_l, body_l, t_log = self._post(conn, "/venues/counter/log/", log)
        ok = ok_check and status_l == 201
        problem = "" if ok else f"{status_c} {body_c[:120]!r} / {status_l} {body_l[:120]!r}"
        return ok, t_check, t_log, problem


def _record(samples: Samples, lock: threading.Lock, ok: bool, t_check: float, t_log: float, pair_ms: float,
            problem: str, *, in_window: bool = True) -> None:
    with lock:
        samples.check.append(t_check)
        samples.log.append(t_log)
        samples.pair.append(pair_ms)
        if ok:
            samples.logged += in_window
        else:
            samples.errors += 1
            if len(samples.error_examples) < 3:
                samples.error_examples.append(problem)


def _broken(samples: Samples, lock: threading.Lock, exc: Exception) -> None:
    with lock:
        samples.errors += 1
        if len(samples.error_examples) < 3:
            samples.error_examples.append(repr(exc))


def run_clients(port: int, session: Session, cards: Deck, clients: int, warmup: float,
                duration: float) -> tuple[Samples, float]:
    """Closed loop: ``clients`` connections, each sends its next pair as soon as the last is answered."""
    samples = Samples()
    lock = threading.Lock()
    pair = Pair(port, session)
    start = time.monotonic() + 0.2
    measure_from = start + warmup
    stop_at = measure_from + duration

    def client(index: int) -> None:
        conn = pair.connect()
        while time.monotonic() < start:
            time.sleep(0.001)
        while True:
            began = time.monotonic()
            if began >= stop_at:
                break
            try:
                ok, t_check, t_log, problem = pair(conn, cards.deal())
            except (OSError, http.client.HTTPException, ValueError) as exc:
                conn.close()
                conn = pair.connect()
                _broken(samples, lock, exc)
                continue
            with lock:
                samples.all_pairs += 1
            if began >= measure_from:
                _record(samples, lock, ok, t_check, t_log, t_check + t_log, problem)
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples, duration


ABANDON_AFTER = 5.0


def run_rate(port: int, session: Session, cards: Deck, rate: float, clients: int, warmup: float,
             duration: float) -> tuple[Samples, float]:
    """Open loop: a pair falls due every 1/``rate`` seconds and is sent by the first free connection of a
    pool; its latency counts from when it fell due, so waiting for a free connection (a server that
    cannot keep up) is part of it."""
    import queue

    samples = Samples()
    lock = threading.Lock()
    pair = Pair(port, session)
    due: queue.Queue = queue.Queue()
    start = time.monotonic() + 0.3
    measure_from = start + warmup
    stop_at = measure_from + duration

    def scheduler() -> None:
        index = 0
        while True:
            at = start + index / rate
            if at >= stop_at:
                break
            delay = at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            due.put(at)
            index += 1
        for _ in range(clients):
            due.put(None)

    def client(index: int) -> None:
        conn = pair.connect()
        while (at := due.get()) is not None:
            if time.monotonic() > stop_at + ABANDON_AFTER:
                # Far behind: the rest is not sent; its wait so far is a lower bound of its latency.
                with lock:
                    samples.pair.append((time.monotonic() - at) * 1000)
                    samples.errors += 1
                    if len(samples.error_examples) < 3:
                        samples.error_examples.append(f"not sent: more than {ABANDON_AFTER} s behind")
                continue
            try:
                ok, t_check, t_log, problem = pair(conn, cards.deal())
            except (OSError, http.client.HTTPException, ValueError) as exc:
                conn.close()
                conn = pair.connect()
                _broken(samples, lock, exc)
                continue
            finished = time.monotonic()
            with lock:
                samples.all_pairs += 1
            if at >= measure_from:
                # Logged uses per second count only the pairs done within the measured window.
                _record(samples, lock, ok, t_check, t_log, (finished - at) * 1000, problem,
                        in_window=finished <= stop_at)
        conn.close()

    threads = [threading.Thread(target=scheduler)] + [threading.Thread(target=client, args=(i,))
                                                      for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples, duration


def floor_services(cards: Deck, pairs: int) -> Samples:
    """The same check + log through cards.services in this process: the rules and the database, no HTTP."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from cards.selectors import repeat_uses
    from cards.services import card_check, use_log
    from core.scopes import forget_scope, scope_for
    from venues.models import Venue

    user = get_user_model().objects.get(username=USERNAME)
    venue = Venue.objects.get(pk=next(iter(scope_for(user).venue_ids)))
    samples = Samples()
    for _ in range(pairs):
        number = cards.deal()
        t0 = time.perf_counter()
        forget_scope(user)  # a request computes the scope once
        result = card_check(user=user, venue=venue, number=number)
        # As the counter's check does (issue 11): the card's uses here today, and a repeat logged as confirmed.
        repeat = bool(result.valid and repeat_uses(user=user, venue=venue, card=result.card, day=timezone.localdate()))
        t1 = time.perf_counter()
        forget_scope(user)
        use_log(user=user, venue=venue, number=number, idempotency_key=uuid.uuid4().hex, repeat_confirmed=repeat)
        t2 = time.perf_counter()
        samples.check.append((t1 - t0) * 1000)
        samples.log.append((t2 - t1) * 1000)
        samples.pair.append((t2 - t0) * 1000)
        samples.logged += result.valid
    return samples


def floor_sql(url: str, cards: Deck, pairs: int) -> Samples:
    """The bare statements of a check and a log over one connection: the database's own floor."""
    import psycopg
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from core.scopes import scope_for

    today = timezone.localdate()
    samples = Samples()

    user = get_user_model().objects.get(username=USERNAME)
    venue_id = next(iter(scope_for(user).venue_ids))
    with psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        venue_region = conn.execute("SELECT region_id FROM venues_venue WHERE id = %s", [venue_id]).fetchone()[0]
        for _ in range(pairs):
            number = cards.deal()
            t0 = time.perf_counter()
            card = conn.execute(
                "SELECT c.id, c.kind, c.region_id, c.status, c.valid_until, r.local_only FROM cards_card c "
                "JOIN regions_region r ON r.id = c.region_id WHERE c.number = %s", [number]).fetchone()
            conn.execute("INSERT INTO cards_cardcheck (at, user_id, venue_id, number, card_id, result, channel) "
                         "VALUES (now(), %s, %s, %s, %s, 'valid', 'counter')", [user.pk, venue_id, number, card[0]])
            t1 = time.perf_counter()
            key = uuid.uuid4().hex
            conn.execute("SELECT id FROM cards_use WHERE venue_id = %s AND idempotency_key = %s", [venue_id, key])
            conn.execute("SELECT c.id FROM cards_card c JOIN regions_region r ON r.id = c.region_id "
                         "WHERE c.number = %s", [number])
            with conn.transaction():
                conn.execute(
                    "INSERT INTO cards_use (card_id, venue_id, kind, children, used_on, logged_at, logged_by_id, "
                    "channel, idempotency_key, cancel_reason, card_kind, card_region_id, venue_region_id, stat_group) "
                    "VALUES (%s, %s, 'ticket', 0, %s, now(), %s, 'counter', %s, '', %s, %s, %s, 'culture')",
                    [card[0], venue_id, today, user.pk, key, card[1], card[2], venue_region])
                conn.execute("UPDATE cards_card SET first_used_on = %s WHERE id = %s AND first_used_on IS NULL",
                             [today, card[0]])
            t2 = time.perf_counter()
            samples.check.append((t1 - t0) * 1000)
            samples.log.append((t2 - t1) * 1000)
            samples.pair.append((t2 - t0) * 1000)
            samples.logged += 1
    return samples


def row(label: str, samples: Samples, seconds: float) -> str:
    def ms(values, p):
        return f"{percentile(values, p):8.1f}"

    rate = samples.logged / seconds if seconds else float("nan")
    return (f"{label:<34}{len(samples.pair):>7}{rate:>9.0f}{ms(samples.pair, 50)}{ms(samples.pair, 95)}"
            f"{ms(samples.check, 50)}{ms(samples.check, 95)}{ms(samples.log, 50)}{ms(samples.log, 95)}"
            f"{samples.errors:>8}")


HEADER = (f"{'':<34}{'pairs':>7}{'uses/s':>9}{'pair50':>8}{'pair95':>8}{'chk50':>8}{'chk95':>8}"
          f"{'log50':>8}{'log95':>8}{'errors':>8}")


def main() -> None:
    args = parse_args()
    url = database_url()
    env = os.environ.copy()
    env.update({"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "kaikukanta.settings", "LOG_LEVEL": "WARNING",
                "DEBUG": "0", "PRODUCTION": "0", "REDIS_URL": redis_url()})
    ensure_database(url)
    if not args.skip_data:
        manage(env, "migrate", "--noinput", "-v", "0")
        t = time.monotonic()
        manage(env, "bench_data", "--cards", str(args.cards), "--uses", str(args.uses))
        print(f"bench_data: {time.monotonic() - t:.0f} s")
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    from cards.models import Card, Use

    cards = pick_cards()
    deck = Deck(cards)
    counts = (Card.objects.count(), Use.objects.count())
    process = start_server(env, args)
    results, cpu = [], []
    try:
        session = sign_in(args.port, settings.DEMO_PASSWORD)
        levels = [("clients", int(n)) for n in args.clients.split(",") if n.strip()]
        levels += [("rate", float(n)) for n in args.rates.split(",") if n.strip()]
        print()
        print(f"Counter benchmark: {counts[0]:,} cards, {counts[1]:,} uses in {urlsplit(url).path.lstrip('/')}; "
              f"{args.server} {args.workers} workers × {args.threads} threads on {HOST}:{args.port}; "
              f"cache and sessions in {env['REDIS_URL'] or 'process memory'}; "
              f"{os.cpu_count()} CPUs; {args.duration:.0f} s per level after {args.warmup:.0f} s warm-up")
        print("latencies in ms; a pair = POST check + POST log; uses/s = logged uses per second")
        print(HEADER)
        database = urlsplit(url).path.lstrip("/")
        for mode, level in levels:
            before = cpu_snapshot(process.pid, database)
            own_before = sum(os.times()[:2])
            if mode == "clients":
                samples, seconds = run_clients(args.port, session, deck, int(level), args.warmup, args.duration)
                label = f"HTTP, {int(level)} client{'s' if level > 1 else ''}"
            else:
                pool = max([int(n) for kind, n in levels if kind == "clients"] or [32])
                samples, seconds = run_rate(args.port, session, deck, level, pool, args.warmup, args.duration)
                label = f"HTTP, {pool} clients, {level:g} pairs/s due"
            used = cpu_used(before, cpu_snapshot(process.pid, database))
            used["clients"] = sum(os.times()[:2]) - own_before  # this process: the load generator itself
            cpu.append((label, {part: 1000 * value / max(samples.all_pairs, 1) for part, value in used.items()}))
            results.append((mode, level, label, samples))
            print(row(label, samples, seconds), flush=True)
            for example in samples.error_examples:
                print(f"    error: {example}")
    finally:
        stop(process)
    t = time.monotonic()
    services = floor_services(deck, args.floor_pairs)
    services_seconds = time.monotonic() - t
    t = time.monotonic()
    sql = floor_sql(url, deck, args.floor_pairs)
    sql_seconds = time.monotonic() - t
    print("database floor (the same check + log without HTTP, one at a time):")
    print(row("services in-process, 1 thread", services, services_seconds))
    print(row("raw SQL, 1 connection", sql, sql_seconds))
    print("target (DESIGN §9): p95 ≤ 50 ms and ≥ 200 logged uses/s; measured with pairs due at a steady 200/s")
    for mode, level, label, samples in results:
        p95 = percentile(samples.pair, 95)
        rate = samples.logged / args.duration
        if mode == "rate":
            met = p95 <= 50 and rate >= 0.99 * level and samples.errors == 0
            print(f"  {label}: pair p95 {p95:.0f} ms {'≤' if p95 <= 50 else '>'} 50, {rate:.0f} uses/s logged"
                  f"{'' if level < 200 else ' -> target ' + ('met' if met and level >= 200 else 'NOT met')}")
        else:
            print(f"  {label} (capacity, no think time): {rate:.0f} uses/s, pair p95 {p95:.0f} ms")
    print(f"CPU per check + log pair ({args.server} processes + PostgreSQL backends; independent of other load):")
    for label, per_pair in cpu:
        total = per_pair["app"] + per_pair["db"]
        print(f"  {label}: app {per_pair['app']:.1f} ms + database {per_pair['db']:.1f} ms = "
              f"{total:.1f} ms CPU -> at most {os.cpu_count() * 1000 / total:.0f} uses/s on {os.cpu_count()} "
              f"otherwise idle cores; the load generator used {per_pair['clients']:.1f} ms more on the same cores")
    import timeit

    calibration = min(timeit.repeat("sum(range(10**6))", number=5, repeat=5)) / 5 * 1000
    print(f"machine: load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}; "
          f"sum(range(10**6)) takes {calibration:.0f} ms here (about 12–15 ms on an idle modern core)")


if __name__ == "__main__":
    main()
