"""Researchers' logins: roles of their own, members of ``veille_reader``, read-only for real.

A login role has a password stored by the server as a SCRAM verifier (computed here, so the
password itself never reaches the server or its logs), reads the ``research`` schema first
(redacted views, see ``migrations/0012_research_reader.sql``), and has a time limit on its
statements and on idle transactions. Those limits are session settings a reader could change, so
``veille db serve`` also cancels any reader statement past its role's limit (:class:`Watchdog`).

The password is printed once and kept in a pgpass file of veille's data directory (0600), so that
``veille db shell --reader`` logs in as the reader without asking.
"""

from __future__ import annotations

import os
import re
import secrets
import threading
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from veille.errors import VeilleError

READER_GROUP = "veille_reader"
DEFAULT_LOGIN = "veille_researcher"
DEFAULT_STATEMENT_TIMEOUT = "5min"
DEFAULT_IDLE_TIMEOUT = "10min"
_LOGIN_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def pgpass_path() -> Path:
    from veille.embedded import data_dir

    return data_dir() / "reader.pgpass"


def _pgpass_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace(":", "\\:")


def _save_password(login: str, password: str) -> Path:
    """Keep the password in the pgpass file (one line per login, any host and database)."""
    from veille.embedded import make_data_dir
    from veille.files import write_private

    path = pgpass_path()
    make_data_dir()
    lines = []
    if path.exists():
        prefix = f"*:*:*:{_pgpass_escape(login)}:"
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith(prefix)]
    lines.append(f"*:*:*:{_pgpass_escape(login)}:{_pgpass_escape(password)}")
    write_private(path, "\n".join(lines) + "\n")
    return path


def check_login_name(login: str) -> str:
    if not _LOGIN_NAME.match(login) or login == READER_GROUP:
        raise VeilleError(
            f"nom de rôle lecteur invalide : {login}",
            "choisissez un nom en minuscules, chiffres et _ (par exemple veille_researcher)",
        )
    return login


def set_reader_password(
    conn: psycopg.Connection,
    login: str = DEFAULT_LOGIN,
    password: str | None = None,
    statement_timeout: str = DEFAULT_STATEMENT_TIMEOUT,
    idle_timeout: str = DEFAULT_IDLE_TIMEOUT,
) -> str:
    """Create or update the login role ``login`` and set its password (generated when not given).
    Returns the password."""
    check_login_name(login)
    password = password or secrets.token_urlsafe(18)
    row = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", (login,)).fetchone()
    if row and (row["rolsuper"] if isinstance(row, dict) else row[0]):
        raise VeilleError(
            f"le rôle {login} est superutilisateur : il ne peut pas servir de lecteur",
            "choisissez un autre nom avec --user",
        )
    verifier = conn.pgconn.encrypt_password(password.encode(), login.encode(), b"scram-sha-256").decode()
    role = sql.Identifier(login)
    with conn.transaction():
        if not row:
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(role))
        conn.execute(
            sql.SQL(
                "ALTER ROLE {} LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD {}"
            ).format(role, sql.Literal(verifier))
        )
        conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(READER_GROUP), role))
        for name, value in (
            ("statement_timeout", sql.Literal(statement_timeout)),
            ("idle_in_transaction_session_timeout", sql.Literal(idle_timeout)),
            ("search_path", sql.SQL("research, public")),  # a list: the redacted views first
            ("default_transaction_read_only", sql.SQL("on")),
        ):
            conn.execute(sql.SQL("ALTER ROLE {} SET {} = {}").format(role, sql.Identifier(name), value))
    if not conn.autocommit:
        conn.commit()
    _save_password(login, password)
    return password


def reader_url(url: str, login: str = DEFAULT_LOGIN) -> str:
    """``url`` (the operator's) for the reader: the reader's user, no password (pgpass or prompt)."""
    from urllib.parse import quote, urlencode

    params = {k: str(v) for k, v in conninfo_to_dict(url).items() if k not in ("password", "user")}
    host, port, dbname = params.pop("host", ""), params.pop("port", ""), params.pop("dbname", "")
    if host.startswith("/") or not host:  # a socket directory goes in the query string
        query = {**({"host": host} if host else {}), **({"port": port} if port else {}), **params}
        where = ""
    else:
        query, where = params, (f"[{host}]" if ":" in host else host) + (f":{port}" if port else "")
    tail = ("?" + urlencode(query, safe="/")) if query else ""
    return f"postgresql://{quote(login)}@{where}/{quote(dbname)}{tail}"


def reader_env(env: dict | None = None) -> dict:
    """Environment for libpq clients logging in as a reader: the pgpass file, nothing else."""
    env = dict(os.environ if env is None else env)
    env.pop("PGPASSWORD", None)
    if pgpass_path().exists():
        env["PGPASSFILE"] = str(pgpass_path())
    return env


def reader_logins(conn: psycopg.Connection) -> list[str]:
    rows = conn.execute(
        """SELECT r.rolname FROM pg_roles r
            WHERE r.rolcanlogin AND pg_has_role(r.oid, %s, 'MEMBER') AND NOT r.rolsuper
            ORDER BY 1""",
        (READER_GROUP,),
    ).fetchall()
    return [r["rolname"] if isinstance(r, dict) else r[0] for r in rows]


def advisory_locks_closed(conn: psycopg.Connection) -> bool:
    row = conn.execute(
        "SELECT has_function_privilege(%s, 'pg_advisory_lock(bigint)', 'EXECUTE') AS open", (READER_GROUP,)
    ).fetchone()
    return not (row["open"] if isinstance(row, dict) else row[0])


# Reader statements past their role's statement_timeout, and reader transactions idle past their
# role's idle_in_transaction_session_timeout, whatever the session set since.
_OVERDUE = """
WITH limits AS (
    SELECT r.rolname,
           max(CASE WHEN split_part(c, '=', 1) = 'statement_timeout' THEN split_part(c, '=', 2) END) AS stmt,
           max(CASE WHEN split_part(c, '=', 1) = 'idle_in_transaction_session_timeout'
                    THEN split_part(c, '=', 2) END) AS idle
      FROM pg_roles r
      JOIN pg_db_role_setting s ON s.setrole = r.oid AND s.setdatabase IN (0, (SELECT oid FROM pg_database
                                                                                WHERE datname = current_database()))
      CROSS JOIN unnest(s.setconfig) c
     WHERE pg_has_role(r.oid, 'veille_reader', 'MEMBER') AND NOT r.rolsuper
     GROUP BY r.rolname
), limits_as_intervals AS (
    -- A setting is stored as written: '5min', or a bare number of milliseconds.
    SELECT rolname,
           CASE WHEN stmt ~ '^[0-9]+$' THEN (stmt || ' ms')::interval ELSE stmt::interval END AS stmt,
           CASE WHEN idle ~ '^[0-9]+$' THEN (idle || ' ms')::interval ELSE idle::interval END AS idle
      FROM limits
)
SELECT a.pid, a.state = 'active' AS active
  FROM pg_stat_activity a JOIN limits_as_intervals l ON l.rolname = a.usename
 WHERE a.pid <> pg_backend_pid()
   AND ((a.state = 'active' AND l.stmt > interval '0'
         AND clock_timestamp() - a.query_start > l.stmt + interval '1 second')
     OR (a.state LIKE 'idle in transaction%%' AND l.idle > interval '0'
         AND clock_timestamp() - a.state_change > l.idle + interval '1 second'))
"""


class Watchdog(threading.Thread):
    """Cancels overdue reader statements and ends overdue idle reader transactions."""

    def __init__(self, url: str, every: float = 1.0):
        super().__init__(name="veille-reader-watchdog", daemon=True)
        self.url, self.every = url, every
        self.stopping = threading.Event()
        self.cancelled = 0

    def run(self) -> None:
        conn = None
        while not self.stopping.is_set():
            try:
                if conn is None or conn.closed:
                    conn = psycopg.connect(self.url, autocommit=True, application_name="veille db serve")
                for pid, active in conn.execute(_OVERDUE).fetchall():
                    conn.execute(
                        "SELECT pg_cancel_backend(%s)" if active else "SELECT pg_terminate_backend(%s)", (pid,)
                    )
                    self.cancelled += 1
            except psycopg.Error:
                if conn is not None:
                    conn.close()
                conn = None
            self.stopping.wait(self.every)
        if conn is not None:
            conn.close()

    def stop(self) -> None:
        self.stopping.set()
        self.join(5)
