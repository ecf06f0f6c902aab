"""Text helpers shared by the components: length-preserving normalisation and entity keys.

Offsets stored in the database index into ``documents.text`` as stored. The model
reads a normalised copy of it, so normalisation only ever swaps one character for
another: every offset into the copy is an offset into the original.
"""

from __future__ import annotations

import re
import unicodedata

# With curly apostrophes the French models tag « n’ » or « qu’ » as persons; they were
# trained on straight ones. Each entry replaces exactly one character by one character.
_ONE_FOR_ONE = {
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'", "\u00b4": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u2009": " ", "\u200a": " ", "\u2002": " ",
    "\u2003": " ", "\u2004": " ", "\u2005": " ", "\u2006": " ", "\u2008": " ", "\u205f": " ",
    "\u2011": "-", "\u2010": "-",
    "\t": " ", "\r": "\n",
}
_TABLE = str.maketrans(_ONE_FOR_ONE)


def normalise(text: str) -> str:
    """The text with typographic apostrophes, quotes and special spaces made plain, same length."""
    return text.translate(_TABLE)


_APOSTROPHES = re.compile(r"[\u2019\u2018\u02bc\u2032`´]")
_SEPARATORS = re.compile(r"[\s\-\u2010\u2011\u2013]+")
_EDGES = re.compile(r"^[\W_]+|[\W_]+$")


def fold(text: str) -> str:
    """Lower case without accents, one space between words: how names are compared."""
    text = _APOSTROPHES.sub("'", text).replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _SEPARATORS.sub(" ", text.lower()).strip()


def key(text: str) -> str:
    """The key that resolves mentions to one entity (``entities.key``): folded, edge punctuation removed."""
    return _EDGES.sub("", fold(text))
