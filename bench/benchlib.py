"""Set-up shared by the benchmarks (bench/counter.py, bench/stats.py): the loopback PostgreSQL database
they generate their data in, and manage.py with their environment."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/kk_bench"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def database_url() -> str:
    """``BENCH_DATABASE_URL`` (never DATABASE_URL): PostgreSQL on a loopback address."""
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        sys.exit(f"BENCH_DATABASE_URL must be PostgreSQL, not {parts.scheme or url!r}")
    if (parts.hostname or "") not in LOOPBACK:
        sys.exit("The benchmark only talks to loopback addresses; BENCH_DATABASE_URL must be on 127.0.0.1.")
    return url


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit((parts.scheme.replace("pgsql", "postgresql"), parts.netloc, "/postgres", "", ""))
    with psycopg.connect(admin.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            print(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)
