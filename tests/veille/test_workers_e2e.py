"""The whole chain through the queue — a CC-NEWS backfill from the mini-web's mirror, its
analysis in batches, the cases and the timelines — gives the same database with one worker
as with four (two processes of two), and with a worker killed by SIGKILL in the middle of an
analysis: nothing half-written, the batch taken up again, nothing stored twice."""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import time

import psycopg
import pytest
from psycopg.conninfo import make_conninfo
from psycopg.rows import dict_row

from tests.conftest import run_veille
from tests.veille.test_workers import jobs, start_worker, wait_for

pytestmark = pytest.mark.slow


def _config(miniweb, tmp_path, name: str) -> str:
    return str(
        miniweb.write_config(
            tmp_path / f"{name}.toml",
            crawl={"download_delay": 0.0},
            judilibre=False,
            wayback=False,
            extra={
                "workers": {"enabled": True, "attempts": 2, "retry_delay": 0, "stalled_after": 10, "nlp_batch": 6},
                "reports": {"out_dir": str(tmp_path / name / "timeline")},
            },
        )
    )


def _enqueue_backfill(miniweb, db_url: str, config: str) -> None:
    queued = run_veille(
        "--config", config, "import", "ccnews", "--from", "2024-02", "--to", "2024-03",
        "--base-url", miniweb.ccnews_url, "--allow-private", env={"DATABASE_URL": db_url},
    )  # fmt: skip
    assert queued.returncode == 0, queued.stderr
    assert "5 fichier(s) mis en file pour les workers" in queued.stdout


def _drain(db_url: str, config: str, processes: int, concurrency: int) -> str:
    """Burst workers, again until nothing waits (a job's follow-ups may come after a worker left)."""
    out = ""
    for _ in range(6):
        workers = [start_worker(db_url, config, "--burst", "--concurrency", str(concurrency)) for _ in range(processes)]
        for w in workers:
            o, e = w.communicate(timeout=600)
            assert w.returncode == 0, e
            out += o
        if not any(j["status"] in ("todo", "doing") for j in jobs(db_url)):
            return out
    raise AssertionError("des tâches attendent encore\n" + out)


def content(db_url: str) -> dict[str, list]:
    """What a reader sees, without ids: documents, their analyses' facts, cases, happenings."""
    queries = {
        "documents": "SELECT canonical_url, title, text_hash, lang, kind FROM documents",
        "analyses": """SELECT d.canonical_url, a.status, a.counts FROM document_analyses a
                         JOIN documents d ON d.id = a.document_id""",
        "events": """SELECT d.canonical_url, e.event_date, e.kind, e.summary, e.evidence_start FROM events e
                       JOIN documents d ON d.id = e.document_id""",
        "mentions": """SELECT d.canonical_url, m.start_char, m.text, en.canonical FROM mentions m
                         JOIN documents d ON d.id = m.document_id JOIN entities en ON en.id = m.entity_id""",
        "cases": "SELECT slug, name, stage, period_start, period_end FROM cases",
        # The current entries of the timeline (earlier groupings are kept as history, current = false:
        # how many there are depends on how often the cases were recomputed along the way).
        "happenings": """SELECT key, case_slug, event_date, precision, kind, summary, upcoming, reports
                           FROM happenings WHERE current""",
        "stories": """SELECT d.canonical_url, c.canonical_url FROM documents d
                        LEFT JOIN documents c ON c.id = d.duplicate_of""",
        "files": "SELECT url, status FROM archive_files",
    }
    with psycopg.connect(db_url, row_factory=dict_row) as c:
        return {k: sorted(map(repr, (tuple(r.values()) for r in c.execute(q).fetchall()))) for k, q in queries.items()}


@contextlib.contextmanager
def fresh_database(pg_admin_url: str, template_db: str):
    """Another migrated database in the same test."""
    name = f"veille_e2e_{os.getpid()}_{next(_numbers)}"
    with psycopg.connect(pg_admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"')
    try:
        yield make_conninfo(pg_admin_url, dbname=name)
    finally:
        with psycopg.connect(pg_admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


_numbers = itertools.count()


def test_one_worker_four_workers_and_a_killed_worker_give_the_same_database(
    miniweb_log, tmp_path, db_url, pg_admin_url, template_db
):
    # One worker.
    one = _config(miniweb_log, tmp_path, "one")
    _enqueue_backfill(miniweb_log, db_url, one)
    log = _drain(db_url, one, processes=1, concurrency=1)
    reference = content(db_url)
    assert len(reference["documents"]) >= 10 and reference["events"] and reference["cases"], log
    assert (tmp_path / "one" / "timeline" / "index.html").exists()
    failed = [j for j in jobs(db_url) if j["status"] == "failed"]
    assert [j["task_name"] for j in failed] == ["veille.import_archive"]  # the truncated file, recorded
    assert failed[0]["attempts"] == 1  # a damaged file is not retried: the same bytes would fail again
    analyses = [j for j in jobs(db_url) if j["task_name"] == "veille.analyse_documents"]
    assert len(analyses) >= 2

    # Four workers: two processes running two jobs each.
    with fresh_database(pg_admin_url, template_db) as four_url:
        four = _config(miniweb_log, tmp_path, "four")
        _enqueue_backfill(miniweb_log, four_url, four)
        _drain(four_url, four, processes=2, concurrency=2)
        assert content(four_url) == reference

    # A worker killed in the middle of an analysis batch.
    with fresh_database(pg_admin_url, template_db) as killed_url:
        killed = _config(miniweb_log, tmp_path, "killed")
        _enqueue_backfill(miniweb_log, killed_url, killed)
        victim = start_worker(killed_url, killed)
        with psycopg.connect(killed_url, row_factory=dict_row, autocommit=True) as c:
            wait_for(
                lambda: c.execute("SELECT 1 FROM runs WHERE kind = 'nlp' AND status = 'running'").fetchone(),
                timeout=300,
            )
            victim.send_signal(signal.SIGKILL)
            victim.communicate(timeout=30)
            # Nothing half-written: no fact without its document's analysis record.
            orphans = c.execute(
                """SELECT count(*) AS n FROM (SELECT document_id FROM mentions UNION SELECT document_id FROM events) f
                    WHERE NOT EXISTS (SELECT 1 FROM document_analyses a WHERE a.document_id = f.document_id)"""
            ).fetchone()["n"]
            assert orphans == 0
            held = [j for j in jobs(killed_url) if j["status"] == "doing"]
            assert [j["task_name"] for j in held] == ["veille.analyse_documents"]
        time.sleep(11)  # the dead worker's heartbeat grows old ([workers] stalled_after = 10)
        log = _drain(killed_url, killed, processes=1, concurrency=1)
        assert "tâche(s) d'un worker disparu remise(s) en file" in log
        assert content(killed_url) == reference
        with psycopg.connect(killed_url, row_factory=dict_row) as c:
            interrupted = c.execute("SELECT count(*) AS n FROM runs WHERE kind = 'nlp' AND status = 'interrupted'")
            assert interrupted.fetchone()["n"] == 1  # the killed batch's run, closed by the next one
