"""Component ``veille_normaliser``: the model reads a normalised copy of the text.

It runs first, right after the tokenizer. When the text holds typographic
apostrophes, quotes or special spaces, it tokenizes the normalised copy instead
(``nlp.text.normalise``: one character for one, so every offset still indexes
the original) and keeps the original text in ``doc.user_data["original_text"]``.

It also marks a new sentence after every line break (stored texts hold one paragraph
or subheading per line, and a subheading is never the start of the next sentence) and
forbids one at a domain name (« l'adresse coco.fr puis … »), which the parser otherwise
takes for a verb opening a sentence. The parser keeps these boundaries.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from nlp.text import normalise

ORIGINAL = "original_text"


class Normaliser:
    def __init__(self, tokenizer):
        self.tokenizer = tokenizer

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        clean = normalise(text)
        if clean != text:
            new = self.tokenizer(clean)
            new.user_data.update(doc.user_data)
            new.user_data[ORIGINAL] = text
            doc = new
        for token in doc[1:]:
            before = doc[token.i - 1]
            if "\n" in before.text_with_ws or before.is_space and "\n" in before.text:
                token.is_sent_start = True
            elif token.like_url and before.text not in (".", "!", "?", "…"):
                token.is_sent_start = False  # « l'adresse coco.fr puis … »: a domain never opens a sentence
        return doc


def original_text(doc: Doc) -> str:
    """The text as given to the pipeline, before normalisation (same length as ``doc.text``)."""
    return doc.user_data.get(ORIGINAL, doc.text)


@Language.factory("veille_normaliser")
def make_normaliser(nlp: Language, name: str) -> Normaliser:
    return Normaliser(nlp.tokenizer)
