"""The timeline page's header: the dossier's figures, its cases, the hearings ahead, the coverage
chart and what the filters offer, read on the page's snapshot of the database (``page.py``).

With ``as_of`` (``veille timeline --date``), everything is as it stood at that moment: later
reports, and what only they said, are left out. The SQL is in ``header.sql``, next to this module.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import psycopg

from reports import queries
from reports.french import capfirst, day, kind_label, place_slug, plural, short_day
from reports.minors import Redactor
from reports.timeline.chart import layout
from reports.timeline.exports import FILES
from veille.sql import load_queries
from veille.vocabulary import KIND_LABELS, STAGE_OF_KIND, STAGES

QUERIES = load_queries("reports.timeline", "header.sql")  # the SQL of this module, by name
PARIS = ZoneInfo("Europe/Paris")
TEMPLATE_HELPERS = {"kind_label": kind_label, "plural": plural, "capfirst": capfirst, "short_day": short_day}


@dataclass
class CaseCard:
    case: queries.Case
    happenings: int
    first: str | None
    last: str | None
    defendants: list[dict]  # [{"value": 12, "outlets": "…"}]; two or more: the sources disagree


def _case_cards(
    conn: psycopg.Connection, dossier: str, redactor: Redactor, counts: dict[str, int], as_of: datetime | None
) -> list[CaseCard]:
    """The dossier's cases with their key figures; with ``as_of``, as they stood then."""
    found = queries.cases(conn, dossier, redactor)
    if as_of is not None:
        found = _as_of(conn, dossier, found, as_of)
    event_ids = [
        e for c in found for v in (c.key_figures.get("defendants") or {}).get("values", []) for e in v["events"]
    ]
    outlets: dict[int, str] = {}
    if event_ids:
        for r in conn.execute(QUERIES["event_outlets"], {"ids": event_ids, "as_of": as_of}).fetchall():
            outlets[r["id"]] = r["outlet"]
    cards = []
    # The most covered cases first: they are what a reader comes for.
    found.sort(key=lambda c: (-c.key_figures.get("documents", 0), c.period_start or date.max, c.slug))
    for c in found:
        figures = c.key_figures
        defendants = []
        for v in (figures.get("defendants") or {}).get("values", []):
            names = sorted({outlets[e] for e in v["events"] if e in outlets})
            if names:
                defendants.append({"value": v["value"], "outlets": ", ".join(names)})
        first = date.fromisoformat(figures["first_report"]) if figures.get("first_report") else None
        last = date.fromisoformat(figures["last_report"]) if figures.get("last_report") else None
        cards.append(
            CaseCard(
                case=c,
                happenings=counts.get(c.slug, 0),
                first=day(first) if first else None,
                last=day(last) if last else None,
                defendants=defendants,
            )
        )
    return cards


def _as_of(conn: psycopg.Connection, dossier: str, found: list[queries.Case], as_of: datetime) -> list[queries.Case]:
    """Cases restricted to what had been published by ``as_of``: their stage, period and coverage then."""
    rows = {
        r["case_slug"]: r for r in conn.execute(QUERIES["cases_as_of"], {"dossier": dossier, "as_of": as_of}).fetchall()
    }
    named = {
        r["case_slug"]: set(r["names"]) for r in conn.execute(QUERIES["case_names_as_of"], {"as_of": as_of}).fetchall()
    }
    kept = []
    for c in found:
        r = rows.get(c.slug)
        if r is None:
            continue  # not yet reported then
        known = named.get(c.slug, set())  # places and courts named by then, not those of later articles
        c = replace(c, places=[p for p in c.places if p in known], courts=[x for x in c.courts if x in known])
        stages = [STAGE_OF_KIND[k] for k in (r["kinds"] or []) if k in STAGE_OF_KIND]
        stage = c.stage if c.stage == "closed" and not stages else max(stages, key=STAGES.index, default=None)
        figures = {
            **c.key_figures,
            "documents": r["documents"],
            "outlets": r["outlets"],
            "first_report": r["first_report"].astimezone(PARIS).date().isoformat(),
            "last_report": r["last_report"].astimezone(PARIS).date().isoformat(),
        }
        kept.append(
            replace(
                c,
                stage=stage,
                period_start=r["period_start"],
                period_end=r["period_end"],
                stage_reached_on=None,
                key_figures=figures,
            )
        )
    return kept


def filter_choices(conn: psycopg.Connection, dossier: str, as_of: datetime | None, approved_only: bool = False) -> dict:
    """What the filters offer, with how many entries each choice keeps (one round trip): the static
    page's, and the live timeline's of `veille serve`."""
    rows = conn.execute(
        QUERIES["filter_choices"], {"dossier": dossier, "as_of": as_of, "approved_only": approved_only}
    ).fetchall()
    by: dict[str, list] = {"case": [], "kind": [], "year": [], "place": []}
    for r in rows:
        by[r["what"]].append(r)
    merged: dict[str, list] = {}
    for r in by["place"]:  # « Grande-Synthe » and « Grande Synthe » are one choice
        merged.setdefault(place_slug(r["v"]), []).append(r)
    places = sorted(
        (
            {"value": s, "label": max(rs, key=lambda r: r["n"])["v"], "count": sum(r["n"] for r in rs)}
            for s, rs in merged.items()
            if s
        ),
        key=lambda c: (place_slug(c["label"]), c["value"]),
    )
    kind_counts = {r["v"]: r["n"] for r in by["kind"]}
    return {
        "case_counts": {r["v"]: r["n"] for r in by["case"] if r["v"]},
        "caseless": sum(r["n"] for r in by["case"] if not r["v"]),
        "kinds": [
            {"value": k, "label": label, "count": kind_counts[k]}
            for k, label in KIND_LABELS.items()
            if k in kind_counts
        ],
        "years": sorted(({"value": int(r["v"]), "count": r["n"]} for r in by["year"]), key=lambda y: y["value"]),
        "places": places,
        "place_names": {s: sorted(r["v"] for r in rs) for s, rs in merged.items() if s},  # the spellings of each
        "total": sum(r["n"] for r in by["kind"]),
    }


def _totals(conn: psycopg.Connection, dossier: str, as_of: datetime | None) -> dict:
    return conn.execute(QUERIES["totals"], {"dossier": dossier, "as_of": as_of}).fetchone()


def _local_sample(config) -> bool:
    """Whether the sources are served on this machine (the demo's mini-web): their links then work
    only while it runs, and the page says so."""
    hosts = {urlsplit(u).hostname for s in config.sources for u in s.urls}
    return bool(hosts) and hosts <= {"127.0.0.1", "localhost", "::1"}


def timeline_context(
    conn: psycopg.Connection,
    config,
    dossier: str,
    today: date,
    as_of: datetime | None,
    redactor: Redactor,
    generated: datetime,
    published: queries.Publication | None = None,
) -> dict:
    """Everything the page shows except the streamed entries. ``published``: what the page
    publishes (:func:`reports.queries.publication`; default: every entry, none marked)."""
    d = config.dossier(dossier)
    published = published or queries.Publication(approved_only=False, mark_unreviewed=False)
    choices = filter_choices(conn, dossier, as_of, published.approved_only)
    cards = _case_cards(conn, dossier, redactor, choices["case_counts"], as_of)
    ahead = queries.upcoming(conn, dossier, today, approved_only=published.approved_only)
    return {
        "dossier": d,
        "generated": generated,
        "generated_label": f"{day(generated.astimezone(PARIS).date())} à {generated.astimezone(PARIS):%H:%M} (heure de Paris)",
        "today": today,
        "today_label": day(today),
        "as_of": as_of is not None,
        "cases": cards,
        "upcoming": ahead,
        "chart": layout(queries.coverage(conn, dossier, as_of)),
        "choices": choices,
        "totals": _totals(conn, dossier, as_of),
        "files": FILES,
        "published": published,
        "mark_unreviewed": published.mark_unreviewed,
        "approved_label": (
            f"{day(published.approved_at.astimezone(PARIS).date())} à {published.approved_at.astimezone(PARIS):%H:%M}"
            if published.approved_at
            else None
        ),
        "local_sample": _local_sample(config),
        **TEMPLATE_HELPERS,
    }
