"""A crawl killed with SIGKILL at any moment loses nothing and stores nothing twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import psutil
import pytest

from tests.conftest import ROOT
from tests.crawler.conftest import expected_documents

# Radio Nord asks for one second between requests (Crawl-delay): left out to keep the test short.
SOURCES = ("lequotidien", "echodunord", "courrierprovence", "infocontinu", "ledecodeur", "pretoire")


@pytest.mark.slow
def test_a_killed_crawl_resumes_without_losses_or_duplicates(fresh_env, miniweb):
    env = fresh_env()
    args = [a for s in SOURCES for a in ("--source", s)]
    miniweb.reset_counters()
    slow_before = miniweb.slow
    # The slow page holds the crawl open while we kill it: long enough that it is still in flight however
    # long the first fifteen documents take on a loaded machine (the crawl's timeout is 30 s).
    miniweb.slow = 20.0
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "veille", "--config", str(env.config), "crawl", *args],
            env={**os.environ, "DATABASE_URL": env.db_url},
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        children = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            stored = env.query("SELECT count(*) AS n FROM documents")[0]["n"]
            if stored >= 15:
                break
            time.sleep(0.2)
        assert process.poll() is None, "the crawl ended before it could be killed"
        children = psutil.Process(process.pid).children(recursive=True)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        miniweb.slow = slow_before
    expected = expected_documents(miniweb, SOURCES)
    killed_with = len({r["canonical_url"] for r in env.query("SELECT canonical_url FROM documents")} & set(expected))
    assert 15 <= killed_with < len(expected)
    gone = psutil.wait_procs(children, timeout=10)[1]
    assert gone == [], "extraction workers outlived the killed crawl"

    result = env.veille("crawl", *args)
    assert result.returncode == 0, result.stderr
    rows = env.query("SELECT canonical_url, count(*) OVER (PARTITION BY text_hash, source_id) AS same FROM documents")
    stored = {r["canonical_url"] for r in rows}
    assert set(expected) <= stored, sorted(set(expected) - stored)
    assert len(rows) == len(stored)
    assert all(r["same"] == 1 for r in rows)
    runs = env.query("SELECT status FROM runs WHERE kind = 'crawl' ORDER BY id")
    # The killed run stays visible as such: closed as interrupted by the rerun, which found its lock gone.
    assert [r["status"] for r in runs] == ["interrupted", "ok"]
