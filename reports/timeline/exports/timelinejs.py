"""``timeline.json``: TimelineJS (https://timeline.knightlab.com/docs/json-format.html).

TimelineJS renders ``text`` as HTML, so every scraped string in it is HTML-escaped here; it shows
``group`` as plain text (escaping it itself), so a group is written unescaped.
One JSON object, ``{"title", "events": [...]}``, written as the happenings stream by (``orjson``).
"""

from __future__ import annotations

import html
from datetime import date, datetime
from functools import lru_cache

import orjson

from reports.french import capfirst, short_day
from reports.queries import Happening
from reports.timeline.exports.text import conflict_sides, escape, published_label
from veille.vocabulary import UNREVIEWED_LABEL

FOOT = b"\n]}\n"


def head(dossier_title: str, generated: datetime) -> bytes:
    """The file's opening: the timeline's title slide, up to the list of events."""
    title = {
        "text": {
            "headline": html.escape(f"Chronologie : {dossier_title}"),
            "text": html.escape(
                f"Générée par veille le {short_day(generated)}. Chaque entrée "
                "cite la phrase de la source qui l'établit."
            ),
        }
    }
    opening = orjson.dumps({"title": title, "events": []})
    assert opening.endswith(b"[]}")
    return opening[:-2] + b"\n"


def _date(d: date, precision: str, label: str | None = None) -> dict:
    """A TimelineJS date: {"year", "month" (month or day precision), "day" (day precision), "display_date"}."""
    out: dict = {"year": d.year}
    if precision in ("day", "month"):
        out["month"] = d.month
    if precision == "day":
        out["day"] = d.day
    if label:
        out["display_date"] = label
    return out


@lru_cache(maxsize=4096)
def _outlet(name: str) -> str:
    """An outlet's name escaped: a dossier has a few dozen outlets for any number of sources."""
    return escape(name)


def event(h: Happening, label: str, mark_unreviewed: bool = False, sides: list[tuple[str, str]] | None = None) -> bytes:
    """The happening as a TimelineJS event: {"start_date", "text": {"headline", "text"}, "group", "unique_id",
    "end_date" (a span)}; TimelineJS shows ``text`` as HTML, so every scraped string in it is escaped.
    ``mark_unreviewed``: an entry no editor approved says « non vérifié », as on the page. ``sides``:
    ``text.conflict_sides(h)``, when already built."""
    e = escape
    sources = h.sources
    parts = [f"<p><strong>{capfirst(UNREVIEWED_LABEL)}</strong></p>"] if mark_unreviewed and not h.reviewed else []
    if sources:
        parts.append(f"<blockquote>« {e(sources[0].evidence)} »</blockquote>")
    if sources and sources[0].how:
        parts.append(f"<p><small>Date : {e(sources[0].how)}</small></p>")
    if h.conflicts:
        # The sides in one piece: « selon » and « ; » hold nothing to escape, so escaping the whole
        # is escaping each value and each list of outlets.
        for side, words in conflict_sides(h) if sides is None else sides:
            parts.append(f"<p><strong>{e(side)} :</strong> {e(words)}</p>")
    parts.append("<ul>")
    for s in sources:
        link = s.link
        name = f'<a href="{e(link)}">{_outlet(s.outlet)}</a>' if link else _outlet(s.outlet)
        parts.append(f"<li>{name}, {published_label(s.published_day)} : {e(s.title)}</li>")
    parts.append("</ul>")
    out = {
        "start_date": _date(h.date, h.precision, label),
        "text": {"headline": e(capfirst(h.summary)), "text": "".join(parts)},
        "group": capfirst(h.case_name) if h.case_name else "Sans affaire",  # TimelineJS escapes it itself
        "unique_id": h.anchor,
    }
    if h.date_end and h.date_end != h.date:
        out["end_date"] = _date(h.date_end, h.precision)
    return orjson.dumps(out)
