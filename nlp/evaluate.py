"""Accuracy of the NLP stage, measured on the sample corpus's gold annotations.

Each gold file (``samples/gold/<outlet>/<slug>.toml``) describes one article
(``samples/corpus/articles/<outlet>/<slug>.toml``). The analysed text is the article's
summary, a blank line and its body with the « ## » subheading markers removed: what the
crawler stores from the served page (standfirst, then paragraphs and subheadings).

Fields compared, micro-averaged over the corpus:

* people, places, organisations: canonical names, compared without accents or case;
  a gold person is also matched by a prediction with the same surname (« Pelicot »
  for « Dominique Pelicot ») when no prediction gives the full name; minors are never
  predicted names;
* charges: canonical names, per document;
* events: a gold event is found when a predicted event has the same date at the gold
  precision and evidence overlapping the gold sentence; its kind is then right or wrong
  (kind accuracy on matched events). Event precision counts predicted events that match
  no gold event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nlp.text import key

TARGETS = {"people": 0.85, "places": 0.85, "charges": 0.90, "event_recall": 0.80, "kind_accuracy": 0.80}
SUBHEADING = re.compile(r"(?m)^## ")


def article_text(article) -> str:
    """The text the evaluation analyses: summary, blank line, body without « ## » markers."""
    return SUBHEADING.sub("", f"{article.summary.strip()}\n\n{article.body.strip()}")


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    documents: int = 0
    fields: dict[str, Score] = field(default_factory=lambda: {k: Score() for k in
                                                               ("people", "places", "organisations", "charges")})
    events: Score = field(default_factory=Score)
    kinds_right: int = 0
    errors: list[str] = field(default_factory=list)   # what was missed or wrong, for developers

    @property
    def kind_accuracy(self) -> float:
        return self.kinds_right / self.events.tp if self.events.tp else 1.0

    def figures(self) -> dict[str, float]:
        out = {}
        for name, s in self.fields.items():
            out.update({f"{name}_precision": s.precision, f"{name}_recall": s.recall, f"{name}_f1": s.f1})
        out.update({"event_recall": self.events.recall, "event_precision": self.events.precision,
                    "kind_accuracy": self.kind_accuracy})
        return out


def _compare(score: Score, gold: list[str], predicted: list[str], name: str, where: str, errors: list[str],
             surname_match: bool = False) -> None:
    gold_keys = list(dict.fromkeys(key(g) for g in gold))
    pred_keys = list(dict.fromkeys(key(p) for p in predicted if key(p)))
    matched_pred: set[str] = set()
    missed = []
    for g in gold_keys:
        if g in pred_keys and g not in matched_pred:
            matched_pred.add(g)
            continue
        missed.append(g)
    still_missed = []
    for g in missed:
        same = None
        if surname_match:
            same = next((p for p in pred_keys if p not in matched_pred and
                         p.split()[-1] == g.split()[-1] and set(p.split()) <= set(g.split())), None)
        if same:
            matched_pred.add(same)
        else:
            still_missed.append(g)
    extra = [p for p in pred_keys if p not in matched_pred]
    score.tp += len(gold_keys) - len(still_missed)
    score.fn += len(still_missed)
    score.fp += len(extra)
    if still_missed or extra:
        errors.append(f"{where} {name}: manqués {still_missed} en trop {extra}")


def _date_matches(predicted: dict, gold) -> bool:
    order = {"year": 0, "month": 1, "day": 2}
    if order[predicted["precision"]] < order[gold.precision]:
        return False
    return predicted["date"][:len(gold.date)] == gold.date


def _events(report: Report, gold, text: str, predicted: list[dict], where: str) -> None:
    used: set[int] = set()
    for g in gold.events:
        start = text.find(g.evidence)
        if start < 0:
            report.errors.append(f"{where} preuve introuvable dans le texte : {g.evidence[:60]}")
            report.events.fn += 1
            continue
        end = start + len(g.evidence)
        candidates = [i for i, p in enumerate(predicted) if i not in used and p["start"] < end and start < p["end"]
                      and _date_matches(p, g)]
        if not candidates:
            report.events.fn += 1
            seen = [(p["date"], p["kind"]) for p in predicted if p["start"] < end and start < p["end"]]
            report.errors.append(f"{where} événement manqué {g.date} {g.kind}: {g.evidence[:90]} (prédits : {seen})")
            continue
        best = next((i for i in candidates if predicted[i]["kind"] == g.kind), candidates[0])
        used.add(best)
        report.events.tp += 1
        if predicted[best]["kind"] == g.kind:
            report.kinds_right += 1
        else:
            report.errors.append(f"{where} type {predicted[best]['kind']} au lieu de {g.kind}: {g.evidence[:90]}")
    report.events.fp += len(predicted) - len(used)


def evaluate(nlp, golds=None, articles=None) -> Report:
    """Run ``nlp`` over every gold article and compare."""
    from samples.corpus import load_articles, load_gold

    golds = golds if golds is not None else load_gold()
    articles = {a.key: a for a in (articles if articles is not None else load_articles())}
    pairs = [(g, articles[g.key]) for g in golds if g.key in articles]
    report = Report()
    texts = [article_text(a) for _, a in pairs]
    docs = []
    for (g, _), text in zip(pairs, texts):
        doc = nlp.make_doc(text)
        doc._.published = g.published or None
        docs.append(doc)
    from nlp.analysis import analyse_doc

    for (g, article), text, doc in zip(pairs, texts, nlp.pipe(docs)):
        result = analyse_doc(doc)
        report.documents += 1
        where = g.key
        ents = result["entities"]
        people = [e["canonical"] for e in ents if e["label"] == "PER" and not e["minor"]]
        _compare(report.fields["people"], [p.name for p in g.people if not p.minor], people, "personnes", where,
                 report.errors, surname_match=True)
        _compare(report.fields["places"], [p.name for p in g.places], [e["canonical"] for e in ents if e["label"] == "LOC"],
                 "lieux", where, report.errors)
        _compare(report.fields["organisations"], [o.name for o in g.organisations],
                 [e["canonical"] for e in ents if e["label"] == "ORG"], "organisations", where, report.errors)
        _compare(report.fields["charges"], list(g.charges), [c["charge"] for c in result["charges"]], "charges",
                 where, report.errors)
        _events(report, g, text, result["events"], where)
    return report


def format_report(report: Report) -> list[str]:
    """The French lines ``veille nlp evaluate`` prints."""
    lines = [f"Évaluation sur {report.documents} articles annotés (samples/gold) :"]
    names = {"people": "Personnes", "places": "Lieux", "organisations": "Organisations", "charges": "Chefs d'accusation"}
    for name, s in report.fields.items():
        target = TARGETS.get(name)
        mark = "" if target is None else (" ✔" if s.f1 >= target else f" ✖ (objectif {target:.2f})")
        lines.append(f"  {names[name]:<20} précision {s.precision:.3f}  rappel {s.recall:.3f}  F1 {s.f1:.3f}{mark}")
    e = report.events
    mark = " ✔" if e.recall >= TARGETS["event_recall"] else f" ✖ (objectif {TARGETS['event_recall']:.2f})"
    label_dates, label_kinds = "Dates d'événements", "Types d'événements"
    lines.append(f"  {label_dates:<20} rappel {e.recall:.3f} ({e.tp}/{e.tp + e.fn})  précision "
                 f"{e.precision:.3f}{mark}")
    mark = " ✔" if report.kind_accuracy >= TARGETS["kind_accuracy"] else f" ✖ (objectif {TARGETS['kind_accuracy']:.2f})"
    lines.append(f"  {label_kinds:<20} exactitude {report.kind_accuracy:.3f} "
                 f"({report.kinds_right}/{e.tp} événements trouvés){mark}")
    return lines

