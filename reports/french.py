"""French words of the reports; the shared vocabulary (kinds, stages, dates at a precision) is veille.vocabulary."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from functools import lru_cache

from veille.vocabulary import (
    HEARING_KINDS,
    KIND_LABELS,
    STAGE_LABELS,
    STAGE_OF_KIND,
    STAGES,
    date_label,
    day_label,
    iso_at as iso_label,
    short_day_label,
)

__all__ = [
    "HEARING_KINDS",
    "STAGE_OF_KIND",
    "STAGES",
    "capfirst",
    "date_label",
    "day",
    "iso_label",
    "kind_label",
    "place_slug",
    "plural",
    "short_day",
    "stage_label",
    "typeset",
]
day = day_label


def short_day(value: date | datetime | None) -> str:
    """« 25 avr. 2024 », for the sources' publication dates."""
    return "date inconnue" if value is None else short_day_label(value)


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


def stage_label(stage: str | None) -> str:
    return STAGE_LABELS.get(stage or "", "étape inconnue")


def capfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


def plural(n: int, one: str, many: str | None = None) -> str:
    """« 1 article », « 12 articles » (French: 0 and 1 are singular)."""
    return f"{n} {one if n <= 1 else (many or one + 's')}"


@lru_cache(maxsize=8192)
def place_slug(text: str) -> str:
    """A filter value for a place: « Saint-Pol-sur-Mer » → « saint-pol-sur-mer »."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    ascii_text = "".join(c if c.isalnum() else "-" for c in decomposed if not unicodedata.combining(c))
    return "-".join(p for p in ascii_text.split("-") if p)


NBSP, NNBSP = "\u00a0", "\u202f"  # no-break space; narrow no-break space
# French typography: a no-break space inside « » and before a colon, a narrow one before ; ? !, so
# that a phone never wraps « » or a « : » onto a line of its own.
_KEPT = {"« ": "«" + NBSP, " »": NBSP + "»", " :": NBSP + ":", " ;": NNBSP + ";", " ?": NNBSP + "?", " !": NNBSP + "!"}
_LOOSE = re.compile("« | [»:;?!]")


def _kept(match: re.Match[str]) -> str:
    return _KEPT[match.group()]


def typeset(text: str) -> str:
    """``text`` with the spaces French typography keeps on the line (scraped text keeps its words).
    One scan of the text (it runs on every quote of a timeline)."""
    return _LOOSE.sub(_kept, text)
