"""`veille demo`, what `make demo` runs: the whole pipeline on the sample mini-web, offline.

Run twice on one database, as a user re-running `make demo` would: the second run
succeeds, stores no document twice and writes the same timeline."""

from __future__ import annotations

import re
from email import message_from_bytes, policy

import psycopg
import pytest

pytestmark = pytest.mark.slow


def test_the_demo_runs_end_to_end_and_can_be_run_again(veille, db_url, tmp_path):
    out = tmp_path / "demo"
    first = veille("demo", "--out", str(out), timeout=1200)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "Terminé en" in first.stdout and "chronologie" in first.stdout
    page = (out / "timeline" / "index.html").read_text(encoding="utf-8")
    entries = re.findall(r'<article class="entry[^"]*" id="([^"]+)"', page)
    assert len(entries) >= 50
    assert '<html lang="fr"' in page
    for export in ("timeline.json", "events.csv", "events.json", "audiences.ics"):
        assert (out / "timeline" / export).stat().st_size > 0, export
    mails = sorted((out / "digests").glob("*.eml"))
    assert len(mails) == 2
    message = message_from_bytes(mails[0].read_bytes(), policy=policy.default)
    assert message["To"].addresses[0].addr_spec.endswith("-demo@example.org")
    assert "désabonn" in message.get_body(("plain",)).get_content().lower()
    with psycopg.connect(db_url) as conn:
        documents = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        analysed = conn.execute("SELECT count(*) FROM document_analyses WHERE status IN ('ok', 'skipped')").fetchone()[0]
        foreign = conn.execute("SELECT count(*) FROM document_analyses WHERE status = 'skipped'").fetchone()[0]
        events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    assert documents >= 75 and analysed == conn_count_texts(db_url) and events >= 200
    assert foreign >= 1  # the sample's Spanish article is not fed to the French model

    second = veille("demo", "--out", str(out), timeout=1200)
    assert second.returncode == 0, second.stderr[-3000:]
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == documents
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == events
        assert conn.execute("SELECT count(*) FROM subscribers").fetchone()[0] == 2
    again = re.findall(r'<article class="entry[^"]*" id="([^"]+)"', (out / "timeline" / "index.html").read_text("utf-8"))
    assert again == entries


def conn_count_texts(url: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT count(*) FROM documents WHERE text IS NOT NULL AND text <> ''").fetchone()[0]
