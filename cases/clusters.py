"""Which events belong together in one case: document topics, links, and the guard against bridges.

Every document has a *topic*: the place, person or the site its title and most of its
sentences are about (« Verdict de Mazan : … » → Mazan). A sentence that names nothing
belonging to another topic is *topical* and carries the document's topic with it; a
sentence that names a place or person at home in another topic (the closure article's
« après Grande-Synthe et Mazan ») is *contextual* and carries only what it names.
The links and the guard are described in ``cases/grouping.py``.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from cases.model import DocumentFact, EventFact
from cases.naming import is_big_city, is_broad_place, is_full_name, key
from veille.vocabulary import FAMILY_OF_KIND, STAGE_OF_KIND

STAGE_KINDS = set(STAGE_OF_KIND)  # kinds that move a case along (not the site's life, not « other »)
# Days within which two reports of a once-only happening from different documents are one
# happening with conflicting dates (a crime « dans la nuit de lundi à mardi » is dated either day).
DATE_TOLERANCE = {
    "crime": 1,
    "arrest": 1,
    "indictment": 1,
    "trial_opening": 7,
    "verdict": 7,
    "sentence": 7,
    "appeal": 7,
}
SAME_ARTICLE_WINDOW = timedelta(days=3 * 365)
SAME_SCENE_WINDOW = timedelta(days=120)
SCENE_NEIGHBOURS = 12
# Charges too general to corroborate anything.
GENERIC_CHARGES = {"complicité", "association de malfaiteurs", "recel", "menaces", "harcèlement"}
SITE = ("s", "site")
TITLE_VOTES = 2  # a place or person in the title counts as two sentences
ENUMERATION = 3  # a sentence naming places of this many topics is an enumeration, not a scene


SITE_OWNER = re.compile(
    r"\b(?:fondateur|fondatrice|créateur|créatrice|administrateur|administratrice|propriétaire|"
    r"gérant|gérante|éditeur|patron)s?\b",
    re.I,
)
SITE_WORDS = re.compile(r"\b(?:site|tchat|chat|plateforme|forum|messagerie)\b", re.I)
# « Cette procédure n'a aucun lien avec l'enquête sur le décès à Grande-Synthe »: a sentence that sets
# two stories apart names the other one; it cannot be what ties them together.
DISCLAIMS = re.compile(
    r"\b(?:aucun|sans|pas de|nul|pas le moindre)\s+(?:lien|rapport)\b|\bn['’]a rien à voir\b|"
    r"\bsans rapport\b|\bn['’](?:ont|a|avait|avaient)\s+(?:pas|aucun)\s+(?:de\s+)?(?:lien|rapport)\b",
    re.I,
)


# Words that set a sentence's story beside the document's: « lui aussi », « un autre homme ».
COMPARES = re.compile(
    r"\b(?:lui|elle|eux|elles)[ -]aussi\b|\b(?:une?|d')\s*autres?\s+(?:homme|femme|victime|agression|"
    r"affaire|guet-apens|adolescente?|jeune|suspect|cas)s?\b|\bdéjà\s+(?:en|au|à)\b",
    re.I,
)


class Ev:
    """An event with its comparison keys, date interval and, once topics are known, its anchors."""

    __slots__ = (
        "f",
        "doc",
        "story",
        "start",
        "end",
        "family",
        "places",
        "people",
        "courts",
        "charges",
        "own",
        "anchors",
        "topical",
        "site",
        "disclaims",
    )

    def __init__(self, f: EventFact, doc: DocumentFact | None):
        self.f, self.doc = f, doc
        self.story = (doc.duplicate_of or doc.id) if doc else f.document_id
        self.start = f.date
        self.end = f.date_end if f.date_end and f.date_end >= f.date else period_end(f.date, f.precision)
        self.family = FAMILY_OF_KIND.get(f.kind, "other")
        self.places = {key(p): p for p in f.places if key(p) and not is_broad_place(p)}
        self.people = {key(p): p for p in f.people if is_full_name(p)}
        self.courts = {key(c): c for c in f.courts if key(c)}
        self.charges = {c for c in f.charges if c not in GENERIC_CHARGES}
        self.own = {("p", k) for k in self.places} | {("h", k) for k in self.people} | {("c", k) for k in self.courts}
        # « Pascal », a first name only, identifies no one across articles, but within one article it is the
        # same person: a key that only that document's sentences can share.
        self.own |= {("f", f"{f.document_id}:{key(p)}") for p in f.people if key(p) and not is_full_name(p)}
        self.anchors = set(self.own)
        self.topical = False
        # The site's own story: its life, and what happens to whoever runs it (« le fondateur du site
        # placé en garde à vue », « l'administrateur de la plateforme mis en examen »).
        self.site = f.kind == "site_event" or bool(SITE_OWNER.search(f.evidence) and SITE_WORDS.search(f.evidence))
        self.disclaims = bool(DISCLAIMS.search(f.evidence))

    @property
    def published(self) -> date:
        return self.doc.published if self.doc and self.doc.published else date.max

    def mid(self) -> date:
        return self.start + (self.end - self.start) / 2

    def anchor_places(self) -> set[str]:
        return {a[1] for a in self.anchors if a[0] == "p"}


def period_end(d: date, precision: str) -> date:
    if precision == "year":
        return date(d.year, 12, 31)
    if precision == "month":
        return date(d.year + (d.month == 12), d.month % 12 + 1, 1) - timedelta(days=1)
    return d


def overlap(a: Ev, b: Ev) -> bool:
    return a.start <= b.end and b.start <= a.end


# --------------------------------------------------------------------------- topics


def _ngrams(text: str, longest: int = 6) -> set[str]:
    words = key(text).split()
    return {" ".join(words[i : i + n]) for n in range(1, longest + 1) for i in range(len(words) - n + 1)}


def assign_topics(events: list[Ev]) -> None:
    """Set each event's ``topical``, ``anchors`` and ``site`` from its document's topic."""
    by_doc: dict[int, list[Ev]] = defaultdict(list)
    for e in events:
        by_doc[e.f.document_id].append(e)
    known = {("p", k) for e in events for k in e.places} | {("h", k) for e in events for k in e.people}
    topics: dict[int, set] = {}
    leading: dict[int, tuple] = {}
    titled: dict[int, set] = {}
    for doc_id, evs in by_doc.items():
        doc = evs[0].doc
        votes: Counter = Counter()
        for e in evs:
            for a in e.own:
                if a[0] in "ph":
                    votes[a] += 1
            if e.f.kind == "site_event":
                votes[SITE] += 1
        in_title: set = set()
        if doc and doc.title:
            grams = _ngrams(doc.title)
            in_title = {a for a in known if a[1] in grams}
            for a in in_title:
                votes[a] += TITLE_VOTES
            if doc.about_site:
                votes[SITE] += TITLE_VOTES
                in_title.add(SITE)
        titled[doc_id] = in_title
        ranked = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))
        topic: set = set()
        if (
            ranked
            and ranked[0][1] >= 2
            and (len(ranked) == 1 or ranked[0][1] > ranked[1][1] or ranked[0][0] in in_title)
        ):
            leading[doc_id] = ranked[0][0]
            # « Verdict de Mazan : vingt ans pour Dominique Pelicot » is about both; a title
            # naming two places (« Après Grande-Synthe et Valenciennes … ») about neither.
            title_places = {a for a in in_title if a[0] == "p"}
            topic = (
                {ranked[0][0]}
                | {a for a in in_title if a[0] == "h"}
                | (title_places if len(title_places) == 1 else set())
            )
        topics[doc_id] = topic
    # The home of a place or person: the topic most of the documents naming it are about. A
    # site-led document is a home for a person only when its title names them (the site's
    # founder), not for every victim an overview of the site's cases mentions.
    # Republications of one dispatch count once (their story).
    homes: dict[tuple, Counter] = defaultdict(Counter)
    counted: set[tuple] = set()
    for doc_id, evs in by_doc.items():
        lead = leading.get(doc_id)
        if lead is None:
            continue
        for a in {a for e in evs for a in e.own if a[0] in "ph"} | {a for a in titled[doc_id] if a[0] in "ph"}:
            if a[0] == "h" and lead == SITE and a not in topics[doc_id] or (a, evs[0].story) in counted:
                continue
            counted.add((a, evs[0].story))
            homes[a][lead] += 1
    # Ties go to the topic more documents are about (Carpentras, named as often in articles about
    # Carpentras as in articles about Mazan, is at home in the bigger story), then to the name itself.
    led = Counter(lead for doc_id, lead in leading.items() if by_doc[doc_id][0].story == doc_id)
    # The site's own articles mention every case it was part of: it is never a tie's winner.
    home = {a: min(c, key=lambda t: (-c[t], t == SITE, -led[t], t != a, t)) for a, c in homes.items()}
    for doc_id, evs in by_doc.items():
        topic = topics[doc_id]

        def foreign(a: tuple) -> bool:
            """A place or person at home in another topic; one named nowhere else is local colour."""
            if a[0] not in "ph" or a in topic:
                return False
            if a not in home:  # named only in documents without a topic of their own
                return a[0] == "h" and SITE in topic
            return home[a] not in topic

        for e in evs:
            # « À Mâcon, un homme s'est lui aussi fait piéger »: a comparison with a place outside the
            # topic tells another story, even when that place is named nowhere else.
            compared = bool(COMPARES.search(e.f.evidence))
            e.topical = bool(topic) and not any(
                foreign(a) or (compared and a[0] == "p" and a not in topic) for a in e.own
            )
            if e.topical:
                e.anchors = e.own | topic
                e.site = e.site or SITE in topic
            elif len({home.get(a, a) for a in e.own if a[0] == "p"}) >= ENUMERATION:
                e.anchors = {a for a in e.own if a[0] != "p"}  # « à Reims, Marseille, Dijon … »: a list


# --------------------------------------------------------------------------- union-find with a guard


class _Group:
    __slots__ = ("events", "stories", "place_stories", "place_events", "people", "people_stories", "site")

    def __init__(self, ev: Ev):
        self.events = [ev]
        self.stories = {ev.story}
        # A sentence setting two stories apart names both places: neither becomes the group's.
        places = set() if ev.disclaims else ev.anchor_places()
        self.place_stories: dict[str, set] = {k: {ev.story} for k in places}
        self.place_events: Counter = Counter(places)
        self.people = set(ev.people)
        self.people_stories: dict[str, set] = {k: {ev.story} for k in ev.people}
        self.site = ev.site

    def absorb(self, other: _Group) -> None:
        self.events.extend(other.events)
        self.stories |= other.stories
        for k, s in other.place_stories.items():
            self.place_stories.setdefault(k, set()).update(s)
        self.place_events.update(other.place_events)
        self.people |= other.people
        for k, st in other.people_stories.items():
            self.people_stories.setdefault(k, set()).update(st)
        self.site = self.site or other.site

    def is_main_person(self, k: str) -> bool:
        """``k`` is named by as many of the group's stories as anyone is (or by all of them)."""
        if k not in self.people_stories:
            return False
        top = max(len(v) for v in self.people_stories.values())
        return len(self.people_stories[k]) >= top

    def main_people(self) -> set[str]:
        """The people named by as many of the group's stories as anyone is (:meth:`is_main_person`)."""
        if not self.people_stories:
            return set()
        top = max(len(v) for v in self.people_stories.values())
        return {k for k in self.people if len(self.people_stories.get(k, ())) >= top}

    def main_place(self) -> str | None:
        if not self.place_stories:
            return None
        return max(self.place_stories, key=lambda k: (len(self.place_stories[k]), self.place_events[k], k))

    def established(self) -> set[str]:
        """Places named by two stories at least (republications of one dispatch count once)."""
        return {k for k, s in self.place_stories.items() if len(s) >= 2}


class Groups:
    """Union-find over events, each root carrying its group's statistics."""

    def __init__(self, events: list[Ev]):
        self.parent = {e.f.id: e.f.id for e in events}
        self.group = {e.f.id: _Group(e) for e in events}

    def find(self, x: int) -> int:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def conflict(self, a: int, b: int) -> bool:
        """Two groups about different established places (or one about the site) stay apart."""
        ga, gb = self.group[a], self.group[b]
        if ga.site != gb.site:
            return True
        ma, mb = ga.main_place(), gb.main_place()
        if ma is None or mb is None or ma == mb:
            return False
        return ma not in gb.established() and mb not in ga.established()

    def strangers(self, a: int, b: int) -> bool:
        """Each group is mainly about someone the other never names: two affaires of one city (two
        murders in Paris a month apart), whatever else they share."""
        ga, gb = self.group[a], self.group[b]
        main_a, main_b = ga.main_people(), gb.main_people()
        return bool(main_a and main_b) and not (main_a & gb.people) and not (main_b & ga.people)

    def union(self, x: int, y: int, guarded: bool = True, same_main: bool = False) -> bool:
        a, b = self.find(x), self.find(y)
        if a == b or (guarded and self.conflict(a, b)):
            return False
        if same_main and (self.group[a].main_place() != self.group[b].main_place() or self.strangers(a, b)):
            return False
        if len(self.group[a].events) < len(self.group[b].events):
            a, b = b, a
        self.parent[b] = a
        self.group[a].absorb(self.group.pop(b))
        return True


# --------------------------------------------------------------------------- links


def _person_links(events: list[Ev]) -> Iterable[tuple[int, int, str]]:
    by_person: dict[str, list[Ev]] = defaultdict(list)
    for e in events:
        if e.f.kind == "site_event":
            continue  # people named while telling the site's story are context, not its case
        for k in e.people:
            by_person[k].append(e)
    for k in sorted(by_person):
        evs = by_person[k]
        for e in evs[1:]:
            yield evs[0].f.id, e.f.id, k


def _same_happening(a: Ev, b: Ev) -> bool:
    if a.family != b.family or a.f.document_id == b.f.document_id:
        return False
    if overlap(a, b):
        return True
    tolerance = DATE_TOLERANCE.get(a.f.kind, 0) if a.f.kind == b.f.kind else 0
    return bool(tolerance) and a.f.precision == b.f.precision == "day" and abs((a.start - b.start).days) <= tolerance


def _happening_links(events: list[Ev]) -> list[tuple[int, int, int]]:
    """Pairs of reports of the same happening in different documents, strongest first."""
    postings: dict[tuple, list[Ev]] = defaultdict(list)
    for e in events:
        for anchor in e.anchors:
            postings[(anchor, e.family)].append(e)
    scored: dict[tuple[int, int], int] = {}
    for evs in postings.values():
        evs.sort(key=lambda e: (e.start, e.f.id))
        for i, a in enumerate(evs):
            horizon = a.end + timedelta(days=7)
            for b in evs[i + 1 : i + 400]:
                if b.start > horizon:
                    break
                pair = (min(a.f.id, b.f.id), max(a.f.id, b.f.id))
                if pair in scored or not _same_happening(a, b):
                    continue
                scored[pair] = len(a.anchors & b.anchors) + (a.f.precision == b.f.precision == "day")
    return sorted(((s, x, y) for (x, y), s in scored.items()), key=lambda t: (-t[0], t[1], t[2]))


def _article_links(events: list[Ev]) -> list[tuple[int, int, int]]:
    """Pairs of sentences of one document that name (or inherit) the same place, court or person."""
    by_doc: dict[int, list[Ev]] = defaultdict(list)
    for e in events:
        by_doc[e.f.document_id].append(e)
    links = []
    for doc_id in sorted(by_doc):
        evs = by_doc[doc_id]
        for i, a in enumerate(evs):
            for b in evs[i + 1 :]:
                if a.disclaims or b.disclaims:
                    continue  # « … n'a aucun lien avec l'enquête sur le décès à Grande-Synthe »
                if a.f.evidence == b.f.evidence and not (a.topical and b.topical):
                    continue  # one sentence telling two cases (« … à Grande-Synthe en avril et à Mazan … »)
                shared = a.anchors & b.anchors
                if shared and (abs(a.mid() - b.mid()) <= SAME_ARTICLE_WINDOW or a.people.keys() & b.people.keys()):
                    links.append((len(shared), a.f.id, b.f.id))
    links.sort(key=lambda t: (-t[0], t[1], t[2]))
    return links


def _scene_links(events: list[Ev]) -> list[tuple[int, int, int]]:
    """Pairs of documents about the same place within a few months that share something else too."""
    by_place: dict[str, list[Ev]] = defaultdict(list)
    for e in events:
        for k in e.anchor_places():
            by_place[k].append(e)
    links = []
    for k in sorted(by_place):
        evs = sorted(by_place[k], key=lambda e: (e.start, e.f.id))
        big = is_big_city(k)
        for i, a in enumerate(evs):
            # The next few stories suffice: links are transitive, and a busy place (hundreds of
            # articles a year) must not cost a comparison of every pair.
            stories: set = set()
            for b in evs[i + 1 : i + 400]:
                if b.start - a.end > SAME_SCENE_WINDOW or len(stories) >= SCENE_NEIGHBOURS:
                    break
                if a.story == b.story or b.story in stories:
                    continue
                stories.add(b.story)
                # The place is one piece of evidence, the months another; a third is needed unless both
                # articles are about that place (it is the topic of both).
                second = len(a.anchors & b.anchors) - 1
                if not big:  # in a big city only a second shared place, court or person counts
                    second += len(a.charges & b.charges) + (a.topical and b.topical)
                if second > 0:
                    links.append((second, a.f.id, b.f.id))
    links.sort(key=lambda t: (-t[0], t[1], t[2]))
    return links


# --------------------------------------------------------------------------- clusters


def cluster(events: list[Ev]) -> tuple[list[list[Ev]], list[Ev]]:
    """Cases as lists of events (the site's case, if any, first), and the events of no case."""
    assign_topics(events)
    # « Le site "a été fermé le 25 juin et une information judiciaire avait été ouverte à ce moment-là" »:
    # what the sentence of the site's life adds, naming no one and no place, is the site's story too.
    site_sentences = {(e.f.document_id, e.f.evidence) for e in events if e.f.kind == "site_event"}
    for e in events:
        if e.f.kind == "other" and not e.places and not e.people and (e.f.document_id, e.f.evidence) in site_sentences:
            e.site = True
    site = [e for e in events if e.site]
    anchored = [e for e in events if e.anchors and not e.site]
    groups = Groups(site + anchored)
    for e in site[1:]:
        groups.union(site[0].f.id, e.f.id, guarded=False)
    if site:
        # Whoever the site's story is mainly about (its founder) has no affaire of his own: what happens to
        # him (« Isaac Steidl placé en garde à vue ») is the site's story, wherever the sentence is told.
        whole = groups.group[groups.find(site[0].f.id)]
        owners = whole.main_people()
        for e in anchored:
            if e.people and set(e.people) <= owners:
                groups.union(site[0].f.id, e.f.id, guarded=False)
    topical = {e.f.id for e in anchored if e.topical}
    for _, x, y in _article_links(anchored):  # sentences of one topic belong together
        groups.union(x, y, guarded=not (x in topical and y in topical))
    person_linkable = [e for e in site if e.topical] + anchored
    people_of: dict[tuple[int, int], str] = {}
    for x, y, k in _person_links(person_linkable):
        people_of[(x, y)] = k
    for x, y in people_of:
        # A person both groups are mainly about is one affaire across courts and towns (the trial in
        # Avignon, the appeal in Nîmes); a person one of them only mentions is context.
        k = people_of[(x, y)]
        gx, gy = groups.group[groups.find(x)], groups.group[groups.find(y)]
        main = gx.is_main_person(k) and gy.is_main_person(k)
        groups.union(x, y, guarded=not (main or gx.site or gy.site))
    for _, x, y in _happening_links(anchored):
        groups.union(x, y)
    for _, x, y in _scene_links(anchored):
        groups.union(x, y, same_main=True)
    _absorb_small(groups)
    clusters = sorted(
        (g.events for g in groups.group.values()),
        key=lambda c: (not c[0].site and not any(e.site for e in c), min(e.f.id for e in c)),
    )
    clusters, dissolved = _dissolve_trivial(clusters)
    orphans = [e for e in events if not e.anchors and not e.site] + dissolved
    return attach_orphans(orphans, clusters)


def _absorb_small(groups: Groups) -> None:
    """A group whose stories, places and people all belong to a bigger group is part of it."""
    for root in sorted(groups.group, key=lambda r: (len(groups.group[r].events), r)):
        small = groups.group.get(root)
        if small is None or small.site:
            continue
        best = None
        for other_root, big in groups.group.items():
            if other_root == root or big.site or len(big.events) < len(small.events):
                continue
            if (
                small.stories <= big.stories
                and small.place_stories.keys() <= big.place_stories.keys()
                and small.people <= big.people
            ):
                if best is None or (len(big.events), -other_root) > (len(groups.group[best].events), -best):
                    best = other_root
        if best is not None:
            groups.union(best, root, guarded=False)


def _dissolve_trivial(clusters: list[list[Ev]]) -> tuple[list[list[Ev]], list[Ev]]:
    """A « case » told by one story, with no one named and nothing procedural, is a detail of its article."""
    kept: list[list[Ev]] = []
    loose: list[Ev] = []
    for c in clusters:
        trivial = (
            not any(e.site for e in c)
            and len({e.story for e in c}) == 1
            and not any(e.people for e in c)
            and not any(e.f.kind in STAGE_KINDS for e in c)
        )
        (loose.extend if trivial else kept.append)(c)
    return kept, loose


def attach_orphans(orphans: list[Ev], clusters: list[list[Ev]]) -> tuple[list[list[Ev]], list[Ev]]:
    """Sentences without anchors join their document's main case; the rest stay without case."""
    per_doc: dict[int, Counter] = defaultdict(Counter)
    for i, c in enumerate(clusters):
        for e in c:
            per_doc[e.f.document_id][i] += 1
    site_index = next((i for i, c in enumerate(clusters) if any(e.site for e in c)), None)
    caseless = []
    for e in sorted(orphans, key=lambda e: e.f.id):
        counts = per_doc.get(e.f.document_id)
        if counts:
            title = f" {key(e.doc.title)} " if e.doc else ""

            def rank(i: int) -> tuple:
                places = {k for ev in clusters[i] for k in ev.places}
                return (counts[i], any(f" {p} " in title for p in places), len(clusters[i]), -i)

            clusters[max(counts, key=rank)].append(e)
        elif e.doc and e.doc.about_site and site_index is not None:
            clusters[site_index].append(e)
        else:
            caseless.append(e)
    return clusters, caseless
