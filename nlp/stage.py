"""The NLP stage over the database: ``veille nlp run``.

Which documents: every stored document with a text that has no analysis by the current
pipeline version for its current text (``document_analyses`` keeps the version and the
text's hash, so a document the crawler updated is analysed again). Documents analysed by
an older version are re-analysed only on request (``reanalyse``): a new model can take
hours over a large database, and the operator decides when.

How: batches of ``batch_size`` documents go through ``nlp.pipe`` (in ``processes`` worker
processes when asked); each batch's facts are written in one transaction, replacing
whatever an earlier analysis of the same documents stored. A process killed mid-batch
leaves the batch untouched and the next run takes it again; nothing is half-written.
A document that makes the pipeline fail is analysed alone to confirm, then recorded
with its error (``status = 'error'``) and skipped until ``retry_errors``. A text that is
not French (by its ``lang`` or by its function words) is recorded ``skipped``.

One run per database at a time: a session advisory lock (``NLP_LOCK``), held for the run; a
second run says so and stops, instead of analysing the same documents twice alongside.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import cast
from zoneinfo import ZoneInfo

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from nlp.analysis import MINOR_NAME, analyse_doc
from nlp.text import language_of
from veille.runs import recorded_run
from veille.sql import load_queries

log = logging.getLogger(__name__)
PARIS = ZoneInfo("Europe/Paris")
NLP_LOCK = 0x6E6C7072756E  # "nlprun"


class NotFrench(Exception):
    """The text is not in French: the French model would only make noise of it."""


@dataclass
class Pending:
    id: int
    text: str
    published: date
    text_hash: str
    lang: str | None = None


@dataclass
class StageResult:
    version: str
    analysed: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: {"mentions": 0, "charges": 0, "dates": 0, "events": 0})
    outdated: int = 0  # documents analysed by an older version only, left alone
    failed_before: int = 0  # documents that failed with this version in an earlier run, left alone
    not_french: int = 0
    words: int = 0


QUERIES = load_queries("nlp", "queries.sql")  # the documents to analyse, by name


def count_pending(
    conn: psycopg.Connection,
    version: str,
    dossier: str | None = None,
    *,
    reanalyse: bool = False,
    retry_errors: bool = False,
) -> dict[str, int]:
    """How many documents the run would analyse, and how many it leaves (older version, failed)."""
    row = conn.execute(
        QUERIES["pending_counts"],
        {"dossier": dossier, "version": version, "reanalyse": reanalyse, "retry_errors": retry_errors},
    ).fetchone()
    return {
        "pending": row["pending"],
        "outdated": 0 if reanalyse else row["outdated"],
        "failed": 0 if retry_errors else row["failed"],
    }


def pending_documents(
    conn: psycopg.Connection,
    version: str,
    dossier: str | None = None,
    *,
    reanalyse: bool = False,
    retry_errors: bool = False,
    chunk: int = 500,
) -> Iterator[list[Pending]]:
    """The documents to analyse, in id order, ``chunk`` at a time (texts are read lazily)."""
    params = {
        "dossier": dossier,
        "version": version,
        "reanalyse": reanalyse,
        "retry_errors": retry_errors,
        "chunk": chunk,
    }
    last = 0
    while True:
        rows = conn.execute(QUERIES["pending_documents"], {**params, "last": last}).fetchall()
        if not rows:
            return
        batch = [Pending(r["id"], r["text"], r["published"], r["hash"], r["lang"]) for r in rows]
        last = batch[-1].id
        yield batch


def _batches(items: list[Pending], size: int) -> Iterator[list[Pending]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def still_answering(conn: psycopg.Connection, every: float = 1.0) -> Callable[[], None]:
    """A check that the database still answers (``SELECT 1``), at most once every ``every``
    seconds: a write batch takes many seconds to analyse, and a server lost meanwhile (killed,
    stopped) is noticed within about a second instead of at the next write."""
    import time

    last = time.monotonic()

    def check() -> None:
        nonlocal last
        if time.monotonic() - last >= every:
            conn.execute("SELECT 1")
            last = time.monotonic()

    return check


def analyse_texts(
    nlp, items: list[Pending], processes: int = 1, batch_size: int = 32, alive: Callable[[], None] | None = None
) -> list[dict | Exception]:
    """The analysis of each item, or the exception the pipeline raised on it; ``alive`` is
    called after each document (``still_answering``), and what it raises ends the analysis."""
    out: list[dict | Exception | None] = [None] * len(items)
    docs, where = [], []
    for i, item in enumerate(items):
        found = language_of(item.text)
        if (item.lang and not item.lang.lower().startswith("fr")) or found not in (None, "fr"):
            out[i] = NotFrench(f"texte en « {found or item.lang} », pas en français : non analysé")
            continue
        try:
            doc = nlp.make_doc(item.text)  # refuses a text longer than nlp.max_length
        except Exception as exc:  # noqa: BLE001 — recorded per document, the run goes on
            out[i] = exc
            continue
        doc._.published = item.published.isoformat()
        docs.append(doc)
        where.append(i)
    try:
        for i, doc in zip(where, nlp.pipe(docs, batch_size=batch_size, n_process=processes)):
            out[i] = analyse_doc(doc)
            if alive is not None:
                alive()
    except psycopg.Error:
        raise  # the database is gone: no document is to blame, the run ends
    except Exception as exc:  # noqa: BLE001 — find which document it was: each alone, in this process
        if len(where) == 1:
            out[where[0]] = exc
        else:
            for i in where:
                out[i] = analyse_texts(nlp, [items[i]])[0]
    return cast("list[dict | Exception]", out)  # every slot was filled


def run_stage(
    conn: psycopg.Connection,
    nlp,
    version: str,
    *,
    dossier: str | None = None,
    processes: int = 1,
    batch_size: int = 32,
    reanalyse: bool = False,
    retry_errors: bool = False,
    progress=None,
    on_batch: Callable[[StageResult], None] | None = None,
) -> StageResult:
    """Analyse the pending documents and store their facts; returns what was done.
    ``conn`` returns rows as dicts, as every veille connection does (``veille.db.connect``)."""
    from veille.errors import VeilleError

    row = conn.execute("SELECT pg_try_advisory_lock(%s) AS ok", (NLP_LOCK,)).fetchone()
    if not (row["ok"] if isinstance(row, dict) else row[0]):
        raise VeilleError(
            "une analyse (veille nlp run) tourne déjà sur cette base",
            "attendez qu'elle finisse (veille status) avant d'en lancer une autre",
        )
    try:
        return _run_stage(
            conn,
            nlp,
            version,
            dossier=dossier,
            processes=processes,
            batch_size=batch_size,
            reanalyse=reanalyse,
            retry_errors=retry_errors,
            progress=progress,
            on_batch=on_batch,
        )
    finally:
        if not conn.closed:
            if conn.info.transaction_status == psycopg.pq.TransactionStatus.INERROR:
                conn.rollback()
            conn.execute("SELECT pg_advisory_unlock(%s)", (NLP_LOCK,))
            if not conn.autocommit:
                conn.commit()


def _run_stage(
    conn: psycopg.Connection,
    nlp,
    version: str,
    *,
    dossier: str | None,
    processes: int,
    batch_size: int,
    reanalyse: bool,
    retry_errors: bool,
    progress,
    on_batch: Callable[[StageResult], None] | None,
) -> StageResult:
    result = StageResult(version)
    waiting = count_pending(conn, version, dossier, reanalyse=reanalyse, retry_errors=retry_errors)
    result.outdated, result.failed_before = waiting["outdated"], waiting["failed"]
    if progress is not None:
        progress.total = waiting["pending"]
    with recorded_run(
        conn, "nlp", {"dossier": dossier, "version": version, "processes": processes, "reanalyse": reanalyse}
    ) as run:
        # A chunk is read before it is analysed; a write batch is a few pipe batches, so one
        # transaction is not too long to lose when the process is killed.
        write_size = max(batch_size * max(processes, 1) * 2, 64)
        alive = still_answering(conn)
        for chunk in pending_documents(conn, version, dossier, reanalyse=reanalyse, retry_errors=retry_errors):
            for batch in _batches(chunk, write_size):
                analyses = analyse_texts(nlp, batch, processes, batch_size, alive)
                stored = store_analyses(conn, batch, analyses, version, run.id)
                if not conn.autocommit:
                    conn.commit()  # each batch is durable on its own (a killed run keeps what it finished)
                for key, n in stored.items():
                    result.counts[key] = result.counts.get(key, 0) + n
                    run.count(key, n)
                for item, analysis in zip(batch, analyses):
                    if isinstance(analysis, NotFrench):
                        result.not_french += 1
                        run.count("not_french")
                    elif isinstance(analysis, Exception):
                        result.errors.append((item.id, _error_text(analysis)))
                        run.count("errors")
                    else:
                        result.analysed += 1
                        run.count("analysed")
                        result.words += len(item.text.split())
                run.count("documents", len(batch))
                run.save_counts()
                if progress is not None:
                    progress.advance(len(batch), f"{result.counts['events']} événements")
                if on_batch is not None:
                    on_batch(result)
    return result


def analyse_batch(
    conn: psycopg.Connection,
    nlp,
    version: str,
    ids: list[int],
    *,
    batch_size: int = 32,
    reanalyse: bool = False,
    retry_errors: bool = False,
    params: dict | None = None,
) -> dict[str, int]:
    """Analyse those of the documents ``ids`` still to analyse, as one run; one transaction
    writes the facts of all of them, so a worker killed midway leaves the batch as it was.
    Batches of different ids may run at once, on any number of machines (``veille worker``):
    unlike ``run_stage``, this takes no database-wide lock. Returns the run's counts."""
    rows = conn.execute(
        QUERIES["pending_among"],
        {"ids": list(ids), "version": version, "reanalyse": reanalyse, "retry_errors": retry_errors},
    ).fetchall()
    items = [Pending(r["id"], r["text"], r["published"], r["hash"], r["lang"]) for r in rows]
    with recorded_run(conn, "nlp", {"version": version, "documents": len(ids), **(params or {})}) as run:
        run.count("documents", len(items))
        run.count("already_done", len(ids) - len(items))
        if items:
            analyses = analyse_texts(nlp, items, 1, batch_size, still_answering(conn))
            stored = store_analyses(conn, items, analyses, version, run.id)
            if not conn.autocommit:
                conn.commit()
            for key, n in stored.items():
                run.count(key, n)
            for analysis in analyses:
                kind = "not_french" if isinstance(analysis, NotFrench) else "errors"
                run.count("analysed" if not isinstance(analysis, Exception) else kind)
        counts = dict(run.counts)
    return counts


def _error_text(exc: Exception) -> str:
    return f"{exc.__class__.__name__}: {exc}"[:2000]


def store_analyses(
    conn: psycopg.Connection, items: list[Pending], analyses: list[dict | Exception], version: str, run_id: int | None
) -> dict[str, int]:
    """Replace the facts of these documents by their new analyses, in one transaction."""
    counts = {"mentions": 0, "charges": 0, "dates": 0, "events": 0}
    with conn.transaction():
        ok = [(item, a) for item, a in zip(items, analyses) if not isinstance(a, Exception)]
        ok_ids = [item.id for item, _ in ok]
        if ok_ids:
            for table in ("mentions", "charges", "date_mentions", "events"):
                conn.execute(
                    sql.SQL("DELETE FROM {} WHERE document_id = ANY(%s)").format(sql.Identifier(table)), (ok_ids,)
                )
        ok = [
            (item, {**a, "entities": [e for e in a["entities"] if e["label"] in LABELS and e["key"]]}) for item, a in ok
        ]
        entity_ids = _upsert_entities(conn, [e for _, a in ok for e in a["entities"]])
        mentions, charges, dates, events = [], [], [], []
        for item, a in ok:
            for e in a["entities"]:
                label = _label(e)
                mentions.append(
                    (
                        item.id,
                        entity_ids[(label, e["key"])],
                        e["start"],
                        e["end"],
                        e["text"],
                        e["role"],
                        e["minor"],
                        e["sentence_start"],
                        e["sentence_end"],
                        e.get("honorific"),
                    )
                )
            for c in (*a["charges"], *a.get("circumstances", ())):  # circumstances name cases (« guet-apens »)
                charges.append(
                    (
                        item.id,
                        c["charge"],
                        c["category"],
                        c["articles"],
                        c["text"],
                        c["start"],
                        c["end"],
                        c["sentence_start"],
                        c["sentence_end"],
                        c.get("lemma") or c["charge"],
                    )
                )
            for d in a["dates"]:
                dates.append(
                    (
                        item.id,
                        d["text"],
                        _first_day(d["date"]),
                        d["precision"],
                        d["date_end"],
                        d["start"],
                        d["end"],
                        d["sentence_start"],
                        d["sentence_end"],
                    )
                )
            for ev in a["events"]:
                events.append(
                    (
                        item.id,
                        _first_day(ev["date"]),
                        ev["precision"],
                        ev.get("date_end"),
                        ev["kind"],
                        ev["summary"],
                        ev["upcoming"],
                        ev["places"],
                        ev["people"],
                        ev["charges"],
                        ev["evidence"],
                        ev["start"],
                        ev["end"],
                        ev.get("date_text"),
                        ev.get("date_text_start"),
                        ev.get("date_text_end"),
                        ev.get("date_from", "sentence"),
                        Jsonb(ev["how"]) if ev.get("how") else None,
                        bool(ev.get("context")),
                    )
                )
        with conn.cursor() as cur:
            _copy(
                cur,
                "mentions (document_id, entity_id, start_char, end_char, text, role, minor, sentence_start, "
                "sentence_end, honorific)",
                mentions,
            )
            _copy(
                cur,
                "charges (document_id, canonical, category, articles, text, start_char, end_char, "
                "sentence_start, sentence_end, lemma)",
                charges,
            )
            _copy(
                cur,
                "date_mentions (document_id, text, date_value, precision, date_end, start_char, end_char, "
                "sentence_start, sentence_end)",
                dates,
            )
            _copy(
                cur,
                "events (document_id, event_date, precision, date_end, kind, summary, upcoming, places, "
                "people, charges, evidence, evidence_start, evidence_end, date_text, date_start_char, "
                "date_end_char, date_from, date_how, context)",
                events,
            )
        analyses_rows = []
        for item, a in zip(items, analyses):  # type: ignore[assignment]  # `a` was a dict above
            if isinstance(a, NotFrench):
                analyses_rows.append((item.id, version, "skipped", str(a), run_id, item.text_hash, Jsonb({})))
            elif isinstance(a, Exception):
                analyses_rows.append((item.id, version, "error", _error_text(a), run_id, item.text_hash, Jsonb({})))
            else:
                found = {
                    "mentions": len(a["entities"]),
                    "charges": len(a["charges"]),
                    "dates": len(a["dates"]),
                    "events": len(a["events"]),
                }
                analyses_rows.append((item.id, version, "ok", None, run_id, item.text_hash, Jsonb(found)))
        with conn.cursor() as cur:
            cur.executemany(
                """INSERT INTO document_analyses (document_id, pipeline_version, status, error, run_id, text_hash,
                                                  counts)
                   VALUES (%s, %s, %s, %s, %s, %s, %s)
                   ON CONFLICT (document_id, pipeline_version) DO UPDATE
                      SET status = EXCLUDED.status, error = EXCLUDED.error, run_id = EXCLUDED.run_id,
                          text_hash = EXCLUDED.text_hash, counts = EXCLUDED.counts, analysed_at = now()""",
                analyses_rows,
            )
    counts.update(mentions=len(mentions), charges=len(charges), dates=len(dates), events=len(events))
    return counts


LABELS = ("PER", "LOC", "ORG", "SITE")


def _label(entity: dict) -> str:
    return entity["label"]


def _first_day(value: str) -> date:
    """« 2024 », « 2024-09 », « 2024-09-02 » → the first day they cover."""
    parts = value.split("-") + ["01", "01"]
    return date(int(parts[0]), int(parts[1]), int(parts[2]))


def _upsert_entities(conn: psycopg.Connection, entities: Iterable[dict]) -> dict[tuple[str, str], int]:
    """One row per (label, key), keeping the fullest name; a person once described as a minor stays unnamed."""
    wanted: dict[tuple[str, str], dict] = {}
    for e in entities:
        k = (_label(e), e["key"])
        have = wanted.get(k)
        if have is None:
            wanted[k] = {
                "canonical": e["canonical"],
                "minor": e["minor"],
                "org_kind": e.get("org_kind"),
                "seat": e.get("seat"),
            }
        else:
            have["minor"] = have["minor"] or e["minor"]
            if len(e["canonical"]) > len(have["canonical"]):
                have["canonical"] = e["canonical"]
            have["org_kind"] = have["org_kind"] or e.get("org_kind")
            have["seat"] = have["seat"] or e.get("seat")
    if not wanted:
        return {}
    keys = sorted(wanted)  # a fixed order: two concurrent runs never deadlock on entity rows
    rows = conn.execute(
        """INSERT INTO entities (label, key, canonical, minor, org_kind, seat)
           SELECT * FROM unnest(%s::text[], %s::text[], %s::text[], %s::bool[], %s::text[], %s::text[])
           ON CONFLICT (label, key) DO UPDATE SET
               minor = entities.minor OR EXCLUDED.minor,
               canonical = CASE WHEN entities.minor OR EXCLUDED.minor THEN %s
                                WHEN length(EXCLUDED.canonical) > length(entities.canonical) THEN EXCLUDED.canonical
                                ELSE entities.canonical END,
               org_kind = coalesce(entities.org_kind, EXCLUDED.org_kind),
               seat = coalesce(entities.seat, EXCLUDED.seat)
           RETURNING id, label, key""",
        (
            [k[0] for k in keys],
            [k[1] for k in keys],
            [MINOR_NAME if wanted[k]["minor"] else wanted[k]["canonical"] for k in keys],
            [wanted[k]["minor"] for k in keys],
            [wanted[k]["org_kind"] for k in keys],
            [wanted[k]["seat"] for k in keys],
            MINOR_NAME,
        ),
    ).fetchall()
    return {(r["label"], r["key"]): r["id"] for r in rows}


def _copy(cur, target: str, rows: list[tuple]) -> None:
    """COPY ``rows`` into ``target`` (« table (column, …) »): names quoted as identifiers."""
    if not rows:
        return
    table, _, columns = target.partition(" (")
    names = [c.strip() for c in columns.rstrip(")").split(",")]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, names))
    )
    with cur.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
