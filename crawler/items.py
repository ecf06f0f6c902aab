"""What spiders hand to the pipelines: a fetched page, or the outcome of a URL that
produced no page (a 304, an error, a refusal)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from crawler.ingest import FetchedPage


@dataclass
class PageItem:
    page: FetchedPage
    analysed: object = None  # crawler.ingest.Analysed, computed by the extract stage
    extracted: object = None  # crawler.extract.Extracted, set by the extract stage
    decisions: list | None = None  # set by the filter stage
    canonical: str | None = None  # set by the dedup stage
    fingerprint: object = None
    content_hash: str | None = None
    rejection: tuple[str, str, str | None] | None = None  # (outcome, reason, error kind)

    def __repr__(self) -> str:  # Scrapy logs items: never the whole page
        return f"<PageItem {self.page.url} {self.rejection[0] if self.rejection else ''}>"

    def reject(self, outcome: str, reason: str, error_kind: str | None = None) -> None:
        if self.rejection is None:
            self.rejection = (outcome, reason, error_kind)


@dataclass
class UrlItem:
    url: str
    source_id: str
    kind: str  # page, feed, sitemap, search
    status: int | None
    outcome: str  # not_modified, error, robots, offsite, refused, tdm, fetched …
    reason: str | None = None
    error_kind: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    canonical_url: str | None = None
    listed_modified: datetime | None = None
    counted: bool = True  # False for listings: they are not pages of the summary
