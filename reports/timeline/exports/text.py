"""Text the export formats share: the wording of a happening's sources and disagreements, and HTML
escaping for the formats that carry HTML (markupsafe's, as Jinja2 escapes the page)."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from markupsafe import escape

from reports.french import short_day
from reports.queries import Happening, Source
from veille.vocabulary import paris_iso

__all__ = ["by", "conflicts_text", "escape", "published_label", "published_paris"]


def by(sources: list[Source]) -> str:
    """« Le Monde (25 avr. 2024), La Voix du Nord (26 avr. 2024) »."""
    return ", ".join(f"{s.outlet} ({s.published_label})" for s in sources)


def conflicts_text(h: Happening) -> str:
    return " | ".join(
        f"{c.label} : " + " ; ".join(f"{v.label} selon {by(v.sources)}" for v in c.values) for c in h.conflicts
    )


@lru_cache(maxsize=4096)
def published_label(day: str) -> str:
    """``Source.published_label`` of a publication day: a few thousand distinct days for any number of sources."""
    return short_day(date(int(day[:4]), int(day[5:7]), int(day[8:10]))) if day else short_day(None)


@lru_cache(maxsize=8192)
def published_paris(published: str | None) -> str:
    """A publication time as the database gives it (ISO, UTC), in Paris time with its offset:
    « 2024-02-11T00:30:00+01:00 », the day a French reader dates it ("" when unknown)."""
    return paris_iso(datetime.fromisoformat(published)) if published else ""
