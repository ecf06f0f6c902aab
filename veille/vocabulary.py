"""The words every stage shares: kinds of events, stages of cases, French calendar names,
and dates written at the precision the sources support.

One home: nlp writes these kinds, cases orders these stages, reports print these labels,
the sample corpus checks its gold against them, and the database's CHECK constraints
allow exactly them (``tests/veille/test_vocabulary.py`` compares the two).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

# --------------------------------------------------------------------------- events

EVENT_KINDS = (
    "crime",
    "arrest",
    "indictment",
    "trial_opening",
    "hearing",
    "verdict",
    "sentence",
    "appeal",
    "site_event",
    "complaint",
    "other",
)
# What a reader sees for each kind: the timeline's filter, the exports, the digest, headlines.
KIND_LABELS = {
    "crime": "faits",
    "arrest": "interpellation",
    "indictment": "mise en examen",
    "trial_opening": "ouverture du procès",
    "hearing": "audience",
    "verdict": "verdict",
    "sentence": "condamnation",
    "appeal": "appel",
    "site_event": "vie du site",
    "complaint": "plainte",
    "other": "autre",
}
# Kinds that happen before a court: their announced date belongs in « À venir » and in the
# calendar of hearings.
HEARING_KINDS = ("trial_opening", "hearing", "verdict", "sentence", "appeal")
# Kinds that can report one happening: a verdict and the penalties it states are one judgment, a
# trial's opening and its hearings one trial.
FAMILY_OF_KIND = {
    "crime": "crime",
    "arrest": "arrest",
    "indictment": "indictment",
    "trial_opening": "trial",
    "hearing": "trial",
    "verdict": "judgment",
    "sentence": "judgment",
    "appeal": "appeal",
    "site_event": "site_event",
    "complaint": "complaint",
    "other": "other",
}

# --------------------------------------------------------------------------- cases

STAGES = ("investigation", "trial", "verdict", "appeal", "closed")  # in the order a case goes through them
STAGE_LABELS = {
    "investigation": "enquête",
    "trial": "procès",
    "verdict": "jugement rendu",
    "appeal": "appel",
    "closed": "affaire close",
}
STAGE_OF_KIND = {
    "crime": "investigation",
    "arrest": "investigation",
    "indictment": "investigation",
    "complaint": "investigation",
    "trial_opening": "trial",
    "hearing": "trial",
    "verdict": "verdict",
    "sentence": "verdict",
    "appeal": "appeal",
}

# --------------------------------------------------------------------------- editorial review

# What an editor can do in `veille serve` (corrections.action), by what it corrects, with the French
# the pages, the history and `veille users log` show.
CORRECTION_ACTIONS = {
    "approve": "validée",
    "hide": "masquée",
    "redate": "date corrigée",
    "rekind": "type corrigé",
    "reheadline": "titre corrigé",
    "move": "déplacée dans une autre affaire",
    "off_topic": "document hors sujet",
    "passing": "document qui ne cite le sujet qu'en passant",
    "rename": "affaire renommée",
    "merge": "affaires fusionnées",
    "split": "affaire scindée",
    "undo": "correction annulée",
}
ENTRY_ACTIONS = ("approve", "hide", "redate", "rekind", "reheadline", "move")
DOCUMENT_ACTIONS = ("off_topic", "passing")
CASE_ACTIONS = ("rename", "merge", "split")
REVIEW_STATES = ("new", "approved", "changed")  # happenings.review
REVIEW_LABELS = {"new": "à vérifier", "approved": "vérifiée", "changed": "modifiée depuis sa validation"}
UNREVIEWED_LABEL = "non vérifié"  # what a published entry no editor approved says, with `[reports] publish = "all"`
ROLES = ("editor", "viewer")
ROLE_LABELS = {"editor": "éditeur", "viewer": "lecteur"}

# --------------------------------------------------------------------------- calendar

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
MONTHS_SHORT = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")

# French number words, as articles write small counts and ages (« deux mineurs », « quinze ans »).
NUMBER_UNITS = {
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "onze": 11,
    "douze": 12,
    "treize": 13,
    "quatorze": 14,
    "quinze": 15,
    "seize": 16,
}
NUMBER_TENS = {"vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60}
NUMBER_HUNDREDS = {"cent": 100, "mille": 1000}

# --------------------------------------------------------------------------- times

PARIS = ZoneInfo("Europe/Paris")  # every time a user reads is Paris time, and says so


def paris_time(value: datetime) -> str:
    """« 2024-06-25 14:05 CEST »: a moment in Paris time with its zone, for the command line."""
    return value.astimezone(PARIS).strftime("%Y-%m-%d %H:%M %Z")


def paris_iso(value: datetime) -> str:
    """« 2024-02-11T00:30:00+01:00 »: a moment in Paris time, ISO 8601 with its offset, for exports."""
    return value.astimezone(PARIS).isoformat(timespec="seconds")


_EVERY = {
    "m": ("toutes les minutes", "toutes les {n} minutes"),
    "h": ("toutes les heures", "toutes les {n} heures"),
    "d": ("tous les jours", "tous les {n} jours"),
    "s": ("toutes les secondes", "toutes les {n} secondes"),
}


def interval_label(interval: str) -> str:
    """« toutes les heures », « toutes les 4 heures », « tous les jours », « toutes les semaines »: a
    configuration interval (30m, 1h, 6h, 1d, 7d) as a reader says it."""
    n, unit = int(interval[:-1]), interval[-1]
    if unit == "d" and n % 7 == 0:
        return "toutes les semaines" if n == 7 else f"toutes les {n // 7} semaines"
    one, many = _EVERY[unit]
    return one if n == 1 else many.format(n=n)


# --------------------------------------------------------------------------- dates at a precision

PRECISIONS = ("day", "month", "year")  # finest first
PRECISION_LABELS = {"day": "jour", "month": "mois", "year": "année"}


def iso_at(d: date, precision: str) -> str:
    """The ISO form at ``precision``: 2024-04-25, 2024-04 or 2024."""
    return {"day": d.isoformat(), "month": d.isoformat()[:7], "year": d.isoformat()[:4]}[precision]


def day_label(d: date, weekday: bool = False) -> str:
    """« 1er mai 2024 », « 25 avril 2024 » (« jeudi 25 avril 2024 » with ``weekday``)."""
    text = f"{'1er' if d.day == 1 else d.day} {MONTHS[d.month - 1]} {d.year}"
    return f"{WEEKDAYS[d.weekday()]} {text}" if weekday else text


def short_day_label(d: date) -> str:
    """« 25 avr. 2024 »."""
    return f"{'1er' if d.day == 1 else d.day} {MONTHS_SHORT[d.month - 1]} {d.year}"


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
        return day_label(d)
    start = "1er" if d.day == 1 else str(d.day)
    if (end.year, end.month) != (d.year, d.month):
        start += f" {MONTHS[d.month - 1]}"
    if end.year != d.year:
        start += f" {d.year}"
    return f"du {start} au {day_label(end)}"


def _de(text: str) -> str:
    return ("d'" if text[:1] in "aeiouyéèàâAEIOUYÉ" else "de ") + text


def of(text: str) -> str:
    """French « de » before a name or a noun phrase, contracted and elided: « du Mans », « des Mureaux »,
    « d'Avignon », « des deux suspects », « du principal accusé », « de Gisèle Pelicot »."""
    for article, contracted in (("le ", "du "), ("Le ", "du "), ("les ", "des "), ("Les ", "des ")):
        if text.startswith(article):
            return contracted + text[len(article) :]
    first = text[:1].lower()
    if first in "aeiouyàâéèêîôûœ" or (first == "h" and text.lower().startswith(("haut", "hau", "hon", "hell", "hom"))):
        return "d'" + text
    return "de " + text
