"""The database side of the case grouping: read the facts, write cases and happenings.

Everything is written in one transaction, under an advisory lock so that two
recomputations (the scheduler's timeline and a user's ``veille cases``) never
interleave: ``cases``, ``case_dossiers``, ``case_documents``, ``events.case_id``,
``events.happening_id``, ``happenings`` and ``case_stages``. Cases are upserted by
slug and happenings by key, so ``first_seen_at`` survives recomputation.

The editors' corrections in force (``veille/corrections.py``) are applied at every
computation (``cases/corrections.py``), and each is marked applied or orphan in the same
transaction.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Set as AbstractSet

import psycopg
from psycopg.types.json import Jsonb

from cases.corrections import Outcome, Review, apply_entries, case_status, document_sets, with_case_corrections
from cases.facts import event_fact
from cases.grouping import ALGORITHM_VERSION, group
from cases.model import DocumentFact, EventFact, Grouping
from cases.naming import key
from cases.overrides import overrides_from_config
from veille.corrections import in_force
from veille.runs import recorded_run
from veille.sql import load_queries

QUERIES = load_queries("cases", "queries.sql")
LOCK = 0x7665696C6C63  # "veillc": distinct from the migration and scheduler locks


def _site_words(config) -> list[re.Pattern]:
    """How titles name each dossier's subject: its terms, and the bare name of its domains (« Coco »)."""
    words = set()
    for d in config.dossiers.values():
        for term in d.terms:
            words.add(key(term))
            if "." in term:
                words.add(key(term.split(".")[-2].split("/")[-1]))
    return [re.compile(rf"(?:^| ){re.escape(w)}(?: |$)") for w in sorted(words) if w]


def load_facts(
    conn: psycopg.Connection,
    config,
    off_topic: AbstractSet[int] = frozenset(),
    passing_too: AbstractSet[int] = frozenset(),
) -> tuple[list[EventFact], list[DocumentFact], dict[str, str]]:
    """Events with what their sentence names (from the mentions inside the evidence span), and documents.

    ``off_topic``: documents whose events are left out (an editor's correction); ``passing_too``:
    documents to read as passing mentions besides those the subject filter found."""
    named: dict[int, list[dict]] = defaultdict(list)
    for r in conn.execute(QUERIES["event_mentions"]):
        named[r["event_id"]].append(r)
    minors = {key(r["canonical"]) for r in conn.execute(QUERIES["minors"])}
    minors |= {key(e["canonical"]) for es in named.values() for e in es if e["label"] == "PER" and e["minor"]}
    # Documents that name the subject only in passing everywhere they belong: only their sentences that
    # name it are about it (an article on Omegle listing coco.gg once does not date the site's story).
    passing = {r["document_id"] for r in conn.execute(QUERIES["passing_documents"])} | set(passing_too)
    site_words = _site_words(config)
    events = [
        event_fact(r["id"], r["document_id"], {**r, "date": r["event_date"]}, named.get(r["id"], []), minors)
        for r in conn.execute(QUERIES["events"])
        if r["document_id"] not in off_topic
        and (r["document_id"] not in passing or any(w.search(key(r["evidence"])) for w in site_words))
    ]
    documents = []
    for r in conn.execute(QUERIES["documents"]):
        title = key(r["title"] or "")
        documents.append(
            DocumentFact(
                id=r["id"],
                published=r["published_at"].date() if r["published_at"] else None,
                duplicate_of=r["duplicate_of"],
                title=r["title"] or "",
                source=r["source_id"],
                dossiers=tuple(r["dossiers"]),
                about_site=any(p.search(title) for p in site_words),
                charges=tuple(sorted(r["charges"])),
            )
        )
    titles = {slug: re.sub(r"\s*\(.*?\)\s*", " ", d.title).strip() for slug, d in config.dossiers.items()}
    return events, documents, titles


def state(conn: psycopg.Connection, config) -> str:
    """What the stored cases depend on: changes when events, mentions, dossiers or corrections change."""
    row = conn.execute(QUERIES["state"]).fetchone()
    parts = [
        ALGORITHM_VERSION,
        overrides_from_config(config).fingerprint(),
        *(str(v) for v in row.values()),
        *sorted(f"{d.slug}={d.title}" for d in config.dossiers.values()),
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]


def is_current(conn: psycopg.Connection, config) -> bool:
    last = conn.execute("""SELECT params->>'state' AS state FROM runs WHERE kind = 'cases' AND status = 'ok'
                            ORDER BY id DESC LIMIT 1""").fetchone()
    return bool(last and last["state"] == state(conn, config))


def last_warnings(conn: psycopg.Connection) -> list[str]:
    """The warnings of the latest computation (corrections naming cases that do not exist …)."""
    row = conn.execute("""SELECT counts->'warnings' AS w FROM runs WHERE kind = 'cases' AND status = 'ok'
                           ORDER BY id DESC LIMIT 1""").fetchone()
    return list(row["w"]) if row and isinstance(row["w"], list) else []


def recompute(conn: psycopg.Connection, config, dossier: str | None = None) -> dict:
    """Group the stored events into cases and happenings and store the result; returns the counts."""
    if dossier is not None:
        config.dossier(dossier)  # an unknown dossier is one clear error, before any work
    corrections = in_force(conn)
    configured = overrides_from_config(config)
    params = {"state": state(conn, config), **({"dossier": dossier} if dossier else {})}
    with recorded_run(conn, "cases", params) as run:
        doc_ids = _documents_by_url(conn, [r["target"] for r in corrections if r["target_kind"] == "document"])
        off_topic, passing, status = document_sets(corrections, doc_ids)
        events, documents, titles = load_facts(conn, config, off_topic, passing)
        entry_rows = [r for r in corrections if r["target_kind"] == "entry"]
        splits = any(r["target_kind"] == "case" and r["action"] == "split" for r in corrections)
        anchors = _anchors(conn, events) if entry_rows or splits else {}
        events_of: dict[tuple[str, str, str], list[int]] = defaultdict(list)
        for event_id, anchor in anchors.items():
            events_of[anchor].append(event_id)
        overrides = with_case_corrections(configured, corrections, events_of)
        result = group(events, documents, overrides, titles)
        outcome = apply_entries(result, entry_rows, anchors, {e.id: e.document_id for e in events})
        status |= case_status(corrections, result) | outcome.status
        result.warnings.extend(outcome.warnings)
        counts = write(conn, result, outcome, status)
        wanted = [c for c in result.cases if dossier is None or dossier in c.dossiers]
        run.count("events", len(events))
        run.count("cases", len(wanted))
        run.count("happenings", len(result.happenings))
        for k in ("new_cases", "stage_changes", "new_happenings"):
            run.count(k, counts[k])
        run.count("corrections", sum(1 for v in status.values() if v == "applied"))
        run.count("orphans", sum(1 for v in status.values() if v == "orphan"))
        run.counts["warnings"] = list(result.warnings)  # type: ignore[assignment]  # kept to be shown again until the next computation
    return {
        "cases": len(wanted),
        "happenings": len(result.happenings),
        "events": len(events),
        "new_cases": counts["new_cases"],
        "stage_changes": counts["stage_changes"],
        "new_happenings": counts["new_happenings"],
        "warnings": result.warnings,
        "run_id": run.id,
    }


def _documents_by_url(conn: psycopg.Connection, urls: list[str]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = defaultdict(list)
    if urls:
        for r in conn.execute("SELECT id, canonical_url FROM documents WHERE canonical_url = ANY(%s)", (urls,)):
            out[r["canonical_url"]].append(r["id"])
    return out


def _anchors(conn: psycopg.Connection, events: list[EventFact]) -> dict[int, tuple[str, str, str]]:
    """Event id → (its document's canonical URL, its sentence, its kind): how entry corrections name
    the reports they were made on."""
    urls = {
        r["id"]: r["canonical_url"]
        for r in conn.execute("SELECT id, canonical_url FROM documents WHERE id IN (SELECT document_id FROM events)")
    }
    return {e.id: (urls[e.document_id], e.evidence, e.kind) for e in events if e.document_id in urls}


def write(
    conn: psycopg.Connection, result: Grouping, outcome: Outcome | None = None, status: dict[int, str] | None = None
) -> dict:
    """Store a grouping in one transaction (see the module docstring), with the editors' corrections'
    outcome: each happening's review, and each correction's status."""
    if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        conn.commit()  # end the reads' implicit transaction: the writes get a real one of their own
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK,))
        _mark(conn, outcome or Outcome(), status or {})
        return _write(conn, result, outcome or Outcome())


def _mark(conn: psycopg.Connection, outcome: Outcome, status: dict[int, str]) -> None:
    """Each correction checked: applied or orphan; an entry found under a new key follows it."""
    for old, new in outcome.retarget.items():
        conn.execute("UPDATE corrections SET target = %s WHERE target_kind = 'entry' AND target = %s", (new, old))
    for value in ("applied", "orphan"):
        ids = [i for i, v in status.items() if v == value]
        if ids:
            conn.execute("UPDATE corrections SET status = %s, checked_at = now() WHERE id = ANY(%s)", (value, ids))


def _write(conn: psycopg.Connection, result: Grouping, outcome: Outcome) -> dict:
    before = {r["slug"]: r for r in conn.execute("SELECT slug, stage FROM cases")}
    known_stages = {(r["case_slug"], r["stage"]) for r in conn.execute("SELECT case_slug, stage FROM case_stages")}
    ids: dict[str, int] = {}
    for c in result.cases:
        row = conn.execute(
            """INSERT INTO cases (slug, name, places, courts, charges, period_start, period_end, stage, key_figures,
                                  main_place, people, stage_reached_on, manual, updated_at, first_seen_at)
               VALUES (%(slug)s, %(name)s, %(places)s, %(courts)s, %(charges)s, %(start)s, %(end)s, %(stage)s,
                       %(figures)s, %(main)s, %(people)s, %(reached)s, %(manual)s, now(),
                       coalesce((SELECT min(first_seen_at) FROM case_stages WHERE case_slug = %(slug)s), now()))
               ON CONFLICT (slug) DO UPDATE SET
                   name = EXCLUDED.name, places = EXCLUDED.places, courts = EXCLUDED.courts,
                   charges = EXCLUDED.charges, period_start = EXCLUDED.period_start,
                   period_end = EXCLUDED.period_end, key_figures = EXCLUDED.key_figures,
                   main_place = EXCLUDED.main_place, people = EXCLUDED.people,
                   stage_reached_on = EXCLUDED.stage_reached_on, manual = EXCLUDED.manual, updated_at = now(),
                   stage_changed_at = CASE WHEN cases.stage IS DISTINCT FROM EXCLUDED.stage THEN now()
                                           ELSE cases.stage_changed_at END,
                   stage = EXCLUDED.stage
               RETURNING id""",
            {
                "slug": c.slug,
                "name": c.name,
                "places": c.places,
                "courts": c.courts,
                "charges": c.charges,
                "start": c.period_start,
                "end": c.period_end,
                "stage": c.stage,
                "figures": Jsonb(c.key_figures),
                "main": c.main_place,
                "people": c.people,
                "reached": c.stage_reached_on,
                "manual": Jsonb(c.manual),
            },
        ).fetchone()
        ids[c.slug] = row["id"]
    gone = [s for s in before if s not in ids]
    if gone:
        conn.execute("DELETE FROM cases WHERE slug = ANY(%s)", (gone,))
    conn.execute("DELETE FROM case_dossiers")
    conn.execute("DELETE FROM case_documents")
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO case_dossiers (case_id, dossier_slug) VALUES (%s, %s)",
            [(ids[c.slug], s) for c in result.cases for s in c.dossiers],
        )
        with cur.copy("COPY case_documents (case_id, document_id) FROM STDIN") as copy:
            for c in result.cases:
                for d in c.document_ids:
                    copy.write_row((ids[c.slug], d))
        # Stages no entry reaches any more (hidden, re-kinded, moved out, articles gone) stay for when they
        # were first seen, not current: the case page and the digests show the current ones only.
        cur.execute("UPDATE case_stages SET current = false WHERE current")
        for c in result.cases:
            for stage, reached in c.stages.items():
                cur.execute(
                    """INSERT INTO case_stages (case_slug, stage, reached_on) VALUES (%s, %s, %s)
                               ON CONFLICT (case_slug, stage) DO UPDATE SET reached_on = EXCLUDED.reached_on,
                                                                         current = true""",
                    (c.slug, stage, reached),
                )
    # Events: case and happening of every one, through a temporary table (one UPDATE, not one per row).
    case_of = {eid: ids[c.slug] for c in result.cases for eid in c.event_ids}
    conn.execute(
        "CREATE TEMP TABLE _event_groups (event_id bigint PRIMARY KEY, case_id bigint, happening_id bigint)"
        " ON COMMIT DROP"
    )
    with conn.cursor() as cur, cur.copy("COPY _event_groups FROM STDIN") as copy:
        for h in result.happenings:
            for eid in h.event_ids:
                copy.write_row((eid, case_of.get(eid), h.id))
    conn.execute("""UPDATE events e SET case_id = g.case_id, happening_id = g.happening_id
                      FROM _event_groups g
                     WHERE g.event_id = e.id
                       AND (e.case_id IS DISTINCT FROM g.case_id OR e.happening_id IS DISTINCT FROM g.happening_id)""")
    conn.execute("""UPDATE events SET case_id = NULL, happening_id = NULL
                     WHERE id NOT IN (SELECT event_id FROM _event_groups)
                       AND (case_id IS NOT NULL OR happening_id IS NOT NULL)""")
    # Happenings: every current row is re-marked; rows no longer found are kept for their first_seen_at.
    known_keys = {r["key"] for r in conn.execute("SELECT key FROM happenings")}
    conn.execute("UPDATE happenings SET current = false, happening_id = NULL WHERE current")
    conn.execute("""CREATE TEMP TABLE _happenings (key text, happening_id bigint, case_slug text, event_date date,
                        precision text, date_end date, kind text, summary text, upcoming boolean, reports integer,
                        conflicts jsonb, context boolean, hidden boolean, hidden_reason text, review text,
                        approved_by text, approved_at timestamptz, computed jsonb) ON COMMIT DROP""")
    none = Review()
    with conn.cursor() as cur, cur.copy("COPY _happenings FROM STDIN") as copy:
        for h in result.happenings:
            r = outcome.reviews.get(h.key, none)
            copy.write_row(
                (
                    h.key,
                    h.id,
                    h.case_slug,
                    h.date,
                    h.precision,
                    h.date_end,
                    h.kind,
                    h.summary,
                    h.upcoming,
                    len(h.event_ids),
                    Jsonb(h.conflicts),
                    h.context,
                    r.hidden,
                    r.hidden_reason,
                    r.review,
                    r.approved_by,
                    r.approved_at,
                    Jsonb(r.computed) if r.computed is not None else None,
                )
            )
    # The version of an entry is the number of corrections made on it (veille/corrections.py).
    conn.execute("""INSERT INTO happenings (key, happening_id, case_slug, event_date, precision, date_end, kind,
                                            summary, upcoming, reports, conflicts, context, hidden, hidden_reason,
                                            review, approved_by, approved_at, computed, version, current,
                                            last_seen_at)
                    SELECT h.key, h.happening_id, h.case_slug, h.event_date, h.precision, h.date_end, h.kind,
                           h.summary, h.upcoming, h.reports, h.conflicts, h.context, h.hidden, h.hidden_reason,
                           h.review, h.approved_by, h.approved_at, h.computed, coalesce(v.n, 0), true, now()
                      FROM _happenings h
                      LEFT JOIN (SELECT target, count(*) AS n FROM corrections WHERE target_kind = 'entry'
                                  GROUP BY target) v ON v.target = h.key
                    ON CONFLICT (key) DO UPDATE SET
                        happening_id = EXCLUDED.happening_id, case_slug = EXCLUDED.case_slug,
                        event_date = EXCLUDED.event_date, precision = EXCLUDED.precision,
                        date_end = EXCLUDED.date_end, kind = EXCLUDED.kind, summary = EXCLUDED.summary,
                        upcoming = EXCLUDED.upcoming, reports = EXCLUDED.reports, conflicts = EXCLUDED.conflicts,
                        context = EXCLUDED.context, hidden = EXCLUDED.hidden,
                        hidden_reason = EXCLUDED.hidden_reason, review = EXCLUDED.review,
                        approved_by = EXCLUDED.approved_by, approved_at = EXCLUDED.approved_at,
                        computed = EXCLUDED.computed, version = EXCLUDED.version,
                        current = true, last_seen_at = now()""")
    # The dossiers of each happening's reports: the review queue filters on them without a join per entry.
    conn.execute("""UPDATE happenings h SET dossiers = x.dossiers
                      FROM (SELECT e.happening_id, array_agg(DISTINCT dd.dossier_slug ORDER BY dd.dossier_slug) AS dossiers
                              FROM events e JOIN document_dossiers dd ON dd.document_id = e.document_id
                             WHERE e.happening_id IS NOT NULL GROUP BY e.happening_id) x
                     WHERE h.current AND h.happening_id = x.happening_id AND h.dossiers IS DISTINCT FROM x.dossiers""")
    return {
        "new_cases": sum(1 for c in result.cases if c.slug not in before),
        "stage_changes": sum(
            1 for c in result.cases for s in c.stages if (c.slug, s) not in known_stages and c.slug in before
        ),
        "new_happenings": sum(1 for h in result.happenings if h.key not in known_keys),
    }
