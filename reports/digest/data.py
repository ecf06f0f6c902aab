"""What the digest reads from the database for one dossier and one week.

A document is *new* in a week when its publication time (fetch time if the page
gave none) falls in the week, or when the crawler first met it during the week
although it was published up to ``LATE_WINDOW`` earlier (a page found late must
not be lost between two digests; older finds, such as an archive backfill, belong
to the timeline, not to a weekly email).

Happenings and the agenda come from the reports' read API (``reports/queries.py``);
this module reads what that API does not give: the week's documents, the cases they
report on, the flagged sources. Everything read here is data from the web or derived
from it: the digest cleans, escapes and anonymises it before display. The SQL is in
``data.sql``, next to this module.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import psycopg

from veille.sql import load_queries
from veille.vocabulary import EVENT_KINDS

LATE_WINDOW = timedelta(days=28)
# Kinds of events that mark a step of a case (crimes are the cases themselves).
STAGE_KINDS = tuple(k for k in EVENT_KINDS if k not in ("crime", "other"))
UPCOMING_DAYS = 30

QUERIES = load_queries("reports.digest", "data.sql")  # the SQL of this module, by name


def new_documents(conn: psycopg.Connection, dossier: str, start: datetime, end: datetime) -> list[dict]:
    return conn.execute(
        QUERIES["new_documents"], {"dossier": dossier, "start": start, "end": end, "late_from": start - LATE_WINDOW}
    ).fetchall()


def document_cases(conn: psycopg.Connection, document_ids: list[int]) -> dict[int, list[dict]]:
    """For each document, the cases it reports on, the one it says most about first."""
    if not document_ids:
        return {}
    rows = conn.execute(QUERIES["document_cases"], {"ids": document_ids}).fetchall()
    cases: dict[int, list[dict]] = {}
    for r in rows:
        cases.setdefault(r["document_id"], []).append(r)
    return cases


def dossier_cases(conn: psycopg.Connection, dossier: str, end: datetime) -> list[dict]:
    """Cases that touch the dossier, with the documents (known before ``end``) that report on them."""
    return conn.execute(QUERIES["dossier_cases"], {"dossier": dossier, "end": end}).fetchall()


def cases_by_slug(conn: psycopg.Connection, slugs: list[str]) -> dict[str, dict]:
    if not slugs:
        return {}
    rows = conn.execute(QUERIES["cases_by_slug"], {"slugs": slugs}).fetchall()
    return {r["slug"]: r for r in rows}


def flagged_sources(conn: psycopg.Connection) -> list[dict]:
    """Sources the operator should look at (the scheduler's watch), or none before it exists."""
    exists = conn.execute("SELECT to_regclass('source_health') IS NOT NULL AS present").fetchone()
    if not exists["present"]:
        return []
    from veille.health import flagged_sources as watched

    return list(watched(conn))
