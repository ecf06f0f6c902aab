"""French words of the reports: dates at their precision, kinds of events, stages of cases."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from functools import lru_cache

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")
MONTHS_SHORT = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")
KINDS = {
    "crime": "crime", "arrest": "interpellation", "indictment": "mise en examen",
    "trial_opening": "ouverture du procès", "hearing": "audience", "verdict": "verdict", "sentence": "peine",
    "appeal": "appel", "site_event": "vie du site", "complaint": "plainte", "other": "autre",
}
STAGES = {"investigation": "enquête", "trial": "procès", "verdict": "jugement rendu", "appeal": "appel",
          "closed": "affaire close"}
STAGE_OF_KIND = {"crime": "investigation", "arrest": "investigation", "indictment": "investigation",
                 "complaint": "investigation", "trial_opening": "trial", "hearing": "trial", "verdict": "verdict",
                 "sentence": "verdict", "appeal": "appeal"}
STAGE_ORDER = ("investigation", "trial", "verdict", "appeal", "closed")
# Kinds whose announced date belongs in « À venir » and in the calendar of hearings.
HEARING_KINDS = ("trial_opening", "hearing", "verdict", "sentence", "appeal")


def day(d: date) -> str:
    """« 1er mai 2024 », « 25 avril 2024 »."""
    return f"{'1er' if d.day == 1 else d.day} {MONTHS[d.month - 1]} {d.year}"


def _de(text: str) -> str:
    return ("d'" if text[:1] in "aeiouyéèàâAEIOUYÉ" else "de ") + text


def date_label(d: date, precision: str, end: date | None = None) -> str:
    """A date as precise as the sources are: « 25 avril 2024 », « avril 2024 », « 2018 »; a range
    « du 2 septembre au 20 décembre 2024 », « d'octobre 2022 à avril 2023 », « de 2011 à 2020 »."""
    if precision == "year":
        return str(d.year) if not end or end.year == d.year else f"{_de(str(d.year))} à {end.year}"
    if precision == "month":
        if not end or (end.year, end.month) == (d.year, d.month):
            return f"{MONTHS[d.month - 1]} {d.year}"
        start = MONTHS[d.month - 1] + (f" {d.year}" if end.year != d.year else "")
        return f"{_de(start)} à {MONTHS[end.month - 1]} {end.year}"
    if not end or end == d:
        return day(d)
    start = "1er" if d.day == 1 else str(d.day)
    if (end.year, end.month) != (d.year, d.month):
        start += f" {MONTHS[d.month - 1]}"
    if end.year != d.year:
        start += f" {d.year}"
    return f"du {start} au {day(end)}"


def iso_label(d: date, precision: str) -> str:
    """The machine form matching the precision, for ``<time datetime>``: 2024-04-25, 2024-04, 2024."""
    return {"day": d.isoformat(), "month": d.isoformat()[:7], "year": str(d.year)}[precision]


def short_day(value: date | datetime | None) -> str:
    """« 25 avr. 2024 », for the sources' publication dates."""
    if value is None:
        return "date inconnue"
    return f"{'1er' if value.day == 1 else value.day} {MONTHS_SHORT[value.month - 1]} {value.year}"


def kind_label(kind: str) -> str:
    return KINDS.get(kind, kind)


def stage_label(stage: str | None) -> str:
    return STAGES.get(stage or "", "étape inconnue")


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
