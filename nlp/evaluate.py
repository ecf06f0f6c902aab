"""Accuracy of the NLP stage, measured on gold annotations: the sample corpus's, or any folder.

Two gold formats are read into one :class:`GoldDocument`:

* the sample corpus (``samples/gold/<outlet>/<slug>.toml`` describing
  ``samples/corpus/articles/<outlet>/<slug>.toml``): the analysed text is the article's
  summary, a blank line and its body with the « ## » subheading markers removed, what the
  crawler stores from the served page;
* a folder of real articles (``DIR/docs/NN_slug.txt`` and ``DIR/gold/NN_slug.json``, the
  format of ``fr-press-gold``): the text as published, people named only in part and
  credits scored leniently, places with their aliases, charges as lemmas (« viol » for
  « viol en réunion »: the lexicon's ``lemma``), events with a case label and an optional
  second acceptable kind.

Fields compared, micro-averaged over the set:

* people, places, organisations: names compared without accents or case; a gold person is
  also matched by a prediction with the same surname (« Pelicot » for « Dominique Pelicot »)
  when no prediction gives the full name; minors are never predicted names;
* charges: per document;
* events: a gold event is found when a predicted event has the same date at the gold
  precision and evidence overlapping the gold sentence; its kind is then right or wrong
  (kind accuracy on matched events). Event precision counts predicted events that match
  no gold event.

Cases are scored apart (:mod:`cases.evaluate`), on the events matched here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from nlp.text import key
from veille.vocabulary import PRECISIONS

TARGETS = {"people": 0.85, "places": 0.85, "charges": 0.90, "event_recall": 0.80, "kind_accuracy": 0.80}
SUBHEADING = re.compile(r"(?m)^## ")
# The stamp some real texts open with (« date 2024-04 »): metadata, not text.
STAMP = re.compile(r"^\s*date \d{4}(?:-\d{2}){0,2}\s*")


@dataclass(frozen=True)
class GoldEvent:
    date: str
    precision: str
    kinds: tuple[str, ...]  # the kind, then any second acceptable one
    evidence: str
    case: str | None = None

    @property
    def kind(self) -> str:
        return self.kinds[0]


@dataclass(frozen=True)
class GoldDocument:
    key: str
    text: str
    published: str
    title: str = ""
    people: tuple[str, ...] = ()
    people_lenient: tuple[str, ...] = ()  # partial names and credits: neither missed nor extra
    places: tuple[tuple[str, ...], ...] = ()  # each place with its aliases
    organisations: tuple[str, ...] = ()
    charges: tuple[str, ...] = ()
    charges_as: str = "charge"  # compare the lexicon's « charge » or its « lemma »
    events: tuple[GoldEvent, ...] = ()


def article_text(article) -> str:
    """The text the evaluation analyses: summary, blank line, body without « ## » markers."""
    return SUBHEADING.sub("", f"{article.summary.strip()}\n\n{article.body.strip()}")


def sample_gold() -> list[GoldDocument]:
    """The sample corpus's gold annotations, with the text the crawler stores for each article."""
    from samples.corpus import load_articles, load_gold

    articles = {a.key: a for a in load_articles()}
    out = []
    for g in load_gold():
        article = articles.get(g.key)
        if article is None:
            continue
        out.append(
            GoldDocument(
                key=g.key,
                text=article_text(article),
                published=g.published,
                title=article.title,
                people=tuple(p.name for p in g.people if not p.minor),
                places=tuple((p.name,) for p in g.places),
                organisations=tuple(o.name for o in g.organisations),
                charges=tuple(g.charges),
                events=tuple(GoldEvent(e.date, e.precision, (e.kind,), e.evidence) for e in g.events),
            )
        )
    return out


def folder_gold(folder: Path | str) -> list[GoldDocument]:
    """Gold annotations of a folder: ``docs/*.txt`` with ``gold/*.json`` (real articles), or
    ``<outlet>/<slug>.toml`` files of the sample corpus's format."""
    from veille.errors import VeilleError

    folder = Path(folder)
    if not folder.is_dir():
        raise VeilleError(
            f"dossier d'annotations introuvable : {folder}", "donnez un dossier contenant gold/*.json et docs/*.txt"
        )
    files = sorted((folder / "gold").glob("*.json"))
    if not files:
        if any(folder.rglob("*.toml")):
            from samples.corpus import GOLD_DIR

            if folder.resolve() == Path(GOLD_DIR).resolve():
                return sample_gold()
        raise VeilleError(
            f"aucune annotation dans {folder}",
            "le dossier doit contenir gold/NN_nom.json et docs/NN_nom.txt (format fr-press-gold)",
        )
    out = []
    for path in files:
        raw = json.loads(path.read_text(encoding="utf-8"))
        text = STAMP.sub("", (folder / "docs" / raw["doc"]).read_text(encoding="utf-8"), count=1)
        aliases = raw.get("aliases", {})
        events = []
        for e in raw.get("events", ()):
            precision = {4: "year", 7: "month"}.get(len(e["date"]), "day")
            kinds = (e["kind"], *([e["kind_alt"]] if e.get("kind_alt") else []))
            events.append(GoldEvent(e["date"], precision, kinds, e["evidence"], e.get("case")))
        out.append(
            GoldDocument(
                key=path.stem,
                text=text,
                published=raw.get("published", ""),
                title=text.strip().split("\n", 1)[0],
                people=tuple(raw.get("people", ())),
                people_lenient=(*raw.get("people_partial", ()), *raw.get("credits", ())),
                places=tuple((p, *aliases.get(p, ())) for p in raw.get("places", ())),
                organisations=tuple(raw.get("organisations", ())),
                charges=tuple(raw.get("charges", ())),
                charges_as="lemma",
                events=tuple(events),
            )
        )
    return out


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
    fields: dict[str, Score] = field(
        default_factory=lambda: {k: Score() for k in ("people", "places", "organisations", "charges")}
    )
    events: Score = field(default_factory=Score)
    kinds_right: int = 0
    errors: list[str] = field(default_factory=list)  # what was missed or wrong, for developers
    # For the cases' score: per document, its analysis and, per gold event, the matched prediction.
    analyses: list[dict] = field(default_factory=list, repr=False)
    matches: list[dict[int, int]] = field(default_factory=list, repr=False)
    cases: dict[str, float] = field(default_factory=dict)

    @property
    def kind_accuracy(self) -> float:
        return self.kinds_right / self.events.tp if self.events.tp else 1.0

    def figures(self) -> dict[str, float]:
        out = {}
        for name, s in self.fields.items():
            out.update({f"{name}_precision": s.precision, f"{name}_recall": s.recall, f"{name}_f1": s.f1})
        out.update(
            {
                "event_recall": self.events.recall,
                "event_precision": self.events.precision,
                "kind_accuracy": self.kind_accuracy,
            }
        )
        out.update(self.cases)
        return out


def _compare(
    score: Score,
    gold: list[tuple[str, ...]],
    predicted: list[str],
    name: str,
    where: str,
    errors: list[str],
    surname_match: bool = False,
    lenient: tuple[str, ...] = (),
) -> None:
    """``gold``: each expected item with its other spellings; a prediction matching a ``lenient``
    item (a partial name, a credit) counts neither way."""
    groups = [list(dict.fromkeys(k for k in (key(g) for g in alternatives) if k)) for alternatives in gold]
    groups = [g for i, g in enumerate(groups) if g and g not in groups[:i]]
    pred_keys = list(dict.fromkeys(key(p) for p in predicted if key(p)))
    matched_pred: set[str] = set()
    missed = []
    for g in groups:
        hit = next((k for k in g if k in pred_keys and k not in matched_pred), None)
        if hit:
            matched_pred.add(hit)
        else:
            missed.append(g)
    still_missed = []
    for g in missed:
        same = None
        if surname_match:
            same = next(
                (
                    p
                    for p in pred_keys
                    if p not in matched_pred
                    and p.split()[-1] == g[0].split()[-1]
                    and set(p.split()) <= set(g[0].split())
                ),
                None,
            )
        if same:
            matched_pred.add(same)
        else:
            still_missed.append(g[0])
    soft = {key(x) for x in lenient}
    soft_words = {w for x in soft for w in x.split() if len(w) > 2}
    extra = [p for p in pred_keys if p not in matched_pred and p not in soft and not set(p.split()) <= soft_words]
    score.tp += len(groups) - len(still_missed)
    score.fn += len(still_missed)
    score.fp += len(extra)
    if still_missed or extra:
        errors.append(f"{where} {name}: manqués {still_missed} en trop {extra}")


def _date_matches(predicted: dict, gold: GoldEvent) -> bool:
    if PRECISIONS.index(predicted["precision"]) > PRECISIONS.index(gold.precision):
        return False  # coarser than the gold
    return predicted["date"][: len(gold.date)] == gold.date


def _events(report: Report, gold: GoldDocument, predicted: list[dict], where: str) -> dict[int, int]:
    """Match each gold event to one prediction; returns {gold event index: prediction index}."""
    used: dict[int, int] = {}
    for n, g in enumerate(gold.events):
        start = gold.text.find(g.evidence)
        if start < 0:
            report.errors.append(f"{where} preuve introuvable dans le texte : {g.evidence[:60]}")
            report.events.fn += 1
            continue
        end = start + len(g.evidence)
        taken = set(used.values())
        candidates = [
            i
            for i, p in enumerate(predicted)
            if i not in taken and p["start"] < end and start < p["end"] and _date_matches(p, g)
        ]
        if not candidates:
            report.events.fn += 1
            seen = [(p["date"], p["kind"]) for p in predicted if p["start"] < end and start < p["end"]]
            report.errors.append(f"{where} événement manqué {g.date} {g.kind}: {g.evidence[:110]} (prédits : {seen})")
            continue
        best = next((i for i in candidates if predicted[i]["kind"] in g.kinds), candidates[0])
        used[n] = best
        report.events.tp += 1
        if predicted[best]["kind"] in g.kinds:
            report.kinds_right += 1
        else:
            report.errors.append(f"{where} type {predicted[best]['kind']} au lieu de {g.kind}: {g.evidence[:110]}")
    for i, p in enumerate(predicted):
        if i not in used.values():
            report.errors.append(
                f"{where} événement en trop {p['date']} {p['kind']} « {p['date_text']} » : {p['evidence'][:110]}"
            )
    report.events.fp += len(predicted) - len(used)
    return used


def _charges(result: dict, level: str) -> list[str]:
    if level == "charge":
        return [c["charge"] for c in result["charges"]]
    return [c.get("lemma") or c["charge"] for c in result["charges"]]


def evaluate(nlp, golds: list[GoldDocument] | None = None) -> Report:
    """Run ``nlp`` over every gold document and compare."""
    from nlp.analysis import analyse_doc

    golds = golds if golds is not None else sample_gold()
    report = Report()
    docs = []
    for g in golds:
        doc = nlp.make_doc(g.text)
        doc._.published = g.published or None
        docs.append(doc)
    for g, doc in zip(golds, nlp.pipe(docs)):
        result = analyse_doc(doc)
        report.documents += 1
        where = g.key
        ents = result["entities"]
        people = [e["canonical"] for e in ents if e["label"] == "PER" and not e["minor"]]
        _compare(
            report.fields["people"],
            [(p,) for p in g.people],
            people,
            "personnes",
            where,
            report.errors,
            surname_match=True,
            lenient=g.people_lenient,
        )
        _compare(
            report.fields["places"],
            list(g.places),
            [e["canonical"] for e in ents if e["label"] == "LOC"],
            "lieux",
            where,
            report.errors,
        )
        _compare(
            report.fields["organisations"],
            [(o,) for o in g.organisations],
            [e["canonical"] for e in ents if e["label"] == "ORG"],
            "organisations",
            where,
            report.errors,
        )
        _compare(
            report.fields["charges"],
            [(c,) for c in g.charges],
            _charges(result, g.charges_as),
            "charges",
            where,
            report.errors,
        )
        report.matches.append(_events(report, g, result["events"], where))
        report.analyses.append(result)
    return report


def format_report(report: Report, source: str = "samples/gold") -> list[str]:
    """The French lines ``veille nlp evaluate`` prints."""
    lines = [f"Évaluation sur {report.documents} articles annotés ({source}) :"]
    names = {
        "people": "Personnes",
        "places": "Lieux",
        "organisations": "Organisations",
        "charges": "Chefs d'accusation",
    }
    for name, s in report.fields.items():
        target = TARGETS.get(name)
        mark = "" if target is None else (" ✔" if s.f1 >= target else f" ✖ (objectif {target:.2f})")
        lines.append(f"  {names[name]:<20} précision {s.precision:.3f}  rappel {s.recall:.3f}  F1 {s.f1:.3f}{mark}")
    e = report.events
    mark = " ✔" if e.recall >= TARGETS["event_recall"] else f" ✖ (objectif {TARGETS['event_recall']:.2f})"
    label_dates, label_kinds = "Dates d'événements", "Types d'événements"
    lines.append(f"  {label_dates:<20} rappel {e.recall:.3f} ({e.tp}/{e.tp + e.fn})  précision {e.precision:.3f}{mark}")
    mark = " ✔" if report.kind_accuracy >= TARGETS["kind_accuracy"] else f" ✖ (objectif {TARGETS['kind_accuracy']:.2f})"
    lines.append(
        f"  {label_kinds:<20} exactitude {report.kind_accuracy:.3f} "
        f"({report.kinds_right}/{e.tp} événements trouvés){mark}"
    )
    c = report.cases
    if c:
        lines.append(
            f"  {'Affaires (B-cubed)':<20} précision {c['cases_precision']:.3f}  rappel "
            f"{c['cases_recall']:.3f}  F1 {c['cases_f1']:.3f} ; {int(c['cases_split'])} affaire(s) de "
            f"référence scindée(s) sur {int(c['cases_gold'])}"
        )
    return lines
