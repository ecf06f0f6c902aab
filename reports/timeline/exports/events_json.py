"""``events.json``: every happening with all its sources, for researchers and scripts.

One JSON object, ``{"dossier", "generated_at", "as_of", "happenings": [...]}``, written as the
happenings stream by: its opening, then each happening (``orjson``), then its closing. Times are
in Paris time with their offset. Each happening says whether an editor verified it (``reviewed``,
``approved_by``, ``approved_at``).
"""

from __future__ import annotations

from datetime import date, datetime

import orjson

from reports.queries import Happening, Source
from reports.timeline.exports.text import published_paris

FOOT = b"\n]}\n"
_DATE_LENGTH = {"day": 10, "month": 7, "year": 4}


def head(dossier_slug: str, dossier_title: str, generated: datetime, as_of: date | None) -> bytes:
    """The file's opening, up to the list of happenings (the object without its closing brace)."""
    top: dict = {
        "dossier": {"slug": dossier_slug, "title": dossier_title},
        "generated_at": generated.isoformat(),
        "as_of": as_of.isoformat() if as_of else None,
        "happenings": [],
    }
    opening = orjson.dumps(top)
    assert opening.endswith(b"[]}")
    return opening[:-2] + b"\n"


def _source(s: Source) -> dict:
    return {
        "outlet": s.outlet,
        "title": s.title,
        "url": s.url,
        "published_at": published_paris(s.published) or None,
        "evidence": s.evidence,
        "event_date": s.day[: _DATE_LENGTH.get(s.precision, 10)],
        "precision": s.precision,
        "kind": s.kind,
        "announced": s.upcoming,
        "republication": s.republication,
        "how": s.how or None,
    }


def happening(h: Happening, iso: str, label: str) -> bytes:
    """The happening as one JSON object."""
    return orjson.dumps(
        {
            "key": h.key,
            "date": iso,
            "precision": h.precision,
            "date_end": h.date_end.isoformat() if h.date_end else None,
            "date_label": label,
            "kind": h.kind,
            "kind_label": h.kind_label,
            "case": {"slug": h.case_slug, "name": h.case_name} if h.case_slug else None,
            "summary": h.summary,
            "announced": h.upcoming,
            "places": h.places,
            "people": h.people,
            "charges": h.charges,
            "conflicts": [
                {
                    "field": c.field,
                    "label": c.label,
                    "values": [{"value": v.label, "sources": [s.url for s in v.sources]} for v in c.values],
                }
                for c in h.conflicts
            ],
            "sources": [_source(s) for s in h.sources],
            "reviewed": h.reviewed,
            "approved_by": h.approved_by,
            "approved_at": published_paris(h.approved_at) if h.approved_at else None,
        }
    )
