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
import hashlib
import html
import json
import os
from datetime import date, datetime, timedelta
from pathlib import Path

from icalendar import Calendar, Event
from markupsafe import escape as markup_escape

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


def temporary(path: Path) -> Path:
    return path.with_name(path.name + ".tmp")


def publish(out_dir: Path, names: list[str]) -> None:
    """Rename the finished temporary files to their final names (each rename is atomic)."""
    for name in names:
        os.replace(temporary(out_dir / name), out_dir / name)


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
        self.csv = csv.writer(self.files["csv"], delimiter=";", quoting=csv.QUOTE_MINIMAL)
        self.csv.writerow(CSV_COLUMNS)

    def add(self, h: Happening) -> None:
        sep = ",\n" if self.count else ""
        self.count += 1
        self.files["json"].write(sep + _ENCODE(_json_happening(h)))
        self.files["timelinejs"].write(sep + _ENCODE(_timelinejs_event(h)))
        conflicts = _conflicts_text(h) if h.conflicts else ""
        row_start = [h.key, iso_label(h.date, h.precision), h.precision, h.date_label, h.kind, h.kind_label,
                     h.case_slug or "", _cell(h.case_name or ""), _cell(h.summary), "oui" if h.upcoming else "non",
                     conflicts]
        self.csv.writerows([*row_start, _cell(s.outlet), s.published or "",
                            _cell(s.title), s.url, _cell(s.evidence), "oui" if s.republication else "non"]
                           for s in h.sources)

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


def _source_json(s: Source) -> dict:
    return {"outlet": s.outlet, "title": s.title, "url": s.url,
            "published_at": s.published, "evidence": s.evidence,
            "event_date": s.day[:{"day": 10, "month": 7, "year": 4}.get(s.precision, 10)], "precision": s.precision,
            "kind": s.kind,
            "announced": s.upcoming, "republication": s.republication}


def _json_happening(h: Happening) -> dict:
    return {
        "key": h.key, "date": iso_label(h.date, h.precision), "precision": h.precision,
        "date_end": h.date_end.isoformat() if h.date_end else None, "date_label": h.date_label,
        "kind": h.kind, "kind_label": h.kind_label,
        "case": {"slug": h.case_slug, "name": h.case_name} if h.case_slug else None,
        "summary": h.summary, "announced": h.upcoming, "places": h.places, "people": h.people, "charges": h.charges,
        "conflicts": [{"field": c.field, "label": c.label,
                       "values": [{"value": v.label, "sources": [s.url for s in v.sources]} for v in c.values]}
                      for c in h.conflicts],
        "sources": [_source_json(s) for s in h.sources],
    }


def _tl_date(d: date, precision: str, label: str | None = None) -> dict:
    out: dict = {"year": d.year}
    if precision in ("month", "day"):
        out["month"] = d.month
    if precision == "day":
        out["day"] = d.day
    if label:
        out["display_date"] = label
    return out


def _escape(text: str) -> str:
    return str(markup_escape(text))


def _timelinejs_event(h: Happening) -> dict:
    e = _escape
    parts = [f"<blockquote>« {e(h.sources[0].evidence)} »</blockquote>"] if h.sources else []
    for c in h.conflicts:
        parts.append(f"<p><strong>{e(c.label)} :</strong> " + " ; ".join(
            f"{e(v.label)} selon {e(_by(v.sources))}" for v in c.values) + "</p>")
    parts.append("<ul>")
    for s in h.sources:
        link = s.link
        name = f'<a href="{e(link)}">{e(s.outlet)}</a>' if link else e(s.outlet)
        parts.append(f"<li>{name}, {s.published_label} : {e(s.title)}</li>")
    parts.append("</ul>")
    event = {
        "start_date": _tl_date(h.date, h.precision, h.date_label),
        "text": {"headline": e(capfirst(h.summary)), "text": "".join(parts)},
        "group": e(capfirst(h.case_name)) if h.case_name else "Sans affaire",
        "unique_id": h.anchor,
    }
    if h.date_end and h.date_end != h.date:
        event["end_date"] = _tl_date(h.date_end, h.precision)
    return event


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
