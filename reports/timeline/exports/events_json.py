"""``events.json``: every happening with all its sources, for researchers and scripts."""

from __future__ import annotations

import json
from datetime import date, datetime

from reports.queries import Happening, Source
from reports.timeline.exports.text import boolean, encode, string, value

FOOT = "\n]}\n"
_DATE_LENGTH = {"day": 10, "month": 7, "year": 4}


def head(dossier_slug: str, dossier_title: str, generated: datetime, as_of: date | None) -> str:
    """The file's opening, up to the list of happenings."""
    top = {"dossier": {"slug": dossier_slug, "title": dossier_title}, "generated_at": generated.isoformat(),
           "as_of": as_of.isoformat() if as_of else None}
    return json.dumps(top, ensure_ascii=False)[:-1] + ', "happenings": [\n'


def _source(s: Source) -> str:
    # Strings the schema and the read API never leave null go to ``string`` directly.
    return (f'{{"outlet": {string(s.outlet)}, "title": {string(s.title)}, "url": {value(s.url)}, '
            f'"published_at": {value(s.published)}, "evidence": {string(s.evidence)}, '
            f'"event_date": {string(s.day[:_DATE_LENGTH.get(s.precision, 10)])}, '
            f'"precision": {string(s.precision)}, "kind": {string(s.kind)}, "announced": {boolean(s.upcoming)}, '
            f'"republication": {boolean(s.republication)}}}')


def happening(h: Happening, iso: str, label: str) -> str:
    """The happening's object: the text ``encode`` gives for the dict in the comments."""
    # {"key", "date", "precision", "date_end", "date_label", "kind", "kind_label", "case": {"slug", "name"} | null,
    #  "summary", "announced", "places", "people", "charges", "conflicts": [{"field", "label", "values": [{"value",
    #  "sources": [url…]}]}], "sources": [{"outlet", "title", "url", "published_at", "evidence", "event_date",
    #  "precision", "kind", "announced", "republication"}]}
    case = f'{{"slug": {value(h.case_slug)}, "name": {value(h.case_name)}}}' if h.case_slug else "null"
    conflicts = encode([{"field": c.field, "label": c.label,
                         "values": [{"value": v.label, "sources": [s.url for s in v.sources]} for v in c.values]}
                        for c in h.conflicts]) if h.conflicts else "[]"
    return (f'{{"key": {string(h.key)}, "date": {string(iso)}, "precision": {string(h.precision)}, '
            f'"date_end": {string(h.date_end.isoformat()) if h.date_end else "null"}, '
            f'"date_label": {string(label)}, "kind": {string(h.kind)}, "kind_label": {value(h.kind_label)}, '
            f'"case": {case}, "summary": {string(h.summary)}, "announced": {boolean(h.upcoming)}, '
            f'"places": {encode(h.places) if h.places else "[]"}, '
            f'"people": {encode(h.people) if h.people else "[]"}, '
            f'"charges": {encode(h.charges) if h.charges else "[]"}, "conflicts": {conflicts}, '
            f'"sources": [{", ".join([_source(s) for s in h.sources])}]}}')
