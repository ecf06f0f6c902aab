"""``audiences.ics``: the upcoming hearings as an iCalendar feed calendar apps can subscribe to:
all-day events at day precision, UIDs derived from the happening's stable key."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from pathlib import Path

from icalendar import Calendar, Event

from reports.french import capfirst, kind_label
from reports.queries import Happening
from reports.timeline.exports.text import conflicts_text
from reports.timeline.publish import temporary
from veille.vocabulary import UNREVIEWED_LABEL


def write_calendar(
    path: Path, hearings: list[Happening], dossier_title: str, generated: datetime, mark_unreviewed: bool = False
) -> int:
    """Upcoming hearings known to the day, as all-day events, into ``path``'s temporary file (published
    with the timeline's other files); returns how many were written. ``mark_unreviewed``: a hearing
    no editor approved says « non vérifié » in its title and description, as the page marks it."""
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
        unverified = mark_unreviewed and not h.reviewed
        title = f"{capfirst(kind_label(h.kind))} — {capfirst(h.case_name) if h.case_name else h.summary}"
        ev.add("summary", f"{title} ({UNREVIEWED_LABEL})" if unverified else title)
        lines = [capfirst(h.summary)]
        if unverified:
            lines.append(f"{capfirst(UNREVIEWED_LABEL)} : aucun éditeur n'a encore validé cette entrée.")
        lines += [f"{s.outlet} ({s.published_label}) : « {s.evidence} » {s.url}" for s in h.sources]
        if h.conflicts:
            lines.append(conflicts_text(h))
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
