"""Watching the sources: a dead feed looks exactly like a quiet week, so we count.

After each crawl of a source, ``record_crawl`` updates ``source_health``: a source
that yields nothing ``empty_runs`` times in a row, fails that many times in a row,
or whose error rate jumps well above its own average is flagged; a good run clears
the flag. ``flagged_sources`` is what ``veille status`` and the digest footer show.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from veille.counts import CrawlCounts

EMPTY_RUNS = 3  # runs in a row without a single item before a source is flagged
ERROR_JUMP = 0.5  # flagged when the error share exceeds the average by this much
ERROR_FLOOR = 0.3  # …and is at least this high (a few 404s on a big site are normal)
SMOOTHING = 0.3  # weight of the newest run in the moving average


@dataclass(frozen=True)
class CrawlOutcome:
    items: int  # links the source's listings gave
    fetched: int  # pages asked that came to an end: the error rate's base
    errors: int  # pages that failed, once each
    failed: bool = False
    unchanged: bool = False  # listings answered « as last time » (304): their links are still there


def outcome_from_counts(counts: CrawlCounts, failed: bool = False) -> CrawlOutcome:
    """What the watch needs from a crawl run's counters (``veille.counts``)."""
    # Every listing (feed, sitemap, search page) failed and nothing was found: the source did not
    # answer, which is a failure, not a quiet week.
    unreachable = counts.listing_errors > 0 and not counts.listed and not counts.unchanged_listings
    return CrawlOutcome(
        items=counts.listed,
        fetched=counts.pages_asked,
        errors=counts.errors,
        failed=failed or unreachable,
        unchanged=counts.unchanged_listings > 0,
    )


def record_crawl_runs(
    conn: psycopg.Connection, source_id: str, runs: list[dict], failed: bool, empty_runs: int = EMPTY_RUNS
) -> str | None:
    """Update the watch with one scheduled crawl of ``source_id``, from the ``runs`` rows its
    command wrote (kind ``crawl``; their ``counts`` are ``CrawlCounts``); returns the flag reason."""
    crawls = [run for run in runs if run["kind"] == "crawl"]
    if not crawls and not failed:
        return None  # a source its own client collects (Judilibre, Wayback) writes no crawl run
    counts = CrawlCounts()
    for run in crawls:
        counts += CrawlCounts.from_json(run["counts"] or {})
    return record_crawl(conn, source_id, outcome_from_counts(counts, failed=failed), empty_runs)


def record_crawl(
    conn: psycopg.Connection, source_id: str, outcome: CrawlOutcome, empty_runs: int = EMPTY_RUNS
) -> str | None:
    """Update the watch for one crawl of ``source_id``; returns the flag reason if it is flagged."""
    with conn.transaction():
        row = conn.execute("SELECT * FROM source_health WHERE source_id = %s FOR UPDATE", (source_id,)).fetchone()
        if row is None:
            conn.execute("INSERT INTO source_health (source_id) VALUES (%s) ON CONFLICT DO NOTHING", (source_id,))
            row = conn.execute("SELECT * FROM source_health WHERE source_id = %s FOR UPDATE", (source_id,)).fetchone()
        # A listing answered « unchanged » still holds the links it held last time.
        items = (row["last_items"] or 0) if outcome.unchanged and not outcome.items else outcome.items
        empty = row["consecutive_empty"] + 1 if items == 0 and not outcome.failed else 0
        last_items = row["last_items"] if outcome.failed else items  # a failed run saw no listing
        failed = row["consecutive_failed"] + 1 if outcome.failed else 0
        rate = outcome.errors / outcome.fetched if outcome.fetched else (1.0 if outcome.failed else 0.0)
        average = row["error_rate_avg"]
        reason = None
        if empty >= empty_runs:
            reason = f"aucun article trouvé depuis {empty} collectes de suite : flux mort ou adresse changée ?"
        elif failed >= empty_runs:
            reason = f"{failed} collecte(s) de suite en échec : source injoignable ou en erreur ?"
        elif average is not None and rate >= ERROR_FLOOR and rate - average >= ERROR_JUMP:
            reason = f"taux d'erreur en hausse : {rate:.0%} contre {average:.0%} d'habitude"
        new_average = rate if average is None else (1 - SMOOTHING) * average + SMOOTHING * rate
        conn.execute(
            """UPDATE source_health SET runs = runs + 1, consecutive_empty = %s, consecutive_failed = %s,
                      last_items = %s, last_errors = %s, error_rate_avg = %s, flagged = %s, flag_reason = %s,
                      flagged_at = CASE WHEN %s AND NOT flagged THEN now() WHEN %s THEN flagged_at END,
                      updated_at = now()
                WHERE source_id = %s""",
            (
                empty,
                failed,
                last_items,
                outcome.errors,
                new_average,
                reason is not None,
                reason,
                reason is not None,
                reason is not None,
                source_id,
            ),
        )
    return reason


def flagged_sources(conn: psycopg.Connection) -> list[dict]:
    """Sources the operator should look at: id, name, reason, since."""
    return conn.execute(
        """SELECT h.source_id, coalesce(s.name, h.source_id) AS name, h.flag_reason AS reason, h.flagged_at AS since
             FROM source_health h LEFT JOIN sources s ON s.id = h.source_id
            WHERE h.flagged ORDER BY h.flagged_at, h.source_id"""
    ).fetchall()
