"""`veille db serve`: the embedded server kept up for researchers' tools, until Ctrl-C or SIGTERM."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import time

import psycopg
import pytest

from tests.conftest import server_folder
from tests.veille.test_embedded import veille, wait_gone

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("VEILLE_TEST_DATABASE_URL")), reason="embedded-server tests run in the embedded pass"
)


@pytest.fixture
def data():
    """A data directory of its own (see ``tests.conftest.server_folder``)."""
    folder = server_folder("veille-serve-test-")
    yield folder / "data"
    shutil.rmtree(folder, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_serving(data, *args):
    proc = veille(data, "db", "serve", *args)
    lines = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if line.startswith("Exemples"):
            return proc, "".join(lines)
    proc.kill()
    raise AssertionError(f"veille db serve did not come up: {''.join(lines)} {proc.stderr.read()}")


def run(data, *args, input=None):
    proc = veille(data, *args, stdin=subprocess.PIPE if input else None)
    out, err = proc.communicate(input=input, timeout=120)
    return proc.returncode, out, err


def test_serve_keeps_the_server_up_for_readers_over_tcp_until_sigterm(data):
    port = free_port()
    code, out, _ = run(data, "db", "info")
    assert code == 0 and out.startswith("Serveur : arrêté") and "veille db serve" in out.splitlines()[0]
    proc, banner = start_serving(data, "--port", str(port))
    try:
        assert f"postgresql://veille_researcher@127.0.0.1:{port}/veille" in banner
        assert stat.S_IMODE((data / "serve.json").stat().st_mode) == 0o600  # its pid and address: private
        code, out, err = run(data, "db", "reader-password", "--password-stdin", input="motdepasse-de-test\n")
        assert code == 0, err
        # Another command has come and gone: the server is still there, as db info says.
        code, out, _ = run(data, "db", "info")
        assert out.startswith(f"Serveur : en marche, servi par veille db serve (pid {proc.pid}, 127.0.0.1:{port}")
        url = f"postgresql://veille_researcher@127.0.0.1:{port}/veille"
        with psycopg.connect(url, password="motdepasse-de-test") as c:
            assert c.execute("SELECT current_user, count(*) FROM documents").fetchone() == ("veille_researcher", 0)
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            psycopg.connect(url, password="pas le bon").close()
        # Over TCP the operator has no way in without a password either.
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/veille", password="").close()
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "serveur arrêté" in out
    assert wait_gone(data) == []
    code, out, _ = run(data, "db", "info")
    assert out.startswith("Serveur : arrêté")


def test_the_reader_needs_its_password_on_the_socket_too(data):
    proc, banner = start_serving(data, "--socket")
    try:
        assert "TCP" not in banner
        code, out, err = run(data, "db", "reader-password")
        assert code == 0, err
        password = re.search(r"une seule fois\) : (\S+)", out).group(1)
        url = re.search(r"Lecteur \(socket, mot de passe\) : (\S+)", banner).group(1)
        with pytest.raises(psycopg.OperationalError, match="password"):
            psycopg.connect(url, password="faux-mot-de-passe").close()
        with psycopg.connect(url, password=password) as c:
            assert c.execute("SELECT current_user").fetchone() == ("veille_researcher",)
        # The shell logs in with the password veille kept for it.
        code, out, err = run(data, "db", "shell", "--reader", "-Atc", "SELECT session_user")
        assert code == 0 and out.strip() == "veille_researcher", err
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=30)
    assert proc.returncode == 0 and wait_gone(data) == []


def test_serve_on_a_server_given_by_database_url_says_so(tmp_path):
    from tests.conftest import run_veille

    result = run_veille(
        "db", "serve", env={"DATABASE_URL": "postgresql://postgres@127.0.0.1:1/x", "VEILLE_DATA_DIR": str(tmp_path)}
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "veille : erreur : veille db serve sert le PostgreSQL embarqué, or DATABASE_URL désigne déjà un serveur — "
        "connectez-vous directement à ce serveur, ou retirez DATABASE_URL"
    ]
