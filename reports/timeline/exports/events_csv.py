"""``events.csv``: one row per source (report), semicolon-separated UTF-8 with a BOM, which
spreadsheet software in French opens as is; cells that would start a formula are defused.
Written by the csv module (``csv.writer(delimiter=";")``, minimal quoting, CRLF line ends)."""

from __future__ import annotations

import csv

from reports.queries import Happening
from reports.timeline.exports.text import conflicts_text

ENCODING = "utf-8-sig"  # the BOM tells spreadsheet software the file is UTF-8
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
    "media",
    "publie_le",
    "titre",
    "url",
    "citation",
    "reprise",
    "date_etablie",
)  # how this source's date was worked out (« « mardi dernier », article du … → … »)


def defused(text: str) -> str:
    """Scraped text as a CSV cell: one starting with = + - @ is a formula to spreadsheet software."""
    if text and text[0] in "=+@-\t\r" and not (text[0] == "-" and text[1:2] in " 0123456789"):
        return "'" + text
    return text


def writer(fh):
    """The CSV writer of an ``events.csv`` opened with ``newline=""``."""
    return csv.writer(fh, delimiter=";", quoting=csv.QUOTE_MINIMAL)


def rows(h: Happening, iso: str, label: str) -> list[list[str]]:
    """The happening's rows, one per source."""
    prefix = [
        h.key,
        iso,
        h.precision,
        label,
        h.kind,
        h.kind_label,
        h.case_slug or "",
        defused(h.case_name or ""),
        defused(h.summary),
        "oui" if h.upcoming else "non",
        conflicts_text(h) if h.conflicts else "",
    ]
    return [
        prefix
        + [
            defused(s.outlet),
            s.published or "",
            defused(s.title),
            s.url,
            defused(s.evidence),
            "oui" if s.republication else "non",
            defused(s.how),
        ]
        for s in h.sources
    ]
