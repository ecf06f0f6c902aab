"""``events.csv``: one row per source (report), semicolon-separated UTF-8 with a BOM, which
spreadsheet software in French opens as is; cells that would start a formula are defused. The
case's name is written as the page heads it, times in Paris time with their offset, and the
entry's places, people and charges each in one cell (« Mazan, Avignon »). The last three columns say
whether an editor verified the entry (``verifiee``: oui / non, « non vérifié » on the page when
``[reports] publish = "all"``), who and when.
Written by the csv module (``csv.writer(delimiter=";")``, minimal quoting, CRLF line ends)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TextIO

from reports.french import capfirst
from reports.queries import Happening
from reports.timeline.exports.text import conflicts_text, published_paris

ENCODING = "utf-8-sig"  # the BOM tells spreadsheet software the file is UTF-8
LIST_SEPARATOR = ", "  # places, people and charges of one entry, in one cell
COLUMNS = (
    "entree",
    "date",
    "precision",
    "date_affichee",
    "type",
    "libelle_type",
    "affaire",
    "nom_affaire",
    "resume",
    "annonce",
    "divergences",
    "lieux",
    "personnes",
    "chefs_accusation",
    "media",
    "publie_le",
    "titre",
    "url",
    "citation",
    "reprise",
    "date_etablie",  # how this source's date was worked out (« « mardi dernier », article du … → … »)
    "verifiee",  # oui: an editor approved the entry as it stands in `veille serve`; non: no one has yet
    "validee_par",  # that editor's name (empty when not verified)
    "validee_le",  # when, in Paris time with its offset
)


def defused(text: str) -> str:
    """Scraped text as a CSV cell: one starting with = + - @ is a formula to spreadsheet software."""
    if text and text[0] in "=+@-\t\r" and not (text[0] == "-" and text[1:2] in " 0123456789"):
        return "'" + text
    return text


def open_for_writing(path: Path) -> TextIO:
    """``path`` opened for an ``events.csv``, its BOM written: the bytes of ``ENCODING``, written by
    the plain UTF-8 codec (``utf-8-sig`` would run its Python encoder once for each row)."""
    fh = path.open("w", encoding="utf-8", newline="")
    fh.write("\ufeff")
    return fh


def writer(fh):
    """The CSV writer of an ``events.csv`` opened with ``newline=""``."""
    return csv.writer(fh, delimiter=";", quoting=csv.QUOTE_MINIMAL)


def rows(h: Happening, iso: str, label: str, sides: list[tuple[str, str]] | None = None) -> list[list[str]]:
    """The happening's rows, one per source (``sides``: ``text.conflict_sides(h)``, when already built)."""
    review = [
        "oui" if h.reviewed else "non",
        defused(h.approved_by or ""),
        published_paris(h.approved_at) if h.approved_at else "",
    ]
    prefix = [
        h.key,
        iso,
        h.precision,
        label,
        h.kind,
        h.kind_label,
        h.case_slug or "",
        defused(capfirst(h.case_name) if h.case_name else ""),
        defused(h.summary),
        "oui" if h.upcoming else "non",
        conflicts_text(h, sides) if h.conflicts else "",
        defused(LIST_SEPARATOR.join(h.places)),
        defused(LIST_SEPARATOR.join(h.people)),
        defused(LIST_SEPARATOR.join(h.charges)),
    ]
    return [
        prefix
        + [
            defused(s.outlet),
            published_paris(s.published),
            defused(s.title),
            s.url,
            defused(s.evidence),
            "oui" if s.republication else "non",
            defused(s.how),
        ]
        + review
        for s in h.sources
    ]
