"""The item pipelines, one stage each, in this order (``ITEM_PIPELINES`` in
``crawler/settings.py``): extract → filter → dedup → store. The stages and the decisions
between them live in ``crawler/ingest.py``, which archive imports run too.

A page that a stage rejects (unreadable, off subject, too old) keeps going with its
rejection attached, so that the store stage records why in ``crawl_urls``: nothing
is dropped silently. Extraction runs in worker processes, storage in a writer
thread (in batches); the reactor thread only moves items along.
"""

from __future__ import annotations

import logging

from crawler.extract import ExtractionError
from crawler.failures import TRANSIENT
from crawler.ingest import (
    analyse_page,
    build_record,
    configured_kind,
    off_subject_rejection,
    record_rejection,
    stage_store,
    tdm_refusal,
    too_old,
)
from crawler.items import PageItem, UrlItem
from crawler.store import record_url
from crawler.workers import DatabaseLost

logger = logging.getLogger(__name__)


class _Stage:
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    @property
    def spider(self):
        return self.crawler.spider

    @property
    def ctx(self):
        return self.crawler.spider.ctx


class ExtractPipeline(_Stage):
    """Extraction, and the filter's and the fingerprints' computations with it, in one
    trip to a worker process (``ingest.analyse_page``); the next two stages apply
    their results."""

    async def process_item(self, item):
        if not isinstance(item, PageItem) or item.rejection:
            return item
        try:
            item.analysed = await self.ctx.workers.run_cpu(
                analyse_page, item.page, self.ctx.config.dossiers_for(self.spider.source), self.ctx.since
            )
        except ExtractionError as exc:
            item.reject("error", exc.reason, exc.kind)
            return item
        except Exception as exc:  # noqa: BLE001 - one bad page never aborts a crawl
            logger.error("extraction de %s impossible", item.page.url, exc_info=True)
            item.reject("error", f"échec de l'extraction : {type(exc).__name__}: {exc}"[:300], "internal")
            return item
        item.extracted = item.analysed.extracted
        rejection = too_old(item.extracted, self.ctx.since)
        if rejection:
            item.reject(*rejection)
        return item


class FilterPipeline(_Stage):
    async def process_item(self, item):
        if not isinstance(item, PageItem) or item.rejection:
            return item
        item.decisions = item.analysed.decisions
        rejection = off_subject_rejection(item.analysed.off_subject)
        if rejection:
            item.reject(*rejection)
        return item


class DedupPipeline(_Stage):
    async def process_item(self, item):
        if not isinstance(item, PageItem) or item.extracted is None:
            return item
        done = item.analysed
        item.canonical, item.fingerprint, item.content_hash = done.canonical, done.fingerprint, done.content_hash
        return item


class StorePipeline(_Stage):
    async def process_item(self, item):
        try:
            return await self._store(item)
        except DatabaseLost:
            # Nothing of this item was stored, its URL row neither: the next crawl fetches it again.
            # The crawl is stopping (``Workers.on_lost``); no log line for each item on the way.
            return item

    async def _store(self, item):
        ctx, source_id = self.ctx, self.spider.name
        workers = ctx.workers
        if isinstance(item, UrlItem):
            if item.outcome == "error" and item.error_kind in TRANSIENT:
                self.spider.transient_failures += 1
            await workers.write(
                record_url,
                url=item.url,
                source_id=source_id,
                kind=item.kind,
                status=item.status,
                outcome=item.outcome,
                reason=item.reason,
                error_kind=item.error_kind,
                etag=item.etag,
                last_modified=item.last_modified,
                run_id=ctx.run_id,
                canonical_url=item.canonical_url,
                listed_modified=item.listed_modified,
            )
            if item.counted:
                ctx.outcome(source_id, item.outcome, item.error_kind)
            return item
        if not isinstance(item, PageItem):
            return item
        page = item.page
        if item.rejection is None and item.extracted is not None:
            rejection = tdm_refusal(page, item.extracted, ctx.tdm_policy())
            if rejection:
                item.reject(*rejection)
        if item.rejection:
            outcome, reason, kind = item.rejection
            if outcome == "error" and kind in TRANSIENT:
                self.spider.transient_failures += 1
            await workers.write(record_rejection, page, outcome, reason, kind, item.canonical, ctx.run_id)
            ctx.outcome(source_id, outcome, kind)
            return item
        record = build_record(
            page,
            item.extracted,
            item.decisions,
            item.canonical,
            item.fingerprint,
            item.content_hash,
            ctx.tdm_policy(),
            configured_kind(self.spider.source),
        )
        result = await workers.write(stage_store, record, ctx.run_id)
        if record.text_withheld:
            ctx.count(source_id, "withheld")
        ctx.outcome(source_id, result.outcome)
        return item
