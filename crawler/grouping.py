"""Group near-duplicate documents (wire republications) in the database.

A story's copies point with ``duplicate_of`` to its canonical document, the
earliest published (lowest id on ties); the canonical one has ``duplicate_of``
NULL. Which outlets republished a story is then one query (see the view
``story_outlets`` of migration 0002):

    SELECT title, copies, outlets FROM story_outlets WHERE copies > 1;

Grouping runs inside the transaction that stores the document, under an advisory
lock, so two copies stored at the same moment by two threads still end in one group.
"""

from __future__ import annotations

import psycopg

from crawler.dedup import MIN_CONTAINMENT, SIMHASH_DISTANCE, Fingerprint, containment

DEDUP_LOCK = 0x76656964_64757073 & 0x7FFFFFFFFFFFFFFF  # "veiddups"
WINDOW_DAYS = 30  # republications of a dispatch appear within days of each other


MAX_CANDIDATES = 20  # the closest SimHashes; a story's copies are among them


def lock(conn: psycopg.Connection) -> None:
    """The grouping lock, until the end of the transaction."""
    conn.execute("SELECT pg_advisory_xact_lock(%s)", (DEDUP_LOCK,))


def group(
    conn: psycopg.Connection, doc_id: int, fp: Fingerprint, published_at, fresh: bool = False, locked: bool = False
) -> int | None:
    """Attach ``doc_id`` to its story; returns the canonical document id when it is a copy.
    ``fresh``: the document was inserted by this transaction (it points to no story yet);
    ``locked``: the transaction holds the grouping lock already (:func:`lock`)."""
    if not locked:
        lock(conn)
    rows = conn.execute(
        """SELECT id, duplicate_of, shingle_sketch, shingle_count, text_hash FROM documents
            WHERE id <> %(id)s AND simhash IS NOT NULL
              AND (text_hash = %(th)s OR bit_count((simhash # %(sh)s)::bit(64)) <= %(dist)s)
              AND (%(pub)s::timestamptz IS NULL OR published_at IS NULL
                   OR published_at BETWEEN %(pub)s::timestamptz - make_interval(days => %(days)s)
                                       AND %(pub)s::timestamptz + make_interval(days => %(days)s))
            ORDER BY text_hash = %(th)s DESC, bit_count((simhash # %(sh)s)::bit(64)), id
            LIMIT %(limit)s""",
        {
            "id": doc_id,
            "th": fp.text_hash,
            "sh": fp.simhash,
            "dist": SIMHASH_DISTANCE,
            "pub": published_at,
            "days": WINDOW_DAYS,
            "limit": MAX_CANDIDATES,
        },
    ).fetchall()
    roots = {
        r["duplicate_of"] or r["id"]
        for r in rows
        if r["text_hash"] == fp.text_hash
        or containment(fp.sketch, fp.shingle_count, r["shingle_sketch"] or (), r["shingle_count"] or 0)
        >= MIN_CONTAINMENT
    }
    if not roots:
        if not fresh:  # an updated text may no longer be a copy
            conn.execute(
                "UPDATE documents SET duplicate_of = NULL WHERE id = %s AND duplicate_of IS NOT NULL", (doc_id,)
            )
        return None
    # Each story's canonical document is its earliest: the new one, or one of the roots met.
    heads = conn.execute(
        "SELECT id, published_at FROM documents WHERE id = ANY(%s) OR id = %s", (list(roots), doc_id)
    ).fetchall()
    canonical = min(heads, key=lambda m: (m["published_at"] is None, m["published_at"] or 0, m["id"]))["id"]
    if roots == {canonical}:
        conn.execute("UPDATE documents SET duplicate_of = %s WHERE id = %s", (canonical, doc_id))
    else:  # the new document is the earliest copy, or it joins two stories: re-point them
        conn.execute("UPDATE documents SET duplicate_of = NULL WHERE id = %s", (canonical,))
        conn.execute(
            """UPDATE documents SET duplicate_of = %(c)s
                         WHERE (id = ANY(%(roots)s) OR duplicate_of = ANY(%(roots)s) OR id = %(id)s)
                           AND id <> %(c)s AND duplicate_of IS DISTINCT FROM %(c)s""",
            {"c": canonical, "roots": list(roots), "id": doc_id},
        )
        # The URLs' outcomes follow the story's new canonical document.
        reason = f"reprise de la dépêche du document {canonical}"
        conn.execute(
            """UPDATE crawl_urls SET outcome = 'duplicate', reason = %s
                         WHERE document_id IN (SELECT id FROM documents WHERE duplicate_of = %s)
                           AND outcome IN ('stored', 'duplicate') AND reason IS DISTINCT FROM %s""",
            (reason, canonical, reason),
        )
        conn.execute(
            """UPDATE crawl_urls SET outcome = 'stored', reason = NULL
                         WHERE document_id = %s AND outcome = 'duplicate'""",
            (canonical,),
        )
    return canonical if canonical != doc_id else None
