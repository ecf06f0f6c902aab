"""Key figures read from the quoted sentences: how many defendants a report states.

« onze hommes ont comparu », « les douze hommes jugés », « les cinquante et un accusés »:
the number is read from the evidence sentence itself, so a figure is always traceable
to the sentence (and outlet) that states it, and two reports that disagree can be shown
side by side instead of one silently winning.
"""

from __future__ import annotations

import re

from veille.vocabulary import NUMBER_TENS, NUMBER_UNITS

UNITS = NUMBER_UNITS
TENS = {**NUMBER_TENS, "vingts": 20}
HUNDREDS = {"cent": 100, "cents": 100}
NUMBER_WORDS = set(UNITS) | set(TENS) | set(HUNDREDS) | {"et"}

# Plural nouns that, in a sentence about a hearing or an indictment, count the defendants.
# « autres » is refused on purpose: « les cinquante autres accusés » is not the total.
DEFENDANT_NOUNS = (
    "hommes",
    "femmes",
    "prévenus",
    "prevenus",
    "accusés",
    "accuses",
    "coaccusés",
    "suspects",
    "jeunes",
    "mineurs",
    "majeurs",
    "adolescents",
    "personnes",
    "individus",
    "condamnés",
)
COUNTED_KINDS = ("arrest", "indictment", "trial_opening", "hearing", "verdict", "sentence", "appeal")

_TOKEN = re.compile(r"[\w'’-]+")


def french_number(words: list[str]) -> int | None:
    """Value of a French number written in words (« cinquante et un », « quatre-vingt-dix »), or None."""
    parts: list[str] = []
    for w in words:
        parts.extend(p for p in w.lower().split("-") if p)
    if not parts or any(p not in NUMBER_WORDS for p in parts) or "et" in (parts[0], parts[-1]):
        return None
    value = 0
    for p in parts:
        if p == "et":
            continue
        if p in HUNDREDS:
            value = (value or 1) * 100
        elif p in TENS:
            value = value - 4 + 80 if p.startswith("vingt") and value % 100 == 4 else value + TENS[p]
        else:
            value += UNITS[p]
    return value or None


def defendant_count(sentence: str) -> int | None:
    """The largest number of people a sentence counts with a defendant noun (at least two), or None.

    The largest: « quatre jeunes, deux mineurs et deux majeurs » states four defendants."""
    tokens = _TOKEN.findall(sentence)
    best = None
    value: int | None
    for i, tok in enumerate(tokens):
        if i == 0 or tok.lower() not in DEFENDANT_NOUNS or tokens[i - 1].lower() == "autres":
            continue
        if tokens[i - 1].isdigit():
            value = int(tokens[i - 1])
        else:
            start = i  # walk back over the number words just before the noun
            while start > 0 and all(p in NUMBER_WORDS for p in tokens[start - 1].lower().split("-")):
                start -= 1
            while start < i and tokens[start].lower() == "et":  # « mineurs et deux majeurs »
                start += 1
            value = french_number(tokens[start:i]) if start < i else None
        if value is not None and value >= 2 and (best is None or value > best):
            best = value
    return best
