"""What an outlet site serves and lists: one ``Entry`` per article or hostile page."""

from __future__ import annotations

from dataclasses import dataclass

from samples.corpus import Article


@dataclass
class Entry:
    article: Article
    path: str | None  # where the page lives on the site (None: no page)
    link: str | None  # what channels link to: a path, an absolute URL, or None
    behaviour: str = ""  # "" for a normal article, else a hostile behaviour
    body_html: str | None = None  # hostile pages: trusted HTML replacing the paragraphs
    raw_html: bytes | None = None  # hostile pages served verbatim
    number: int = 0  # CMS-style numeric id (WordPress ?p=, etc.)
    listed: bool = True  # appears in feeds / sitemaps / search

    @property
    def hostile(self) -> bool:
        return bool(self.behaviour)

    @property
    def slug(self) -> str:
        return self.article.slug
