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
    "\u2019": "'",
    "\u2018": "'",
    "\u02bc": "'",
    "\u2032": "'",
    "\u00b4": "'",
    "`": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2033": '"',
    "\u00a0": " ",
    "\u202f": " ",
    "\u2007": " ",
    "\u2009": " ",
    "\u200a": " ",
    "\u2002": " ",
    "\u2003": " ",
    "\u2004": " ",
    "\u2005": " ",
    "\u2006": " ",
    "\u2008": " ",
    "\u205f": " ",
    "\u2011": "-",
    "\u2010": "-",
    "\t": " ",
    "\r": "\n",
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


# Frequent function words, chosen so that no word belongs to two languages' lists.
_FUNCTION_WORDS = {
    "fr": frozenset(
        "le les des est et une dans du qui pour sur au aux pas avec été sont ont être il elle cette "
        "mais ses leur".split()
    ),
    "es": frozenset("el los las y del por con está es para como pero fue sus desde muy entre".split()),
    "en": frozenset("the and of to is was which with that has have were this from by".split()),
    "it": frozenset("di che è della gli nel sono non per anche degli questo".split()),
    "de": frozenset("der die und das ist nicht mit den von zu ein eine auch sich".split()),
}
_WORD = re.compile(r"\w+")


def language_of(text: str, sample: int = 3000) -> str | None:
    """The language whose function words the text uses most (fr, es, en, it, de), or None when
    too few are found to tell. Enough to keep a Spanish or English article stored with a wrong
    ``lang`` attribute away from the French model."""
    counts = dict.fromkeys(_FUNCTION_WORDS, 0)
    for n, match in enumerate(_WORD.finditer(text[: sample * 8].lower())):
        if n >= sample:
            break
        word = match.group()
        for lang, words in _FUNCTION_WORDS.items():
            if word in words:
                counts[lang] += 1
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] >= 5 else None


# A line that points to other articles: « À lire aussi : … », « Lire aussi », « VIDÉO - … ».
RELATED_LINK = re.compile(
    r"\s*(?:(?:à|a)\s+)?(?:lire|voir|écouter|regarder|découvrir)\s+(?:aussi|également|encore)\b|"
    r"\s*sur\s+le\s+même\s+sujet\b|\s*(?:notre\s+)?(?:dossier|vidéo|replay|podcast)\s*[:|-]",
    re.I,
)
_LISTED_LINES = 12  # at most this many lines listed under a bare « À lire aussi »


def related_blocks(text: str) -> list[tuple[int, int]]:
    """Character ranges of the text that list other articles, which are never the story's facts.

    A line opening with a related-link cue is one (« À lire aussi : Meurtre à … »). When the cue
    stands alone, the headlines listed under it are too: each following line up to the first
    that reads as a paragraph (several words ending with a full stop), at most a dozen lines.
    """
    blocks: list[tuple[int, int]] = []
    lines = [(m.start(), m.group()) for m in re.finditer(r"[^\n]*", text) if m.group().strip()]
    i = 0
    while i < len(lines):
        start, line = lines[i]
        cue = RELATED_LINK.match(line)
        if not cue:
            i += 1
            continue
        end = start + len(line)
        rest = line[cue.end() :].strip(" :-|–—\t")
        if not rest:
            j = i + 1
            while j < len(lines) and j <= i + _LISTED_LINES and not _paragraph(lines[j][1]):
                end = lines[j][0] + len(lines[j][1])
                j += 1
            i = j
        else:
            i += 1
        blocks.append((start, end))
    return blocks


def _paragraph(line: str) -> bool:
    stripped = line.strip()
    return len(stripped.split()) > 3 and stripped.endswith((".", "…", '."', ".»", ". »", ".”"))
