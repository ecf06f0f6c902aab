"""What every spider, middleware and pipeline of one crawl shares."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from crawler.workers import Workers
from veille.config import Config
from veille.counts import CrawlCounts


@dataclass
class CrawlContext:
    config: Config
    workers: Workers
    run_id: int | None
    since: datetime | None = None
    counts: CrawlCounts = field(default_factory=CrawlCounts)
    per_source: dict[str, CrawlCounts] = field(default_factory=dict)
    on_progress: Callable[[str, str], None] | None = None  # (source id, outcome)
    listing_failures: dict[str, str] = field(default_factory=dict)

    def listing_failed(self, source_id: str, reason: str) -> None:
        self.count(source_id, "listing_errors")
        self.listing_failures.setdefault(source_id, reason)

    def count(self, source_id: str, key: str, n: int = 1) -> None:
        """Add to a ``CrawlCounts`` field, for the run and for the source."""
        self.counts.add(key, n)
        self.per_source.setdefault(source_id, CrawlCounts()).add(key, n)

    def outcome(self, source_id: str, outcome: str, error_kind: str | None = None) -> None:
        """Count a page's final outcome (and report progress)."""
        if outcome == "error":
            for counts in (self.counts, self.per_source.setdefault(source_id, CrawlCounts())):
                counts.error(error_kind or "internal")
        else:
            if outcome == "duplicate":
                self.count(source_id, "new")
            self.count(source_id, {"stored": "new", "duplicate": "duplicates"}.get(outcome, outcome))
        if self.on_progress:
            self.on_progress(source_id, outcome)

    def tdm_policy(self) -> str:
        return self.config.crawl.tdm_policy
