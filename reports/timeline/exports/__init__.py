"""The exports written next to the HTML timeline, from the same happenings, as they stream by; one
module per format:

- ``timeline.json`` (:mod:`.timelinejs`): TimelineJS;
- ``events.json`` (:mod:`.events_json`): every happening with all its sources;
- ``events.csv`` (:mod:`.events_csv`): one row per source, for spreadsheets;

(``events.json`` and ``events.csv`` say of every entry whether an editor verified it, who and when;
with ``[reports] publish = "all"``, TimelineJS and the calendar mark the others « non vérifié », as
the page does)
- ``audiences.ics`` (:mod:`.ics`): the upcoming hearings, for calendar apps (written from the
  page's header, not from the stream).

Every file is written under a temporary name and published with the page (``reports/timeline/publish.py``).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from reports.french import iso_label
from reports.queries import Happening
from reports.timeline.exports import events_csv, events_json, timelinejs
from reports.timeline.exports.text import conflict_sides
from reports.timeline.publish import discard, temporary

FILES = {"timelinejs": "timeline.json", "json": "events.json", "csv": "events.csv", "ics": "audiences.ics"}


class Exports:
    """Streams every happening into the JSON, CSV and TimelineJS files (under their temporary names)."""

    def __init__(
        self,
        out_dir: Path,
        dossier_slug: str,
        dossier_title: str,
        generated: datetime,
        as_of: date | None = None,
        mark_unreviewed: bool = False,
    ):
        self.out_dir = out_dir
        self.mark_unreviewed = mark_unreviewed  # `[reports] publish = "all"`: TimelineJS marks as the page does
        self.count = 0
        self.names = [fname for name, fname in FILES.items() if name != "ics"]
        self.json = temporary(out_dir / FILES["json"]).open("wb")
        self.timelinejs = temporary(out_dir / FILES["timelinejs"]).open("wb")
        self.csv = events_csv.open_for_writing(temporary(out_dir / FILES["csv"]))
        self.json.write(events_json.head(dossier_slug, dossier_title, generated, as_of))
        self.timelinejs.write(timelinejs.head(dossier_title, generated))
        self.rows = events_csv.writer(self.csv)
        self.rows.writerow(events_csv.COLUMNS)

    def add(self, h: Happening) -> None:
        if self.count:
            self.json.write(b",\n")
            self.timelinejs.write(b",\n")
        self.count += 1
        iso = iso_label(h.date, h.precision)
        label = h.date_label
        sides = conflict_sides(h) if h.conflicts else None
        self.json.write(events_json.happening(h, iso, label))
        self.timelinejs.write(timelinejs.event(h, label, self.mark_unreviewed, sides))
        self.rows.writerows(events_csv.rows(h, iso, label, sides))

    def _files(self):
        return (self.json, self.timelinejs, self.csv)

    def close(self) -> None:
        """Finish the temporary files; ``publish`` gives them their names once the page is written too."""
        self.json.write(events_json.FOOT)
        self.timelinejs.write(timelinejs.FOOT)
        for f in self._files():
            f.close()

    def abort(self) -> None:
        for f in self._files():
            f.close()
        discard(self.out_dir, self.names)
