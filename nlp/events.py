"""Component ``veille_events``: each dated sentence becomes an event.

For every date expression of a sentence (``doc.spans["dates"]``) the component makes
one event: its date and precision (and last day for a range), its kind, the places,
people (never minors) and charges the sentence names, whether it was still to come at
publication, a one-line French summary and the evidence (the sentence's offsets).

The kind comes from cue words (``patterns/events.jsonl``: lemmas such as « interpeller »,
phrases such as « mis en examen »), looked for where they concern the date first: the
words the date expression depends on (« la mort de … en avril »), then its clause,
then the whole sentence. Among the cues found at the nearest level the highest
priority wins (a verdict over a hearing). Events are plain dicts in ``doc._.events``.
"""

from __future__ import annotations

import re
from datetime import date

from spacy.language import Language
from spacy.tokens import Doc, Span

from nlp import extensions  # noqa: F401
from nlp.date_finder import published_date
from nlp.dates import last_day
from nlp.extensions import enclosing_sentence, evidence_offsets, in_related_block, sentences
from nlp.forms import compile_forms
from nlp.headlines import PENALTY, headline
from nlp.patterns import load
from nlp.tense import clause_tense, governing_verb, postponed_to
from nlp.text import RELATED_LINK
from veille.vocabulary import FAMILY_OF_KIND, STAGE_OF_KIND, STAGES, day_label, iso_at

SECONDARY_ROLES = ("lawyer", "magistrate", "police", "witness")


class Cue:
    def __init__(self, row: dict):
        self.kind, self.priority = row["kind"], row["priority"]
        self.lemmas = frozenset(row.get("lemmas", ()))
        self.phrases = compile_forms(row["phrases"]) if row.get("phrases") else None
        self.needs = compile_forms(row["needs"]) if row.get("needs") else None
        self.unless = compile_forms(row["unless"]) if row.get("unless") else None
        self.when = row.get("when")
        self.chain_only = row.get("level") == "chain"
        self.notable = bool(row.get("notable"))  # an « other » happening that belongs in a chronology


class EventMaker:
    def __init__(self):
        self.cues = sorted((Cue(r) for r in load("events.jsonl")), key=lambda c: -c.priority)

    def __call__(self, doc: Doc) -> Doc:
        published = published_date(doc)
        events = []
        seen = set()
        dates = list(doc.spans["dates"]) if "dates" in doc.spans else []
        by_sentence: dict[int, list[Span]] = {}
        for span in dates:
            by_sentence.setdefault(enclosing_sentence(span).start, []).append(span)
        for spans in by_sentence.values():
            sent = enclosing_sentence(spans[0])
            if _heading(sent):
                continue  # « Rappel des faits en 2022 », « La dernière parole le 12 décembre »: a subheading
            # A bare clock time or « en fin de matinée » dates a sentence only when nothing else does.
            main = [s for s in spans if not _weak(s)] or spans
            in_sentence: list[dict] = []
            for span in main:
                others = [s for s in main if s is not span]
                if _reporting(span, [o for o in others if o._.date != span._.date]):
                    continue  # « Ce jeudi 18 avril, Le Parisien révèle que … »: when it was said, not done
                event = self._event(doc, sent, span, others, published)
                if event is None:
                    continue
                in_sentence.extend(self._with_its_penalty(doc, sent, event, span))
            for event in in_sentence:
                marker: tuple = (sent.start_char, event["date"], event["precision"], event["kind"])
                if marker in seen:
                    continue
                seen.add(marker)
                events.append(event)
        # An undated sentence that retells a happening already dated in the document adds nothing.
        dated = {(e["date"], e["kind"]) for e in events}
        # The article's news: what its sentences date on the day of publication.
        news = {
            FAMILY_OF_KIND[e["kind"]]
            for e in events
            if e["date"] == published.isoformat() and e["kind"] in FAMILY_OF_KIND
        }
        undated = self._undated(doc, by_sentence, published, news, events)
        # Each undated retelling is a source of the same happening (grouped later), but the title only
        # when the body does not tell it: dated on the day of publication, « Trois mineurs interpellés »
        # would be a second arrest beside the body's « interpellés lundi 7 octobre ».
        in_body = {e["kind"] for e in undated if not e["title"]} | {kind for _, kind in dated}
        events.extend(
            {k: v for k, v in e.items() if k != "title"} for e in undated if not (e["title"] and e["kind"] in in_body)
        )
        doc._.events = events
        return doc

    def _undated(
        self, doc: Doc, by_sentence: dict[int, list[Span]], published: date, news: set[str], dated: list[dict]
    ) -> list[dict]:
        """Events whose sentence gives no date but whose context does. « Ses parents signalent sa
        disparition au commissariat » after « Le 14 octobre 2022, Lola ne rentre pas » is dated by the
        sentence before it in the same paragraph; « Deux mineurs ont été mis en examen pour assassinat »
        in an article's opening lines, told in the past or present, happened on the day of publication.
        Only an event the sentence itself names (an arrest, a verdict …), never context."""
        if not doc.has_annotation("SENT_START"):
            return []
        out = []
        news = set(news)  # the lead's undated reports are the day's news too
        # How far along the case the document's dated sentences are: a later stage does not take their dates
        # (« Ils avaient frappé leurs victimes entre février et avril. Leurs avocats ont fait appel. »).
        stages = _Stages(dated)
        previous: Span | None = None  # the last dated sentence's main date, in this paragraph
        previous_start = 0  # where that sentence's evidence starts
        number = -1  # the sentence's rank among those with a verb: headings and labels do not count
        for sent in sentences(doc):
            if not _heading(sent):
                number += 1
            spans = by_sentence.get(sent.start)
            if spans:
                main = [s for s in spans if not _weak(s)]
                # Several dates: which one carries over is unsure; a year alone is too loose to date the next
                # sentence's event (« 3 ans après le meurtre » dates the murder, not the verdict told next).
                previous = main[0] if len(main) == 1 and main[0]._.precision != "year" else None
                previous_start = evidence_offsets(sent)[0]
                continue
            text = doc.text[sent.start_char : sent.end_char]
            if "\n\n" in doc.text[(previous.end_char if previous is not None else sent.start_char) : sent.start_char]:
                previous = None  # a new paragraph: the date does not carry over
            if _heading(sent) or len(sent) < 4:
                continue
            verb = _main_verb(sent)
            tense = clause_tense(verb)
            if tense not in ("past", "present", "pluperfect"):
                continue
            kind = self._sentence_kind(doc, sent, text)
            if kind not in INHERITING_KINDS:
                continue
            if previous is not None:
                if VAGUE_OTHER_TIME.search(text):
                    continue  # « Quelques semaines avant le drame, elle avait déposé plainte »: another, untold day
                if stages.too_far_along(kind, previous_start, previous._.date):
                    continue
                anchor, day, precision, how = (
                    previous,
                    date.fromisoformat(previous._.date),
                    previous._.precision,
                    "previous_sentence",
                )
                if day > published and tense != "present":
                    continue
            elif number < LEAD_SENTENCES and tense != "pluperfect":
                anchor, day, precision, how = None, published, "day", "publication"
                if kind in ONCE_ONLY:
                    news.add(FAMILY_OF_KIND[kind])
            elif tense != "pluperfect" and FAMILY_OF_KIND.get(kind) in news:
                # Further down a report of that day's news (« La coupable a été condamnée à la perpétuité »
                # in the verdict's article): the same day.
                anchor, day, precision, how = None, published, "day", "publication"
            else:
                continue
            start, end = evidence_offsets(sent)
            title = start == evidence_offsets(doc[:])[0] and "\n" in doc.text[end : end + 2]
            people, places = _people(doc, sent), _places(sent)
            charges = _held_charges(doc, sent)
            event = {
                "date": iso_at(day, precision),
                "precision": precision,
                "date_end": None,
                "kind": kind,
                "summary": _summary(kind, people, places, sent, verb, charges, None),
                "upcoming": False,
                "places": places,
                "people": [p for p, _ in people],
                "charges": charges,
                "start": start,
                "end": end,
                "date_start": anchor.start_char if anchor is not None else start,
                "date_stop": anchor.end_char if anchor is not None else start,
                "date_from": how,
                "title": title,
                "context": False,
                "how": anchor._.date_how if anchor is not None else _published_how(published),
            }
            out.extend(self._with_its_penalty(doc, sent, event, anchor))
        return out

    def _notable(self, doc: Doc, sent: Span) -> bool:
        text = doc.text[sent.start_char : sent.end_char]
        return any(cue.notable and self._fits(cue, text, False) for cue, _ in self._matches(doc, sent, text))

    def _sentence_kind(self, doc: Doc, sent: Span, text: str) -> str:
        # What someone asks for or a condition (« a demandé que l'accusé soit reconnu coupable ») is not
        # what the sentence reports.
        apart: set[int] = set()
        if doc.has_annotation("DEP"):
            apart = _apart_tokens(sent)
            # « La famille, qui s'était constituée partie civile, a salué la décision »: a relative clause
            # in the pluperfect is the background, not what the sentence reports.
            for token in sent:
                if token.dep_ == "acl:relcl" and clause_tense(token) == "pluperfect":
                    apart |= {t.i for t in token.subtree}
        found = [
            cue
            for cue, where in self._matches(doc, sent, text)
            if not cue.chain_only and where - apart and self._fits(cue, text, False)
        ]
        return found[0].kind if found else "other"

    def _event(self, doc: Doc, sent: Span, span: Span, others: list[Span], published: date) -> dict | None:
        day = date.fromisoformat(span._.date)
        precision = span._.precision
        verb = governing_verb(span)
        tense = clause_tense(verb)
        if tense == "past" and day > published:
            if not postponed_to(span):
                return None  # told in the past tense yet dated after publication: the date was misread
            tense = "future"  # « l'audience a été renvoyée au 4 juillet »: done now, for a later day
        upcoming = _upcoming(day, precision, published, tense, span)
        today = tense == "present" and day == published and precision == "day"
        kind = self._kind(doc, sent, span, others, verb, upcoming, today)
        if (
            kind in ("hearing", "other")
            # « cette cour juge » may be tagged a noun: no tense then; « Jugé depuis lundi, … »: a participle
            and (
                tense in ("present", None)
                or (
                    verb is not None
                    and "Part" in verb.morph.get("VerbForm", [])
                    and not any(c.dep_.startswith("aux") for c in verb.children)
                )
            )
            and (span.text.lower().startswith("depuis") or (span.start and doc[span.start - 1].lower_ == "depuis"))
            and TRIAL_WORDS.search(doc.text[sent.start_char : sent.end_char])
        ):
            kind = "trial_opening"  # « la cour juge, depuis le 5 septembre, huit accusés »: it opened then
        if kind in ("trial_opening", "hearing") and not upcoming and tense == "present" and day == published:
            upcoming = kind == "trial_opening"
        start, end = evidence_offsets(sent)
        people = _people(doc, sent)
        places = _places(sent)
        # A date with no event of its own (a statistic, a law's article, the atmosphere of a day) stays
        # as context: it helps group the case, never makes a timeline entry by itself.
        context = kind == "other" and not self._notable(doc, sent)
        charges = _held_charges(doc, sent)
        return {
            "date": iso_at(day, precision),
            "precision": precision,
            "date_end": span._.date_end,
            "kind": kind,
            "summary": _summary(kind, people, places, sent, verb, charges, span, upcoming),
            "upcoming": upcoming,
            "places": places,
            "people": [p for p, _ in people],
            "charges": charges,
            "start": start,
            "end": end,
            "date_start": span.start_char,
            "date_stop": span.end_char,
            "date_from": "sentence",
            "context": context,
            "how": span._.date_how,
        }

    @staticmethod
    def _with_its_penalty(doc: Doc, sent: Span, event: dict, span: Span | None) -> list[dict]:
        """A judgment that states its penalties (« condamné à vingt ans de réclusion ») is both the
        verdict and the sentence: two events of one sentence, one date."""
        if event["kind"] not in ("verdict", "sentence") or event["upcoming"]:
            return [event]
        if not PENALTY.search(doc.text[sent.start_char : sent.end_char]):
            return [event]
        other = "sentence" if event["kind"] == "verdict" else "verdict"
        verb = governing_verb(span) if span is not None else _main_verb(sent)
        twin = {
            **event,
            "kind": other,
            "summary": _summary(other, _people(doc, sent), event["places"], sent, verb, event["charges"], span),
        }
        return [event, twin]

    # -- kind ---------------------------------------------------------------------------
    def _kind(
        self, doc: Doc, sent: Span, span: Span, others: list[Span], verb, upcoming: bool, today: bool = False
    ) -> str:
        sentence_text = doc.text[sent.start_char : sent.end_char]
        own = set(range(span.start, span.end))
        if (span._.date_kind or "").startswith("anchored"):
            # « deux jours après le meurtre, deux hommes ont été interpellés »: the date was counted from
            # the murder; its words name the anchor, not what happened on the date.
            own |= _named_anchor(sent, span)
        levels: list[tuple[set[int], bool]] = []  # (token positions, chain level), nearest first
        if (span._.date_kind or "").startswith(("after", "day_after_of")):
            levels.append(
                (set(range(span.end, min(span.end + 8, sent.end))), True)
            )  # « trois jours après la mort de … »
        if doc.has_annotation("DEP"):
            focus = _cleft_clause(sent, span)
            if focus:
                levels.append((focus, True))  # « C'est le 13 décembre que le verdict sera rendu »
            levels.extend((group, True) for group in _chain(span, own))
            if verb is not None:
                levels.append((_clause(verb, span, others), False))
        else:
            levels.append((set(range(sent.start, sent.end)), False))
        if not others:
            # The only date of its sentence dates what the sentence tells, even when the parser hung
            # it elsewhere (« Quatre hommes ont été mis en examen après des agressions le 14 mars »),
            # except a subordinate of another time or a condition (« si l'accusé est jugé coupable »).
            whole = set(range(sent.start, sent.end))
            if doc.has_annotation("DEP"):
                whole -= _apart_tokens(sent, keeping=span.root)
            levels.append((whole, False))
        matches = self._matches(doc, sent, sentence_text)
        for positions, chain in levels:
            positions = positions - own
            found = [
                cue
                for cue, where in matches
                if where & positions
                and (chain or not cue.chain_only)
                and self._fits(cue, sentence_text, upcoming, today)
            ]
            if found:
                return found[0].kind
        return "other"

    def _matches(self, doc: Doc, sent: Span, sentence_text: str) -> list[tuple[Cue, set[int]]]:
        out = []
        lemmas: dict[str, set[int]] = {}
        for t in sent:
            # The lemmatiser leaves some participles as they are (« fermée »): the word itself counts too.
            lemmas.setdefault(t.lemma_.lower(), set()).add(t.i)
            lemmas.setdefault(t.lower_, set()).add(t.i)
        for cue in self.cues:
            positions = set()
            for lemma in cue.lemmas & lemmas.keys():
                positions |= lemmas[lemma]
            if cue.phrases is not None:
                for m in cue.phrases.finditer(sentence_text):
                    piece = doc.char_span(
                        sent.start_char + m.start(), sent.start_char + m.end(), alignment_mode="expand"
                    )
                    if piece is not None:
                        positions |= set(range(piece.start, piece.end))
            if positions:
                out.append((cue, positions))
        return out

    @staticmethod
    def _fits(cue: Cue, sentence_text: str, upcoming: bool, today: bool = False) -> bool:
        """``today``: told in the present of the day of publication (« sont jugés ce jeudi »)."""
        if cue.needs is not None and not cue.needs.search(sentence_text):
            return False
        if cue.unless is not None and cue.unless.search(sentence_text):
            return False
        if cue.when == "upcoming" and not upcoming:
            return False
        if cue.when == "upcoming_or_today" and not (upcoming or today):
            return False
        if cue.when == "past" and upcoming:
            return False
        return True


def _stage_rank(kind: str) -> int | None:
    return STAGES.index(STAGE_OF_KIND[kind]) if kind in STAGE_OF_KIND else None


class _Stages:
    """The stages a document's dated events reach: which dates a later stage told undated may take."""

    def __init__(self, dated: list[dict]):
        self.of_sentence: dict[int, int] = {}  # evidence start → furthest stage told there
        self.latest: dict[int, str] = {}  # stage → latest date the document gives an event of it
        for e in dated:
            rank = _stage_rank(e["kind"])
            if rank is not None:
                self.of_sentence[e["start"]] = max(self.of_sentence.get(e["start"], 0), rank)
                self.latest[rank] = max(self.latest.get(rank, ""), e["date"])

    def too_far_along(self, kind: str, sentence_start: int, day: str) -> bool:
        """An appeal or a verdict on the day of the crime told just before (more than one stage behind), or
        dated before the trial or the verdict the article reports: not its date."""
        rank = _stage_rank(kind)
        if rank is None:
            return False
        told = self.of_sentence.get(sentence_start)
        if told is not None and rank > told + 1:
            return True
        floor = max((d for r, d in self.latest.items() if 1 <= r < rank), default=None)
        return floor is not None and day[: len(floor)] < floor


# A time of its own that no date can be told from: the sentence is not on the day told before it.
VAGUE_OTHER_TIME = re.compile(
    r"\b(?:quelques|plusieurs|des|de longues)\s+(?:heures|jours|semaines|mois|années|ans)\s+"
    r"(?:avant|plus tôt|auparavant|après|plus tard)\b|\bauparavant\b|\bplus tôt\b|\bdes années\b",
    re.I,
)
TIMES_OF_DAY = ("en fin de", "en début de", "dans la ", "dans l'", "depuis la matinée", "au petit matin")


def _weak(span: Span) -> bool:
    """A clock time or « en fin de matinée »: it dates a sentence only when nothing else does."""
    kind = span._.date_kind or ""
    return kind.startswith("clock") or (kind.startswith("deictic") and span.text.lower().startswith(TIMES_OF_DAY))


TRIAL_WORDS = re.compile(r"\b(?:jug\w+|procès|cour|tribunal|comparaî\w+|compara\w+)\b", re.I)
# Kinds an undated sentence names clearly enough to take its date from the context.
INHERITING_KINDS = ("arrest", "indictment", "hearing", "verdict", "sentence", "complaint", "site_event", "appeal")
LEAD_SENTENCES = 4  # the title and the opening lines: what the article reports as news
# Happenings of one day that an undated lead can make the day's news (a trial's hearings go on for weeks).
ONCE_ONLY = ("verdict", "sentence", "arrest", "indictment", "site_event")

# Verbs that say who told what: the date they govern is the statement's, not the event's.
REPORTING = {
    "annoncer",
    "indiquer",
    "révéler",
    "déclarer",
    "préciser",
    "confier",
    "apprendre",
    "affirmer",
    "expliquer",
    "rapporter",
    "souligner",
    "ajouter",
    "raconter",
    "confirmer",
    "communiquer",
    "écrire",
    "publier",
    "dire",
    "assurer",
    "estimer",
    "évoquer",
    "relater",
    "détailler",
    "rappeler",
    "commenter",
    "réagir",
    "interroger",
    "questionner",
    "titrer",
    "relayer",
}


def _reporting(span: Span, others: list[Span]) -> bool:
    """The span dates a statement (« révèle que … ») whose reported clause holds another date."""
    if not others or not span.doc.has_annotation("DEP"):
        return False
    verb = governing_verb(span)
    if verb is None or verb.lemma_.lower() not in REPORTING:
        return False
    reported = {t.i for c in verb.children if c.dep_ in ("ccomp", "parataxis", "xcomp") for t in c.subtree}
    return any(o.root.i in reported for o in others)


def _published_how(published: date) -> dict:
    """How an undated event of the opening lines is dated: by the article."""
    return {
        "expression": None,
        "anchor": published.isoformat(),
        "anchor_kind": "published",
        "rule": "publication",
        "explanation": f"non daté dans sa phrase, raconté au début de l'article du {day_label(published)} → "
        f"{day_label(published)}",
    }


def _held_charges(doc: Doc, sent: Span) -> list[str]:
    """The charges the sentence holds against someone (not negated, not a cause), in order."""
    return list(
        dict.fromkeys(
            c.label_ for c in doc.spans.get("charges", ()) if sent.start <= c.start < sent.end and not c._.not_held
        )
    )


def _main_verb(sent: Span):
    """The sentence's main verb: a verb the parse makes a root (a mended sentence may hold two),
    else its first verb."""
    verbs = [t for t in sent if t.pos_ in ("VERB", "AUX") and t.dep_ not in ("aux", "aux:tense", "aux:pass", "cop")]
    roots = [t for t in verbs if t.dep_ == "ROOT"]
    if roots or verbs:
        return roots[0] if roots else verbs[0]
    # « Les peines sont inférieures aux réquisitions »: no verb but the copula, which carries the tense.
    return next((t for t in sent if t.dep_ == "cop"), None)


def _heading(sent: Span) -> bool:
    """A short line without a verb, or a line in capitals: a subheading, a caption's label, a decision's
    header or a dateline, never an event's evidence."""
    doc = sent.doc
    if in_related_block(doc, sent.start_char) or RELATED_LINK.match(sent.text):
        return True  # « Lire aussi - Meurtre de … : un suspect interpellé »: another article's headline
    letters = [c for c in sent.text if c.isalpha()]
    if len(letters) >= 8 and sum(c.isupper() for c in letters) >= 0.7 * len(letters):
        return True  # « ARRÊT DE LA COUR DE CASSATION, CHAMBRE CRIMINELLE, DU … », « 2 AVRIL 2025 »: a header
    if not doc.has_annotation("POS") or len(sent) > 12:
        return False
    # « Les faits remontent au 14 février » with « remontent » tagged an adjective still has a subject.
    return not any(t.pos_ in ("VERB", "AUX") or t.dep_.startswith("nsubj") for t in sent)


def _chain(span: Span, own: set[int]) -> list[set[int]]:
    """Nearest first: what the date expression says of itself (« le 26 février 2023, date d'entrée en
    vigueur »), then each word it hangs from, up to its verb; past a participle that qualifies a noun,
    that noun too (« des guets-apens organisés en 2023 », « un procès ouvert le 2 septembre »); past a
    modal (« les plaidoiries, qui doivent s'achever jeudi »), the verb that carries it."""
    groups: list[set[int]] = [set()]
    for token in span:
        for child in token.children:
            # A verb's argument hung on the date is a misparse (« a ordonné vendredi un procès »):
            # what the date says of itself is a modifier or an apposition, never an object, nor the
            # verb's « pour … » with the list it opens.
            if _verbs_phrase(child):
                break
            if child.i not in own and child.dep_.split(":")[0] not in VERB_ARGUMENTS:
                groups[0].update(t.i for t in child.subtree)
    token = span.root
    for _ in range(10):
        if token.head is token or token.head.i in own:
            break
        token = token.head
        # « une enquête pour viol le 3 mai »: the charge the date hangs on says why, not what happened.
        group = set() if _verbs_phrase(token, ("pour",)) else {token.i}
        if token.pos_ in ("NOUN", "PROPN"):
            # « deux mineurs mis en examen et placés en détention vendredi »: the parser hangs the date on
            # the noun; the participle that qualifies the noun is what the date tells.
            for child in token.children:
                if child.dep_ == "acl" and child.pos_ == "VERB":
                    group.update(t.i for t in child.subtree if t.i not in own)
        groups.append(group)
        if token.pos_ in ("VERB", "AUX"):
            if token.dep_ == "xcomp" and token.head.lemma_ in MODALS and token.head is not token:
                token = token.head
                groups.append({token.i})
            if token.dep_.startswith("acl") and token.head is not token:
                groups.append({token.head.i})
            break
    return groups


VERB_ARGUMENTS = ("obj", "nsubj", "iobj", "csubj", "ccomp", "xcomp")
# A date is never « for », « against » or « by » something: such a phrase hung on it belongs to the verb
# (« mis en examen en juin pour guet-apens »: the charges, not what happened in June).
VERB_PREPOSITIONS = ("pour", "contre", "par", "avec", "sans")


def _verbs_phrase(child, prepositions: tuple[str, ...] = VERB_PREPOSITIONS) -> bool:
    return any(t.dep_ == "case" and t.lower_ in prepositions for t in child.children if t.i < child.i)


MODALS = ("devoir", "pouvoir", "aller", "vouloir", "falloir")
# A subordinate of another time (« avant que la cour se retire pour délibérer ») or a condition (« si
# l'accusé est jugé coupable »): not the date's event. « lorsque », « quand » tell the same moment.
OTHER_TIME = ("avant", "après", "jusqu'", "jusque", "depuis que", "si ", "s'")


def _named_anchor(sent: Span, span: Span) -> set[int]:
    """The words after an anchored date that name its anchor (« après | la fermeture du site | , »): up
    to the first punctuation or verb, at most eight words."""
    out: set[int] = set()
    for token in sent.doc[span.end : min(span.end + 8, sent.end)]:
        if token.is_punct or token.pos_ in ("VERB", "AUX"):
            break
        out.add(token.i)
    return out


def _cleft_clause(sent: Span, span: Span) -> set[int]:
    """In « C'est le 13 décembre que le verdict sera rendu », the date is the focus of the clause its
    « que » opens: the tokens of that clause (empty when the sentence is not such a cleft)."""
    words = [t for t in sent if not t.is_punct]
    if len(words) < 4 or words[0].lower_ not in ("c'", "c’", "ce") or words[1].lemma_ != "être":
        return set()
    for token in sent:
        if token.i >= span.end and token.lower_ in ("que", "qu'", "qu’"):
            verb = token.head if token.head is not token else None
            return {t.i for t in verb.subtree} - {token.i} if verb is not None and verb.i > token.i else set()
        if token.i >= span.end and token.pos_ in ("VERB",):
            return set()  # a verb between the date and « que »: not a cleft on the date
    return set()


def _clause(verb, span: Span, others: list[Span]) -> set[int]:
    """The verb, its dependents and theirs (not deeper: a relative clause about someone else is
    another story), without the branches that carry another date of the sentence."""
    tokens = {verb.i}
    for child in verb.children:
        if _apart(child):
            continue
        tokens.add(child.i)
        tokens.update(t.i for t in child.children)
    for other in others:
        for child in verb.children:
            branch = {t.i for t in child.subtree}
            if other.root.i in branch and span.root.i not in branch:
                tokens -= branch
    return tokens


def _apart(clause) -> bool:
    """A subordinate clause that tells another moment than its sentence's date: another time or a
    condition (« avant que la cour se retire », « si l'accusé est jugé coupable »), or what someone
    wants to happen (« demande que ses responsables soient jugés »: a subjunctive)."""
    if clause.dep_.startswith("advcl"):
        marks = " ".join(t.lower_ for t in clause.children if t.dep_ == "mark" and t.i < clause.i)
        # « avant de les frapper », an infinitive with the sentence's own subject, tells the same story.
        own_time = "Inf" not in clause.morph.get("VerbForm", []) or any(
            t.dep_.startswith("nsubj") for t in clause.children
        )
        if marks and f"{marks} ".startswith(OTHER_TIME) and own_time:
            return True
    if clause.dep_.startswith(("advcl", "ccomp")):
        verbs = [clause, *(t for t in clause.children if t.dep_.startswith("aux"))]
        return any("Sub" in t.morph.get("Mood") for t in verbs)
    return False


def _apart_tokens(sent: Span, keeping=None) -> set[int]:
    """The tokens of the sentence's clauses that are :func:`_apart`, but for one holding ``keeping``
    (the date itself, when it stands in such a clause)."""
    out: set[int] = set()
    for token in sent:
        if _apart(token):
            branch = {t.i for t in token.subtree}
            if keeping is None or keeping.i not in branch:
                out |= branch
    return out


def _upcoming(day: date, precision: str, published: date, tense: str | None, span: Span) -> bool:
    if day > published:
        return True
    if last_day(day, precision) < published:
        return False
    return tense == "future" or "prochain" in span.text.lower()


def _people(doc: Doc, sent: Span) -> list[tuple[str, str | None]]:
    """(canonical name, role) of the people the sentence names; minors never."""
    minors = {e._.canonical for e in doc.ents if e.label_ == "PER" and e._.minor}
    people: dict[str, str | None] = {}
    for ent in sent.ents:
        if ent.label_ == "PER" and not ent._.minor and ent._.canonical not in minors:
            people.setdefault(ent._.canonical or ent.text, ent._.role)
    return list(people.items())


def _places(sent: Span) -> list[str]:
    places: list[str] = []
    for ent in sent.ents:
        if ent.label_ == "LOC":  # not a court's seat: the court is named as such, and a trial's city is not the case's
            places.append(ent._.canonical or ent.text)
    return list(dict.fromkeys(places))


def _summary(
    kind: str,
    people: list[tuple[str, str | None]],
    places: list[str],
    sent: Span,
    verb,
    charges: list[str],
    span: Span | None,
    upcoming: bool = False,
) -> str:
    """The event's French headline (:mod:`nlp.headlines`), from what its sentence names."""
    principal = [name for name, role in people if role not in SECONDARY_ROLES]
    if kind in ("arrest", "indictment", "sentence", "verdict", "trial_opening"):
        # « condamné à 25 ans … pour le meurtre de Chloé »: the headline names who is tried, not the victim,
        # unless the victim is all the sentence names (« le procès du meurtre de Lola »).
        tried = [name for name, role in people if role not in (*SECONDARY_ROLES, "victim")]
        principal = tried or (principal if kind in ("verdict", "trial_opening") else [])
    courts = list(
        dict.fromkeys(e._.canonical or e.text for e in sent.ents if e.label_ == "ORG" and e._.org_kind == "court")
    )
    sites = [e._.canonical for e in sent.ents if e.label_ == "SITE" and e._.canonical]
    words = (span.start_char, span.end_char) if span is not None else None
    return headline(kind, sent, verb, principal, places, courts, charges, sites[0] if sites else None, words, upcoming)


@Language.factory("veille_events")
def make_event_maker(nlp: Language, name: str) -> EventMaker:
    return EventMaker()
