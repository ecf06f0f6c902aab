"""Text the export formats share: JSON values and HTML escaping written by hand, and the wording of
a happening's sources and disagreements.

Each file's text is assembled by hand rather than built as dicts and lists for json and csv to
walk: the same bytes (tests/reports/test_timeline_exports_format.py checks them against the
standard library and markupsafe), in half the time, which counts at a hundred thousand entries.
"""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache

from reports.french import short_day
from reports.queries import Happening, Source

encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
string = json.encoder.encode_basestring  # a str as ``encode`` writes it (ensure_ascii=False)


def value(v) -> str:
    """One value as JSON, as ``encode`` writes it (strings, the common case, directly)."""
    return string(v) if v.__class__ is str else encode(v)


def boolean(v) -> str:
    return "true" if v is True else "false" if v is False else encode(v)


try:  # what markupsafe.escape gives for a string, without building a Markup for each
    from markupsafe._speedups import _escape_inner as escape
except ImportError:  # markupsafe without its C extension
    def escape(text: str) -> str:
        return (text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;").replace("'", "&#39;")
                .replace('"', "&#34;"))


def by(sources: list[Source]) -> str:
    """« Le Monde (25 avr. 2024), La Voix du Nord (26 avr. 2024) »."""
    return ", ".join(f"{s.outlet} ({s.published_label})" for s in sources)


def conflicts_text(h: Happening) -> str:
    return " | ".join(f"{c.label} : " + " ; ".join(f"{v.label} selon {by(v.sources)}" for v in c.values)
                      for c in h.conflicts)


@lru_cache(maxsize=4096)
def published_label(day: str) -> str:
    """``Source.published_label`` of a publication day: a few thousand distinct days for any number of sources."""
    return short_day(date(int(day[:4]), int(day[5:7]), int(day[8:10]))) if day else short_day(None)
