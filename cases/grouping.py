"""Cases (affaires) and happenings, grouped from the events the NLP stage extracted.

The grouping is a pure function over plain data (:func:`group`): events (one per
document and sentence) with the places, people, courts and charges their sentence
names, and the documents they come from. It returns cases and happenings; the thin
database layer (``cases/store.py``) reads the facts and writes the result.

How events become cases — every link needs two kinds of evidence, never one shared word:

1. *Same person*: two sentences naming the same principal person (a victim or a
   defendant named in full; never a lawyer, a magistrate, a police officer or a minor).
2. *Same happening*: two documents reporting the same kind of happening (verdict,
   arrest …) at compatible dates, at the same place, court or person.
3. *Same article*: two sentences of one document naming the same place or court,
   less than three years apart.
4. *Same scene*: two documents about the same main place within four months that are
   both about that place (their topic) or also share a charge, a court or a second place.

Links 2 to 4 are refused between two groups whose main places differ when neither
place is established in the other group (named by two stories at least): a sentence
that mentions two cases (« après Grande-Synthe et Mazan … ») cannot merge them, and
two ambushes in two towns stay two cases. Everything the press says about the site
itself (kind ``site_event``) forms the dossier's site case, never merged automatically.
A small group whose stories, places and people all belong to a bigger one is absorbed
by it; a sentence with no anchor of its own joins the main case of its document.

Then, inside each case, reports become happenings: same kind family and same date (a
month- or year-precise report joins the one happening it can mean); two reports of a
once-only happening (a verdict, an opening) from different documents a few days apart
are the same happening with *conflicting dates*, kept as such, like conflicting numbers
of defendants. Configuration corrections (``cases_overrides``) are applied last.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from cases.clusters import Ev, cluster
from cases.figures import defendant_count
from cases.happenings import assign_keys, caseless_groups, happening_groups, make_happening
from cases.model import CaseResult, DocumentFact, EventFact, Grouping, HappeningResult
from cases.naming import default_name, key, slugify
from cases.overrides import Overrides
from veille.vocabulary import MONTHS, STAGE_OF_KIND, STAGES

__all__ = [
    "EventFact",
    "DocumentFact",
    "CaseResult",
    "HappeningResult",
    "Grouping",
    "group",
    "recompute_cases",
    "ensure_cases_current",
    "ALGORITHM_VERSION",
    "Course",
    "course_of",
]

# Bump when the grouping changes: stored cases are then recomputed by the next command that reads them.
ALGORITHM_VERSION = "2"


# --------------------------------------------------------------------------- corrections


def _apply_splits(
    clusters: list[list[Ev]], slugs: list[str], overrides: Overrides, warnings: list[str]
) -> tuple[list[list[Ev]], list[str], dict[int, dict]]:
    manual: dict[int, dict] = defaultdict(dict)
    for rule in overrides.split:
        if rule.case not in slugs:
            warnings.append(f"scission demandée pour l'affaire « {rule.case} », introuvable")
            continue
        i = slugs.index(rule.case)
        if rule.events is not None:
            clusters, moved = _take_events(clusters, i, rule.events)
            if not moved:
                warnings.append(
                    f"scission de « {rule.case} » sans effet : "
                    + (
                        "elle garderait tous ses événements"
                        if moved is None
                        else "aucun des événements choisis n'est trouvé"
                    )
                )
                continue
            new_slug = rule.slug or slugify(rule.name or f"{rule.case}-scission")
            clusters.append(moved)
            slugs.append(new_slug)
            manual[len(clusters) - 1] = {"split_from": rule.case, **({"name": rule.name} if rule.name else {})}
            manual[i].setdefault("split_into", []).append(new_slug)
            continue
        if rule.by_place:
            wanted = key(rule.by_place)
            moves = lambda e: wanted in e.places or wanted in {key(p) for p in e.f.places}
        elif rule.by_person:
            wanted = key(rule.by_person)
            moves = lambda e: wanted in e.people or wanted in {key(p) for p in e.f.people}
        else:
            moves = lambda e: e.start >= rule.since
        moved = [e for e in clusters[i] if moves(e)]
        if rule.by_place or rule.by_person:  # unanchored sentences follow their document
            docs = {e.f.document_id for e in moved}
            stay_docs = {e.f.document_id for e in clusters[i] if e.anchors and not moves(e)}
            moved += [e for e in clusters[i] if not e.anchors and e.f.document_id in docs - stay_docs]
        if not moved or len(moved) == len(clusters[i]):
            warnings.append(
                f"scission de « {rule.case} » sans effet : le critère retient "
                f"{'tous' if moved else 'aucun'} de ses événements"
            )
            continue
        moved_ids = {e.f.id for e in moved}
        clusters[i] = [e for e in clusters[i] if e.f.id not in moved_ids]
        new_slug = rule.slug or slugify(rule.by_place or rule.by_person or f"{rule.case}-{rule.since:%Y}")
        clusters.append(moved)
        slugs.append(new_slug)
        manual[len(clusters) - 1] = {"split_from": rule.case, **({"name": rule.name} if rule.name else {})}
        manual[i].setdefault("split_into", []).append(new_slug)
    return clusters, slugs, manual


def _take_events(clusters: list[list[Ev]], i: int, chosen: frozenset[int]) -> tuple[list[list[Ev]], list[Ev] | None]:
    """An editor's split: the chosen events leave whichever case holds them now (the case split may
    have gained them by a merge since), as long as case ``i`` keeps some of its own. Returns the
    clusters without them and the events taken (None: case ``i`` would be left empty)."""
    mine = [e for e in clusters[i] if e.f.id not in chosen]
    if not mine and clusters[i]:
        return clusters, None
    moved = [e for c in clusters for e in c if e.f.id in chosen]
    if not moved:
        return clusters, []
    return [[e for e in c if e.f.id not in chosen] for c in clusters], moved


def _apply_merges(clusters, slugs, manual, overrides: Overrides, warnings: list[str]):
    for group in overrides.merge:
        present = [s for s in group if s in slugs]
        for s in group:
            if s not in slugs:
                warnings.append(f"fusion demandée avec l'affaire « {s} », introuvable")
        if len(present) < 2:
            continue
        keep = slugs.index(present[0])
        for s in present[1:]:
            j = slugs.index(s)
            clusters[keep].extend(clusters[j])
            clusters[j] = []
            manual[keep].setdefault("merged", []).append(s)
    kept = [i for i, c in enumerate(clusters) if c]
    return [clusters[i] for i in kept], [slugs[i] for i in kept], {n: manual.get(i, {}) for n, i in enumerate(kept)}


# --------------------------------------------------------------------------- slugs and names


@dataclass
class _Facts:
    """What a case's slug and name are made from."""

    main_place: str | None
    main_person: str | None
    person_first: bool
    place_names: list[str]
    people: list[str]
    courts: list[str]
    charges: list[str]
    start: date
    charge_counts: dict[str, int] | None = None


def _facts(cluster: list[Ev], names: dict[str, str], doc_sizes: Counter) -> _Facts:
    """Places and people ordered by how many stories (then sentences) name or inherit them."""
    stories = {e.story for e in cluster}
    place_stories: dict[str, set] = defaultdict(set)
    person_stories: dict[str, set] = defaultdict(set)
    mentions: Counter = Counter()
    courts: Counter = Counter()
    charges: Counter = Counter()
    in_case: Counter = Counter(e.f.document_id for e in cluster)
    for e in cluster:
        for kind, k in e.anchors:
            if kind == "p":
                place_stories[k].add(e.story)
            elif kind == "h":
                person_stories[k].add(e.story)
            mentions[k] += 1
        for name in e.courts.values():
            courts[name] += 1
        for c in e.f.charges:
            charges[c] += 1
    # Charges an article states anywhere count for the case it is mostly about.
    for doc_id, n in in_case.items():
        doc = next(e.doc for e in cluster if e.f.document_id == doc_id)
        if doc and n * 2 >= doc_sizes[doc_id]:
            for c in doc.charges:
                charges[c] += 1
    order = lambda d: sorted(d, key=lambda k: (-len(d[k]), -mentions[k], k))
    places, people = order(place_stories), order(person_stories)
    # A place only a passing sentence names (« après Grande-Synthe … » in an article about Mazan) is not
    # one of the case's places, unless two stories name it.
    topical = {a[1] for e in cluster if e.topical for a in e.anchors if a[0] == "p"}
    if _is_site(cluster):  # the site's story names every case it was part of: only its own places count
        places = [k for k in places if k in topical]
    elif topical:
        places = [k for k in places if k in topical or len(place_stories[k]) >= 2]
    main_place = places[0] if places else None
    main_person = people[0] if people else None
    person_first = bool(
        main_person
        and (
            not main_place
            or (len(person_stories[main_person]) * 2 >= len(stories) > len(place_stories[main_place]) * 2)
        )
    )
    return _Facts(
        main_place=names.get(main_place) if main_place else None,
        main_person=names.get(main_person) if main_person else None,
        person_first=person_first,
        place_names=[names[k] for k in places],
        people=[names[k] for k in people],
        courts=[c for c, _ in courts.most_common()],
        charges=[c for c, _ in charges.most_common()],
        start=min(e.start for e in cluster),
        charge_counts=dict(charges),
    )


def _names(events: list[Ev]) -> dict[str, str]:
    """The most common spelling of each place and person key."""
    seen: dict[str, Counter] = defaultdict(Counter)
    for e in events:
        for k, name in (*e.places.items(), *e.people.items()):
            seen[k][name] += 1
    return {k: c.most_common(1)[0][0] for k, c in seen.items()}


def _base_slug(cluster: list[Ev], facts: _Facts, dossier_of_site: str | None) -> str:
    if _is_site(cluster):
        return f"site-{dossier_of_site}" if dossier_of_site else "site"
    if facts.person_first:
        return slugify(facts.main_person or "")
    if facts.main_place:
        return slugify(facts.main_place)
    if facts.main_person:
        return slugify(facts.main_person)
    return f"affaire-{facts.start.year}"


def _unique_slugs(bases: list[str], clusters: list[list[Ev]], facts: list[_Facts]) -> list[str]:
    """The best-covered case of a place keeps the bare slug; the others add the year they start."""
    by_base: dict[str, list[int]] = defaultdict(list)
    for i, b in enumerate(bases):
        by_base[b].append(i)
    slugs = list(bases)
    for base, members in by_base.items():
        if len(members) == 1:
            continue
        members.sort(key=lambda i: (-len({e.story for e in clusters[i]}), facts[i].start, i))
        taken = {base}
        for i in members[1:]:
            year = facts[i].start.year
            # « affaire-2024 » already says its year: its namesakes are « affaire-2024-2 », « -3 » …
            stem = base if base.endswith(f"-{year}") else f"{base}-{year}"
            candidate, n = stem, 2
            while candidate in taken:
                candidate, n = f"{stem}-{n}", n + 1
            taken.add(candidate)
            slugs[i] = candidate
    return slugs


# --------------------------------------------------------------------------- the case record


def _case_result(
    slug: str,
    name: str,
    cluster: list[Ev],
    facts: _Facts,
    happenings: list[HappeningResult],
    by_id: dict[int, Ev],
    manual: dict,
    overrides: Overrides,
) -> CaseResult:
    if slug in overrides.stage:
        manual["stage"] = overrides.stage[slug]
    course = course_of(happenings, manual.get("stage"))
    docs = {e.f.document_id: e.doc for e in cluster}
    published = [d.published for d in docs.values() if d and d.published]
    figures: dict[str, object] = {
        "documents": len(docs),
        "stories": len({e.story for e in cluster}),
        "outlets": len({d.source for d in docs.values() if d and d.source}),
        "happenings": len(happenings),
        "first_report": min(published).isoformat() if published else None,
        "last_report": max(published).isoformat() if published else None,
    }
    defendants = _defendants(happenings, by_id)
    if defendants:
        figures["defendants"] = defendants
    if course.contradictions:
        figures["contradictions"] = course.contradictions
    dossiers = sorted({s for d in docs.values() if d for s in d.dossiers})
    return CaseResult(
        slug=slug,
        name=name,
        main_place=facts.main_place,
        places=facts.place_names,
        people=facts.people,
        courts=facts.courts,
        charges=facts.charges,
        period_start=course.period_start,
        period_end=course.period_end,
        stage=course.stage,
        stage_reached_on=course.stages.get(course.stage) if course.stage else None,
        stages=course.stages,
        event_ids=sorted(e.f.id for e in cluster),
        document_ids=sorted(docs),
        dossiers=dossiers,
        key_figures=figures,
        manual=manual,
        site=_is_site(cluster),
    )


@dataclass
class Course:
    """What a case's entries say of its course: its period, the stages it reached (the earliest date
    of each) and the current one, and the steps dated out of order."""

    period_start: date | None
    period_end: date | None
    stages: dict[str, date]
    stage: str | None
    contradictions: list[dict]


def course_of(happenings: list[HappeningResult], forced_stage: str | None = None) -> Course:
    """The course of a case from its entries, as computed or as the editors corrected them (the
    cases stage calls it again after applying their corrections: ``cases/corrections.py``).
    ``forced_stage``: a stage set by hand (``[dossiers.cases.stage]``), which wins."""
    happened = [h for h in happenings if not h.upcoming] or happenings
    stages: dict[str, date] = {}
    for h in happened:
        stage = STAGE_OF_KIND.get(h.kind)
        if stage and (stage not in stages or h.date < stages[stage]):
            stages[stage] = h.date
    current = max(stages, key=STAGES.index) if stages else None
    if forced_stage:
        current = forced_stage
        stages.setdefault(current, max((h.date for h in happened), default=None))  # type: ignore[arg-type]  # None: set by hand, nothing happened
    return Course(
        period_start=min((h.date for h in happened), default=None),
        period_end=max(((h.date_end or h.date) for h in happened), default=None),
        stages=stages,
        stage=current,
        contradictions=_out_of_order(happened),
    )


def _out_of_order(happened: list[HappeningResult]) -> list[dict]:
    """Steps dated before a step they must follow (a verdict before the trial opens): a contradiction
    for an editor to resolve, never a stage. After an appeal, a new trial and verdict are in order."""
    found = []
    latest: HappeningResult | None = None  # the step furthest along so far, in date order
    for h in sorted(
        (h for h in happened if h.kind in STAGE_OF_KIND and h.kind != "hearing"), key=lambda h: (h.date, h.id)
    ):
        stage = STAGE_OF_KIND[h.kind]
        if latest is not None:
            before = STAGE_OF_KIND[latest.kind]
            retrial = before == "appeal" and stage in ("trial", "verdict")
            if STAGES.index(stage) < STAGES.index(before) and not retrial and stage != "investigation":
                found.append(
                    {
                        "kind": h.kind,
                        "date": h.date.isoformat(),
                        "after_kind": latest.kind,
                        "after_date": latest.date.isoformat(),
                    }
                )
        if latest is None or STAGES.index(stage) >= STAGES.index(STAGE_OF_KIND[latest.kind]):
            latest = h
    return found


def _defendants(happenings: list[HappeningResult], by_id: dict[int, Ev]) -> dict | None:
    """Number of defendants stated at the latest trial or verdict, with every value its reports give."""
    for h in sorted(happenings, key=lambda h: (h.date, h.id), reverse=True):
        if STAGE_OF_KIND.get(h.kind) not in ("trial", "verdict", "appeal") or h.upcoming and h.kind != "hearing":
            continue
        counts: dict[int, list[int]] = defaultdict(list)
        for eid in h.event_ids:
            n = defendant_count(by_id[eid].f.evidence)
            if n is not None:
                counts[n].append(eid)
        if counts:
            values = [{"value": n, "events": counts[n]} for n in sorted(counts)]
            return {"value": values[0]["value"] if len(values) == 1 else None, "values": values, "happening": h.id}
    return None


# --------------------------------------------------------------------------- the grouping


def group(
    events: Iterable[EventFact],
    documents: Iterable[DocumentFact],
    overrides: Overrides | None = None,
    dossier_titles: dict[str, str] | None = None,
) -> Grouping:
    """Group events into cases and happenings. Pure: the same facts give the same result, whatever
    ids the database gave them. Ties are settled in the order of the facts themselves (document date
    and title, then the event's date, kind and sentence), not of the ids: the same articles analysed
    again, or crawled in another order, make the same cases."""
    overrides = overrides or Overrides()
    documents = list(documents)
    docs = {d.id: d for d in documents}
    facts = list(events)

    def content(f: EventFact) -> tuple:
        d = docs.get(f.document_id)
        return (
            (d.published or date.max) if d else date.max,
            (d.title or "") if d else "",
            (d.source or "") if d else "",
            f.date,
            f.kind,
            f.evidence,
            f.id,
        )

    rank = {f.id: n for n, f in enumerate(sorted(facts, key=content), start=1)}
    original = {n: i for i, n in rank.items()}
    ranked = [replace(f, id=rank[f.id]) for f in facts]
    ranked_overrides = replace(
        overrides,
        split=tuple(
            replace(s, events=frozenset(rank[e] for e in s.events if e in rank)) if s.events is not None else s
            for s in overrides.split
        ),
    )
    result = _group(ranked, docs, ranked_overrides, dossier_titles)
    return _with_ids(result, original)


def _with_ids(result: Grouping, original: dict[int, int]) -> Grouping:
    """The grouping with the database's event ids back in place of the ranks it was computed on."""
    for c in result.cases:
        c.event_ids = sorted(original[e] for e in c.event_ids)
    for h in result.happenings:
        h.event_ids = [original[e] for e in h.event_ids]
        h.id = min(h.event_ids)
        for conflict in h.conflicts:
            for value in conflict.get("values", ()):
                value["events"] = [original[e] for e in value["events"]]
    result.happenings.sort(key=lambda h: (h.date, h.id))
    return result


def _group(
    events: list[EventFact],
    docs: dict[int, DocumentFact],
    overrides: Overrides,
    dossier_titles: dict[str, str] | None,
) -> Grouping:
    evs = [Ev(f, docs.get(f.document_id)) for f in sorted(events, key=lambda f: f.id)]
    by_id = {e.f.id: e for e in evs}
    warnings: list[str] = []

    clusters, caseless = cluster(evs)
    clusters = [c for c in clusters if c]
    names = _names(evs)
    doc_sizes = Counter(e.f.document_id for e in evs)
    facts = [_facts(c, names, doc_sizes) for c in clusters]
    site_dossier = None
    for c in clusters:
        if _is_site(c):
            counts = Counter(s for e in c if e.doc for s in e.doc.dossiers)
            site_dossier = min(counts, key=lambda s: (-counts[s], s)) if counts else None
    slugs = _unique_slugs([_base_slug(c, f, site_dossier) for c, f in zip(clusters, facts)], clusters, facts)

    clusters, slugs, manual = _apply_splits(clusters, slugs, overrides, warnings)
    clusters, slugs, manual = _apply_merges(clusters, slugs, manual, overrides, warnings)
    for s in overrides.rename:
        if s not in slugs:
            warnings.append(f"nouveau nom demandé pour l'affaire « {s} », introuvable")
    for s in overrides.stage:
        if s not in slugs:
            warnings.append(f"étape imposée pour l'affaire « {s} », introuvable")
    seen: Counter = Counter()
    for i, s in enumerate(slugs):  # a split's slug may collide with a computed one
        seen[s] += 1
        if seen[s] > 1:
            slugs[i] = f"{s}-{seen[s]}"
            warnings.append(f"identifiant « {s} » déjà pris : l'affaire scindée devient « {slugs[i]} »")

    cases: list[CaseResult] = []
    happenings: list[HappeningResult] = []
    for i, (events_of_case, slug) in enumerate(zip(clusters, slugs)):
        f = _facts(events_of_case, names, doc_sizes)
        hs = [make_happening(g, slug) for g in happening_groups(events_of_case)]
        happenings.extend(hs)
        m = manual.get(i, {})
        name = _name(events_of_case, f, hs, dossier_titles or {}, site_dossier)
        if m.get("name"):
            name = m.pop("name")
            m["renamed"] = name
        if slug in overrides.rename:
            name = overrides.rename[slug]
            m["renamed"] = name
        cases.append(_case_result(slug, name, events_of_case, f, hs, by_id, m, overrides))
    _distinguish_names(cases)
    happenings.extend(make_happening(g, None) for g in caseless_groups(caseless))
    assign_keys(happenings)
    cases.sort(key=lambda c: (c.period_start or date.max, c.slug))
    return Grouping(cases=cases, happenings=sorted(happenings, key=lambda h: (h.date, h.id)), warnings=warnings)


def _distinguish_names(cases: list[CaseResult]) -> None:
    """Two cases with the same default name (« le procès de Valenciennes ») get the year of their latest
    event, when a reader knows them by (the trial's, the verdict's): (2012), (2024); two of one year, the
    month: (mars 2023), (octobre 2023)."""
    by_name: dict[str, list[CaseResult]] = defaultdict(list)
    for c in cases:
        if "renamed" not in c.manual:
            by_name[c.name].append(c)
    for name, same in by_name.items():
        if len(same) < 2:
            continue
        starts = [c.period_end or c.period_start for c in same]
        years = Counter(d.year for d in starts if d)
        for c, d in zip(same, starts):
            if d is None:
                continue
            c.name = f"{name} ({d.year})" if years[d.year] == 1 else f"{name} ({MONTHS[d.month - 1]} {d.year})"


def _is_site(events: list[Ev]) -> bool:
    """The site's own case: every sentence about the site is in it (cases_clusters.cluster)."""
    return any(e.site for e in events)


def _name(
    events: list[Ev], f: _Facts, hs: list[HappeningResult], titles: dict[str, str], site_dossier: str | None
) -> str:
    if _is_site(events):
        title = titles.get(site_dossier or "", "") or "le site"
        return title[:1].lower() + title[1:]
    if f.person_first:
        return f"l'affaire {f.main_person}"
    stage = max(
        (STAGE_OF_KIND[h.kind] for h in hs if h.kind in STAGE_OF_KIND and not h.upcoming),
        key=STAGES.index,
        default=None,
    )
    crimes = sum(1 for h in hs if h.kind == "crime" and h.precision == "day")
    return default_name(f.main_place, f.main_person, f.charges, crimes, stage, counts=f.charge_counts)


# --------------------------------------------------------------------------- database entry points


def recompute_cases(conn, config, dossier: str | None = None) -> dict:
    """Recompute every case and happening and store them in one transaction; returns the counts.

    Cases are computed across dossiers (a case may belong to several, and slugs are unique
    across the database); ``dossier`` only narrows the counts returned to that dossier's cases."""
    from cases.store import recompute

    return recompute(conn, config, dossier)


def ensure_cases_current(conn, config) -> dict | None:
    """Recompute cases only if events, mentions or the configuration's corrections changed since
    the last computation; returns the counts, or None when nothing had to be done."""
    from cases.store import is_current, recompute

    if is_current(conn, config):
        return None
    return recompute(conn, config, None)
