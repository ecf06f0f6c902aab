"""The embedded PostgreSQL: per-user data reused across runs, shared by concurrent processes, stopped cleanly."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("VEILLE_TEST_DATABASE_URL")), reason="embedded-server tests run in the embedded pass"
)


def env_for(data_dir):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "VEILLE_CONFIG")}
    env["VEILLE_DATA_DIR"] = str(data_dir)
    return env


def postmasters(data_dir):
    found = []
    for p in psutil.process_iter(["name", "cmdline"]):
        try:
            if p.info["name"] == "postgres" and str(data_dir / "pgdata") in " ".join(p.info["cmdline"] or []):
                found.append(p)
        except psutil.Error:
            continue
    return [p for p in found if "-D" in (p.info["cmdline"] or [])]


def veille(data_dir, *args, **kwargs):
    return subprocess.Popen(
        [sys.executable, "-m", "veille", *args],
        env=env_for(data_dir),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def wait_gone(data_dir, seconds=20):
    deadline = time.monotonic() + seconds
    while postmasters(data_dir) and time.monotonic() < deadline:
        time.sleep(0.2)
    return postmasters(data_dir)


def test_two_processes_starting_at_once_share_one_server_which_stops_after(tmp_path):
    data = tmp_path / "data"
    procs = [veille(data, "db", "info") for _ in range(3)]
    outs = [p.communicate(timeout=120) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err
        assert f"Données : {data / 'pgdata'}" in out
        assert "1 migration" in out or "migration(s) appliquée(s)" in out
    assert wait_gone(data) == [], "the embedded server was left running"
    # Data is kept and reused: the next run finds the migrated database.
    again = veille(data, "db", "status")
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    assert "appliquée   0001_initial" in out


def test_a_killed_process_does_not_keep_the_server_up(tmp_path):
    data = tmp_path / "data"
    holder = veille(data, "db", "shell", stdin=subprocess.PIPE)  # psql waits on stdin
    deadline = time.monotonic() + 60
    while not postmasters(data) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert postmasters(data), "server did not start"
    time.sleep(1)
    holder.send_signal(signal.SIGKILL)
    holder.wait(10)
    for pipe in (holder.stdin, holder.stdout, holder.stderr):  # its orphaned psql may hold the other ends
        pipe.close()
    for child in psutil.process_iter(["name", "cmdline"]):  # its psql, orphaned by SIGKILL
        try:
            if child.info["name"] == "psql" and str(data) in " ".join(child.info["cmdline"] or []):
                child.kill()
        except psutil.Error:
            pass
    pids = json.loads((data / "pgdata" / ".handle_pids.json").read_text())
    assert holder.pid in pids  # the dead process is still registered…
    after = veille(data, "db", "status")
    out, err = after.communicate(timeout=120)
    assert after.returncode == 0, err
    assert wait_gone(data) == [], "a killed veille process kept the embedded server running"  # …and pruned


def test_a_first_start_killed_during_initdb_is_repaired_by_the_next_command(tmp_path):
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="veille-initdb-test-"))  # see tests/veille/test_serve.py
    data = folder / "data"
    try:
        first = subprocess.Popen(
            [sys.executable, "-m", "veille", "db", "info"],
            env=env_for(data),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while not (data / "pgdata" / "PG_VERSION").exists():  # initdb has begun, and is far from done
            assert first.poll() is None and time.monotonic() < deadline, first.communicate()
            time.sleep(0.005)
        os.killpg(first.pid, signal.SIGKILL)  # the command and its initdb, as a killed terminal would
        first.communicate(timeout=10)  # and close its pipes
        assert not (data / "pgdata" / "base" / "5").exists(), "initdb finished before the kill: retry"
        again = veille(data, "db", "info")
        out, err = again.communicate(timeout=180)
        assert again.returncode == 0, err
        assert "laissé inachevé par un premier démarrage interrompu" in err and "recréé" in err
        assert "schéma :" in out
        assert list(folder.glob("data/pgdata.interrompu-*")), "the unfinished directory was not kept aside"
        assert wait_gone(data) == []
    finally:
        shutil.rmtree(folder, ignore_errors=True)
