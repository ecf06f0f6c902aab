"""The custom attributes the components set on spans and documents.

Values are plain (str, bool, list, dict) so that documents processed in worker
processes (``nlp.pipe(n_process=…)``) come back with them intact.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from nlp.text import related_blocks

SPAN_ATTRIBUTES = {
    "canonical": None,  # resolved name of the entity (« Dominique Pelicot » for « M. Pelicot »)
    "honorific": None,  # M., Mme, Me … taken off the name
    "role": None,  # victim, defendant, lawyer, magistrate, witness, police, other
    "minor": False,  # the sentence describes the person as a minor
    "org_kind": None,  # court, prosecutor, police, association, media, company, other
    "seat": None,  # for a court: the town where it sits
    "not_held": None,  # why a charge is not held against anyone: negation, enumeration
    "date": None,  # ISO date (first day of the month/year when less precise)
    "precision": None,  # day, month, year
    "date_end": None,  # last day of a range, ISO
    "date_end_precision": None,
    "date_kind": None,  # how the expression was read (absolute, relative, weekday, range, after …)
}
DOC_ATTRIBUTES = {
    "events": None,  # list of event dicts (nlp.events)
    "published": None,  # ISO date the relative dates resolve against
}

for _name, _default in SPAN_ATTRIBUTES.items():
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=_default)
for _name, _default in DOC_ATTRIBUTES.items():
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


def replace_entities(doc: Doc, new: list[Span]) -> None:
    """Set ``new`` spans as entities, dropping the model's entities they overlap, and every entity
    in a list of other articles (« À lire aussi »: their names are not the story's)."""
    taken: set[int] = set()
    for span in new:
        taken.update(range(span.start, span.end))
    kept = [e for e in doc.ents if not taken.intersection(range(e.start, e.end))]
    doc.ents = sorted((e for e in kept + new if not in_related_block(doc, e.start_char)), key=lambda s: s.start)


SENTENCE_END = (".", "!", "?", "…", "»", '"', "”", ")", "]")
ABBREVIATIONS = {
    "m.",
    "mm.",
    "mme",
    "mmes",
    "me",
    "mes",
    "mlle",
    "dr",
    "pr",
    "st",
    "ste",
    "mgr",
    "cf.",
    "etc.",
    "n°",
    "av.",
    "art.",
    "p.",
    "env.",
    "ex.",
}


def sentence_of(span: Span) -> Span:
    """The sentence holding ``span``; the whole document when sentences are not set (blank pipelines).

    The model's sentences are mended first, once per document: a sentence that starts with a
    lower-case word or a comma, or follows one that ends without a full stop or on an
    abbreviation (« M. », « Me », « H. »), continues the previous one unless a line break
    separates them. Evidence is then always a whole sentence."""
    doc = span.doc
    if not doc.has_annotation("SENT_START"):
        return doc[:]
    bounds = doc.user_data.get("veille_sentences")
    if bounds is None:
        bounds = doc.user_data["veille_sentences"] = _mended_sentences(doc)
    i = span[0].i
    lo, hi = 0, len(bounds) - 1
    while lo < hi:  # the last sentence starting at or before the token
        mid = (lo + hi + 1) // 2
        if bounds[mid][0] <= i:
            lo = mid
        else:
            hi = mid - 1
    start, end = bounds[lo]
    return doc[start:end]


def sentences(doc: Doc) -> list[Span]:
    """The document's mended sentences (see :func:`sentence_of`), in order."""
    if not doc.has_annotation("SENT_START"):
        return [doc[:]]
    bounds = doc.user_data.get("veille_sentences")
    if bounds is None:
        bounds = doc.user_data["veille_sentences"] = _mended_sentences(doc)
    return [doc[a:b] for a, b in bounds]


def _mended_sentences(doc: Doc) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for sent in doc.sents:
        if out and _continues(doc, out[-1], sent):
            out[-1][1] = sent.end
        else:
            out.append([sent.start, sent.end])
    return [(a, b) for a, b in out]


def _continues(doc: Doc, previous: list[int], sent: Span) -> bool:
    words = [t for t in doc[previous[0] : previous[1]] if not t.is_space]
    first = next((t for t in sent if not t.is_space), None)
    if not words or first is None:
        return False
    between = doc.text[words[-1].idx + len(words[-1].text) : first.idx]
    if "\n" in between:
        return False  # a new line: a title, a caption, a new paragraph
    last = words[-1]
    if first.text[:1].islower() or first.text[:1] in ",;:)»”":
        return True
    if last.lower_ in ABBREVIATIONS or (len(last.text) == 2 and last.text[1] == "." and last.text[0].isupper()):
        return True
    if (
        last.text in (".", "!", "?", "…")
        and len(words) >= 2
        and (words[-2].lower_ + "." in ABBREVIATIONS or (len(words[-2].text) == 1 and words[-2].text.isupper()))
    ):
        return True  # « M . », « H . »: the tokenizer split the abbreviation's point
    return not last.text.endswith(SENTENCE_END)


def in_related_block(doc: Doc, start_char: int) -> bool:
    """Whether the character at ``start_char`` lies in a list of other articles (« À lire aussi »,
    :func:`nlp.text.related_blocks`): no entity, charge or event is read there."""
    blocks = doc.user_data.get("veille_related")
    if blocks is None:
        blocks = doc.user_data["veille_related"] = related_blocks(doc.text)
    return any(a <= start_char < b for a, b in blocks)


def enclosing_sentence(span: Span) -> Span:
    """The sentence of ``span``, extended to the sentence of its last word when the model cut
    a sentence inside it (« Me Laure | Chassagne », « Lundi | 6 mai »)."""
    first, last = sentence_of(span), sentence_of(span[-1:])
    return first if last.end <= first.end else span.doc[first.start : last.end]


def evidence_offsets(sent: Span) -> tuple[int, int]:
    """Character offsets of ``sent`` without its surrounding whitespace: what a fact quotes as evidence."""
    text = sent.doc.text
    start, end = sent.start_char, sent.end_char
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
