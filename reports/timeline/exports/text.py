"""Text the export formats share: the wording of a happening's sources and disagreements, and HTML
escaping for the formats that carry HTML (markupsafe's, as Jinja2 escapes the page)."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from markupsafe import escape

from reports.french import short_day
from reports.queries import Happening, Source
from veille.vocabulary import paris_iso

__all__ = ["by", "conflict_sides", "conflicts_text", "escape", "published_label", "published_paris"]


def by(sources: list[Source]) -> str:
    """« Le Monde (25 avr. 2024), La Voix du Nord (26 avr. 2024) »."""
    return ", ".join(f"{s.outlet} ({published_label(s.published_day)})" for s in sources)


def conflict_sides(h: Happening) -> list[tuple[str, str]]:
    """Each disagreement of ``h`` as its label and its sides in words, « 11 selon L'Écho du Nord
    (25 avr. 2024) ; 12 selon Le Quotidien (26 avr. 2024) »: built once for the exports that
    write them (``events.csv`` as text, ``timeline.json`` escaped as one piece of HTML)."""
    return [(c.label, " ; ".join(f"{v.label} selon {by(v.sources)}" for v in c.values)) for c in h.conflicts]


def conflicts_text(h: Happening, sides: list[tuple[str, str]] | None = None) -> str:
    """« Date : 19 décembre 2024 selon … ; 20 décembre 2024 selon … | Nombre de prévenus : … »
    (``sides``: :func:`conflict_sides` of ``h``, when already built)."""
    return " | ".join(f"{label} : {words}" for label, words in (conflict_sides(h) if sides is None else sides))


@lru_cache(maxsize=4096)
def published_label(day: str) -> str:
    """``Source.published_label`` of a publication day: a few thousand distinct days for any number of sources."""
    return short_day(date(int(day[:4]), int(day[5:7]), int(day[8:10]))) if day else short_day(None)


@lru_cache(maxsize=65536)  # a timeline's documents: each is a source of a few entries, far apart
def published_paris(published: str | None) -> str:
    """A publication time as the database gives it (ISO, UTC), in Paris time with its offset:
    « 2024-02-11T00:30:00+01:00 », the day a French reader dates it ("" when unknown)."""
    return paris_iso(datetime.fromisoformat(published)) if published else ""
