"""The language of a page, from its text when the page's declaration disagrees with it.

Outlets declare their language once for the whole site (``<html lang="fr">``), and keep
it on the few pages they publish in Spanish or English: the stored language must be the
text's, or a Spanish article goes through the French analysis. py3langid (a Naive Bayes
model over byte n-grams, ~1 ms a page) reads the extracted text.
"""

from __future__ import annotations

import re
from functools import lru_cache

MIN_LETTERS = 200       # below this, a declaration is worth more than a guess
OVERRULE = 0.9          # probability the text must reach to overrule the page's declaration
SAMPLE_CHARS = 4000


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect(text: str) -> tuple[str | None, float]:
    """(ISO 639-1 code, probability) of ``text``; (None, 0.0) when it is too short to tell."""
    sample = text[:SAMPLE_CHARS]
    if len(re.findall(r"[^\W\d_]", sample)) < MIN_LETTERS:
        return None, 0.0
    lang, probability = _identifier().classify(sample)
    return lang, probability


def text_language(text: str, declared: str | None) -> str | None:
    """The language to store: the declared one, unless the text says clearly otherwise."""
    found, probability = detect(text)
    if found is None:
        return declared
    if declared is None:
        return found if probability >= 0.5 else None
    if found != declared and probability >= OVERRULE:
        return found
    return declared
