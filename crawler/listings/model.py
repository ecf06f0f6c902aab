"""What a discovery document lists."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Listed:
    """One link a feed, sitemap or search page gives, with what it says about it."""

    url: str
    title: str | None = None
    published: datetime | None = None
    modified: datetime | None = None
    authors: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    lang: str | None = None

    @property
    def changed(self) -> datetime | None:
        """The last change the listing reports, if it reports one."""
        return self.modified or None

    def hints(self) -> dict:
        """What extraction may use when the page itself is silent."""
        out = {
            "title": self.title,
            "published": self.published,
            "modified": self.modified,
            "keywords": list(self.keywords) or None,
        }
        return {k: v for k, v in out.items() if v}


@dataclass
class Listing:
    """A parsed discovery document: pages, child sitemaps, next results page, problems met."""

    kind: str  # rss, atom, sitemap_index, urlset, search, unknown
    items: list[Listed] = field(default_factory=list)
    children: list[Listed] = field(default_factory=list)
    next_url: str | None = None
    problems: list[str] = field(default_factory=list)  # French, one per skipped entry or repair
