"""Run bookkeeping: every crawl, NLP, report and digest run gets a row in ``runs``.

A run is recorded as ``running`` in its own committed transaction before any work,
so a process killed mid-run leaves a visible trace; it ends as ``ok``, ``failed``
(with the error) or ``interrupted``.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from typing import Iterator

import psycopg
from psycopg.types.json import Jsonb


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
    row = conn.execute("INSERT INTO runs (kind, params) VALUES (%s, %s) RETURNING id",
                       (kind, Jsonb(params or {}))).fetchone()
    if not conn.autocommit:
        conn.commit()
    run = Run(conn, row["id"] if isinstance(row, dict) else row[0])
    try:
        yield run
    except KeyboardInterrupt:
        _finish(conn, run, "interrupted", "interrompu par l'utilisateur")
        raise
    except BaseException as exc:
        status = "interrupted" if isinstance(exc, SystemExit) else "failed"
        if not conn.closed:
            if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                conn.rollback()
            _finish(conn, run, status, f"{exc.__class__.__name__}: {exc}")
        raise
    else:
        _finish(conn, run, "ok", None)


def _finish(conn: psycopg.Connection, run: Run, status: str, error: str | None) -> None:
    conn.execute("UPDATE runs SET status = %s, finished_at = now(), counts = %s, error = %s WHERE id = %s",
                 (status, Jsonb(dict(run.counts)), error, run.id))
    if not conn.autocommit:
        # Commit even when the caller left a transaction open: a nested transaction() would only
        # be a savepoint, and the run would stay 'running' forever.
        conn.commit()
