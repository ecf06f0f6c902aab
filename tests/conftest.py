"""Test fixtures shared by every tier.

Databases are real PostgreSQL: the embedded server (in a temporary data directory,
so tests never touch a user's data) unless ``VEILLE_TEST_DATABASE_URL`` names a
server to use instead (``make test`` runs the database tests a second time on the
machine's own server at 127.0.0.1:5432 when one answers). The schema is migrated
once into a template database; each test gets a fresh copy of it.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import make_conninfo
from psycopg.rows import dict_row

ROOT = Path(__file__).resolve().parent.parent

# The digest tests' SMTP server and configuration, and the web tests' server, are fixtures of every folder.
pytest_plugins = ["samples.miniweb.pytest_plugin", "tests.reports.digest_support", "tests.reports.web_support"]


def server_folder(prefix: str) -> Path:
    """A new folder for an embedded server's data directory. Not under pytest's basetemp: another
    pytest session starting meanwhile resets that folder's permissions, and the server loses its
    data directory. Run as root, the server runs as its own user, which must cross the folder, and
    veille opens no folder it did not create: the test opens its own."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    folder.chmod(0o755)
    return folder


def _admin(url: str) -> psycopg.Connection:
    return psycopg.connect(url, autocommit=True)


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    """URI of a maintenance database on the server the tests use."""
    url = os.environ.get("VEILLE_TEST_DATABASE_URL")
    if url:
        yield url
        return
    folder = str(server_folder("veille-test-pg-"))
    os.environ["VEILLE_DATA_DIR"] = folder
    from veille.embedded import embedded_server

    server = embedded_server()
    yield server.uri("postgres")
    server.release()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def template_db(pg_admin_url) -> str:
    """A database migrated once, copied for each test."""
    from veille.db import migrate

    name = f"veille_tpl_{os.getpid()}"
    with _admin(pg_admin_url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(make_conninfo(pg_admin_url, dbname=name), row_factory=dict_row) as conn:
        migrate(conn)
    yield name
    with _admin(pg_admin_url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


_counter = itertools.count()


@pytest.fixture
def db_url(pg_admin_url, template_db) -> str:
    """URI of a fresh, migrated database for this test (dropped afterwards)."""
    name = f"veille_test_{os.getpid()}_{next(_counter)}"
    with _admin(pg_admin_url) as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"')
    yield make_conninfo(pg_admin_url, dbname=name)
    with _admin(pg_admin_url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def empty_db_url(pg_admin_url) -> str:
    """URI of a fresh database with no schema at all."""
    name = f"veille_empty_{os.getpid()}_{next(_counter)}"
    with _admin(pg_admin_url) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield make_conninfo(pg_admin_url, dbname=name)
    with _admin(pg_admin_url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def conn(db_url, monkeypatch) -> psycopg.Connection:
    """A connection to this test's database; DATABASE_URL points at it for in-process code too."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    with psycopg.connect(db_url, row_factory=dict_row, autocommit=True) as c:
        yield c


def run_veille(
    *args: str, env: dict | None = None, input: str | None = None, timeout: float = 300, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    """Run the real ``veille`` command in a subprocess, as a user would."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("VEILLE_CONFIG", None) if env is not None and "VEILLE_CONFIG" not in env else None
    return subprocess.run(
        [sys.executable, "-m", "veille", *args],
        capture_output=True,
        text=True,
        env=full_env,
        input=input,
        timeout=timeout,
        cwd=cwd or ROOT,
    )


@pytest.fixture
def veille(db_url):
    """``veille(*args)`` runs the CLI against this test's database."""

    def run(*args: str, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
        return run_veille(*args, env={"DATABASE_URL": db_url, **(env or {})}, **kwargs)

    return run
