"""The language of a page, from its text when the page's declaration disagrees with it.

Outlets declare their language once for the whole site (``<html lang="fr">``), and keep
it on the few pages they publish in Spanish or English: the stored language must be the
text's, or a Spanish article goes through the French analysis. py3langid (a Naive Bayes
model over byte n-grams, 1–2 ms a page) reads the extracted text, unless the text is
plainly French: a quarter of its words are French function words that Spanish, Italian
and English do not use (a count, fifty times cheaper), which is most pages of a French
crawl.
"""

from __future__ import annotations

import re
from functools import lru_cache

MIN_LETTERS = 200  # below this, a declaration is worth more than a guess
OVERRULE = 0.9  # probability the text must reach to overrule the page's declaration
SAMPLE_CHARS = 1500  # enough to tell a language
PLAINLY_FRENCH = 0.15  # share of the words that are French-only function words
_WORDS = re.compile(r"[a-zàâçéèêëîïôûùüÿæœ]+(?:'|’)?")
_FRENCH_ONLY = {
    "le",
    "les",
    "des",
    "est",
    "une",
    "et",
    "dans",
    "pour",
    "qui",
    "sur",
    "pas",
    "au",
    "du",
    "aux",
    "avec",
    "par",
    "il",
    "elle",
    "ils",
    "ont",
    "été",
    "cette",
    "ces",
    "mais",
    "ou",
    "plus",
    "d'",
    "l'",
    "d’",
    "l’",
    "qu'",
    "qu’",
    "n'",
    "n’",
    "s'",
    "s’",
    "être",
    "avait",
    "sont",
    "leur",
    "selon",
}


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def plainly_french(text: str) -> bool:
    words = _WORDS.findall(text[:SAMPLE_CHARS].lower())
    return len(words) >= 30 and sum(w in _FRENCH_ONLY for w in words) >= PLAINLY_FRENCH * len(words)


def detect(text: str) -> tuple[str | None, float]:
    """(ISO 639-1 code, probability) of ``text``; (None, 0.0) when it is too short to tell."""
    sample = text[:SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return None, 0.0
    lang, probability = _identifier().classify(sample)
    return lang, probability


def text_language(text: str, declared: str | None) -> str | None:
    """The language to store: the declared one, unless the text says clearly otherwise."""
    if declared in (None, "fr") and plainly_french(text):
        return "fr"
    found, probability = detect(text)
    if found is None:
        return declared
    if declared is None:
        return found if probability >= 0.5 else None
    if found != declared and probability >= OVERRULE:
        return found
    return declared
