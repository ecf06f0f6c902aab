"""Watching the sources: a dead feed looks exactly like a quiet week, so we count.

After each crawl of a source, ``record_crawl`` updates ``source_health``: a source
that yields nothing ``empty_runs`` times in a row, fails that many times in a row,
or whose error rate jumps well above its own average is flagged; a good run clears
the flag. ``flagged_sources`` is what ``veille status`` and the digest footer show.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

EMPTY_RUNS = 3  # runs in a row without a single item before a source is flagged
ERROR_JUMP = 0.5  # flagged when the error share exceeds the average by this much
ERROR_FLOOR = 0.3  # …and is at least this high (a few 404s on a big site are normal)
SMOOTHING = 0.3  # weight of the newest run in the moving average


@dataclass(frozen=True)
class CrawlOutcome:
    items: int  # pages the discovery channel listed
    fetched: int
    errors: int
    failed: bool = False


def outcome_from_counts(counts: dict, failed: bool = False) -> CrawlOutcome:
    """Read a crawl run's counters (see ``crawler``'s summary) into what the watch needs."""
    errors = sum(v for k, v in counts.items() if k == "errors" or k.startswith("error_") or k.startswith("errors_"))
    items = counts.get("discovered", counts.get("items", counts.get("fetched", 0)))
    # Every listing (feed, sitemap, search page) failed and nothing was found: the source did not
    # answer, which is a failure, not a quiet week.
    unreachable = int(counts.get("listing_errors", 0)) > 0 and not int(items)
    return CrawlOutcome(items=int(items), fetched=int(counts.get("fetched", 0)), errors=int(errors),
                        failed=failed or unreachable)


def record_crawl(conn: psycopg.Connection, source_id: str, outcome: CrawlOutcome,
                 empty_runs: int = EMPTY_RUNS) -> str | None:
    """Update the watch for one crawl of ``source_id``; returns the flag reason if it is flagged."""
    with conn.transaction():
        row = conn.execute("SELECT * FROM source_health WHERE source_id = %s FOR UPDATE", (source_id,)).fetchone()
        if row is None:
            conn.execute("INSERT INTO source_health (source_id) VALUES (%s) ON CONFLICT DO NOTHING", (source_id,))
            row = conn.execute("SELECT * FROM source_health WHERE source_id = %s FOR UPDATE", (source_id,)).fetchone()
        empty = row["consecutive_empty"] + 1 if outcome.items == 0 and not outcome.failed else 0
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
            (empty, failed, outcome.items, outcome.errors, new_average, reason is not None, reason,
             reason is not None, reason is not None, source_id))
    return reason


def flagged_sources(conn: psycopg.Connection) -> list[dict]:
    """Sources the operator should look at: id, name, reason, since."""
    return conn.execute(
        """SELECT h.source_id, coalesce(s.name, h.source_id) AS name, h.flag_reason AS reason, h.flagged_at AS since
             FROM source_health h LEFT JOIN sources s ON s.id = h.source_id
            WHERE h.flagged ORDER BY h.flagged_at, h.source_id""").fetchall()
