"""The rollup and a monthly report through a real Celery worker on Redis (not eager).

Runs when REDIS_URL is set and the database is PostgreSQL (the worker is another process and must
see the test database, so the data is committed: transactional_db).
"""

import datetime
import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from kaikukanta import celery_app
from regions.tests.factories import RegionContactFactory, UserFactory
from reports.models import ReportFile, RollupRun, RollupState
from reports.selectors import Period, summary_for
from reports.tasks import regional_monthly_report_task, rollup_rebuild_task

from .factories import card, network, use

pytestmark = [
    pytest.mark.broker,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (a real broker)"),
]


def _database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(transactional_db, tmp_path):
    if not settings.IS_POSTGRES:
        pytest.skip("the worker process needs the PostgreSQL test database")
    queue = f"kaikukanta-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
        "EMAIL_URL": f"filemail://{tmp_path / 'mail'}".replace("://", ":///"),  # an absolute path
        "SITE_URL": settings.SITE_URL,
        "DATABASE_CONN_MAX_AGE": "0",
    }
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 - closed at teardown
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "kaikukanta", "worker", "--pool=solo", "-Q", queue,
         "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        yield {"queue": queue, "mail": tmp_path / "mail", "log": tmp_path / "worker.log"}
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def test_rollup_and_monthly_report_run_on_a_real_worker(worker):
    assert celery_app.conf.task_always_eager is False
    net = network()
    today = timezone.localdate()
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    holder = card(net, 0, children=2, issued_on=last_month, valid_until=today + datetime.timedelta(days=300))
    use(holder, net["venues"][0], last_month, children=2)
    use(holder, net["venues"][2], last_month + datetime.timedelta(days=1))
    contact = RegionContactFactory(region=net["north"], user=UserFactory(email="vastuu@example.fi")).user

    result = rollup_rebuild_task.apply_async(queue=worker["queue"])
    run_id = result.get(timeout=120)

    run = RollupRun.objects.get(pk=run_id)
    assert (run.status, run.full) == (RollupRun.Status.DONE, True)
    assert RollupState.objects.get().cutoff == today
    figures = summary_for(None, Period(last_month, today))
    assert (figures["uses_total"], figures["uses_children"], figures["cross_region_uses"]) == (2, 2, 1)

    key = f"{last_month:%Y-%m}"
    file_ids = regional_monthly_report_task.apply_async((net["north"].pk, key), queue=worker["queue"]).get(
        timeout=180)

    files = ReportFile.objects.filter(pk__in=file_ids).order_by("format")
    assert [(f.format, f.status, f.period_key, f.notified_at is not None) for f in files] == [
        ("pdf", "done", key, True), ("xlsx", "done", key, True)]
    assert Path(files[0].file.path).read_bytes()[:4] == b"%PDF"
    mails = "".join(p.read_text() for p in Path(worker["mail"]).glob("*.log"))
    assert contact.email in mails
    assert f"/reports/files/{files[0].pk}/" in mails
    assert "Content-Disposition: attachment" not in mails
