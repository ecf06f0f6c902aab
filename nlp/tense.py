"""The tense of the clause a span belongs to, read from the parse: past, pluperfect, present or future.

« s'ouvrira le 2 septembre » is future, « doivent être jugés en 2024 » too (devoir or aller
in the present with an infinitive), and so are « attendu », « prévu » or « programmé » not told
in a past tense (« verdict attendu en décembre »), « renvoyé au 5 juin » and « mis en délibéré
au 2 avril »; « devait se tenir le 11 janvier », « aurait dû être jugé » and « les faits
remontent au 3 mars » are past; « avait éclaté en septembre 2020 » is a pluperfect; « est jugé » (a passive in the present) is present, « est arrivé » past.
Without a parse (blank pipelines, or a verb the model gives no tense) the cue words of the
sentence nearest to the date decide (:func:`cue_tense`: « sera », « doit s'ouvrir », « a été »,
« avait », future or conditional endings …); without any, None.
"""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

from nlp.extensions import sentence_of

AUXILIARY_DEPS = ("aux", "aux:tense", "aux:pass", "aux:caus", "cop")
MODALS = ("devoir", "aller")
# A participle of these, not told in a past tense, announces what is to come (« verdict attendu en décembre »).
# « annoncée le 25 juin par le parquet » was announced that day: « annoncé » looks ahead only « pour » a
# day (« le verdict, annoncé pour le 13 décembre »), which _POSTPONED reads.
EXPECTED = ("attendre", "prévoir", "programmer", "envisager", "planifier", "espérer", "fixer")
# Verbs whose compound past takes être: « il est arrivé » is a past, « il est jugé » a present passive.
WITH_ETRE = frozenset(
    "aller arriver partir venir revenir devenir parvenir survenir intervenir mourir naître "
    "décéder entrer rentrer sortir monter descendre tomber rester retourner passer apparaître "
    "disparaître repartir ressortir redevenir".split()
)


def governing_verb(span: Span) -> Token | None:
    """The verb the span depends on: up the heads from the span's root, else the nearest verb."""
    doc = span.doc
    if doc.has_annotation("DEP"):
        token = span.root
        for _ in range(12):
            if token.pos_ in ("VERB", "AUX") and token.dep_ not in AUXILIARY_DEPS:
                return token
            if token.head is token:
                break
            token = token.head
    sent = sentence_of(span)
    verbs = [t for t in sent if t.pos_ in ("VERB", "AUX") and t.dep_ not in AUXILIARY_DEPS]
    if not verbs:
        verbs = [t for t in sent if t.pos_ in ("VERB", "AUX")]
    if not verbs:
        return None
    return min(verbs, key=lambda t: min(abs(t.i - span.start), abs(t.i - (span.end - 1))))


def _group(verb: Token) -> list[Token]:
    """The verb with its auxiliaries, and the modal it depends on (« doivent » for « être jugés »)."""
    group = [verb]
    doc = verb.doc
    if doc.has_annotation("DEP"):
        group += [c for c in verb.children if c.dep_ in AUXILIARY_DEPS]
        if verb.dep_ == "xcomp" and verb.head.pos_ in ("VERB", "AUX"):
            group.append(verb.head)
            group += [c for c in verb.head.children if c.dep_ in AUXILIARY_DEPS]
    else:
        group += [
            doc[i]
            for i in range(max(verb.i - 3, verb.sent.start if doc.has_annotation("SENT_START") else 0), verb.i)
            if doc[i].pos_ == "AUX"
        ]
    return group


def _reflexive(verb: Token) -> bool:
    doc = verb.doc
    if doc.has_annotation("DEP"):
        return any(
            c.lower_ in ("se", "s'", "me", "m'", "te", "t'", "nous", "vous") and c.dep_ != "nsubj"
            for c in verb.children
            if c.i < verb.i
        )
    return verb.i >= 2 and doc[verb.i - 2].lower_ in ("se", "s'") or (verb.i >= 1 and doc[verb.i - 1].lower_ in ("s'",))


def clause_tense(verb: Token | None) -> str | None:
    if verb is None:
        return None
    group = _group(verb)
    finite = [t for t in group if "Fin" in t.morph.get("VerbForm")]
    participle = any("Part" in t.morph.get("VerbForm") and t.lemma_ not in MODALS for t in group)
    if any("Fut" in t.morph.get("Tense") for t in finite):
        return "future"
    past_finite = any(tag in t.morph.get("Tense") for t in finite for tag in ("Imp", "Past"))
    if (
        verb.lemma_ in EXPECTED
        and "Part" in verb.morph.get("VerbForm")
        and not past_finite
        and not any(t.lemma_ == "avoir" for t in group if t is not verb)
        and not any("Part" in t.morph.get("VerbForm") for t in group if t is not verb)
    ):
        return "future"  # « verdict attendu en décembre », « le procès est prévu en juin »
    if (
        participle
        and finite
        and all("Pres" in t.morph.get("Tense") for t in finite)
        and all(t.lemma_ == "être" for t in group if t is not verb)
        and "Part" in verb.morph.get("VerbForm")
        # The tagger does not always set the voice; the parser's passive auxiliary says it too.
        and ("Pass" in verb.morph.get("Voice") or any(c.dep_ == "aux:pass" for c in verb.children))
        and verb.lemma_ not in WITH_ETRE
        and not _reflexive(verb)
    ):
        # « il est jugé en janvier »: a passive in the present; « il serait jugé en mars »: to come
        return "future" if any("Cnd" in t.morph.get("Mood") for t in finite) else "present"
    for t in group:
        # « doivent être jugés », « va s'ouvrir »: devoir or aller with an infinitive (not « vont de … à … »)
        modal = t is not verb or any(c.dep_ == "xcomp" and "Inf" in c.morph.get("VerbForm") for c in t.children)
        if t.lemma_ in MODALS and modal and "Fin" in t.morph.get("VerbForm"):
            if "Cnd" in t.morph.get("Mood"):
                return "future"
            if "Pres" in t.morph.get("Tense"):
                return "future"
            return "past"
        if t.lemma_ in MODALS and "Part" in t.morph.get("VerbForm"):  # « aurait dû être jugé »
            return "past"
    if any("Cnd" in t.morph.get("Mood") for t in finite):
        return "past" if participle else "future"
    if participle and any("Imp" in t.morph.get("Tense") for t in finite):
        return "pluperfect"
    if participle or any(tag in t.morph.get("Tense") for t in finite for tag in ("Imp", "Past")):
        return "past"
    if any("Pres" in t.morph.get("Tense") for t in finite):
        return "present"
    if "Past" in verb.morph.get("Tense"):  # a participle on its own: « interpellé en janvier, il … »
        return "past"
    return None


def tense_of(span: Span) -> str | None:
    return clause_tense(governing_verb(span))


# Cue words, for text without a parse: the nearest to the date expression decides.
_FUTURE_CUES = re.compile(
    r"(?<![\w-])(?:sera|seront|serons|serez|aura|auront|ira|iront|fera|feront|devra|devront|pourra|pourront|"
    r"viendra|viendront|tiendra|tiendront|rendra|rendront|"
    r"(?:doit|doivent|devrait|devraient|pourrait|pourraient|va|vont)\s+(?:(?:se |s'|être |y |en |l')\s*)?"
    r"[a-zàâçéèêëîïôûù]+(?:er|ir|re|oir)|"
    r"[a-zàâçéèêëîïôûù]{3,}(?:era|eront|ira|iront|dra|dront|îtra|îtront|erait|eraient|irait|iraient|drait|draient)|"
    r"attendue?s?|prévue?s?|programmée?s?|fixée?s?|à venir|prochaine?s?|d'ici)(?![\w-])"
)
_PAST_CUES = re.compile(
    r"(?<![\w-])(?:(?:a|ont|avait|avaient|avons|avez|eut|eurent)\s+(?:(?:été|déjà|pas|bien|"
    r"notamment|finalement|ensuite|alors)\s+)*[a-zàâçéèêëîïôûù]+(?:é|ée|és|ées|i|ie|is|it|u|ue|us|ert|ort)|"
    r"(?:s'est|se sont|s'était|s'étaient|était|étaient)\s+(?:(?:déjà|pas|bien)\s+)*"
    r"[a-zàâçéèêëîïôûù]+(?:é|ée|és|ées|i|ie|is|u|ue|us|ert|erte|ort|orte)|"
    r"(?:est|sont)\s+(?:(?:déjà|pas|bien)\s+)*"
    r"(?:arrivée?s?|partie?s?|venue?s?|morte?s?|née?s?|décédée?s?|entrée?s?|sortie?s?|tombée?s?|restée?s?|"
    r"devenue?s?|survenue?s?|intervenue?s?|passée?s?|revenue?s?|retournée?s?|apparue?s?|disparue?s?)|"
    r"fut|furent|était|étaient|avait|avaient|[a-zàâçéèêëîïôûù]{3,}(?<!r)(?:ait|aient))(?![\w-])",
    re.I,
)
# « renvoyé au 5 juin », « reporté à mars »: what comes before the date points forward whatever the tense.
_POSTPONED = re.compile(
    r"(?:(?:renvoy|report|repouss|ajourn|décal|prorog|fixé|programm|prévu|attendu)\w*|"
    r"mise?s? en délibéré|mise?s?)\s+(?:au|à|pour|en|jusqu'au|jusqu'en)\s*$|annonc\w*(?:\s+\w+ment)?\s+pour(?:\s+le|\s+la|\s+l')?\s*$",
    re.I,
)
# « les faits remontent au 3 mars », « datent de l'été 2019 »: a present that looks back.
_LOOKS_BACK = re.compile(
    r"(?<![\w-])(?:remont|dat)(?:e|ent|ait|aient)\s+(?:(?:à|au|aux|de|du|d')\s*(?:l'|la |le )?)?$", re.I
)
_CLAUSE_END = re.compile(r"[.;!?]")


def cue_tense(text: str, start: int, end: int) -> str | None:
    """future or past from the cue words of ``text`` (a sentence) nearest to ``text[start:end]``, else None."""
    if _POSTPONED.search(text[max(0, start - 40) : start]):
        return "future"
    best: tuple[int, str] | None = None
    for regex, value in ((_FUTURE_CUES, "future"), (_PAST_CUES, "past")):
        for m in regex.finditer(text):
            if m.start() < end and m.end() > start:
                continue
            distance = start - m.end() if m.end() <= start else m.start() - end
            if _CLAUSE_END.search(text[min(m.end(), start) : max(m.start(), end)]):
                continue
            if best is None or distance < best[0]:
                best = (distance, value)
    return best[1] if best else None


def postponed_to(span: Span) -> bool:
    """Whether the date is the day something was put off or set to (« renvoyé au 4 juillet »,
    « mis en délibéré au 20 juin »): a later day, whatever the tense of the verb."""
    sent = sentence_of(span)
    before = span.doc.text[max(sent.start_char, span.start_char - 40) : span.start_char]
    return bool(_POSTPONED.search(before))


def span_tense(span: Span) -> str | None:
    """The tense for a date expression: what comes before it (« renvoyé au »), the parse, else cue words."""
    sent = sentence_of(span)
    text = span.doc.text[sent.start_char : sent.end_char]
    start, end = span.start_char - sent.start_char, span.end_char - sent.start_char
    if postponed_to(span):
        return "future"
    if _LOOKS_BACK.search(text[max(0, start - 40) : start]):
        return "past"
    tense = tense_of(span)
    if tense is None:
        tense = cue_tense(text, start, end)
    return tense
