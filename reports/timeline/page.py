"""The HTML timeline of a dossier: one self-contained French page, and its exports next to it.

:func:`write_timeline` streams the happenings once, chronologically (``queries.HappeningLines``),
through the entries' template and the exports together, so a timeline of a hundred thousand
entries needs neither a second query nor the whole list in memory. Where it can fork, the work
is shared by three processes on one snapshot of the database: this one renders the entries (the
longest task); a second reads the page's header (cases, hearings ahead, coverage, filter
choices) and renders the page's opening and closing; a third formats the exports from the same
lines. The page is then put together, and every file is written under a temporary name and
published at the end, all at once.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import shutil
import threading
from contextlib import contextmanager
from functools import partial
from datetime import date, datetime, time
from pathlib import Path
from typing import Iterator
from zoneinfo import ZoneInfo

import psycopg
from psycopg import sql

from reports import queries
from reports.minors import Redactor, load_redactor
from reports.rendering import environment
from reports.timeline.exports import FILES, Exports
from reports.timeline.exports.ics import write_calendar
from reports.timeline.header import TEMPLATE_HELPERS, timeline_context
from reports.timeline.publish import discard, publish, temporary
from veille.db import sibling
from veille.errors import VeilleError

PARIS = ZoneInfo("Europe/Paris")
PAGE = "index.html"
ENTRIES = "index.entries.html"  # the entries, rendered apart while the header is read
# The helper processes (exports, header) have time to spare while this one renders the page, the
# longest task: at a lower priority they take the cores the page leaves (measured on two cores: a
# timeline of 60,000 entries 0.5 s sooner, the page process waiting half as long for a core).
HELPER_NICENESS = 10


def _entries(stream: queries.HappeningLines, redactor: Redactor, exports: Exports | None,
             progress) -> Iterator[queries.Happening]:
    """The happenings for the page; ``exports``, when formatted in this process, get each one too."""
    for lines in stream:
        for line in lines:
            h = queries.happening_from_line(line, redactor)
            if exports is not None:
                exports.add(h)
            if progress is not None:
                progress.advance()
            yield h


def _render(fh, template, **variables) -> None:
    for chunk in template.generate(**variables):
        fh.write(chunk)


def _rendered(template, variables: dict) -> str:
    return "".join(template.generate(**variables))


def _append(dst, path: Path) -> None:
    """Append the file at ``path`` to the binary file ``dst`` (in the kernel where it can)."""
    with path.open("rb") as src:
        size, offset = os.fstat(src.fileno()).st_size, 0
        try:
            while offset < size:
                offset += os.sendfile(dst.fileno(), src.fileno(), offset, size - offset)
        except OSError:  # no sendfile between these files: copy through memory
            src.seek(offset)
            shutil.copyfileobj(src, dst, 1 << 22)


@contextmanager
def _snapshot_reader(conn: psycopg.Connection) -> Iterator[tuple[psycopg.Connection, str | None]]:
    """(body, snapshot): a new read-only connection for the entries and the name of its snapshot, which
    the header's process imports so that both show the database in the same state. Where no second
    connection can be opened: ``conn`` and no snapshot (everything is then read in turn on ``conn``)."""
    try:
        body = sibling(conn)
    except psycopg.Error:
        yield conn, None
        return
    with body:
        body.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        body.read_only = True
        try:
            snapshot = body.execute("SELECT pg_export_snapshot() AS id").fetchone()["id"]
        except psycopg.Error:  # a server that exports no snapshot (a standby before PostgreSQL 10…)
            body.rollback()
            snapshot = None
        yield body, snapshot


def _header_in_child(results, conn: psycopg.Connection, snapshot: str, read) -> None:
    """The header process: ``read(head)`` on a connection to ``snapshot``, its result sent back."""
    try:
        os.nice(HELPER_NICENESS)
        with sibling(conn) as head:
            head.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            head.read_only = True
            try:
                head.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(snapshot))
            except psycopg.Error:  # a pooler that gave another server connection: a snapshot of its own
                head.rollback()
            value = read(head)
        results.send((True, value))
    except BaseException as exc:  # reported by the parent, which owns the error message
        results.send((False, f"{exc.__class__.__name__}: {exc}"))


class _HeaderWorker:
    """Reads the page's header (figures, cases, hearings ahead) and renders the page's opening and
    closing in a second process, while this one renders the entries: the header's queries then cost
    the page no time."""

    def __init__(self, conn: psycopg.Connection, snapshot: str, read):
        context = multiprocessing.get_context("fork")
        self.results_in, results_out = context.Pipe(duplex=False)
        self.process = context.Process(target=_header_in_child, name="veille-header", daemon=True,
                                       args=(results_out, conn, snapshot, read))
        self.process.start()
        results_out.close()

    def result(self):
        try:
            ok, value = self.results_in.recv()
        except EOFError:  # the child died without a word (killed, out of memory)
            ok, value = False, "le processus de l'en-tête s'est arrêté"
        self.process.join()
        if not ok:
            raise VeilleError(f"la lecture de l'en-tête de la chronologie a échoué : {value}",
                              "relancez avec --debug ; la chronologie précédente est restée en place")
        return value

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()


def _export_in_child(jobs, results, names: list[str], args: tuple) -> None:
    """The child's side: lines in, export files out (temporary names until the parent publishes them)."""
    try:
        os.nice(HELPER_NICENESS)
        redactor = Redactor(names)
        exports = Exports(*args)
        try:
            while True:
                block = jobs.recv_bytes()
                if not block:
                    break
                for line in block.splitlines():
                    exports.add(queries.happening_from_line(line, redactor))
            exports.close()
        except BaseException:
            exports.abort()
            raise
        results.send(None)
    except BaseException as exc:  # reported by the parent, which owns the error message
        results.send(f"{exc.__class__.__name__}: {exc}")


class _ExportWorker:
    """Formats the exports in a second process while this one renders the page.

    Both are CPU work; on two cores they then take the time of the longer one, not of both. The
    rows are read once, by this process, and handed over as the server wrote them: bytes, one
    line per happening, nothing to serialise (a thread does the sending, so a busy child never
    holds the page back)."""

    def __init__(self, redactor: Redactor, args: tuple):
        context = multiprocessing.get_context("fork")
        jobs_in, self.jobs_out = context.Pipe(duplex=False)  # (receiving end, sending end)
        self.results_in, results_out = context.Pipe(duplex=False)
        self.process = context.Process(target=_export_in_child, name="veille-exports", daemon=True,
                                       args=(jobs_in, results_out, redactor.names, args))
        self.process.start()
        jobs_in.close()
        results_out.close()
        self.outbox: queue.SimpleQueue = queue.SimpleQueue()
        self.sender = threading.Thread(target=self._send, name="veille-exports-send", daemon=True)
        self.sender.start()

    def _send(self) -> None:
        while True:
            block = self.outbox.get()
            try:
                self.jobs_out.send_bytes(block)
            except OSError:  # the child died; wait() says why
                return
            if not block:
                return

    def feed(self, lines: list[bytes]) -> None:
        self.outbox.put(b"".join(lines))  # each line ends with its newline

    def wait(self) -> None:
        self.outbox.put(b"")
        self.sender.join()
        try:
            error = self.results_in.recv()
        except EOFError:  # the child died without a word (killed, out of memory)
            error = "le processus des exports s'est arrêté"
        self.process.join()
        if error or self.process.exitcode:
            raise VeilleError(f"l'écriture des exports a échoué : {error or self.process.exitcode}",
                              "relancez avec --debug ; la chronologie précédente est restée en place")

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and os.environ.get("VEILLE_TIMELINE_WORKERS") != "1"


def write_timeline(conn: psycopg.Connection, config, dossier: str, out_dir: str | Path, *,
                   today: date | None = None, progress=None) -> Path:
    """Write ``index.html`` and its exports for ``dossier`` into ``out_dir``; returns the page's path.

    ``today``: the reference date (default: today in Paris). What is dated later is « à venir »;
    when given, the timeline shows the dossier as it stood at the end of that day. Nothing is
    replaced until everything is written."""
    config.dossier(dossier)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    generated = datetime.now(PARIS)
    as_of = datetime.combine(today, time.max, tzinfo=PARIS) if today else None
    title = config.dossier(dossier).title
    names = [PAGE, *FILES.values()]
    today = today or generated.date()
    env = environment()

    def header(head: psycopg.Connection, redactor: Redactor) -> tuple[str, str]:
        """The page's opening and closing, and the calendar of hearings ahead (read from ``head``)."""
        context = timeline_context(head, config, dossier, today, as_of, redactor, generated)
        write_calendar(out / FILES["ics"], context["upcoming"], title, generated)
        return (_rendered(env.get_template("_timeline_head.html.j2"), context),
                _rendered(env.get_template("_timeline_foot.html.j2"), context))

    workers: list = []
    exports = None
    try:
        with _snapshot_reader(conn) as (body, snapshot):
            redactor = load_redactor(body)
            export_args = (out, dossier, title, generated, as_of.date() if as_of else None)
            # The children are forked before any thread of ours runs: a child copies only the forking thread.
            parallel = _can_fork() and snapshot is not None
            header_worker = _HeaderWorker(conn, snapshot, partial(header, redactor=redactor)) if parallel else None
            export_worker = _ExportWorker(redactor, export_args) if _can_fork() else None
            workers = [w for w in (header_worker, export_worker) if w is not None]
            exports = None if export_worker else Exports(*export_args)
            if header_worker is None:  # the header first, then the entries, in this process
                page_start, page_end = header(body, redactor)
            with queries.HappeningLines(body, dossier, as_of=as_of,
                                        on_batch=export_worker.feed if export_worker else None) as stream:
                entries = _entries(stream, redactor, exports, progress)
                target = out / ENTRIES if header_worker else out / PAGE
                with temporary(target).open("w", encoding="utf-8") as fh:
                    if header_worker is None:
                        fh.write(page_start)
                    _render(fh, env.get_template("_timeline_entries.html.j2"), entries=entries, **TEMPLATE_HELPERS)
                    if header_worker is None:
                        fh.write(page_end)
        if header_worker is not None:  # the page: its opening, the entries rendered apart, its closing
            page_start, page_end = header_worker.result()
            with temporary(out / PAGE).open("w", encoding="utf-8") as fh:
                fh.write(page_start)
                fh.flush()
                _append(fh.buffer, temporary(out / ENTRIES))
                fh.write(page_end)
        if export_worker is not None:
            export_worker.wait()
        else:
            exports.close()
    except BaseException:
        for w in workers:
            w.stop()
        if exports is not None:
            exports.abort()
        discard(out, names)
        raise
    finally:
        temporary(out / ENTRIES).unlink(missing_ok=True)
    publish(out, names)
    return out / PAGE
