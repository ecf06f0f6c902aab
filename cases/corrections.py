"""The editors' corrections (``veille/corrections.py``), applied to a grouping at every recomputation.

Pure functions over plain data, called by ``cases/store.py``:

- :func:`document_sets`: which documents editors marked off-topic (their events leave the
  dossier) or a passing mention (only their sentences that name the subject stay, as for the
  documents the subject filter finds passing);
- :func:`with_case_corrections`: rename, merge and split, added to the configuration's corrections
  (the same ``Overrides`` the TOML tables make, applied by the same code);
- :func:`apply_entries`: approve, hide, re-date, re-kind, re-headline and move, on the happenings;
  the cases they touch then follow them (period, stages, current stage).

An entry correction finds its happening by key and by the reports it was made on (URL and
sentence): after a re-analysis (new event ids) or a re-crawl (new document ids) the same
happening is found again; when its key moved (its case got another slug), the reports find it and
the correction's target follows. What cannot be found is an *orphan*: reported, never dropped.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from cases.grouping import course_of
from cases.model import CaseResult, Grouping, HappeningResult
from cases.overrides import Overrides, Split
from veille.corrections import fingerprint

ENTRY_FIELDS = ("case_slug", "date", "precision", "date_end", "kind", "summary")


@dataclass
class Review:
    """What the editors made of one happening, stored next to it (``happenings`` columns)."""

    hidden: bool = False
    hidden_reason: str | None = None
    review: str = "new"
    approved_by: str | None = None
    approved_at: datetime | None = None
    computed: dict | None = None  # the grouping's values, when a correction changed them


@dataclass
class Outcome:
    reviews: dict[str, Review] = field(default_factory=dict)  # happening key → review
    status: dict[int, str] = field(default_factory=dict)  # correction id → applied | orphan
    retarget: dict[str, str] = field(default_factory=dict)  # old entry key → the key it is found under now
    warnings: list[str] = field(default_factory=list)


def document_sets(rows: list[dict], doc_ids: dict[str, list[int]]) -> tuple[set[int], set[int], dict[int, str]]:
    """(off-topic document ids, passing document ids, status of each document correction).

    ``doc_ids``: canonical URL → the ids of the documents stored under it (one, normally)."""
    off: set[int] = set()
    passing: set[int] = set()
    status: dict[int, str] = {}
    for r in rows:
        if r["target_kind"] != "document":
            continue
        ids = doc_ids.get(r["target"], [])
        status[r["id"]] = "applied" if ids else "orphan"
        (off if r["action"] == "off_topic" else passing).update(ids)
    return off, passing - off, status


def with_case_corrections(
    overrides: Overrides, rows: list[dict], events_of: dict[tuple[str, str, str], list[int]] | None = None
) -> Overrides:
    """The configuration's corrections, then the editors' (a later correction wins): renames, merges
    and splits become the same :class:`Overrides` the TOML tables make, applied by the same code
    (``cases/grouping.py``). ``events_of``: a report (URL, sentence, kind) → its event ids now, how a
    split finds the entries it takes out again after a re-analysis."""
    rename = dict(overrides.rename)
    merge = list(overrides.merge)
    split = list(overrides.split)
    for r in rows:
        if r["target_kind"] != "case":
            continue
        if r["action"] == "rename":
            rename[r["target"]] = r["after"]["name"]
        elif r["action"] == "merge":
            merge.append((r["target"], *r["after"]["with"]))
        elif r["action"] == "split":
            found = frozenset(e for a in r["anchors"] for e in (events_of or {}).get(_anchor(a), ()))
            split.append(Split(case=r["target"], events=found, slug=r["after"]["slug"], name=r["after"].get("name")))
    return replace(overrides, rename=rename, merge=tuple(merge), split=tuple(split))


def case_status(rows: list[dict], result: Grouping) -> dict[int, str]:
    """Each case correction applied, or an orphan when its case (or the case it merges) is not found,
    or a split that took nothing out."""
    slugs = {c.slug: c for c in result.cases}
    split_from = {c.manual.get("split_from") for c in result.cases}
    status = {}
    for r in rows:
        if r["target_kind"] != "case":
            continue
        case = slugs.get(r["target"])
        if r["action"] == "merge":
            ok = case is not None and bool(set(case.manual.get("merged", ())) & set(r["after"]["with"]))
        elif r["action"] == "split":
            ok = case is not None and r["target"] in split_from
        else:
            ok = case is not None
        status[r["id"]] = "applied" if ok else "orphan"
    return status


def state_of(h: HappeningResult) -> dict:
    return {
        "case_slug": h.case_slug,
        "date": h.date,
        "precision": h.precision,
        "date_end": h.date_end,
        "kind": h.kind,
        "summary": h.summary,
    }


def _anchor(a: dict) -> tuple[str, str, str]:
    return (a["url"], a["evidence"], a.get("kind", ""))


def _find(
    row: dict, by_key: dict[str, HappeningResult], by_anchor: dict[tuple[str, str, str], HappeningResult]
) -> HappeningResult | None:
    """The happening a correction was made on: its key, unless its reports say they are elsewhere now;
    else the happening holding at least half of its reports (one sentence kept is not enough)."""
    anchors = row["anchors"]
    anchored = [by_anchor[_anchor(a)] for a in anchors if _anchor(a) in by_anchor]
    keyed = by_key.get(row["target"])
    if keyed is not None and (not anchors or keyed in anchored or not anchored):
        return keyed
    if anchored:
        best = max(anchored, key=lambda h: (anchored.count(h), -h.id))
        if anchored.count(best) * 2 >= len(anchors):
            return best
    return None


def apply_entries(
    result: Grouping,
    rows: list[dict],
    anchor_of_event: dict[int, tuple[str, str, str]],
    doc_of_event: dict[int, int],
) -> Outcome:
    """Apply the entry corrections in force (``rows``, oldest first) to ``result``, in place.

    ``anchor_of_event``: event id → (document canonical URL, sentence, kind); ``doc_of_event``: event id →
    document id (a moved entry takes its documents to its new case)."""
    out = Outcome()
    by_key = {h.key: h for h in result.happenings}
    by_anchor: dict[tuple[str, str, str], HappeningResult] = {}
    for h in result.happenings:
        for eid in h.event_ids:
            if eid in anchor_of_event:
                by_anchor.setdefault(anchor_of_event[eid], h)
    cases = {c.slug: c for c in result.cases}
    found: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        if r["target_kind"] != "entry":
            continue
        target = _find(r, by_key, by_anchor)
        if target is None:
            out.status[r["id"]] = "orphan"
            continue
        if target.key != r["target"]:
            out.retarget[r["target"]] = target.key
        found[target.key].append(r)
    moved_cases: set[str] = set()
    for key, corrections in found.items():
        h = by_key[key]
        computed = state_of(h)
        review = Review()
        approval: dict | None = None
        for r in corrections:
            after = r["after"] or {}
            status = "applied"
            if r["action"] == "approve":
                approval = r
            elif r["action"] == "hide":
                review.hidden, review.hidden_reason = True, r["reason"]
            elif r["action"] == "redate":
                h.date = date.fromisoformat(after["date"])
                h.precision = after["precision"]
                h.date_end = date.fromisoformat(after["date_end"]) if after.get("date_end") else None
            elif r["action"] == "rekind":
                h.kind = after["kind"]
            elif r["action"] == "reheadline":
                h.summary = after["summary"]
            elif r["action"] == "move":
                if after["case"] in cases:
                    if h.case_slug != after["case"]:
                        moved_cases |= {s for s in (h.case_slug, after["case"]) if s}
                        _move(h, cases.get(h.case_slug or ""), cases[after["case"]], doc_of_event)
                else:
                    status = "orphan"
                    out.warnings.append(f"déplacement vers l'affaire « {after['case']} », introuvable")
            out.status[r["id"]] = status
        if state_of(h) != computed:
            review.computed = {k: v.isoformat() if isinstance(v, date) else v for k, v in computed.items()}
        if approval is not None:
            same = approval["after"].get("fingerprint") == fingerprint(state_of(h))
            review.review = "approved" if same else "changed"
            review.approved_by = approval["author_name"] or "la rédaction"  # published: never an address
            review.approved_at = approval["made_at"]
        out.reviews[key] = review
    touched = {
        h.case_slug for k in found if (h := by_key[k]).case_slug and (out.reviews[k].computed or out.reviews[k].hidden)
    }
    _follow(result, moved_cases | touched, out.reviews)
    for r in rows:
        if r["target_kind"] == "entry" and out.status.get(r["id"]) == "orphan" and r["action"] != "move":
            out.warnings.append(f"correction n° {r['id']} : entrée « {r['target']} » introuvable")
    return out


def _move(h: HappeningResult, old: CaseResult | None, new: CaseResult, doc_of_event: dict[int, int]) -> None:
    ids = set(h.event_ids)
    if old is not None:
        old.event_ids = [e for e in old.event_ids if e not in ids]
        kept_docs = {doc_of_event.get(e) for e in old.event_ids}
        old.document_ids = [d for d in old.document_ids if d in kept_docs]
    new.event_ids = sorted({*new.event_ids, *ids})
    new.document_ids = sorted({*new.document_ids, *(doc_of_event[e] for e in ids if e in doc_of_event)})
    h.case_slug = new.slug


def _follow(result: Grouping, slugs: set[str], reviews: dict[str, Review]) -> None:
    """A case's course follows its entries as corrected (moved in or out, re-dated, re-kinded,
    hidden): its period, the stages it reached and its current one, as the grouping computes them
    (``cases.grouping.course_of``); a stage set by hand still wins."""
    for c in result.cases:
        if c.slug not in slugs:
            continue
        mine = [
            h for h in result.happenings if h.case_slug == c.slug and not (h.key in reviews and reviews[h.key].hidden)
        ]
        course = course_of(mine, c.manual.get("stage"))
        c.period_start, c.period_end = course.period_start, course.period_end
        c.stages, c.stage = course.stages, course.stage
        c.stage_reached_on = course.stages.get(course.stage) if course.stage else None
        c.key_figures.pop("contradictions", None)
        if course.contradictions:
            c.key_figures["contradictions"] = course.contradictions
