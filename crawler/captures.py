"""Archived copies of pages (WARC records, Wayback captures) through the crawler's own
stages: ``crawler.ingest.store_page`` does extraction, subject filter,
de-duplication and storage, with the crawl's decisions, so an archived copy and a live
crawl of the same page end up as one document, of the same kind.
"""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

import psycopg

from crawler.ingest import configured_kind, store_page
from crawler.urls import canonical_url, site_of
from veille.kinds import kind_of

_HTML = re.compile(r"html", re.I)
# Headers that describe the transfer, not the page: the payload we hand over is already decoded.
_TRANSFER_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}


@dataclass
class Capture:
    """One archived HTTP response."""

    url: str
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes
    captured_at: datetime
    provenance: dict = field(default_factory=dict)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


@contextlib.contextmanager
def autocommit(conn: psycopg.Connection):
    """Each page in its own committed transaction, whatever mode the caller's connection is in
    (the CLI's is not in autocommit): a run killed midway keeps what it stored."""
    previous = conn.autocommit
    if not previous:
        conn.commit()
        conn.autocommit = True
    try:
        yield conn
    finally:
        if not previous and not conn.closed:
            conn.autocommit = False


def source_for(config, url: str):
    """The configured outlet the URL belongs to (same site as one of its addresses), if any."""
    site = site_of(url)
    for source in config.sources:
        if kind_of(source.kind).outlet and site in source.sites:
            return source
    return None


def skip_reason(capture: Capture) -> str | None:
    """Why an archived response is not a page to store (None: it is one)."""
    if capture.status != 200:
        return "status"
    if capture.content_type and not _HTML.search(capture.content_type):
        return "not_html"
    return None


def stored_since(conn: psycopg.Connection, url: str) -> datetime | None:
    """When the stored copy of this page was fetched, if there is one."""
    # Both lookups use a key (documents.canonical_url, crawl_urls.url): this runs once per page.
    row = conn.execute(
        """SELECT greatest((SELECT fetched_at FROM documents WHERE canonical_url = %s),
                           (SELECT d.fetched_at FROM crawl_urls c JOIN documents d ON d.id = c.document_id
                             WHERE c.url = %s)) AS at""",
        (canonical_url(url), url),
    ).fetchone()
    return row["at"] if row else None


def store_capture(
    conn: psycopg.Connection, config, capture: Capture, counts: Counter, source=None, run_id: int | None = None
) -> str:
    """Store one archived page like a crawled one; counts its outcome as ``veille crawl`` does.

    A capture older than the stored copy is left out (``older``): an archive must not
    replace a newer text with an older one.
    """
    stored = stored_since(conn, capture.url)
    if stored is not None and stored > capture.captured_at:
        counts["older"] += 1
        return "older"
    source = source or source_for(config, capture.url)
    headers = {k: v for k, v in capture.headers.items() if k not in _TRANSFER_HEADERS}
    outcome = store_page(
        conn,
        url=capture.url,
        body=capture.body,
        headers=headers,
        fetched_at=capture.captured_at,
        provenance=capture.provenance,
        dossiers=config.dossiers_for(source),
        source_id=source.id if source else None,
        status=capture.status,
        tdm_policy=config.crawl.tdm_policy,
        run_id=run_id,
        document_kind=configured_kind(source),
    )
    key = {"stored": "new", "duplicate": "duplicates"}.get(outcome.outcome, outcome.outcome)
    if outcome.outcome == "duplicate":
        counts["new"] += 1
    if outcome.outcome == "error":
        counts["errors"] += 1
    counts[key] += 1
    return outcome.outcome
