"""The embedded PostgreSQL: per-user data reused across runs, shared by concurrent processes, stopped cleanly."""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from tests.conftest import ROOT, server_folder

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


@pytest.fixture
def folder():
    """A folder of its own for the data directory (see ``tests.conftest.server_folder``)."""
    made = server_folder("veille-embedded-test-")
    yield made
    shutil.rmtree(made, ignore_errors=True)


def test_two_processes_starting_at_once_share_one_server_which_stops_after(folder):
    data = folder / "data"
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


def test_a_killed_process_does_not_keep_the_server_up(folder):
    data = folder / "data"
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


def test_a_first_start_killed_during_initdb_is_repaired_by_the_next_command(folder):
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


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _stat(path: Path) -> str:
    """The mode and owner as a user checks them: ``stat -c '%a %U'``."""
    return subprocess.run(["stat", "-c", "%a %U", str(path)], capture_output=True, text=True, check=True).stdout.strip()


# Run as root, the server runs as its own user, to which the folders veille makes belong.
OWNER = "embedded_postgres" if os.geteuid() == 0 else None


def test_what_veille_keeps_in_its_data_directory_is_its_owners_alone(folder):
    data = folder / "data"
    for args in (("db", "info"), ("db", "reader-password")):
        proc = veille(data, *args)
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    owner = OWNER or subprocess.run(["id", "-un"], capture_output=True, text=True).stdout.strip()
    assert _stat(data) == f"700 {owner}"  # root included: the package widened it at start, veille set it back
    assert _stat(data / "pgdata") == f"700 {owner}"
    assert _stat(folder) == "755 " + subprocess.run(["id", "-un"], capture_output=True, text=True).stdout.strip()
    files = [p for p in data.iterdir() if p.is_file()]
    assert {p.name for p in files} >= {"reader.pgpass", "embedded-postgres.log"}
    assert {p.name: _mode(p) for p in files} == {p.name: 0o600 for p in files}


def test_the_server_works_and_stops_cleanly_behind_a_0700_data_directory(folder):
    """The mode set back after the start holds while the server runs: sessions, writes, a
    checkpoint, and the stop the package runs as the server's user."""
    data = folder / "data"
    script = "CREATE TABLE t AS SELECT generate_series(1, 1000) AS n;\nCHECKPOINT;\nSELECT count(*) FROM t;\n"
    proc = veille(data, "db", "shell", stdin=subprocess.PIPE)
    out, err = proc.communicate(script, timeout=120)
    assert proc.returncode == 0, err
    assert "1000" in out
    assert _stat(data).startswith("700 ")
    assert wait_gone(data) == []
    log = (data / "pgdata" / "log").read_text()
    assert "database system is shut down" in log  # a clean stop, not the package's kill
    proc = veille(data, "db", "shell", stdin=subprocess.PIPE)
    out, err = proc.communicate("SELECT count(*) FROM t;\n", timeout=120)
    assert proc.returncode == 0, err
    assert "1000" in out
    assert "not properly shut down" not in (data / "pgdata" / "log").read_text()
    assert _stat(data).startswith("700 ")


@pytest.mark.skipif(os.geteuid() != 0, reason="embedded-postgres changes folders' modes only when run as root")
def test_run_as_root_veille_changes_no_folder_it_did_not_create(folder):
    home = folder / "home"
    home.mkdir(mode=0o700)
    home.chmod(0o700)
    data = home / "veille" / "data"
    proc = veille(data, "db", "info")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1
    assert err.strip().splitlines() == [
        "veille : erreur : lancé en root, veille fait tourner PostgreSQL sous l'utilisateur embedded_postgres, "
        f"qui doit pouvoir traverser {home} (droits 700) pour atteindre {data / 'pgdata'} ; veille ne change pas "
        f"les droits d'un dossier qu'il n'a pas créé — ouvrez-le vous-même (chmod go+rx {home}), choisissez "
        "VEILLE_DATA_DIR ailleurs (par exemple /var/lib/veille), ou lancez veille sous un utilisateur ordinaire"
    ]
    assert _stat(home) == "700 root" and list(home.iterdir()) == []  # untouched, nothing made in it
    # Once the user has opened it as the line says, veille starts, and leaves it as the user set it;
    # the folders it made are 0700, the server's user's.
    home.chmod(0o755)  # chmod go+rx
    proc = veille(data, "db", "info")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert _stat(home) == "755 root"
    assert _stat(home / "veille") == _stat(data) == _stat(data / "pgdata") == "700 embedded_postgres"


def test_a_server_that_cannot_start_names_the_log_that_says_why(folder):
    data = folder / "data"
    proc = veille(data, "db", "info")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert wait_gone(data) == []
    with (data / "pgdata" / "postgresql.conf").open("a", encoding="utf-8") as conf:
        conf.write("\nshared_buffers = 'beaucoup'\n")  # a setting PostgreSQL refuses at start
    proc = veille(data, "db", "info")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1
    [line] = err.strip().splitlines()
    assert line.startswith("veille : erreur : le PostgreSQL embarqué n'a pas démarré"), err
    log = data / "pgdata" / "log"
    assert line.endswith(f"voir le journal {log}, ou définissez DATABASE_URL vers un serveur PostgreSQL"), err
    assert "shared_buffers" in log.read_text(encoding="utf-8")  # the named log holds the reason


@pytest.mark.skipif(os.geteuid() != 0, reason="embedded-postgres changes folders' modes only when run as root")
def test_run_as_root_a_private_data_directory_the_user_made_is_used_once_given_to_the_server(folder):
    data = folder / "mine"
    data.mkdir(mode=0o700)
    data.chmod(0o700)
    proc = veille(data, "db", "info")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1
    assert f"donnez-le à cet utilisateur pour le garder privé (chown embedded_postgres: {data})" in err, err
    assert _stat(data) == "700 root" and list(data.iterdir()) == []
    subprocess.run(["chown", "embedded_postgres:", str(data)], check=True)  # as the line says
    proc = veille(data, "db", "info")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert _stat(data) == "700 embedded_postgres"  # widened by the package at start, set back as it was
    assert wait_gone(data) == []
