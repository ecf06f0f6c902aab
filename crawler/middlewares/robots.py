"""robots.txt, obeyed: Scrapy's middleware, with refusals recorded as ``robots`` and
the file's ``Crawl-delay`` honoured between requests to the same host."""

from __future__ import annotations

import asyncio
import time

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.utils.httpobj import urlparse_cached

from crawler.failures import Refused

MAX_CRAWL_DELAY = 30.0


class RobotsMiddleware(RobotsTxtMiddleware):
    def __init__(self, crawler):
        super().__init__(crawler)
        self._next_time: dict[str, float] = {}

    def process_request_2(self, rp, request) -> None:
        if rp is None:
            return
        agent = self._robotstxt_useragent or request.headers.get(b"User-Agent", self._default_useragent)
        if not rp.allowed(request.url, agent):
            self._stats.inc_value("robotstxt/forbidden")
            raise Refused("robots", "interdit par robots.txt")

    async def process_request(self, request, spider=None):
        await super().process_request(request)
        if request.meta.get("dont_obey_robotstxt"):
            return
        netloc = urlparse_cached(request).netloc
        rp = self._parsers.get(netloc)
        delay = _crawl_delay(rp, self._robotstxt_useragent or self._default_useragent)
        if delay:
            now = time.monotonic()
            start = max(now, self._next_time.get(netloc, now))
            self._next_time[netloc] = start + delay
            if start > now:
                await asyncio.sleep(start - now)


def _crawl_delay(rp, agent) -> float:
    inner = getattr(rp, "rp", None)
    if inner is None:
        return 0.0
    try:
        value = inner.crawl_delay(agent if isinstance(agent, str) else agent.decode("latin-1"))
    except Exception:  # noqa: BLE001 - a parser quirk must not stop the crawl
        return 0.0
    return min(float(value), MAX_CRAWL_DELAY) if value else 0.0
