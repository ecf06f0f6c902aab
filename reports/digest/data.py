"""What the digest reads from the database for one dossier and one week.

A document is *new* in a week when its publication time (fetch time if the page
gave none) falls in the week, or when the crawler first met it during the week
although it was published up to ``LATE_WINDOW`` earlier (a page found late must
not be lost between two digests; older finds, such as an archive backfill, belong
to the timeline, not to a weekly email).

Happenings and the agenda come from the reports' read API (``reports/queries.py``);
this module reads what that API does not give: the week's documents, the cases they
report on, the flagged sources. Everything read here is data from the web or derived
from it: the digest cleans, escapes and anonymises it before display.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import psycopg

from veille.vocabulary import EVENT_KINDS

LATE_WINDOW = timedelta(days=28)
# Kinds of events that mark a step of a case (crimes are the cases themselves).
STAGE_KINDS = tuple(k for k in EVENT_KINDS if k not in ("crime", "other"))
UPCOMING_DAYS = 30

_NEWS_AT = "coalesce(d.published_at, d.fetched_at)"
_OUTLET = "coalesce(s.name, d.site_name, d.source_id, '')"


def new_documents(conn: psycopg.Connection, dossier: str, start: datetime, end: datetime) -> list[dict]:
    return conn.execute(
        f"""WITH found_late AS (
                SELECT document_id FROM crawl_urls WHERE document_id IS NOT NULL
                 GROUP BY document_id HAVING min(first_seen) >= %(start)s AND min(first_seen) < %(end)s)
            SELECT d.id, d.title, d.url, d.kind, d.published_at, d.duplicate_of, d.source_id,
                   {_OUTLET} AS outlet, {_NEWS_AT} AS news_at, ({_NEWS_AT} < %(start)s) AS late
              FROM documents d
              JOIN document_dossiers dd ON dd.document_id = d.id AND dd.dossier_slug = %(dossier)s
              LEFT JOIN sources s ON s.id = d.source_id
             WHERE ({_NEWS_AT} >= %(start)s AND {_NEWS_AT} < %(end)s)
                OR (d.published_at >= %(late_from)s AND d.published_at < %(start)s
                    AND d.id IN (SELECT document_id FROM found_late))
             ORDER BY {_NEWS_AT}, d.id""",
        {"dossier": dossier, "start": start, "end": end, "late_from": start - LATE_WINDOW}).fetchall()


def document_cases(conn: psycopg.Connection, document_ids: list[int]) -> dict[int, list[dict]]:
    """For each document, the cases it reports on, the one it says most about first."""
    if not document_ids:
        return {}
    rows = conn.execute(
        """SELECT link.document_id, c.id, c.slug, c.name, c.stage, sum(link.weight) AS weight
             FROM (SELECT document_id, case_id, 1 AS weight FROM case_documents WHERE document_id = ANY(%(ids)s)
                   UNION ALL
                   SELECT document_id, case_id, 2 FROM events WHERE document_id = ANY(%(ids)s) AND case_id IS NOT NULL
                  ) link
             JOIN cases c ON c.id = link.case_id
            GROUP BY link.document_id, c.id
            ORDER BY link.document_id, weight DESC, c.id""", {"ids": document_ids}).fetchall()
    cases: dict[int, list[dict]] = {}
    for r in rows:
        cases.setdefault(r["document_id"], []).append(r)
    return cases


def dossier_cases(conn: psycopg.Connection, dossier: str, end: datetime) -> list[dict]:
    """Cases that touch the dossier, with the documents (known before ``end``) that report on them."""
    return conn.execute(
        f"""SELECT c.id, c.slug, c.name, c.stage, c.places, c.charges, array_agg(DISTINCT d.id) AS document_ids
              FROM cases c
              JOIN (SELECT case_id, document_id FROM case_documents
                    UNION SELECT case_id, document_id FROM events WHERE case_id IS NOT NULL) link ON link.case_id = c.id
              JOIN documents d ON d.id = link.document_id AND {_NEWS_AT} < %(end)s
              JOIN document_dossiers dd ON dd.document_id = d.id AND dd.dossier_slug = %(dossier)s
             GROUP BY c.id ORDER BY c.id""", {"dossier": dossier, "end": end}).fetchall()


def cases_by_slug(conn: psycopg.Connection, slugs: list[str]) -> dict[str, dict]:
    if not slugs:
        return {}
    rows = conn.execute("SELECT id, slug, name, stage FROM cases WHERE slug = ANY(%s)", (slugs,)).fetchall()
    return {r["slug"]: r for r in rows}


def flagged_sources(conn: psycopg.Connection) -> list[dict]:
    """Sources the operator should look at (the scheduler's watch), or none before it exists."""
    exists = conn.execute("SELECT to_regclass('source_health') IS NOT NULL AS present").fetchone()
    if not exists["present"]:
        return []
    from veille.health import flagged_sources as watched

    return list(watched(conn))
