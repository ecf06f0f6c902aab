"""The tense of the clause a span belongs to, read from the parse: past, pluperfect, present or future.

« s'ouvrira le 2 septembre » is future, « doivent être jugés en 2024 » too (devoir or aller
in the present with an infinitive); « devait se tenir le 11 janvier » and « aurait dû être
jugé » are past; « avait éclaté en septembre 2020 » is a pluperfect. Without a parse
(blank pipelines) the nearest verb of the sentence is read; without verbs, None.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from nlp.extensions import sentence_of

AUXILIARY_DEPS = ("aux", "aux:tense", "aux:pass", "aux:caus", "cop")
MODALS = ("devoir", "aller")


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
        group += [doc[i] for i in range(max(verb.i - 3, verb.sent.start if doc.has_annotation("SENT_START") else 0),
                                        verb.i) if doc[i].pos_ == "AUX"]
    return group


def clause_tense(verb: Token | None) -> str | None:
    if verb is None:
        return None
    group = _group(verb)
    finite = [t for t in group if "Fin" in t.morph.get("VerbForm")]
    participle = any("Part" in t.morph.get("VerbForm") and t.lemma_ not in MODALS for t in group)
    if any("Fut" in t.morph.get("Tense") for t in finite):
        return "future"
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
