"""The benchmarks' scratch database: a new database on ``DATABASE_URL``'s server (which is only
used to create and drop it, never written to), else on an embedded PostgreSQL whose data lives
in the benchmark's temporary folder. Dropped when the benchmark ends."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path


def scratch_database(tmp: Path, label: str) -> tuple[str, Callable[[], None]]:
    """(URI of a fresh, empty database, function that drops it)."""
    import psycopg
    from psycopg.conninfo import make_conninfo

    if os.environ.get("DATABASE_URL"):
        admin_url = os.environ["DATABASE_URL"]
    else:
        # Run as root, the server's own user must cross this folder: veille opens no folder it did not create.
        tmp.chmod(0o755)
        os.environ["VEILLE_DATA_DIR"] = str(tmp / "veille-data")
        from veille.embedded import embedded_server

        admin_url = embedded_server().uri("postgres")
    name = f"veille_bench_{label}_{os.getpid()}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return make_conninfo(admin_url, dbname=name), drop


def scratch_url(tmp: Path, label: str) -> str:
    """A scratch database dropped when the process exits (an embedded one goes with its folder)."""
    import atexit

    url, drop = scratch_database(tmp, label)

    def quietly() -> None:
        try:
            drop()
        except Exception:  # noqa: BLE001 — the embedded server may already be gone with its folder
            pass

    atexit.register(quietly)
    return url
