"""Run bookkeeping: every crawl, NLP, report and digest run gets a row in ``runs``.

A run is recorded as ``running`` in its own committed transaction before any work,
so a process killed mid-run leaves a visible trace; it ends as ``ok``, ``failed``
(with the error) or ``interrupted``. While it runs, its connection holds an advisory lock
named after it: a run still ``running`` whose lock nobody holds belongs to a process that
died (SIGKILL, a lost server), and the next run closes it as ``interrupted``.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterator

import psycopg
from psycopg.types.json import Jsonb

# Advisory locks of runs: this class in the upper 32 bits, the run's id in the lower ("runs").
RUN_LOCK_CLASS = 0x72756E73
KILLED = "interrompue : le processus s'est arrêté sans la terminer (tué, ou serveur perdu)"

_CLOSE_ORPHANS = """
UPDATE runs SET status = 'interrupted', finished_at = now(), error = coalesce(error, %(error)s)
 WHERE status = 'running'
   AND NOT EXISTS (SELECT 1 FROM pg_locks l
                    WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
                      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                      AND l.classid = %(cls)s::bigint::oid AND l.objid = (runs.id %% 4294967296)::oid)
RETURNING id
"""


def _lock_key(run_id: int) -> int:
    return (RUN_LOCK_CLASS << 32) | (run_id % (1 << 32))


def close_orphan_runs(conn: psycopg.Connection) -> list[int]:
    """Close as ``interrupted`` the runs left ``running`` by a process that is gone; their ids."""
    rows = conn.execute(_CLOSE_ORPHANS, {"error": KILLED, "cls": RUN_LOCK_CLASS}).fetchall()
    return [r["id"] if isinstance(r, dict) else r[0] for r in rows]


class Run:
    def __init__(self, conn: psycopg.Connection, run_id: int):
        self.conn, self.id = conn, run_id
        self.counts: Counter[str] = Counter()

    def count(self, key: str, n: int = 1) -> None:
        self.counts[key] += n

    def save_counts(self) -> None:
        """Store the counters so far (long runs call this now and then, so progress is visible in the database)."""
        _execute(self.conn, "UPDATE runs SET counts = %s WHERE id = %s", (Jsonb(dict(self.counts)), self.id))


def _execute(conn: psycopg.Connection, sql: str, params: tuple) -> None:
    if conn.autocommit:
        conn.execute(sql, params)
    else:
        with conn.transaction():
            conn.execute(sql, params)


@contextlib.contextmanager
def recorded_run(conn: psycopg.Connection, kind: str, params: dict | None = None) -> Iterator[Run]:
    # One transaction: others see the new row only once its lock is held.
    with conn.transaction():
        close_orphan_runs(conn)
        row = conn.execute(
            "INSERT INTO runs (kind, params) VALUES (%s, %s) RETURNING id", (kind, Jsonb(params or {}))
        ).fetchone()
        run_id = row["id"] if isinstance(row, dict) else row[0]
        conn.execute("SELECT pg_advisory_lock(%s)", (_lock_key(run_id),))
    if not conn.autocommit:
        conn.commit()
    run = Run(conn, run_id)
    try:
        yield run
    except KeyboardInterrupt:
        _finish(conn, run, "interrupted", "interrompu par l'utilisateur")
        raise
    except BaseException as exc:
        status = "interrupted" if isinstance(exc, SystemExit) else "failed"
        if not conn.closed and not conn.broken:
            try:
                if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                    conn.rollback()
                _finish(conn, run, status, f"{exc.__class__.__name__}: {exc}")
            except (psycopg.OperationalError, psycopg.InterfaceError):
                # The server went away (the error being raised may say so): the run stays « running »,
                # its lock gone with the connection, and the next run closes it as interrupted.
                pass
        raise
    else:
        _finish(conn, run, "ok", None)


def _finish(conn: psycopg.Connection, run: Run, status: str, error: str | None) -> None:
    conn.execute(
        "UPDATE runs SET status = %s, finished_at = now(), counts = %s, error = %s WHERE id = %s",
        (status, Jsonb(dict(run.counts)), error, run.id),
    )
    conn.execute("SELECT pg_advisory_unlock(%s)", (_lock_key(run.id),))  # a session lock: not undone by commit
    if not conn.autocommit:
        # Commit even when the caller left a transaction open: a nested transaction() would only
        # be a savepoint, and the run would stay 'running' forever.
        conn.commit()
