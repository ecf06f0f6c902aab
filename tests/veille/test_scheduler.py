"""The scheduler: catch-up rules, one scheduler per database, clean stop, failures kept local."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from tests.conftest import ROOT
from veille.health import CrawlOutcome, flagged_sources, record_crawl
from veille.scheduler import PARIS, JobSpec, missed_run

NOW = datetime(2024, 6, 26, 10, 0, tzinfo=UTC)
HOURLY = JobSpec("crawl:x", "crawl", ("crawl",), IntervalTrigger(hours=1), timedelta(hours=1), "x")
MONDAY = JobSpec("digest:coco", "digest", ("digest",), CronTrigger.from_crontab("0 8 * * mon", timezone=PARIS))


@pytest.mark.parametrize(
    "spec, last, grace, expected",
    [
        (HOURLY, None, timedelta(hours=6), "run"),  # never crawled: crawl now
        (MONDAY, None, timedelta(hours=6), "none"),  # never sent: wait for Monday
        (HOURLY, NOW - timedelta(minutes=30), timedelta(hours=6), "none"),
        (HOURLY, NOW - timedelta(hours=5), timedelta(hours=6), "run"),  # four runs missed: one catch-up
        (HOURLY, NOW - timedelta(days=3), timedelta(hours=6), "skip"),
        # Last digest on Monday 17 June; Monday 24 June 08:00 Paris was missed 2 days ago.
        (MONDAY, datetime(2024, 6, 17, 6, 0, tzinfo=UTC), timedelta(days=3), "run"),
        (MONDAY, datetime(2024, 6, 17, 6, 0, tzinfo=UTC), timedelta(hours=6), "skip"),
        (MONDAY, datetime(2024, 6, 24, 6, 0, tzinfo=UTC), timedelta(hours=6), "none"),
    ],
)
def test_missed_runs_are_caught_up_once_within_the_grace_time(spec, last, grace, expected):
    assert missed_run(spec, last, NOW, grace) == expected


def test_a_dead_source_is_flagged_and_a_good_run_clears_it(conn):
    conn.execute("INSERT INTO sources (id, name, kind) VALUES ('mort', 'Flux mort', 'feed')")
    assert record_crawl(conn, "mort", CrawlOutcome(items=12, fetched=12, errors=0)) is None
    assert record_crawl(conn, "mort", CrawlOutcome(items=0, fetched=1, errors=0)) is None
    assert record_crawl(conn, "mort", CrawlOutcome(items=0, fetched=1, errors=0)) is None
    reason = record_crawl(conn, "mort", CrawlOutcome(items=0, fetched=1, errors=0))
    assert reason and "aucun article trouvé depuis 3 collectes" in reason
    assert [f["name"] for f in flagged_sources(conn)] == ["Flux mort"]
    assert record_crawl(conn, "mort", CrawlOutcome(items=5, fetched=5, errors=0)) is None
    assert flagged_sources(conn) == []


def test_an_error_rate_jump_is_flagged(conn):
    conn.execute("INSERT INTO sources (id, name, kind) VALUES ('instable', 'Site instable', 'sitemap')")
    for _ in range(4):
        record_crawl(conn, "instable", CrawlOutcome(items=20, fetched=20, errors=1))
    reason = record_crawl(conn, "instable", CrawlOutcome(items=20, fetched=20, errors=16))
    assert reason and "taux d'erreur en hausse : 80 %" in reason.replace("80%", "80 %")


def schedule(config, db_url, *args):
    env = {**__import__("os").environ, "DATABASE_URL": db_url, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "veille", "--config", str(config), "schedule", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_line(proc, needle, seconds=60):
    deadline = time.monotonic() + seconds
    seen = []
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        seen.append(line)
        if needle in line:
            return seen
    raise AssertionError(f"{needle!r} not printed; got: {''.join(seen)}")


@pytest.fixture
def quiet_config(tmp_path):
    path = tmp_path / "veille.toml"
    path.write_text('sources = []\n\n[schedule]\nstop_timeout = "5s"\n', encoding="utf-8")
    return path


def test_a_second_scheduler_refuses_to_start_and_sigterm_stops_the_first_cleanly(quiet_config, db_url):
    first = schedule(quiet_config, db_url)
    try:
        wait_for_line(first, "planificateur démarré")
        second = schedule(quiet_config, db_url)
        out, err = second.communicate(timeout=60)
        assert second.returncode == 1
        assert err.strip().splitlines() == [
            line
            for line in err.strip().splitlines()
            if line.startswith("veille : erreur : un planificateur tourne déjà")
        ]
        assert "un seul planificateur par base" in err
        first.send_signal(signal.SIGTERM)
        out, err = first.communicate(timeout=60)
        assert first.returncode == 0, err
        assert "planificateur arrêté proprement" in out
    finally:
        if first.poll() is None:
            first.kill()


def test_a_command_started_by_the_scheduler_dies_with_it_even_by_sigkill(tmp_path):
    """The scheduler starts its jobs with DIE_WITH_PARENT: killed with SIGKILL, it leaves no job behind
    that the next scheduler, resuming the job, would run a second copy of."""
    import signal
    import subprocess
    import sys
    import time

    import psutil

    from tests.conftest import ROOT
    from veille.cli import DIE_WITH_PARENT

    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"""
import os, subprocess, sys, time
env = {{**os.environ, {DIE_WITH_PARENT!r}: str(os.getpid())}}
child = subprocess.Popen([sys.executable, "-m", "veille", "samples", "serve", "--no-hostile"], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(child.pid, flush=True)
time.sleep(600)
""",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    child = psutil.Process(int(parent.stdout.readline()))
    time.sleep(3)  # the command is up and past its start
    assert child.is_running() and child.status() != psutil.STATUS_ZOMBIE
    parent.send_signal(signal.SIGKILL)
    parent.wait(10)
    parent.stdout.close()
    try:
        child.wait(10)
    except psutil.TimeoutExpired:
        child.kill()
        raise AssertionError("the command outlived the scheduler that started it") from None


def test_a_job_row_is_inserted_then_updated_column_by_column(conn):
    from veille.scheduler import Scheduler

    spec = JobSpec("crawl:lequotidien", "crawl", ("crawl", "--source", "lequotidien"), None)
    started = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
    Scheduler._record_job(None, conn, spec, last_started=started, last_status="running", last_error=None)
    Scheduler._record_job(None, conn, spec, last_status="failed", last_error="boum")
    row = conn.execute("SELECT kind, last_started, last_status, last_error FROM scheduler_jobs").fetchone()
    assert row == {"kind": "crawl", "last_started": started, "last_status": "failed", "last_error": "boum"}
