"""At most ``crawl.concurrent_per_site`` requests in flight per download slot, through public hooks.

With no download delay, Scrapy 2.19's downloader (asyncio reactor) counts a request as
transferring only once its download task has started, so it hands a slot's whole queue to the
network at once: up to ``CONCURRENT_REQUESTS`` (32) requests on one site instead of
``CONCURRENT_REQUESTS_PER_DOMAIN``, each on a connection of its own. With a delay (the default
configuration) Scrapy starts one request per delay and this middleware never waits.

Last of the downloader middlewares, it holds a request until fewer than the slot's concurrency
are in flight, and frees its place on Scrapy's ``request_left_downloader`` signal, sent for every
request the downloader received, answered or failed. Nothing runs between this middleware and the
downloader, so every request it lets through is one the downloader receives.
"""

from __future__ import annotations

import asyncio

from scrapy import signals


class PerSiteLimitMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler
        self.default = crawler.settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") or 8
        self.declared = crawler.settings.getdict("DOWNLOAD_SLOTS")
        self.limits: dict[str, asyncio.Semaphore] = {}
        self.held: dict = {}  # request → the semaphore it holds (requests hash by identity)
        crawler.signals.connect(self.request_left, signal=signals.request_left_downloader)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_request(self, request):
        key = self.crawler.engine.downloader.get_slot_key(request)
        limit = self.limits.get(key)
        if limit is None:
            concurrency = (self.declared.get(key) or {}).get("concurrency", self.default)
            limit = self.limits[key] = asyncio.Semaphore(max(1, int(concurrency)))
        await limit.acquire()
        self.held[request] = limit
        return None

    def request_left(self, request, spider=None):
        limit = self.held.pop(request, None)
        if limit is not None:
            limit.release()
