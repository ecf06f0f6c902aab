"""How well events are grouped into cases, on gold annotations that label each event's affaire.

The NLP evaluation (:func:`nlp.evaluate.evaluate`) matches gold events to predicted ones;
here the predicted events of every document are grouped together, as the stage would, and
the gold events that were found are scored with B-cubed precision and recall: for each
event, the share of its predicted case that belongs to its gold case, and the share of its
gold case that its predicted case holds. A gold case spread over several predicted cases is
*split*; an editor wants none.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date

from cases.facts import event_fact
from cases.grouping import group
from cases.model import DocumentFact
from cases.naming import key

# Document ids are spaced so that an event id tells its document.
STRIDE = 10_000


def score_cases(golds, report, subject_words: tuple[str, ...] = ("coco",)) -> dict[str, float]:
    """B-cubed figures over the gold events ``report`` matched; also written to ``report.cases``."""
    facts, documents = [], []
    for n, (g, result) in enumerate(zip(golds, report.analyses), start=1):
        entities = result["entities"]
        minors = {key(e["canonical"]) for e in entities if e["label"] == "PER" and e["minor"]}
        for i, ev in enumerate(result["events"]):
            named = [e for e in entities if e["start"] >= ev["start"] and e["end"] <= ev["end"]]
            facts.append(event_fact(n * STRIDE + i, n, ev, named, minors))
        title = key(g.title)
        documents.append(
            DocumentFact(
                id=n,
                published=date.fromisoformat(g.published) if g.published else None,
                title=g.title,
                dossiers=("dossier",),
                charges=tuple(sorted({c["charge"] for c in result["charges"]})),
                about_site=any(re.search(rf"(?:^| ){re.escape(w)}(?: |$)", title) for w in subject_words),
            )
        )
    grouping = group(facts, documents)
    case_of = grouping.case_of_event()
    items = []  # (gold case, predicted case) per found gold event
    for n, (g, matches) in enumerate(zip(golds, report.matches), start=1):
        for gi, pi in matches.items():
            gold_case = g.events[gi].case
            if gold_case:
                predicted = case_of.get(n * STRIDE + pi) or f"(sans affaire {n}-{pi})"
                items.append((gold_case, predicted))
    figures = _bcubed(items)
    by_gold: dict[str, Counter] = defaultdict(Counter)
    for gold_case, predicted in items:
        by_gold[gold_case][predicted] += 1
    split = {g: c for g, c in by_gold.items() if len(c) > 1}
    for g, c in sorted(split.items()):
        report.errors.append(f"affaire {g} scindée en {len(c)} : {dict(c)}")
    by_predicted: dict[str, Counter] = defaultdict(Counter)
    for gold_case, predicted in items:
        by_predicted[predicted][gold_case] += 1
    for p, c in sorted(by_predicted.items()):
        if len(c) > 1:
            report.errors.append(f"affaire prédite {p} mêle {dict(c)}")
    figures.update(
        {"cases_gold": float(len(by_gold)), "cases_split": float(len(split)), "cases_events": float(len(items))}
    )
    report.cases = figures
    return figures


def _bcubed(items: list[tuple[str, str]]) -> dict[str, float]:
    if not items:
        return {"cases_precision": 1.0, "cases_recall": 1.0, "cases_f1": 1.0}
    gold_size = Counter(g for g, _ in items)
    pred_size = Counter(p for _, p in items)
    both = Counter(items)
    precision = sum(both[(g, p)] / pred_size[p] for g, p in items) / len(items)
    recall = sum(both[(g, p)] / gold_size[g] for g, p in items) / len(items)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"cases_precision": precision, "cases_recall": recall, "cases_f1": f1}
