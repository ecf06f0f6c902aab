"""Writes of the crawler: documents (with their earlier versions), subject decisions
and what happened to each URL. Each page is stored in its own transaction, keyed by
its canonical URL, so a crawl killed at any moment and run again stores nothing twice.
"""

from __future__ import annotations

import zlib
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime

import psycopg
from psycopg.types.json import Jsonb

from crawler import grouping
from crawler.dedup import Fingerprint
from crawler.subject import Decision


@dataclass
class PageRecord:
    """A page ready to store: what was fetched, extracted and decided."""

    url: str  # as requested (crawl_urls key)
    final_url: str  # after redirects
    canonical_url: str
    source_id: str | None
    fetched_at: datetime
    status: int
    body: bytes
    content_hash: str
    fingerprint: Fingerprint
    decisions: list[Decision]
    title: str | None
    text: str  # the text to store (reduced when withheld)
    authors: list[str]
    published_at: datetime | None
    modified_at: datetime | None
    lang: str | None
    site_name: str | None
    kind: str = "article"
    metadata: dict = field(default_factory=dict)
    provenance: dict = field(default_factory=dict)
    tdm_reserved: bool = False
    tdm_policy: str = "full"
    text_withheld: bool = False
    etag: str | None = None
    last_modified: str | None = None
    listed_modified: datetime | None = None
    url_kind: str = "page"


@dataclass(frozen=True)
class Saved:
    outcome: str  # stored, updated, unchanged, duplicate
    document_id: int
    duplicate_of: int | None = None
    reason: str | None = None


def _document_values(rec: PageRecord) -> dict:
    keep_html = not rec.text_withheld
    return {
        "canonical_url": rec.canonical_url,
        "url": rec.final_url,
        "source_id": rec.source_id,
        "kind": rec.kind,
        "title": rec.title,
        "authors": rec.authors,
        "published_at": rec.published_at,
        "modified_at": rec.modified_at,
        "fetched_at": rec.fetched_at,
        "lang": rec.lang,
        "site_name": rec.site_name,
        "text": rec.text,
        "raw_html": zlib.compress(rec.body, 6) if keep_html else None,
        "content_hash": rec.content_hash,
        "text_hash": rec.fingerprint.text_hash,
        "simhash": rec.fingerprint.simhash,
        "tdm_reserved": rec.tdm_reserved,
        "tdm_policy": rec.tdm_policy,
        "text_withheld": rec.text_withheld,
        "metadata": Jsonb(rec.metadata),
        "provenance": Jsonb(rec.provenance),
        "shingle_sketch": list(rec.fingerprint.sketch),
        "shingle_count": rec.fingerprint.shingle_count,
    }


_COLUMNS = (
    "canonical_url",
    "url",
    "source_id",
    "kind",
    "title",
    "authors",
    "published_at",
    "modified_at",
    "fetched_at",
    "lang",
    "site_name",
    "text",
    "raw_html",
    "content_hash",
    "text_hash",
    "simhash",
    "tdm_reserved",
    "tdm_policy",
    "text_withheld",
    "metadata",
    "provenance",
    "shingle_sketch",
    "shingle_count",
)
_INSERT = (
    f"INSERT INTO documents ({', '.join(_COLUMNS)}) VALUES ({', '.join('%(' + c + ')s' for c in _COLUMNS)}) "
    "ON CONFLICT (canonical_url) DO NOTHING RETURNING id"
)
_STORED = (
    "SELECT id, title, text, text_hash, modified_at, fetched_at FROM documents WHERE canonical_url = %s FOR UPDATE"
)
_UPDATE = (
    "UPDATE documents SET "
    + ", ".join(f"{c} = %({c})s" for c in _COLUMNS if c != "canonical_url")
    + " WHERE id = %(id)s"
)


def save_page(conn: psycopg.Connection, rec: PageRecord, run_id: int | None = None, *, in_batch: bool = False) -> Saved:
    """Store one on-subject page (insert, update with history, or nothing new) in one transaction.
    ``in_batch``: inside the caller's transaction, which already holds the grouping lock
    (``crawler.workers`` stores pages in batches)."""
    values = _document_values(rec)
    with nullcontext() if in_batch else conn.transaction():
        # Insert first: on a first crawl nearly every page is new, and this saves a look-up each.
        old = row = None
        for _ in range(2):  # a row deleted between the two statements: try the insert again
            row = conn.execute(_INSERT, values).fetchone()
            if row is not None:
                break
            old = conn.execute(_STORED, (rec.canonical_url,)).fetchone()  # stored before: the update path
            if old is not None:
                break
        if row is not None:
            doc_id, outcome = row["id"], "stored"
        elif old is None:
            raise RuntimeError(f"document {rec.canonical_url} neither inserted nor found")
        elif old["text_hash"] == rec.fingerprint.text_hash and (old["title"] or "") == (rec.title or ""):
            doc_id, outcome = old["id"], "unchanged"
            conn.execute(
                """UPDATE documents SET url = %s, fetched_at = %s,
                                   modified_at = coalesce(%s, modified_at) WHERE id = %s""",
                (rec.final_url, rec.fetched_at, rec.modified_at, doc_id),
            )
        else:
            doc_id, outcome = old["id"], "updated"
            conn.execute(
                """INSERT INTO document_versions (document_id, title, text, text_hash, modified_at, fetched_at)
                            VALUES (%s, %s, %s, %s, %s, %s)""",
                (doc_id, old["title"], old["text"], old["text_hash"], old["modified_at"], old["fetched_at"]),
            )
            conn.execute(_UPDATE, {**values, "id": doc_id})
        _save_decisions(conn, doc_id, rec.decisions, fresh=outcome == "stored")
        duplicate_of = None
        if outcome != "unchanged":  # last: its lock is held until the commit, keep that short
            duplicate_of = grouping.group(
                conn, doc_id, rec.fingerprint, rec.published_at, fresh=outcome == "stored", locked=in_batch
            )
            if duplicate_of and outcome == "stored":
                outcome = "duplicate"
        reason = f"reprise de la dépêche du document {duplicate_of}" if duplicate_of else None
        save_url(
            conn,
            rec.url,
            rec.source_id,
            rec.url_kind,
            rec.status,
            outcome,
            reason,
            None,
            rec.etag,
            rec.last_modified,
            run_id,
            rec.canonical_url,
            rec.listed_modified,
            doc_id,
        )
    return Saved(outcome, doc_id, duplicate_of, reason)


def _save_decisions(conn: psycopg.Connection, doc_id: int, decisions: list[Decision], fresh: bool = False) -> None:
    kept = [d for d in decisions if d.belongs]
    if not fresh:  # a document inserted by this transaction has no earlier decisions
        conn.execute(
            "DELETE FROM document_dossiers WHERE document_id = %s AND NOT dossier_slug = ANY(%s)",
            (doc_id, [d.dossier for d in kept]),
        )
    for d in kept:
        conn.execute(
            """INSERT INTO document_dossiers (document_id, dossier_slug, score, matched_terms, reason, passing,
                                              decided_at)
               VALUES (%s, %s, %s, %s, %s, %s, now())
               ON CONFLICT (document_id, dossier_slug) DO UPDATE SET score = EXCLUDED.score,
                   matched_terms = EXCLUDED.matched_terms, reason = EXCLUDED.reason, passing = EXCLUDED.passing,
                   decided_at = now()""",
            (doc_id, d.dossier, d.score, list(d.matched_terms), d.reason, d.passing),
        )


def save_url(
    conn: psycopg.Connection,
    url: str,
    source_id: str | None,
    kind: str,
    status: int | None,
    outcome: str,
    reason: str | None,
    error_kind: str | None,
    etag: str | None,
    last_modified: str | None,
    run_id: int | None,
    canonical_url: str | None = None,
    listed_modified: datetime | None = None,
    document_id: int | None = None,
) -> None:
    """Record what happened to a URL; validators survive answers that carry none (errors)."""
    conn.execute(
        """INSERT INTO crawl_urls (url, source_id, kind, status, outcome, reason, error_kind, etag, last_modified,
                                   document_id, last_fetched, attempts, last_run_id, canonical_url, listed_modified)
           VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, now(), 1, %s, %s, %s)
           ON CONFLICT (url) DO UPDATE SET
               source_id = coalesce(EXCLUDED.source_id, crawl_urls.source_id), kind = EXCLUDED.kind,
               status = EXCLUDED.status, outcome = EXCLUDED.outcome, reason = EXCLUDED.reason,
               error_kind = EXCLUDED.error_kind,
               etag = CASE WHEN EXCLUDED.status IN (200, 304) THEN EXCLUDED.etag ELSE crawl_urls.etag END,
               last_modified = CASE WHEN EXCLUDED.status IN (200, 304) THEN EXCLUDED.last_modified
                                    ELSE crawl_urls.last_modified END,
               document_id = coalesce(EXCLUDED.document_id, crawl_urls.document_id),
               last_fetched = now(), attempts = crawl_urls.attempts + 1, last_run_id = EXCLUDED.last_run_id,
               canonical_url = coalesce(EXCLUDED.canonical_url, crawl_urls.canonical_url),
               listed_modified = coalesce(EXCLUDED.listed_modified, crawl_urls.listed_modified)""",
        (
            url,
            source_id,
            kind,
            status,
            outcome,
            reason,
            error_kind,
            etag,
            last_modified,
            document_id,
            run_id,
            canonical_url,
            listed_modified,
        ),
    )


def record_url(conn: psycopg.Connection, *, in_batch: bool = False, **fields) -> None:
    """``save_url`` in its own transaction (for outcomes without a document); ``in_batch``: in the
    caller's."""
    if in_batch or (conn.autocommit and conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE):
        save_url(conn, **fields)  # one statement is its own transaction: no BEGIN and COMMIT round trips
        return
    with conn.transaction():
        save_url(conn, **fields)


def url_states(conn: psycopg.Connection, urls: list[str], canonicals: list[str]) -> dict[str, dict]:
    """What the database knows of these URLs: crawl_urls rows by URL, plus stored documents
    by canonical URL (under the key ``"doc:" + canonical``)."""
    states: dict[str, dict] = {}
    for row in conn.execute(
        """SELECT url, outcome, status, etag, last_modified, last_fetched, listed_modified, error_kind,
                      document_id FROM crawl_urls WHERE url = ANY(%s)""",
        (urls,),
    ):
        states[row["url"]] = row
    for row in conn.execute(
        "SELECT id, canonical_url, fetched_at FROM documents WHERE canonical_url = ANY(%s)", (canonicals,)
    ):
        states["doc:" + row["canonical_url"]] = row
    return states
