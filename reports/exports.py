"""The exports written next to the HTML timeline, from the same happenings, as they stream by.

- ``timeline.json``: TimelineJS (https://timeline.knightlab.com/docs/json-format.html). TimelineJS
  renders ``text`` as HTML, so every scraped string in it is HTML-escaped here.
- ``events.json``: every happening with all its sources, for researchers and scripts.
- ``events.csv``: one row per source (report), semicolon-separated UTF-8 with a BOM, which
  spreadsheet software in French opens as is; cells that would start a formula are defused.
- ``audiences.ics``: the upcoming hearings as an iCalendar feed calendar apps can subscribe to:
  all-day events at day precision, UIDs derived from the happening's stable key.

Files are written under a temporary name and renamed (:func:`publish`) once the page and every
export are complete: a published directory never holds half a file, nor a page without its exports.
"""

from __future__ import annotations

import csv
import ctypes
import hashlib
import html
import json
import os
import sys
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from icalendar import Calendar, Event

from reports.french import capfirst, iso_label, kind_label, short_day
from reports.queries import Happening, Source

FILES = {"timelinejs": "timeline.json", "json": "events.json", "csv": "events.csv", "ics": "audiences.ics"}
CSV_COLUMNS = ("entree", "date", "precision", "date_affichee", "type", "libelle_type", "affaire", "nom_affaire",
               "resume", "annonce", "divergences", "media", "publie_le", "titre", "url", "citation", "reprise")


def _cell(text: str) -> str:
    """Scraped text as a CSV cell: one starting with = + - @ is a formula to spreadsheet software."""
    if text and text[0] in "=+@-\t\r" and not (text[0] == "-" and text[1:2] in " 0123456789"):
        return "'" + text
    return text


def _by(sources: list[Source]) -> str:
    return ", ".join(f"{s.outlet} ({s.published_label})" for s in sources)


def _conflicts_text(h: Happening) -> str:
    return " | ".join(f"{c.label} : " + " ; ".join(f"{v.label} selon {_by(v.sources)}" for v in c.values)
                      for c in h.conflicts)


_ENCODE = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
_string = json.encoder.encode_basestring  # a str as _ENCODE writes it (ensure_ascii=False)


def temporary(path: Path) -> Path:
    return path.with_name(path.name + ".tmp")


def publish(out_dir: Path, names: list[str]) -> None:
    """Give the finished temporary files their final names, each atomically: a reader sees the old
    file or the new one, never a missing or partial one."""
    for name in names:
        new, final = temporary(out_dir / name), out_dir / name
        if final.exists() and _exchange(new, final):
            new.unlink()  # now the previous version
        else:
            os.replace(new, final)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2(RENAME_EXCHANGE)``); False where the system cannot.

    Why not a rename over the old file: ext4 then writes the new file out at once (its
    ``auto_da_alloc`` safeguard), a fifth of a second for a large timeline's files."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    return renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0


_AT_FDCWD, _RENAME_EXCHANGE = -100, 2


@lru_cache(maxsize=1)
def _renameat2():
    if sys.platform != "linux":
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2  # glibc 2.28 and later
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def discard(out_dir: Path, names: list[str]) -> None:
    for name in names:
        temporary(out_dir / name).unlink(missing_ok=True)


class Exports:
    """Streams every happening into the JSON, CSV and TimelineJS files."""

    def __init__(self, out_dir: Path, dossier_slug: str, dossier_title: str, generated: datetime,
                 as_of: date | None = None):
        self.out_dir = out_dir
        self.count = 0
        self.names = [fname for name, fname in FILES.items() if name != "ics"]
        self.files = {name: temporary(out_dir / fname).open("w", encoding="utf-8-sig" if name == "csv" else "utf-8",
                                                            newline="" if name == "csv" else None)
                      for name, fname in FILES.items() if name != "ics"}
        head = {"dossier": {"slug": dossier_slug, "title": dossier_title}, "generated_at": generated.isoformat(),
                "as_of": as_of.isoformat() if as_of else None}
        self.files["json"].write(json.dumps(head, ensure_ascii=False)[:-1] + ', "happenings": [\n')
        tl_title = {"text": {"headline": html.escape(f"Chronologie : {dossier_title}"),
                             "text": html.escape(f"Générée par veille le {short_day(generated)}. Chaque entrée "
                                                 "cite la phrase de la source qui l'établit.")}}
        self.files["timelinejs"].write('{"title": ' + json.dumps(tl_title, ensure_ascii=False) + ', "events": [\n')
        csv.writer(self.files["csv"], delimiter=";", quoting=csv.QUOTE_MINIMAL).writerow(CSV_COLUMNS)

    def add(self, h: Happening) -> None:
        # Each file's text is assembled here rather than built as dicts and lists for json and csv
        # to walk: the same bytes (tests/reports/test_timeline_exports_format.py checks them against
        # the standard library), in half the time, which counts at a hundred thousand entries.
        sep = ",\n" if self.count else ""
        self.count += 1
        iso = iso_label(h.date, h.precision)
        label = h.date_label
        self.files["json"].write(sep + _json_happening(h, iso, label))
        self.files["timelinejs"].write(sep + _timelinejs_event(h, label))
        prefix = ";".join((_csv(h.key), _csv(iso), _csv(h.precision), _csv(label), _csv(h.kind), _csv(h.kind_label),
                           _csv(h.case_slug or ""), _text_cell(h.case_name or ""), _text_cell(h.summary),
                           "oui" if h.upcoming else "non", _csv(_conflicts_text(h) if h.conflicts else "")))
        self.files["csv"].write("".join([
            f"{prefix};{_text_cell(s.outlet)};{_csv(s.published or '')};{_text_cell(s.title)};{_csv(s.url)};"
            f"{_text_cell(s.evidence)};{'oui' if s.republication else 'non'}\r\n" for s in h.sources]))

    def close(self) -> None:
        """Finish the temporary files; :func:`publish` gives them their names once the page is written too."""
        self.files["json"].write("\n]}\n")
        self.files["timelinejs"].write("\n]}\n")
        for f in self.files.values():
            f.close()

    def abort(self) -> None:
        for f in self.files.values():
            f.close()
        discard(self.out_dir, self.names)


_DATE_LENGTH = {"day": 10, "month": 7, "year": 4}


def _j(value) -> str:
    """One value as JSON, as ``_ENCODE`` writes it (strings, the common case, directly)."""
    return _string(value) if value.__class__ is str else _ENCODE(value)


def _bool(value) -> str:
    return "true" if value is True else "false" if value is False else _ENCODE(value)


def _source_json(s: Source) -> str:
    # Strings the schema and the read API never leave null go to _string directly.
    return (f'{{"outlet": {_string(s.outlet)}, "title": {_string(s.title)}, "url": {_j(s.url)}, '
            f'"published_at": {_j(s.published)}, "evidence": {_string(s.evidence)}, '
            f'"event_date": {_string(s.day[:_DATE_LENGTH.get(s.precision, 10)])}, '
            f'"precision": {_string(s.precision)}, "kind": {_string(s.kind)}, "announced": {_bool(s.upcoming)}, '
            f'"republication": {_bool(s.republication)}}}')


def _json_happening(h: Happening, iso: str, label: str) -> str:
    """The happening's object in ``events.json``: the text ``_ENCODE`` gives for the dict in the comments."""
    # {"key", "date", "precision", "date_end", "date_label", "kind", "kind_label", "case": {"slug", "name"} | null,
    #  "summary", "announced", "places", "people", "charges", "conflicts": [{"field", "label", "values": [{"value",
    #  "sources": [url…]}]}], "sources": [{"outlet", "title", "url", "published_at", "evidence", "event_date",
    #  "precision", "kind", "announced", "republication"}]}
    case = f'{{"slug": {_j(h.case_slug)}, "name": {_j(h.case_name)}}}' if h.case_slug else "null"
    conflicts = _ENCODE([{"field": c.field, "label": c.label,
                          "values": [{"value": v.label, "sources": [s.url for s in v.sources]} for v in c.values]}
                         for c in h.conflicts]) if h.conflicts else "[]"
    return (f'{{"key": {_string(h.key)}, "date": {_string(iso)}, "precision": {_string(h.precision)}, '
            f'"date_end": {_string(h.date_end.isoformat()) if h.date_end else "null"}, '
            f'"date_label": {_string(label)}, "kind": {_string(h.kind)}, "kind_label": {_j(h.kind_label)}, '
            f'"case": {case}, "summary": {_string(h.summary)}, "announced": {_bool(h.upcoming)}, '
            f'"places": {_ENCODE(h.places) if h.places else "[]"}, '
            f'"people": {_ENCODE(h.people) if h.people else "[]"}, '
            f'"charges": {_ENCODE(h.charges) if h.charges else "[]"}, "conflicts": {conflicts}, '
            f'"sources": [{", ".join([_source_json(s) for s in h.sources])}]}}')


def _tl_date(d: date, precision: str, label: str | None = None) -> str:
    """A TimelineJS date object: {"year", "month" (month or day precision), "day" (day precision), "display_date"}."""
    out = f'{{"year": {d.year}'
    if precision == "day":
        out += f', "month": {d.month}, "day": {d.day}'
    elif precision == "month":
        out += f', "month": {d.month}'
    if label:
        out += f', "display_date": {_j(label)}'
    return out + "}"


try:  # what markupsafe.escape gives for a string, without building a Markup for each
    from markupsafe._speedups import _escape_inner as _escape
except ImportError:  # markupsafe without its C extension
    def _escape(text: str) -> str:
        return (text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;").replace("'", "&#39;")
                .replace('"', "&#34;"))


@lru_cache(maxsize=4096)
def _published_label(day: str) -> str:
    """``Source.published_label`` of a publication day: a few thousand distinct days for any number of sources."""
    return short_day(date(int(day[:4]), int(day[5:7]), int(day[8:10]))) if day else short_day(None)


def _timelinejs_event(h: Happening, label: str) -> str:
    """The happening as a TimelineJS event: {"start_date", "text": {"headline", "text"}, "group", "unique_id",
    "end_date" (a span)}; TimelineJS shows ``text`` as HTML, so every scraped string in it is escaped."""
    e = _escape
    parts = [f"<blockquote>« {e(h.sources[0].evidence)} »</blockquote>"] if h.sources else []
    for c in h.conflicts:
        parts.append(f"<p><strong>{e(c.label)} :</strong> " + " ; ".join(
            f"{e(v.label)} selon {e(_by(v.sources))}" for v in c.values) + "</p>")
    parts.append("<ul>")
    for s in h.sources:
        link = s.link
        name = f'<a href="{e(link)}">{e(s.outlet)}</a>' if link else e(s.outlet)
        parts.append(f"<li>{name}, {_published_label(s.published_day)} : {e(s.title)}</li>")
    parts.append("</ul>")
    group = e(capfirst(h.case_name)) if h.case_name else "Sans affaire"
    event = (f'{{"start_date": {_tl_date(h.date, h.precision, label)}, '
             f'"text": {{"headline": {_string(e(capfirst(h.summary)))}, "text": {_string("".join(parts))}}}, '
             f'"group": {_string(group)}, "unique_id": {_string(h.anchor)}')
    if h.date_end and h.date_end != h.date:
        event += f', "end_date": {_tl_date(h.date_end, h.precision)}'
    return event + "}"


def _csv(text: str) -> str:
    """One cell as ``csv.writer(delimiter=";", quoting=QUOTE_MINIMAL)`` writes it: quoted, its quotes doubled,
    when it holds the delimiter, a quote or a line break."""
    if ";" in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def _text_cell(text: str) -> str:
    """Scraped text as a written cell: :func:`_cell`, then :func:`_csv`."""
    if text and text[0] in "=+@-\t\r" and not (text[0] == "-" and text[1:2] in " 0123456789"):
        text = "'" + text
    if ";" in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def write_calendar(path: Path, hearings: list[Happening], dossier_title: str, generated: datetime) -> int:
    """Upcoming hearings known to the day, as all-day events; returns how many were written."""
    cal = Calendar()
    cal.add("prodid", "-//veille//chronologie//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"Audiences à venir — {dossier_title}")
    cal.add("x-wr-caldesc", "Audiences, ouvertures de procès et délibérés annoncés par la presse (veille).")
    cal.add("x-wr-timezone", "Europe/Paris")
    written = 0
    for h in hearings:
        if h.precision != "day":
            continue  # « en septembre » is no date for a calendar
        ev = Event()
        ev.add("uid", hashlib.sha1(h.key.encode()).hexdigest()[:24] + "@veille")
        ev.add("dtstamp", generated)
        ev.add("dtstart", h.date)
        ev.add("dtend", (h.date_end or h.date) + timedelta(days=1))
        ev.add("summary", f"{capfirst(kind_label(h.kind))} — {capfirst(h.case_name) if h.case_name else h.summary}")
        lines = [capfirst(h.summary)]
        lines += [f"{s.outlet} ({s.published_label}) : « {s.evidence} » {s.url}" for s in h.sources]
        if h.conflicts:
            lines.append(_conflicts_text(h))
        ev.add("description", "\n".join(lines))
        if h.sources and h.sources[0].link:
            ev.add("url", h.sources[0].url)
        if h.places:
            ev.add("location", ", ".join(h.places))
        ev.add("categories", [kind_label(h.kind)])
        ev.add("transp", "TRANSPARENT")
        cal.add_component(ev)
        written += 1
    temporary(path).write_bytes(cal.to_ical())
    return written


__all__ = ["Exports", "write_calendar", "FILES", "publish", "discard", "temporary"]
