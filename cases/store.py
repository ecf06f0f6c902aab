"""The database side of the case grouping: read the facts, write cases and happenings.

Everything is written in one transaction, under an advisory lock so that two
recomputations (the scheduler's timeline and a user's ``veille cases``) never
interleave: ``cases``, ``case_dossiers``, ``case_documents``, ``events.case_id``,
``events.happening_id``, ``happenings`` and ``case_stages``. Cases are upserted by
slug and happenings by key, so ``first_seen_at`` survives recomputation.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict

import psycopg
from psycopg.types.json import Jsonb

from cases.facts import event_fact
from cases.grouping import ALGORITHM_VERSION, group
from cases.model import DocumentFact, EventFact, Grouping
from cases.naming import key
from cases.overrides import overrides_from_config
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


def load_facts(conn: psycopg.Connection, config) -> tuple[list[EventFact], list[DocumentFact], dict[str, str]]:
    """Events with what their sentence names (from the mentions inside the evidence span), and documents."""
    named: dict[int, list[dict]] = defaultdict(list)
    for r in conn.execute(QUERIES["event_mentions"]):
        named[r["event_id"]].append(r)
    minors = {key(r["canonical"]) for r in conn.execute(QUERIES["minors"])}
    minors |= {key(e["canonical"]) for es in named.values() for e in es if e["label"] == "PER" and e["minor"]}
    # Documents that name the subject only in passing everywhere they belong: only their sentences that
    # name it are about it (an article on Omegle listing coco.gg once does not date the site's story).
    passing = {r["document_id"] for r in conn.execute(QUERIES["passing_documents"])}
    site_words = _site_words(config)
    events = [
        event_fact(r["id"], r["document_id"], {**r, "date": r["event_date"]}, named.get(r["id"], []), minors)
        for r in conn.execute(QUERIES["events"])
        if r["document_id"] not in passing or any(w.search(key(r["evidence"])) for w in site_words)
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
    overrides = overrides_from_config(config)
    params = {"state": state(conn, config), **({"dossier": dossier} if dossier else {})}
    with recorded_run(conn, "cases", params) as run:
        events, documents, titles = load_facts(conn, config)
        result = group(events, documents, overrides, titles)
        counts = write(conn, result)
        wanted = [c for c in result.cases if dossier is None or dossier in c.dossiers]
        run.count("events", len(events))
        run.count("cases", len(wanted))
        run.count("happenings", len(result.happenings))
        for k in ("new_cases", "stage_changes", "new_happenings"):
            run.count(k, counts[k])
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


def write(conn: psycopg.Connection, result: Grouping) -> dict:
    """Store a grouping in one transaction (see the module docstring)."""
    if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        conn.commit()  # end the reads' implicit transaction: the writes get a real one of their own
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK,))
        return _write(conn, result)


def _write(conn: psycopg.Connection, result: Grouping) -> dict:
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
        for c in result.cases:
            for stage, reached in c.stages.items():
                cur.execute(
                    """INSERT INTO case_stages (case_slug, stage, reached_on) VALUES (%s, %s, %s)
                               ON CONFLICT (case_slug, stage) DO UPDATE SET reached_on = EXCLUDED.reached_on""",
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
                        conflicts jsonb, context boolean) ON COMMIT DROP""")
    with conn.cursor() as cur, cur.copy("COPY _happenings FROM STDIN") as copy:
        for h in result.happenings:
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
                )
            )
    conn.execute("""INSERT INTO happenings (key, happening_id, case_slug, event_date, precision, date_end, kind,
                                            summary, upcoming, reports, conflicts, context, current, last_seen_at)
                    SELECT key, happening_id, case_slug, event_date, precision, date_end, kind, summary, upcoming,
                           reports, conflicts, context, true, now() FROM _happenings
                    ON CONFLICT (key) DO UPDATE SET
                        happening_id = EXCLUDED.happening_id, case_slug = EXCLUDED.case_slug,
                        event_date = EXCLUDED.event_date, precision = EXCLUDED.precision,
                        date_end = EXCLUDED.date_end, kind = EXCLUDED.kind, summary = EXCLUDED.summary,
                        upcoming = EXCLUDED.upcoming, reports = EXCLUDED.reports, conflicts = EXCLUDED.conflicts,
                        context = EXCLUDED.context,
                        current = true, last_seen_at = now()""")
    return {
        "new_cases": sum(1 for c in result.cases if c.slug not in before),
        "stage_changes": sum(
            1 for c in result.cases for s in c.stages if (c.slug, s) not in known_stages and c.slug in before
        ),
        "new_happenings": sum(1 for h in result.happenings if h.key not in known_keys),
    }
