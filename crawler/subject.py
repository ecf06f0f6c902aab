"""Does a document belong to a dossier? A pure function of (text, title, dossier).

A document belongs when it names the subject (a dossier ``terms`` entry such as
« coco.gg » or « site Coco »), when it uses the subject's bare word (« Coco ») in a
context that means the subject (a ``context_terms`` word within a few words), or
when it names a linked case (``linked_terms``: Mazan, Pelicot).

The bare word is the word common to the dossier's terms (« coco »). It only counts
capitalised (« la coco » is slang for cocaine, « noix de coco » a fruit), not
when it starts a proper name (« Coco Chanel », « Coco Express », « Coco le
Pêcheur »), and not near an ``exclude_terms`` entry (« perroquet », « Pixar »). One
sense per document: once a bare « Coco » is shown to mean something else, no bare
« Coco » of that document counts; the explicit terms still do.

Score (0–1) grows with the number of mentions and their position: the title
weighs most, then the lead (first fifth of the text), then the rest. A document
that names the subject once, in passing, far from the title and the lead, still
belongs, with a score of at most 0.2 and a reason that says so: a journalist can
filter it out, while nothing is lost.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

CONTEXT_WINDOW = 6  # words between a bare « Coco » and a context word
EXCLUDE_WINDOW = 10  # words between a bare « Coco » and an excluding word
PASSING_MAX_SCORE = 0.2
WEIGHTS = {  # per mention: (title, lead, rest)
    "term": (0.5, 0.35, 0.2),
    "context": (0.35, 0.25, 0.15),
    "linked": (0.3, 0.2, 0.1),
}
LINKED_CAP = 0.5
_FILLER_TOKENS = {"www", "gg", "fr", "com", "de", "du", "la", "le", "les", "des", "sur"}


@dataclass(frozen=True)
class Decision:
    dossier: str
    belongs: bool
    score: float
    matched_terms: tuple[str, ...]
    reason: str
    passing: bool = False


@dataclass
class _Mentions:
    terms: Counter = field(default_factory=Counter)
    context: Counter = field(default_factory=Counter)
    context_words: Counter = field(default_factory=Counter)
    linked: Counter = field(default_factory=Counter)
    followed: Counter = field(default_factory=Counter)  # principal people of the dossier's cases
    followed_case: dict = field(default_factory=dict)  # each such name → its case's name
    followed_prominent: bool = False
    followed_score: float = 0.0
    other_sense: Counter = field(default_factory=Counter)
    bare_without_context: int = 0
    score: float = 0.0
    linked_score: float = 0.0
    prominent: bool = False  # at least one mention in the title or the lead
    in_title: bool = False
    bare_label: str = ""


def _fold_char(ch: str) -> str:
    if ch in "\u2019\u2018\u02bc\u00b4`":
        return "'"
    if ch in "\u2010\u2011\u2012\u2013\u2014":
        return "-"
    if ch in "\u00a0\u202f":
        return " "
    base = unicodedata.normalize("NFKD", ch)[0].lower()
    return base if len(base) == 1 else ch


_FOLD_TABLE = {
    cp: _fold_char(chr(cp))
    for cp in [
        *range(0x80, 0x250),
        *range(0x1E00, 0x1F00),
        0x2010,
        0x2011,
        0x2012,
        0x2013,
        0x2014,
        0x2018,
        0x2019,
        0x02BC,
        0x202F,
        0x60,
    ]
}


_FOLD_MAP = {chr(cp): folded for cp, folded in _FOLD_TABLE.items()}
_FOLDABLE = re.compile("[^\x00-\x5f\x61-\x7f]")  # what _FOLD_TABLE may change: not ASCII, or `


def _fold_match(m: re.Match, get=_FOLD_MAP.get) -> str:
    ch = m.group()
    return get(ch, ch)


def fold(text: str) -> str:
    """Lower case without accents, one character for one character (offsets are kept)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        # Same as lowered.translate(_FOLD_TABLE), twice as fast: French text is mostly ASCII,
        # and translate looks every character up.
        return _FOLDABLE.sub(_fold_match, lowered)
    return "".join(_fold_char(ch) for ch in text)  # rare letters whose lower case is longer


# Between the words of a term, spaces, or quotation marks around the name: court decisions
# write « le site de tchat « coco » » for the term « site de tchat Coco ».
_JOINT = r"(?:\s*[«“\"]\s*|\s+)"
_QUOTES = re.compile(r"[«»“”\"]")


def _alternative(term: str) -> str:
    return _JOINT.join(re.escape(w) for w in fold(term).split())


@lru_cache(maxsize=256)
def _compiled(terms: tuple[str, ...]) -> tuple[re.Pattern | None, dict[str, str]]:
    """One regex for a list of terms (longest first, so that « site coco.gg » wins over
    « coco.gg » at the same place), and the way back from a match to the term."""
    ordered = sorted(set(terms), key=len, reverse=True)
    if not ordered:
        return None, {}
    pattern = re.compile(r"(?<![\w.@-])(?:" + "|".join(_alternative(t) for t in ordered) + r")(?![\w-]|\.\w)")
    return pattern, {" ".join(fold(t).split()): t for t in ordered}


@lru_cache(maxsize=64)
def bare_word(terms: tuple[str, ...], context_terms: tuple[str, ...]) -> str | None:
    """The word most of the dossier's terms share (« coco »), if there is one."""
    context = {fold(c) for c in context_terms}
    counts: Counter = Counter()
    for term in terms:
        tokens = {t for t in re.findall(r"[^\W\d_]{3,}", fold(term))}
        counts.update(t for t in tokens if t not in context and t not in _FILLER_TOKENS)
    if not counts:
        return None
    word, n = counts.most_common(1)[0]
    return word if n * 2 >= len(terms) else None


def _find(compiled, folded: str) -> list[tuple[int, int, str]]:
    """Non-overlapping matches (start, end, term)."""
    pattern, terms = compiled
    if pattern is None:
        return []
    return [
        (m.start(), m.end(), terms.get(" ".join(_QUOTES.sub(" ", m.group()).split()), m.group()))
        for m in pattern.finditer(folded)
    ]


class _Words:
    """Word numbers of character offsets, to measure distances in words."""

    def __init__(self, folded: str):
        self.starts = [m.start() for m in re.finditer(r"\w+", folded)]

    def index(self, offset: int) -> int:
        lo, hi = 0, len(self.starts)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.starts[mid] <= offset:
                lo = mid + 1
            else:
                hi = mid
        return max(lo - 1, 0)

    def near(self, a: tuple[int, int], b: tuple[int, int], window: int) -> bool:
        if a[0] < b[1] and b[0] < a[1]:
            return True
        if a[0] >= b[1]:
            return self.index(a[0]) - self.index(max(b[1] - 1, b[0])) <= window
        return self.index(b[0]) - self.index(max(a[1] - 1, a[0])) <= window


_NAME_AFTER = re.compile(r"[ \t]+(?:(?:le|la|les|l')[ \t]*)?[A-ZÀ-Ý][a-zà-ÿ][\w-]*")


def _name_starting(original: str, start: int, end: int) -> str | None:
    """« Coco Chanel », « Coco Express », « Coco le Pêcheur »: the word begins another name."""
    m = _NAME_AFTER.match(original, end)
    return original[start : m.end()] if m else None


@lru_cache(maxsize=64)
def _cores(terms: tuple[str, ...], linked: tuple[str, ...], bare: str | None) -> tuple[str, ...]:
    """Strings one of which must occur for anything to match."""
    cores = {bare} if bare else set()
    for term in (*terms, *linked):
        folded = fold(term)
        if not (bare and bare in folded) and folded.split():
            cores.add(max(folded.split(), key=len))
    return tuple(cores)


def required_words(dossier) -> tuple[str, ...]:
    """Folded words (lower case, no accents) one of which a document must contain to belong to
    ``dossier``: what a cheap pre-filter may look for before any extraction."""
    bare = bare_word(tuple(dossier.terms), tuple(dossier.context_terms))
    return _cores(tuple(dossier.terms), tuple(dossier.linked_terms), bare)


def _may_match(folded: str, dossier, bare: str | None) -> bool:
    linked = (*dossier.linked_terms, *(name for name, _ in getattr(dossier, "followed", ())))
    return any(core in folded for core in _cores(tuple(dossier.terms), linked, bare))


def _where(start: int, title_end: int, lead_end: int) -> int:
    return 0 if start < title_end else (1 if start < lead_end else 2)


def decide(text: str, title: str | None, dossier) -> Decision:
    """The decision for one dossier (anything with slug, terms, context_terms, exclude_terms, linked_terms)."""
    title = (title or "").strip()
    text = text or ""
    original = f"{title}\n{text}"
    folded = fold(original)
    title_end = len(title) + 1
    lead_end = title_end + max(600, len(text) // 5)
    found = _Mentions()
    bare = bare_word(tuple(dossier.terms), tuple(dossier.context_terms))
    if not _may_match(folded, dossier, bare):
        return _conclude(dossier.slug, found)

    def add(kind: str, term: str, start: int) -> None:
        place = _where(start, title_end, lead_end)
        weight = WEIGHTS[kind][place]
        counter = {"term": found.terms, "context": found.context, "linked": found.linked}[kind]
        counter[term] += 1
        if kind == "linked":
            found.linked_score += weight
        else:
            found.score += weight
            found.prominent |= place < 2
            found.in_title |= place == 0

    term_spans = _find(_compiled(tuple(dossier.terms)), folded)
    bare_at = []
    if bare:
        bare_at = [
            m
            for m in re.finditer(r"(?<![\w.@-])" + re.escape(bare) + r"(?![\w-]|\.\w)", folded)
            if original[m.start()].isupper()  # « la coco », « noix de coco »
            and not any(s < m.end() and m.start() < e for s, e, _ in term_spans)
        ]
    excludes = _find(_compiled(tuple(dossier.exclude_terms)), folded) if (term_spans or bare_at) else []
    for start, end, term in term_spans:
        clash = [t for s, e, t in excludes if s < end and start < e]
        if clash:
            found.other_sense[clash[0]] += 1
        else:
            add("term", term, start)

    if bare:
        found.bare_label = bare.capitalize()
    if bare_at:
        contexts = _find(_compiled(tuple(dossier.context_terms)), folded)
        words = _Words(folded)
        candidates = []
        for m in bare_at:
            span = (m.start(), m.end())
            label = original[m.start() : m.end()]
            inside = [t for s, e, t in excludes if s <= span[0] and span[1] <= e]
            near = [t for s, e, t in excludes if words.near(span, (s, e), EXCLUDE_WINDOW)]
            if inside or near:
                found.other_sense[(inside or near)[0]] += 1
            elif name := _name_starting(original, m.start(), m.end()):
                found.other_sense[name] += 1
            else:
                ctx = [t for s, e, t in contexts if words.near(span, (s, e), CONTEXT_WINDOW)]
                candidates.append((m.start(), label, ctx))
        if not found.other_sense:  # one sense per document
            for start, label, ctx in candidates:
                if ctx:
                    add("context", label, start)
                    found.context_words.update(ctx)
                else:
                    found.bare_without_context += 1

    for start, _end, term in _find(_compiled(tuple(dossier.linked_terms)), folded):
        add("linked", term, start)

    # The affaires the dossier already holds, by their principal people (crawler/followed.py).
    cases = dict(getattr(dossier, "followed", ()))
    for start, _end, name in _find(_compiled(tuple(cases)), folded):
        found.followed[name] += 1
        found.followed_score += WEIGHTS["linked"][_where(start, title_end, lead_end)]
        found.followed_prominent |= _where(start, title_end, lead_end) < 2
        found.followed_case.setdefault(name, cases.get(name, ""))

    return _conclude(dossier.slug, found)


def _times(counter: Counter) -> str:
    return ", ".join(f"{t} ×{n}" if n > 1 else t for t, n in counter.most_common())


def _conclude(slug: str, found: _Mentions) -> Decision:
    named = sum(found.terms.values()) + sum(found.context.values())
    linked = sum(found.linked.values())
    score = found.score + min(found.linked_score, LINKED_CAP)
    matched = tuple(dict.fromkeys([*found.terms, *found.context, *found.linked]))
    reasons = []
    # A case's person named once far down may be a passing reference; twice, or in the title or lead, the
    # article is about the affaire.
    follows = bool(found.followed) and (found.followed_prominent or sum(found.followed.values()) >= 2)
    passing = named == 1 and not found.prominent and not linked and not follows
    if passing:
        term = next(iter(found.terms or found.context))
        reasons.append(f"mention en passant : {term}, une seule fois, loin du titre et du chapeau (score faible)")
        score = min(score, PASSING_MAX_SCORE)
    else:
        where = " (dont le titre)" if found.in_title else ""
        if found.terms:
            reasons.append(f"cite {_times(found.terms)}{where}")
            where = ""
        if found.context:
            ctx = ", ".join(t for t, _ in found.context_words.most_common(3))
            reasons.append(f"« {next(iter(found.context))} » en contexte ({ctx}) ×{sum(found.context.values())}{where}")
    if linked:
        reasons.append(f"affaire liée : {_times(found.linked)}")
    if follows:
        by_case: dict[str, Counter] = {}
        for name, n in found.followed.items():
            by_case.setdefault(found.followed_case[name], Counter())[name] = n
        for case, names in by_case.items():
            reasons.append(f"suit l'affaire « {case} » : {_times(names)}")
        if not (named or linked):
            score = min(found.followed_score, LINKED_CAP)
            matched = tuple(found.followed)
    if named or linked or follows:
        return Decision(slug, True, round(min(score, 1.0), 2), matched, " ; ".join(reasons), passing)
    if found.other_sense:
        return Decision(
            slug, False, 0.0, (), f"« {found.bare_label} » désigne autre chose ici ({_times(found.other_sense)})"
        )
    if found.bare_without_context:
        return Decision(
            slug,
            False,
            0.0,
            (),
            f"« {found.bare_label} » sans contexte qui désigne le sujet ({found.bare_without_context} fois)",
        )
    return Decision(slug, False, 0.0, (), "aucun terme du dossier")


def decide_all(text: str, title: str | None, dossiers) -> list[Decision]:
    """Decisions for several dossiers, in the order given."""
    return [decide(text, title, d) for d in dossiers]
