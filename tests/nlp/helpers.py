"""Documents for the component tests: spacy.blank("fr") with veille's components, and what a model
would have given set by hand (entities, sentence starts, parts of speech, lemmas, tenses).

Nothing here loads a statistical model: each test states the model output it assumes, so a
component is judged on its own rules. The model's own guesses are judged by the gold
measurement (``test_gold.py``).
"""

from __future__ import annotations

from functools import cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from nlp.analysis import analyse_doc
from nlp.normaliser import original_text
from nlp.pipeline import add_components

SENTENCE_ENDS = (".", "!", "?")


@cache
def blank_pipeline(media: tuple[str, ...] = ()) -> Language:
    """spacy.blank("fr") with every veille component, built once per set of outlets."""
    return add_components(spacy.blank("fr"), media)


def annotate(
    text: str,
    ents=(),
    published: str = "2024-04-26",
    sentences: bool = True,
    words: dict[str, dict] | None = None,
    media: tuple[str, ...] = (),
) -> Doc:
    """Run the blank pipeline over ``text`` with the model's output given by hand.

    ``ents``: (words, label) pairs in text order, each found after the previous one;
    ``sentences``: a sentence starts after « . », « ! », « ? » and line breaks (the
    parser's job); ``words``: attributes for every token with that text, e.g.
    ``{"ouvrira": {"pos": "VERB", "lemma": "ouvrir", "morph": "Tense=Fut|VerbForm=Fin"}}``.
    """
    nlp = blank_pipeline(tuple(media))
    doc = nlp.make_doc(text)
    doc._.published = published
    names = nlp.pipe_names
    doc = nlp.get_pipe(names[0])(doc)  # the normaliser, before anything the model would set
    if sentences:
        for token in doc:
            before = doc[token.i - 1] if token.i else None
            token.is_sent_start = before is None or before.text in SENTENCE_ENDS or "\n" in before.text_with_ws
    for token in doc:
        for attribute, value in (words or {}).get(token.text, {}).items():
            if attribute == "morph":
                token.set_morph(value)
            else:
                setattr(token, f"{attribute}_", value)
    spans, position = [], 0
    given = original_text(doc)  # offsets are the same in the normalised copy
    for words_, label in ents:
        start = given.index(words_, position)
        span = doc.char_span(start, start + len(words_), label=label)
        assert span is not None, f"« {words_} » is not on token boundaries"
        spans.append(span)
        position = start + len(words_)
    doc.ents = spans
    for name in names[1:]:
        doc = nlp.get_pipe(name)(doc)
    return doc


def analyse(text: str, **kwargs) -> dict:
    """The documented JSON of ``veille nlp analyse`` for ``text`` (see :func:`annotate`)."""
    return analyse_doc(annotate(text, **kwargs))


def people(doc: Doc) -> list[tuple[str, str]]:
    """(mention, canonical name) of each person, in text order."""
    return [(e.text, e._.canonical) for e in doc.ents if e.label_ == "PER"]
