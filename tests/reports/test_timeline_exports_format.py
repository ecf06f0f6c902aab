"""The exports' hand-assembled text is what the standard library (and markupsafe) would write for the same values."""

from __future__ import annotations

import csv
import io
import json
import random

from markupsafe import escape

from reports.timeline.exports import text
from reports.timeline.exports.events_csv import COLUMNS, cell, defused, head, text_cell

TRICKY = ["", "plain", "a;b", 'say "hi"', "line\nbreak", "cr\rlf", "\r\n", ";", '"', "=SUM(A1)", "-3", "- item", "-x",
          "@home", "+33", "\tindent", " espace ", "à l'audience", "<script>alert('x')</script>", "a & b", "\u2028",
          "emoji 🙂", "back\\slash", "ctrl\x01\x1f", "'quoted'"]


def _random_texts(n: int = 2000) -> list[str]:
    rng = random.Random(6)
    alphabet = "ab é;\"'\r\n\t=+-@<>&\\\x01 0123456789"
    return TRICKY + ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 12))) for _ in range(n)]


def test_csv_cells_match_the_csv_module():
    texts = _random_texts()
    for i in range(0, len(texts), 17):
        row = texts[i:i + 17]
        buf = io.StringIO(newline="")
        csv.writer(buf, delimiter=";", quoting=csv.QUOTE_MINIMAL).writerow(row)
        assert ";".join(cell(t) for t in row) + "\r\n" == buf.getvalue(), row
        assert [text_cell(t) for t in row] == [cell(defused(t)) for t in row]
    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter=";", quoting=csv.QUOTE_MINIMAL).writerow(COLUMNS)
    assert head() == buf.getvalue()


def test_json_strings_and_escaping_match_the_libraries():
    for t in _random_texts():
        assert text.value(t) == text.encode(t) == json.dumps(t, ensure_ascii=False)
        assert text.escape(t) == str(escape(t))
    for v in (None, True, False, 3, ["a", None]):
        assert text.value(v) == json.dumps(v, ensure_ascii=False)
