"""``events.csv``: one row per source (report), semicolon-separated UTF-8 with a BOM, which
spreadsheet software in French opens as is; cells that would start a formula are defused.

The rows are what ``csv.writer(delimiter=";", quoting=csv.QUOTE_MINIMAL)`` writes, assembled by hand.
"""

from __future__ import annotations

from reports.queries import Happening
from reports.timeline.exports.text import conflicts_text

ENCODING = "utf-8-sig"  # the BOM tells spreadsheet software the file is UTF-8
COLUMNS = ("entree", "date", "precision", "date_affichee", "type", "libelle_type", "affaire", "nom_affaire",
           "resume", "annonce", "divergences", "media", "publie_le", "titre", "url", "citation", "reprise")


def defused(text: str) -> str:
    """Scraped text as a CSV cell: one starting with = + - @ is a formula to spreadsheet software."""
    if text and text[0] in "=+@-\t\r" and not (text[0] == "-" and text[1:2] in " 0123456789"):
        return "'" + text
    return text


def cell(text: str) -> str:
    """One cell as ``csv.writer(delimiter=";", quoting=QUOTE_MINIMAL)`` writes it: quoted, its quotes doubled,
    when it holds the delimiter, a quote or a line break."""
    if ";" in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def text_cell(text: str) -> str:
    """Scraped text as a written cell: :func:`defused`, then :func:`cell`."""
    if text and text[0] in "=+@-\t\r" and not (text[0] == "-" and text[1:2] in " 0123456789"):
        text = "'" + text
    if ";" in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def head() -> str:
    return ";".join(cell(c) for c in COLUMNS) + "\r\n"


def rows(h: Happening, iso: str, label: str) -> str:
    """The happening's rows, one per source."""
    prefix = ";".join((cell(h.key), cell(iso), cell(h.precision), cell(label), cell(h.kind), cell(h.kind_label),
                       cell(h.case_slug or ""), text_cell(h.case_name or ""), text_cell(h.summary),
                       "oui" if h.upcoming else "non", cell(conflicts_text(h) if h.conflicts else "")))
    return "".join([
        f"{prefix};{text_cell(s.outlet)};{cell(s.published or '')};{text_cell(s.title)};{cell(s.url)};"
        f"{text_cell(s.evidence)};{'oui' if s.republication else 'non'}\r\n" for s in h.sources])
