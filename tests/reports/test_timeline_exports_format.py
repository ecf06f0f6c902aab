"""The exports read back, with the standard library's csv and json, exactly what the happenings said,
however awkward the scraped text; a cell that would start a spreadsheet formula is defused."""

from __future__ import annotations

import csv
import json
import random
from datetime import date, datetime
from zoneinfo import ZoneInfo

from markupsafe import escape

from reports.french import capfirst
from reports.queries import Happening, Source
from reports.timeline.exports import FILES, Exports
from reports.timeline.exports.events_csv import COLUMNS, ENCODING, defused
from reports.timeline.publish import publish

TRICKY = [
    "",
    "plain",
    "a;b",
    'say "hi"',
    "line\nbreak",
    "cr\rlf",
    "\r\n",
    ";",
    '"',
    "=SUM(A1)",
    "-3",
    "- item",
    "-x",
    "@home",
    "+33",
    "\tindent",
    " espace ",
    "à l'audience",
    "<script>alert('x')</script>",
    "a & b",
    "\u2028",
    "emoji 🙂",
    "back\\slash",
    "ctrl\x01\x1f",
    "'quoted'",
]


def _random_texts(n: int = 300) -> list[str]:
    rng = random.Random(6)
    alphabet = "ab é;\"'\r\n\t=+-@<>&\\\x01 0123456789"
    return TRICKY + ["".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 12))) for _ in range(n)]


def _happening(i: int, text: str) -> Happening:
    day = date(2024, 1, 1)
    h = Happening(
        id=i,
        key=f"k-{i}",
        date=day,
        precision="day",
        date_end=None,
        kind="hearing",
        summary=text or "x",
        case_slug="affaire" if i % 2 else None,
        case_name=text if i % 2 else None,
        upcoming=False,
        first_seen_at=datetime(2024, 1, 2, tzinfo=ZoneInfo("Europe/Paris")),
        places=[text],
        people=[text],
        charges=["viol", "guet-apens"],
    )
    h.sources.append(
        Source(
            i,
            i,
            text or "Média",
            text,
            f"https://exemple.fr/{i}",
            "2024-01-02T10:00:00+01:00",
            "2024-01-02",
            text,
            day.isoformat(),
            "day",
            "hearing",
            False,
            bool(i % 3),
        )
    )
    return h


def test_exports_read_back_what_the_happenings_said(tmp_path):
    texts = _random_texts()
    happenings = [_happening(i, t) for i, t in enumerate(texts)]
    exports = Exports(tmp_path, "coco", 'Le site « Coco » ; "test"', datetime(2024, 6, 1, tzinfo=ZoneInfo("UTC")))
    for h in happenings:
        exports.add(h)
    exports.close()
    publish(tmp_path, exports.names)

    with (tmp_path / FILES["csv"]).open(encoding=ENCODING, newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert tuple(rows[0]) == COLUMNS
    by_column = [dict(zip(COLUMNS, r)) for r in rows[1:]]
    assert [r["resume"] for r in by_column] == [defused(h.summary) for h in happenings]
    assert [r["titre"] for r in by_column] == [defused(t) for t in texts]
    assert [r["citation"] for r in by_column] == [defused(t) for t in texts]
    assert all(not r["titre"] or r["titre"][0] not in "=+@" for r in by_column)
    # The case's name as the page heads it; the entry's places, people and charges in their own cells.
    assert [r["nom_affaire"] for r in by_column] == [
        defused(capfirst(t)) if i % 2 and t else "" for i, t in enumerate(texts)
    ]
    assert [r["lieux"] for r in by_column] == [defused(t) for t in texts]
    assert [r["personnes"] for r in by_column] == [defused(t) for t in texts]
    assert {r["chefs_accusation"] for r in by_column} == {"viol, guet-apens"}
    assert {r["publie_le"] for r in by_column} == {"2024-01-02T10:00:00+01:00"}

    data = json.loads((tmp_path / FILES["json"]).read_text(encoding="utf-8"))
    assert data["dossier"] == {"slug": "coco", "title": 'Le site « Coco » ; "test"'}
    assert [h["sources"][0]["title"] for h in data["happenings"]] == texts
    assert [h["places"] for h in data["happenings"]] == [[t] for t in texts]
    assert [h["case"] for h in data["happenings"]] == [
        {"slug": "affaire", "name": t} if i % 2 else None for i, t in enumerate(texts)
    ]

    tl = json.loads((tmp_path / FILES["timelinejs"]).read_text(encoding="utf-8"))
    assert [e["unique_id"] for e in tl["events"]] == [h.anchor for h in happenings]
    for e, t in zip(tl["events"], texts):  # TimelineJS shows text as HTML: scraped strings arrive escaped
        assert f"<blockquote>« {escape(t)} »</blockquote>" in e["text"]["text"]
        assert e["start_date"] == {"year": 2024, "month": 1, "day": 1, "display_date": "1er janvier 2024"}
    # TimelineJS escapes a group itself: written escaped, « L'affaire » would show as « L&#39;affaire ».
    assert [e["group"] for e in tl["events"]] == [
        capfirst(t) if i % 2 and t else "Sans affaire" for i, t in enumerate(texts)
    ]


def test_publication_times_are_paris_time_with_their_offset(tmp_path):
    """An article published at 00:30 in Paris on 11 February is dated the 11th, not the 10th (UTC)."""
    h = _happening(1, "L'affaire de Lomme")
    h.sources[0].published = "2024-02-10T23:30:00+00:00"
    exports = Exports(tmp_path, "coco", "Coco", datetime(2024, 6, 1, tzinfo=ZoneInfo("UTC")))
    exports.add(h)
    exports.close()
    publish(tmp_path, exports.names)
    with (tmp_path / FILES["csv"]).open(encoding=ENCODING, newline="") as fh:
        row = next(csv.DictReader(fh, delimiter=";"))
    assert row["publie_le"] == "2024-02-11T00:30:00+01:00"
    assert row["nom_affaire"] == "L'affaire de Lomme"
    data = json.loads((tmp_path / FILES["json"]).read_text(encoding="utf-8"))
    assert data["happenings"][0]["sources"][0]["published_at"] == "2024-02-11T00:30:00+01:00"
    tl = json.loads((tmp_path / FILES["timelinejs"]).read_text(encoding="utf-8"))
    assert tl["events"][0]["group"] == "L'affaire de Lomme"
