"""Runs left `running` by a process that died are closed as `interrupted` by the next run."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import psycopg
from psycopg.rows import dict_row

from tests.conftest import ROOT
from veille.runs import KILLED, RUN_LOCK_CLASS, recorded_run

HOLD_A_RUN = """
import sys, time, psycopg
from psycopg.rows import dict_row
from veille.runs import recorded_run
with psycopg.connect(sys.argv[1], row_factory=dict_row) as conn:
    with recorded_run(conn, "crawl") as run:
        print(run.id, flush=True)
        time.sleep(600)
"""


def test_a_killed_run_is_closed_as_interrupted_at_the_next_start_a_live_one_is_not(conn, db_url):
    killed = subprocess.Popen([sys.executable, "-c", HOLD_A_RUN, db_url], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    alive = subprocess.Popen([sys.executable, "-c", HOLD_A_RUN, db_url], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        killed_id, alive_id = int(killed.stdout.readline()), int(alive.stdout.readline())
        killed.send_signal(signal.SIGKILL)
        killed.wait(10)
        deadline = time.monotonic() + 10  # until the server has noticed the closed connection
        while (
            time.monotonic() < deadline
            and conn.execute(
                "SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND classid = %s::bigint::oid "
                "AND objid = %s::bigint::oid",
                (RUN_LOCK_CLASS, killed_id),
            ).fetchone()["n"]
        ):
            time.sleep(0.1)
        with psycopg.connect(db_url, row_factory=dict_row) as other:
            with recorded_run(other, "nlp") as run:
                statuses = {
                    r["id"]: (r["status"], r["error"])
                    for r in conn.execute("SELECT id, status, error FROM runs").fetchall()
                }
                assert statuses[killed_id] == ("interrupted", KILLED)
                assert statuses[alive_id] == ("running", None)
                assert statuses[run.id] == ("running", None)
        assert conn.execute("SELECT status FROM runs WHERE id = %s", (run.id,)).fetchone()["status"] == "ok"
    finally:
        alive.kill()
        killed.kill()
        alive.wait(10)
        for proc in (alive, killed):
            proc.stdout.close()
