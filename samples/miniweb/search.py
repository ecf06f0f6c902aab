"""Site search as outlets do it: accent- and case-insensitive, all words must occur."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from samples.miniweb.entries import Entry

PAGE_SIZE = 5


def normalize(text: str) -> str:
    """Lowercase, no accents, typographic apostrophes and dashes made plain."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u2013", "-").replace("\u2014", "-")
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", stripped.casefold())


class SearchIndex:
    """Normalized title+summary+body of each entry, computed once."""

    def __init__(self, entries: Iterable[Entry]):
        self._docs = [(e, normalize(f"{e.article.title} {e.article.summary} {e.article.body}")) for e in entries]

    def search(self, query: str) -> list[Entry]:
        words = normalize(query).split()
        return [e for e, text in self._docs if all(w in text for w in words)]


@dataclass
class Page:
    query: str
    number: int  # 1-based
    results: Sequence[Entry]
    total: int
    last: int  # number of the last page (>= 1)

    @property
    def has_next(self) -> bool:
        return self.number < self.last

    @property
    def has_prev(self) -> bool:
        return self.number > 1


def paginate(results: Sequence[Entry], query: str, page: int, size: int = PAGE_SIZE) -> Page:
    last = max(1, -(-len(results) // size))
    page = max(1, page)
    start = (page - 1) * size
    return Page(query=query, number=page, results=results[start : start + size], total=len(results), last=last)
