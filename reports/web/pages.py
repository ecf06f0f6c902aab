"""What each page of `veille serve` shows, read on one pooled connection (plain functions, no web).

Every string here comes from scraped pages or is derived from them: minors' names are redacted
(``reports/minors.py``) before anything reaches a template, and Jinja2 escapes the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from zoneinfo import ZoneInfo

import psycopg
from psycopg.rows import tuple_row

from reports import queries
from reports.french import capfirst, date_label, place_slug, plural, short_day
from reports.minors import Redactor, load_redactor
from reports.timeline.chart import layout
from reports.timeline.header import filter_choices
from veille import corrections
from veille.sql import load_queries
from veille.vocabulary import CORRECTION_ACTIONS, KIND_LABELS

QUERIES = load_queries("reports.web", "queries.sql")
PARIS = ZoneInfo("Europe/Paris")
PAGE_SIZE = 50
QUEUE_SIZE = 50  # entries a queue page shows: approving them brings the next ones
CONTEXT_CHARS = 400  # of the stored text shown around a source's sentence


def web_link(url: str | None) -> str | None:
    return url if url and url[:8].lower().startswith(("http://", "https://")) else None


CaseChoices = tuple[tuple[str, str], ...]  # (slug, name redacted) of every case, by name


def case_choices(conn: psycopg.Connection, redactor: Redactor) -> CaseChoices:
    """Every case an entry can be moved to, as (slug, name), minors' names redacted. A dossier has
    hundreds to thousands of cases and every page view lists them: the same rows and the same
    minors give the same tuple, redacted once (``_redacted_choices``) and rendered once
    (``reports.web.app.case_options``)."""
    with conn.cursor(row_factory=tuple_row) as cur:
        rows = tuple(cur.execute(QUERIES["case_choices"]).fetchall())
    return _redacted_choices(rows, tuple(redactor.names))


@lru_cache(maxsize=4)
def _redacted_choices(rows: CaseChoices, minors: tuple[str, ...]) -> CaseChoices:
    redactor = Redactor(minors)
    return tuple((slug, redactor.text(name)) for slug, name in rows)


@dataclass
class Filters:
    """The static page's filters (``reports/templates/timeline.html.j2``), as the live timeline's query
    string gives them: affaire (a slug, or « - »: no case), type, lieu (a place's slug), annee, q."""

    case: str | None = None  # "-": the entries of no case
    kind: str | None = None
    place: str | None = None
    year: int | None = None
    q: str | None = None

    @classmethod
    def parse(cls, params) -> Filters:
        year = params.get("annee", "").strip()
        kind = params.get("type") or None
        return cls(
            case=params.get("affaire") or None,
            kind=kind if kind in KIND_LABELS else None,
            place=place_slug(params.get("lieu") or "")[:200] or None,
            year=int(year) if year.isdigit() and len(year) == 4 else None,
            q=(params.get("q") or "").strip()[:200] or None,
        )


_CHOICES: dict[tuple[str, int], dict] = {}  # (dossier, cases run) → what the filters offer


def choices(conn: psycopg.Connection, dossier: str, redactor: Redactor) -> dict:
    """What the filters offer, with their counts, as the static page computes them
    (``reports.timeline.header.filter_choices``), and the case filter's options (slug, « Name (n) »);
    computed once per computation of the cases (any correction but an approval recomputes them; an
    approval changes no choice)."""
    row = conn.execute("SELECT coalesce(max(id), 0) AS id FROM runs WHERE kind = 'cases' AND status = 'ok'").fetchone()
    key = (dossier, int(row["id"]))
    found = _CHOICES.get(key)
    if found is None:
        found = filter_choices(conn, dossier, None)
        counts = found["case_counts"]
        found["case_options"] = [
            (slug, f"{capfirst(name)} ({counts[slug]})")
            for slug, name in case_choices(conn, redactor)
            if slug in counts
        ]
        _CHOICES.clear()
        _CHOICES[key] = found
    return found


def timeline(conn: psycopg.Connection, dossier: str, filters: Filters, page: int) -> dict:
    redactor = load_redactor(conn)
    offered = choices(conn, dossier, redactor)
    places = tuple(offered["place_names"].get(filters.place, ())) if filters.place else None
    found = queries.happenings_page(
        conn,
        dossier,
        skip=(page - 1) * PAGE_SIZE,
        lim=PAGE_SIZE + 1,
        case=filters.case if filters.case != "-" else None,
        caseless=filters.case == "-",
        kinds=(filters.kind,) if filters.kind else None,
        first=date(filters.year, 1, 1) if filters.year else None,
        last=date(filters.year, 12, 31) if filters.year else None,
        search=filters.q,
        places=places,
        redactor=redactor,
    )
    return {"entries": found[:PAGE_SIZE], "more": len(found) > PAGE_SIZE, "choices": offered}


def queue(conn: psycopg.Connection, dossier: str) -> dict:
    redactor = load_redactor(conn)
    groups: list[dict] = []
    for r in conn.execute(QUERIES["queue"], {"dossier": dossier, "lim": QUEUE_SIZE}):
        if not groups or groups[-1]["slug"] != r["case_slug"]:
            groups.append({"slug": r["case_slug"], "name": redactor.text(r["case_name"] or ""), "entries": []})
        lead = dict(r["lead"]) if r["lead"] else None
        if lead:
            lead["evidence"] = redactor.text(lead["evidence"])
            lead["outlet"] = redactor.text(lead["outlet"])
        groups[-1]["entries"].append(
            {
                **r,
                "date": r["event_date"],
                "date_label": date_label(r["event_date"], r["precision"], r["date_end"]),
                "summary": redactor.text(r["summary"]),
                "lead": lead,
            }
        )
    return {
        "groups": groups,
        "counts": conn.execute(QUERIES["queue_counts"], {"dossier": dossier}).fetchone(),
        "orphans": corrections.orphans(conn),
        "case_choices": case_choices(conn, redactor),
    }


def _change(c: dict) -> str:
    """« 2024-12-19 → 2024-12-20 »: what a correction changed, in a few words."""
    after, before = c["after"] or {}, c["before"] or {}
    if c["action"] == "redate":
        return f"{before.get('date', '?')} ({before.get('precision', '?')}) → {after['date']} ({after['precision']})"
    if c["action"] == "rekind":
        return f"{KIND_LABELS.get(before.get('kind', ''), '?')} → {KIND_LABELS.get(after['kind'], after['kind'])}"
    if c["action"] == "reheadline":
        return f"« {before.get('summary', '')} » → « {after['summary']} »"
    if c["action"] == "move":
        return f"{before.get('case_slug') or 'sans affaire'} → {after['case']}"
    if c["action"] == "rename":
        return f"« {before.get('name', '')} » → « {after['name']} »"
    if c["action"] == "merge":
        return f"{c['target']} + {', '.join(after['with'])} → {c['target']}"
    if c["action"] == "split":
        return f"{c['target']} → {after['slug']} « {after['name']} » ({plural(len(after['entries']), 'entrée')})"
    if c["action"] == "undo":
        return f"annule : {CORRECTION_ACTIONS.get(before.get('action', ''), '')}"
    return ""


def entry(conn: psycopg.Connection, key: str) -> dict | None:
    row = conn.execute(QUERIES["entry"], {"key": key}).fetchone()
    if row is None:
        return None
    redactor = load_redactor(conn)
    e = {
        **row,
        "date": row["event_date"],
        "date_label": date_label(row["event_date"], row["precision"], row["date_end"]),
        "summary": redactor.text(row["summary"]),
        "case_name": redactor.text(row["case_name"]) if row["case_name"] else None,
    }
    if row["computed"]:
        c = row["computed"]
        e["computed_label"] = (
            f"{date_label(date.fromisoformat(c['date']), c['precision'])}, {KIND_LABELS.get(c['kind'], c['kind'])}, "
            f"« {redactor.text(c['summary'])} », {c['case_slug'] or 'sans affaire'}"
        )
    sources = []
    for s in conn.execute(QUERIES["entry_sources"], {"happening_id": row["happening_id"]}):
        text = s["text"] or ""
        start, end = s["evidence_start"] or 0, s["evidence_end"] or 0
        # Cut before redacting: a replaced name changes lengths, the offsets are the stored text's.
        sources.append(
            {
                **s,
                "before": ("…" if start > CONTEXT_CHARS else "")
                + redactor.text(text[max(0, start - CONTEXT_CHARS) : start]),
                "evidence": redactor.text(text[start:end] or s["evidence"]),
                "after": redactor.text(text[end : end + CONTEXT_CHARS])
                + ("…" if end + CONTEXT_CHARS < len(text) else ""),
                "title": redactor.text(s["title"]),
                "outlet": redactor.text(s["outlet"]),
                "link": web_link(s["url"]),
                "published_label": short_day(s["published_at"].astimezone(PARIS).date() if s["published_at"] else None),
                "date_label": date_label(s["event_date"], s["precision"]),
                "how": redactor.text((s["date_how"] or {}).get("explanation") or ""),
                "date_text": redactor.text(s["date_text"] or ""),
            }
        )
    history = [
        {**c, "change": redactor.text(_change(c)), "reason": redactor.text(c["reason"] or "")}
        for c in corrections.history(conn, "entry", key)
    ]
    return {"e": e, "sources": sources, "history": history, "case_choices": case_choices(conn, redactor)}


def document(conn: psycopg.Connection, doc_id: int) -> dict | None:
    row = conn.execute(QUERIES["document"], {"id": doc_id}).fetchone()
    if row is None:
        return None
    redactor = load_redactor(conn)
    text = row["text"] or ""
    events = []
    for ev in conn.execute(QUERIES["document_events"], {"id": doc_id}):
        events.append(
            {
                **ev,
                "date_label": date_label(ev["event_date"], ev["precision"]),
                "summary": redactor.text(ev["summary"] or ""),
            }
        )
    # The text cut at every event's sentence (overlaps merged), each part redacted on its own.
    parts, at = [], 0
    for ev in events:
        start, end = max(ev["evidence_start"] or 0, at), ev["evidence_end"] or 0
        if end <= start:
            continue
        if start > at:
            parts.append({"text": redactor.text(text[at:start]), "event": False})
        parts.append({"text": redactor.text(text[start:end]), "event": True, "label": KIND_LABELS.get(ev["kind"], "")})
        at = end
    parts.append({"text": redactor.text(text[at:]), "event": False})
    marks = [
        c
        for c in corrections.history(conn, "document", row["canonical_url"])
        if c["action"] != "undo" and not c["undone_by"]
    ]
    d = {
        **row,
        "title": redactor.text(row["title"] or "(sans titre)"),
        "outlet": redactor.text(row["outlet"]),
        "link": web_link(row["url"]),
        "published_label": short_day(row["published_at"].astimezone(PARIS).date() if row["published_at"] else None),
        "dossiers": [{**x, "reason": redactor.text(x["reason"] or "")} for x in row["dossiers"]],
    }
    return {"d": d, "events": events, "parts": parts, "marks": marks}


def case(conn: psycopg.Connection, dossier: str, slug: str) -> dict | None:
    """A case: its entries (the ones a split may take out), stages, sources, coverage, and the
    corrections that concern it, with the version its forms carry."""
    redactor = load_redactor(conn)
    found = next((c for c in queries.cases(conn, dossier, redactor) if c.slug == slug), None)
    if found is None:
        return None
    entries = queries.happenings_page(conn, dossier, lim=10_000, case=slug, redactor=redactor)
    documents = [
        {
            **d,
            "title": redactor.text(d["title"] or "(sans titre)"),
            "outlet": redactor.text(d["outlet"]),
            "published_label": short_day(d["published_at"].astimezone(PARIS).date() if d["published_at"] else None),
        }
        for d in conn.execute(QUERIES["case_documents"], {"slug": slug})
    ]
    history = [
        {**c, "change": redactor.text(_change(c)), "reason": redactor.text(c["reason"] or "")}
        for c in corrections.case_history(conn, slug)
    ]
    return {
        "c": found,
        "entries": entries,
        "documents": documents,
        "chart": layout(queries.coverage(conn, dossier, case=slug)),
        "chart_caption": "Articles sur cette affaire publiés chaque mois",
        "history": history,
        "version": corrections.version(conn, "case", slug),
        "case_choices": tuple(c for c in case_choices(conn, redactor) if c[0] != slug),
    }


def case_gone(conn: psycopg.Connection, slug: str) -> dict | None:
    """Where a case that no longer exists went: the case it was merged into (by an editor or the
    configuration), if any."""
    row = conn.execute(QUERIES["merged_into"], {"slug": slug}).fetchone()
    return dict(row) if row else None
