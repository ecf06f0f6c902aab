"""The custom attributes the components set on spans and documents.

Values are plain (str, bool, list, dict) so that documents processed in worker
processes (``nlp.pipe(n_process=…)``) come back with them intact.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

SPAN_ATTRIBUTES = {
    "canonical": None,    # resolved name of the entity (« Dominique Pelicot » for « M. Pelicot »)
    "honorific": None,    # M., Mme, Me … taken off the name
    "role": None,         # victim, defendant, lawyer, magistrate, witness, police, other
    "minor": False,       # the sentence describes the person as a minor
    "org_kind": None,     # court, prosecutor, police, association, media, company, other
    "seat": None,         # for a court: the town where it sits
    "not_held": None,     # why a charge is not held against anyone: negation, enumeration
    "date": None,         # ISO date (first day of the month/year when less precise)
    "precision": None,    # day, month, year
    "date_end": None,     # last day of a range, ISO
    "date_end_precision": None,
    "date_kind": None,    # how the expression was read (absolute, relative, weekday, range, after …)
}
DOC_ATTRIBUTES = {
    "events": None,       # list of event dicts (nlp.events)
    "published": None,    # ISO date the relative dates resolve against
}

for _name, _default in SPAN_ATTRIBUTES.items():
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=_default)
for _name, _default in DOC_ATTRIBUTES.items():
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


def replace_entities(doc: Doc, new: list[Span]) -> None:
    """Set ``new`` spans as entities, dropping the model's entities they overlap."""
    taken = set()
    for span in new:
        taken.update(range(span.start, span.end))
    kept = [e for e in doc.ents if not taken.intersection(range(e.start, e.end))]
    doc.ents = sorted(kept + new, key=lambda s: s.start)


def sentence_of(span: Span) -> Span:
    """The sentence holding ``span``; the whole document when sentences are not set (blank pipelines)."""
    doc = span.doc
    if doc.has_annotation("SENT_START"):
        return span[0].sent
    return doc[:]


def enclosing_sentence(span: Span) -> Span:
    """The sentence of ``span``, extended to the sentence of its last word when the model cut
    a sentence inside it (« Me Laure | Chassagne », « Lundi | 6 mai »)."""
    first, last = sentence_of(span), sentence_of(span[-1:])
    return first if last.end <= first.end else span.doc[first.start:last.end]


def evidence_offsets(sent: Span) -> tuple[int, int]:
    """Character offsets of ``sent`` without its surrounding whitespace: what a fact quotes as evidence."""
    text = sent.doc.text
    start, end = sent.start_char, sent.end_char
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
