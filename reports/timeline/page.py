"""The HTML timeline of a dossier: one self-contained French page, and its exports next to it.

:func:`write_timeline` reads everything in one transaction on the caller's connection (one
snapshot: the page's header and its entries show the database in the same state): first the
header (cases, hearings ahead, coverage, filter choices), then the happenings, streamed once,
chronologically (``queries.HappeningLines``), through the page's template and the exports together,
so a timeline of a hundred thousand entries needs neither a second query nor the whole list in
memory. Every file is written under a temporary name and published at the end (``publish.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
from psycopg.pq import TransactionStatus

from reports import queries
from reports.minors import Redactor, load_redactor
from reports.rendering import environment
from reports.timeline.exports import FILES, Exports
from reports.timeline.exports.ics import write_calendar
from reports.timeline.header import timeline_context
from reports.timeline.publish import discard, publish, temporary

PARIS = ZoneInfo("Europe/Paris")
PAGE = "index.html"
TEMPLATE = "timeline.html.j2"


def _entries(
    stream: queries.HappeningLines, redactor: Redactor, exports: Exports, progress
) -> Iterator[queries.Happening]:
    """The happenings for the page, handed to the exports on their way: a batch of lines (a few
    hundred entries) is parsed and exported at once, then rendered, rather than each entry going
    through the three exports and the template in turn (each stage's code and data then stay in the
    processor's caches: about a second less for 60,000 entries)."""
    for lines in stream:
        batch = [queries.happening_from_line(line, redactor) for line in lines]
        for h in batch:
            exports.add(h)
        if progress is not None:
            progress.advance(len(batch))
        yield from batch


@contextmanager
def _one_snapshot(conn: psycopg.Connection) -> Iterator[None]:
    """One read-only transaction that sees one snapshot of the database. Inside a transaction the
    caller already opened, that one (and its isolation level) is used, through a savepoint."""
    fresh = conn.info.transaction_status == TransactionStatus.IDLE
    with conn.transaction():
        if fresh:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def write_timeline(
    conn: psycopg.Connection, config, dossier: str, out_dir: str | Path, *, today: date | None = None, progress=None
) -> Path:
    """Write ``index.html`` and its exports for ``dossier`` into ``out_dir``; returns the page's path.

    ``today``: the reference date (default: today in Paris). What is dated later is « à venir »;
    when given, the timeline shows the dossier as it stood at the end of that day. Nothing is
    replaced until everything is written."""
    d = config.dossier(dossier)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    generated = datetime.now(PARIS)
    as_of = datetime.combine(today, time.max, tzinfo=PARIS) if today else None
    today = today or generated.date()
    names = [*FILES.values(), PAGE]  # the page last: when it is new, so are its exports
    template = environment().get_template(TEMPLATE)
    exports = None
    try:
        with _one_snapshot(conn):
            redactor = load_redactor(conn)
            published = queries.publication(conn, config.reports.publish)
            context = timeline_context(conn, config, dossier, today, as_of, redactor, generated, published)
            mark = published.mark_unreviewed
            write_calendar(out / FILES["ics"], context["upcoming"], d.title, generated, mark)
            exports = Exports(out, dossier, d.title, generated, as_of.date() if as_of else None, mark)
            with (
                queries.HappeningLines(conn, dossier, as_of=as_of, approved_only=published.approved_only) as stream,
                temporary(out / PAGE).open("w", encoding="utf-8") as fh,
            ):
                fh.writelines(template.generate(entries=_entries(stream, redactor, exports, progress), **context))
            exports.close()
    except BaseException:
        if exports is not None:
            exports.abort()
        discard(out, names)
        raise
    publish(out, names)
    return out / PAGE
