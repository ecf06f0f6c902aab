"""Inside one case, which reports tell the same happening — and where they disagree.

Same kind family and same date make one happening; a month- or year-precise report
(« en avril », « en 2024 ») joins the one happening it can mean, else stands alone. Two
reports of a once-only happening (an opening, a verdict …) from different documents a
few days apart are one happening with *conflicting dates*; reports stating different
numbers of defendants are one happening with *conflicting figures*. Conflicts are kept
with the events that state each value, for the reports to show, never resolved here.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date

from cases.clusters import DATE_TOLERANCE, Ev, overlap
from cases.figures import COUNTED_KINDS, defendant_count
from cases.model import HappeningResult
from cases.naming import key
from veille.vocabulary import PRECISIONS, iso_at

# Which kind a happening shows when its reports disagree evenly: the more telling one.
KIND_PRIORITY = (
    "verdict",
    "sentence",
    "appeal",
    "trial_opening",
    "hearing",
    "indictment",
    "arrest",
    "crime",
    "complaint",
    "site_event",
    "other",
)


def _same_words(reports: list[Ev]) -> list[list[Ev]]:
    """« Other » reports of one day are one happening only when they say the same thing."""
    words = [set(re.findall(r"\w{4,}", key(e.f.evidence))) for e in reports]
    parent = list(range(len(reports)))

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for i in range(len(reports)):
        for j in range(i + 1, len(reports)):
            similar = len(words[i] & words[j]) / (len(words[i] | words[j]) or 1) >= 0.3
            if similar:
                parent[find(j)] = find(i)
    out: dict[int, list[Ev]] = defaultdict(list)
    for i, e in enumerate(reports):
        out[find(i)].append(e)
    return list(out.values())


def _day_groups(evs: list[Ev]) -> list[list[Ev]]:
    by_day: dict[date, list[Ev]] = defaultdict(list)
    for e in evs:
        if e.f.precision == "day":
            by_day[e.start].append(e)
    groups: list[list[Ev]] = []
    for d in sorted(by_day):
        group = by_day[d]
        previous = groups[-1] if groups else None
        if previous:
            kinds = {e.f.kind for e in group}
            tolerance = DATE_TOLERANCE.get(next(iter(kinds)), 0) if len(kinds) == 1 else 0
            if (
                kinds == {e.f.kind for e in previous}
                and tolerance
                and (d - max(e.start for e in previous)).days <= tolerance
                and not {e.f.document_id for e in group} & {e.f.document_id for e in previous}
            ):
                previous.extend(group)  # one happening, dates in conflict
                continue
        groups.append(list(group))
    return groups


def happening_groups(events: list[Ev]) -> list[list[Ev]]:
    """Reports of one case grouped into happenings."""
    out: list[list[Ev]] = []
    by_family: dict[str, list[Ev]] = defaultdict(list)
    for e in events:
        by_family[e.family].append(e)
    for family in sorted(by_family):
        evs = by_family[family]
        groups = _day_groups(evs)
        if family == "other":
            groups = [g for day in groups for g in _same_words(day)]
        coarse: dict[tuple, list[Ev]] = defaultdict(list)
        for precision in ("month", "year"):
            for e in sorted((e for e in evs if e.f.precision == precision), key=lambda e: (e.start, e.f.id)):
                candidates = [g for g in groups if any(overlap(e, x) for x in g)]
                same_kind = [g for g in candidates if any(x.f.kind == e.f.kind for x in g)]
                pick = same_kind if len(same_kind) == 1 else candidates if len(candidates) == 1 else []
                if pick and family != "other":  # an undated « other » sentence cannot be told apart
                    pick[0].append(e)
                    continue
                text = key(e.f.evidence) if family == "other" else ""
                coarse[(e.start, precision, e.f.kind if family == "other" else family, text)].append(e)
        out.extend(groups)
        out.extend(coarse[k] for k in sorted(coarse))
    return out


def caseless_groups(events: list[Ev]) -> list[list[Ev]]:
    """Without a case, only republications of one sentence are known to be one happening."""
    out: dict[tuple, list[Ev]] = defaultdict(list)
    for e in events:
        out[(e.start, e.story, e.f.kind, e.f.precision, key(e.f.evidence))].append(e)
    return [out[k] for k in sorted(out)]


def report_order(e: Ev) -> tuple:
    """Earliest report first; an original before its republications."""
    return (e.published, e.doc is not None and e.doc.duplicate_of is not None, e.f.id)


def make_happening(reports: list[Ev], case_slug: str | None) -> HappeningResult:
    reports = sorted(reports, key=report_order)
    precision = PRECISIONS[min(PRECISIONS.index(e.f.precision) for e in reports)]
    precise = [e for e in reports if e.f.precision == precision]
    dates = Counter(e.start for e in precise)
    shown = min(dates, key=lambda d: (-dates[d], d))
    kinds = Counter(e.f.kind for e in reports)
    kind = min(kinds, key=lambda k: (-kinds[k], KIND_PRIORITY.index(k) if k in KIND_PRIORITY else 99))
    conflicts = []
    if len(dates) > 1:
        conflicts.append(
            {
                "field": "date",
                "precision": precision,
                "values": [
                    {"value": d.isoformat(), "events": [e.f.id for e in precise if e.start == d]} for d in sorted(dates)
                ],
            }
        )
    counts = stated_counts(reports)
    if len(counts) > 1:
        conflicts.append({"field": "defendants", "values": [{"value": n, "events": counts[n]} for n in sorted(counts)]})
    ends = [e.f.date_end for e in precise if e.f.date_end]
    return HappeningResult(
        key="",
        id=min(e.f.id for e in reports),
        case_slug=case_slug,
        event_ids=[e.f.id for e in reports],
        date=shown,
        precision=precision,
        date_end=max(ends) if ends else None,
        kind=kind,
        summary=reports[0].f.summary or reports[0].f.evidence,
        upcoming=all(e.f.upcoming for e in reports),
        conflicts=conflicts,
        context=all(e.f.context for e in reports),
        evidence=reports[0].f.evidence,
    )


def stated_counts(reports: list[Ev]) -> dict[int, list[int]]:
    """Number of defendants each document states (its largest), with the events stating it.

    Within one article, « quatre jeunes, deux mineurs et deux majeurs » is one figure, not a conflict."""
    per_doc: dict[int, tuple[int, list[int]]] = {}
    for e in reports:
        if e.f.kind in COUNTED_KINDS:
            n = defendant_count(e.f.evidence)
            if n is not None:
                best = per_doc.get(e.f.document_id)
                if best is None or n > best[0]:
                    per_doc[e.f.document_id] = (n, [e.f.id])
                elif n == best[0]:
                    best[1].append(e.f.id)
    counts: dict[int, list[int]] = defaultdict(list)
    for n, ids in per_doc.values():
        counts[n].extend(ids)
    return dict(counts)


def assign_keys(happenings: list[HappeningResult]) -> None:
    """Stable keys: case slug, kind and date (« mazan/verdict/2024-12-19 »), numbered when they repeat.

    Among happenings that share a base, the numbers follow what they say, not event ids (a second
    crawl stores the same articles under other ids): shown ones before context, then by headline."""

    def base(h: HappeningResult) -> str:
        return f"{h.case_slug or 'sans-affaire'}/{h.kind}/{iso_at(h.date, h.precision)}"

    taken: set[str] = set()
    for h in sorted(
        happenings, key=lambda h: (h.date, base(h), h.context, h.summary, h.evidence, -len(h.event_ids), h.id)
    ):
        k, n = base(h), 2
        while k in taken:
            k, n = f"{base(h)}-{n}", n + 1
        taken.add(k)
        h.key = k
