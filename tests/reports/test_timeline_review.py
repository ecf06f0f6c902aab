"""The static timeline's exports follow `[reports] publish = "all"` as its page does: every entry, and
each says whether an editor verified it, who and when (events.csv, events.json); TimelineJS and the
calendar mark the others « non vérifié »."""

from __future__ import annotations

import csv
import json
from datetime import date

import pytest
from icalendar import Calendar

from cases.grouping import ensure_cases_current, recompute_cases
from reports.timeline.exports import FILES
from reports.timeline.exports.events_csv import ENCODING
from reports.timeline.page import write_timeline
from tests.reports.timeline_builder import load_gold_corpus
from veille import corrections
from veille.config import load_config
from veille.db import sync_config

pytestmark = pytest.mark.slow  # the sample corpus's facts, grouped


def _config(tmp_path, text: str):
    path = tmp_path / "veille.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def test_exports_with_publish_all_mark_the_unverified_entries(conn, tmp_path):
    load_gold_corpus(conn)
    every = _config(tmp_path, '[reports]\npublish = "all"\n')
    sync_config(conn, every)
    recompute_cases(conn, every)
    verdict = conn.execute(
        """SELECT key FROM happenings WHERE current AND case_slug = 'mazan' AND kind = 'verdict'
              AND event_date = '2024-12-19'"""
    ).fetchone()["key"]
    approval = corrections.approve(conn, verdict, corrections.Author("anne@journal.fr", "Anne Éditrice"))
    ensure_cases_current(conn, every)
    total = conn.execute("SELECT count(*) AS n FROM happenings WHERE current AND NOT context").fetchone()["n"]

    out = tmp_path / "site"
    write_timeline(conn, every, "coco", out)
    html = (out / "index.html").read_text(encoding="utf-8")
    assert html.count('class="badge unreviewed">non vérifié<') > 0

    with (out / FILES["csv"]).open(encoding=ENCODING, newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    by_entry: dict[str, set] = {}
    for r in rows:
        by_entry.setdefault(r["entree"], set()).add((r["verifiee"], r["validee_par"], r["validee_le"]))
    assert len(by_entry) == total  # every entry is published, verified or not
    # Who approved it, and when, in Paris time with its offset.
    assert by_entry.pop(verdict) == {("oui", "Anne Éditrice", _paris(approval["made_at"]))}
    assert {s for statuses in by_entry.values() for s in statuses} == {("non", "", "")}

    data = json.loads((out / FILES["json"]).read_text(encoding="utf-8"))
    entries = {h["key"]: h for h in data["happenings"]}
    assert entries[verdict]["reviewed"] is True and entries[verdict]["approved_by"] == "Anne Éditrice"
    assert entries[verdict]["approved_at"] == _paris(approval["made_at"])
    assert all(not h["reviewed"] and h["approved_by"] is None for k, h in entries.items() if k != verdict)

    tl = json.loads((out / FILES["timelinejs"]).read_text(encoding="utf-8"))
    marked = {e["unique_id"] for e in tl["events"] if "Non vérifié" in e["text"]["text"]}
    assert len(marked) == total - 1 and not any(verdict.replace("/", "-") in m for m in marked)

    # As of 30 August 2024: the calendar holds the opening of the Mazan trial, unapproved.
    write_timeline(conn, every, "coco", out, today=date(2024, 8, 30))
    calendar = Calendar.from_ical((out / FILES["ics"]).read_bytes())
    hearings = [str(e["summary"]) for e in calendar.walk("VEVENT")]
    assert hearings and all(s.endswith("(non vérifié)") for s in hearings)

    # With `approved` (or `auto`, once an editor approved something), only the verified entry, unmarked.
    auto = load_config()
    write_timeline(conn, auto, "coco", out)
    with (out / FILES["csv"]).open(encoding=ENCODING, newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    assert {r["entree"] for r in rows} == {verdict} and {r["verifiee"] for r in rows} == {"oui"}
    tl = json.loads((out / FILES["timelinejs"]).read_text(encoding="utf-8"))
    assert [e for e in tl["events"] if "Non vérifié" in e["text"]["text"]] == []


def _paris(moment) -> str:
    from veille.vocabulary import paris_iso

    return paris_iso(moment)
