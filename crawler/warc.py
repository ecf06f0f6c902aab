"""``veille import warc``: pages kept in WARC or ARC files (gzipped or not) go through
the crawler's extraction, subject filter, de-duplication and storage, with the
capture date and the archive recorded as provenance.

A damaged record is reported on one line and skipped: reading resumes at the next
record (the next gzip member, or the next ``WARC/`` header of an uncompressed
file), so one bad record never costs the rest of the archive.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import click
import psycopg
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from crawler.captures import Capture, autocommit, skip_reason, store_capture
from veille.counts import outcome_label
from veille.errors import VeilleError

GZIP_MAGIC = b"\x1f\x8b\x08"
WARC_MAGIC = b"\nWARC/"
_READ_ERRORS = (ArchiveLoadFailed, zlib.error, EOFError, OSError, ValueError, IndexError, TypeError, KeyError)


@dataclass
class BadRecord:
    offset: int
    problem: str


@dataclass
class Ignored:
    reason: str  # request, metadata, revisit, status, not_html …


def check_files(paths: list[str]) -> list[Path]:
    """The files, all of them readable, or one error naming those that are not (nothing imported)."""
    missing = [p for p in paths if not Path(p).is_file()]
    if missing:
        raise VeilleError(
            f"fichier(s) introuvable(s) : {', '.join(missing)}", "vérifiez les chemins ; rien n'a été importé"
        )
    if not paths:
        raise VeilleError("aucun fichier à importer", "veille import warc FICHIER.warc.gz …")
    return [Path(p) for p in paths]


def read_archive(path: Path, archive: str | None = None) -> Iterator[Capture | BadRecord | Ignored]:
    """Every record of a WARC/ARC file, as a capture, a record to ignore, or a bad record.
    ``archive``: what the provenance names as the archive (default: the file's full path)."""
    archive = archive or str(path.resolve())
    with path.open("rb") as fh:
        gzipped = fh.read(2) == GZIP_MAGIC[:2]
        start: int | None = 0
        while start is not None:
            fh.seek(start)
            records = ArchiveIterator(fh, arc2warc=True)
            resume_from, start = start, None
            try:
                for record in records:
                    try:
                        yield _read_record(record, archive, resume_from)
                    except _READ_ERRORS as exc:
                        yield BadRecord(resume_from, _problem(exc))
                        if gzipped or isinstance(exc, TruncatedRecord):
                            # warcio may have fallen back to reading the broken member as plain
                            # bytes: what follows is noise until the next gzip member.
                            start = _next_record_start(
                                fh, resume_from + 1, gzipped, cut_short=isinstance(exc, TruncatedRecord)
                            )
                            break
                    records.read_to_end()
                    offset, length = records.member_info  # absolute: the iterator started at fh.tell()
                    resume_from = offset + length
            except _READ_ERRORS as exc:
                yield BadRecord(resume_from, _problem(exc))
                start = _next_record_start(fh, resume_from + 1, gzipped)


def _problem(exc: Exception) -> str:
    """The failure in French, without the raw bytes warcio quotes."""
    text = str(exc)
    if isinstance(exc, zlib.error):
        return "données compressées corrompues"
    if "Unknown archive format" in text:
        return "pas d'en-tête WARC ou ARC à cet endroit"
    if isinstance(exc, ArchiveLoadFailed):
        return "enregistrement WARC/ARC mal formé"
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(text.split())[:160] or exc.__class__.__name__


def _next_record_start(fh, after: int, gzipped: bool, cut_short: bool = False) -> int | None:
    """Offset of the next record header after ``after``, None at the end of the file. After a
    record ``cut_short``, the next one follows its last bytes directly, with no line break."""
    magic = GZIP_MAGIC if gzipped else (b"WARC/1." if cut_short else WARC_MAGIC)
    fh.seek(after)
    data = fh.read()
    found = data.find(magic)
    if cut_short and 0 <= found < 8:  # the cut record's own header (after the previous one's CRLFs)
        found = data.find(magic, found + 1)
    if found < 0:
        return None
    return after + found + (0 if gzipped or cut_short else 1)


class TruncatedRecord(ValueError):
    """A record shorter than its declared length: the next record may start inside it."""


def _read_record(record, archive: str, offset: int) -> Capture | Ignored:
    kind = record.rec_type
    if kind != "response":
        return Ignored(kind or "unknown")
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    if not url.startswith(("http://", "https://")) or not url.isprintable():
        raise ValueError("adresse cible absente ou invalide : ce n'est pas une réponse WARC lisible")
    http = record.http_headers
    if http is None:
        raise ValueError("réponse sans en-têtes HTTP")
    headers = {k.lower(): v for k, v in http.headers}
    capture = Capture(
        url=url,
        status=int(http.get_statuscode() or 0),
        headers=headers,
        body=b"",
        captured_at=_warc_date(record.rec_headers.get_header("WARC-Date")),
    )
    reason = skip_reason(capture)
    if reason:
        return Ignored(reason)
    capture.body = record.content_stream().read()  # de-chunked and decompressed
    record.raw_stream.read()  # what the decoding left, so that the count below is the record's own
    # A record cut short: the file ends before its declared length, or the length runs into the
    # next record, whose header then sits in the page. Stored, it would be a false « earlier
    # version » of the article.
    if getattr(record.raw_stream, "limit", 0) > 0 or b"\r\nWARC-Type:" in capture.body:
        raise TruncatedRecord(
            "enregistrement tronqué (plus court que la longueur qu'il annonce) : page non enregistrée"
        )
    capture.provenance = {
        "via": "warc",
        "archive": archive,
        "offset": offset,
        "record_id": record.rec_headers.get_header("WARC-Record-ID"),
        "captured_at": capture.captured_at.isoformat(),
    }
    return capture


def _warc_date(value: str | None) -> datetime:
    if not value:
        raise ValueError("enregistrement sans WARC-Date")
    moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def import_warc(
    conn: psycopg.Connection,
    config,
    paths: list[str],
    progress=None,
    say: Callable[[str], None] | None = None,
    source_id: str | None = None,
) -> dict:
    """Import the files; returns the run's counts. Bad records and unreadable files are
    reported one line each (through ``say``) and counted, never fatal."""
    from crawler.followed import with_followed_cases
    from veille.db import sync_config
    from veille.runs import recorded_run

    say = say or (lambda line: click.echo(line, err=True))
    files = check_files(paths)
    source = config.source(source_id) if source_id else None
    config = with_followed_cases(conn, config)
    with (
        autocommit(conn),
        recorded_run(conn, "import", {"kind": "warc", "files": [str(f) for f in files], "source": source_id}) as run,
    ):
        sync_config(conn, config)
        counts: Counter = run.counts
        for path in files:
            import_file(conn, config, path, run, say, source=source, progress=progress)
        result = dict(counts)
    return result


def import_file(
    conn: psycopg.Connection,
    config,
    path: Path,
    run,
    say: Callable[[str], None],
    *,
    source=None,
    progress=None,
    archive: str | None = None,
    keep: Callable[[Capture], bool] | None = None,
) -> FileOutcome:
    """Every record of one archive file through the crawl's stages, counted in ``run.counts``. ``keep``: a cheap test on the raw capture, before any
    extraction (a page it refuses is counted ``prefiltered`` and goes no further)."""
    counts: Counter = run.counts
    counts["files"] += 1
    outcome = FileOutcome()
    for item in read_archive(path, archive):
        counts["records"] += 1
        outcome.readable += not isinstance(item, BadRecord)
        if isinstance(item, BadRecord):
            counts["bad_records"] += 1
            outcome.first_bad = outcome.first_bad or item
            say(f"{path.name} : enregistrement illisible à l'octet {item.offset} ({item.problem}) — ignoré")
        elif isinstance(item, Ignored):
            if item.reason in ("status", "not_html", "revisit"):
                counts[f"skipped_{item.reason}"] += 1
        elif keep is not None and not keep(item):
            counts["prefiltered"] += 1
        else:
            counts["pages"] += 1
            stored = store_capture(conn, config, item, counts, source=source, run_id=run.id)
            if progress is not None:
                progress.advance(1, f"{path.name} : {outcome_label(stored)}")
        if counts["records"] % 200 == 0:
            run.save_counts()
    if not outcome.readable:  # not an archive at all, or nothing in it survived: the command fails
        counts["unreadable_files"] += 1
        say(f"{path.name} : aucun enregistrement WARC ou ARC lisible")
    return outcome


@dataclass
class FileOutcome:
    readable: int = 0  # records read whole
    first_bad: BadRecord | None = None  # the first damaged record, if any


def summary(counts: dict) -> str:
    """The French line that ends an import."""
    c = Counter(counts)
    line = (
        f"Import terminé : {c['files']} fichier(s), {c['records']} enregistrement(s), {c['pages']} page(s) HTML : "
        f"{c['new']} nouveau(x) document(s), {c['updated']} mis à jour, {c['unchanged']} inchangé(s), "
        f"{c['off_subject']} hors sujet, {c['errors']} erreur(s)"
    )
    if c["duplicates"]:
        line += f", dont {c['duplicates']} reprise(s) d'une même dépêche"
    skipped = c["skipped_status"] + c["skipped_not_html"] + c["skipped_revisit"]
    if skipped:
        line += f" ; {skipped} réponse(s) ignorée(s) (redirections, erreurs, contenus non HTML, doublons d'archive)"
    if c["older"]:
        line += f" ; {c['older']} page(s) plus ancienne(s) que la copie déjà en base (gardée)"
    if c["bad_records"]:
        line += f" ; {c['bad_records']} enregistrement(s) illisible(s)"
    return line + "."
