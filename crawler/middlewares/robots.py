"""robots.txt, obeyed: Scrapy's middleware, with refusals recorded as ``robots`` and
the file's ``Crawl-delay`` honoured between requests to the same host.

Only the middleware's public side is used: ``robot_parser(request)`` (fetches and caches the
host's file) and the parser's ``allowed`` and ``crawl_delay`` (Scrapy's ``RobotParser`` interface).
"""

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
        self.agent: str = crawler.settings["ROBOTSTXT_USER_AGENT"] or crawler.settings["USER_AGENT"]
        self.next_time: dict[str, float] = {}

    async def process_request(self, request, spider=None):
        if request.meta.get("dont_obey_robotstxt"):
            return None
        rp = await self.robot_parser(request)
        if rp is None:  # no readable robots.txt: nothing is closed
            return None
        if not rp.allowed(request.url, self.agent):
            self.crawler.stats.inc_value("robotstxt/forbidden")
            raise Refused("robots", "interdit par robots.txt")
        delay = _crawl_delay(rp, self.agent)
        if delay:
            netloc = urlparse_cached(request).netloc
            now = time.monotonic()
            start = max(now, self.next_time.get(netloc, now))
            self.next_time[netloc] = start + delay
            if start > now:
                await asyncio.sleep(start - now)
        return None


def _crawl_delay(rp, agent: str) -> float:
    try:
        value = rp.crawl_delay(agent)
    except Exception:  # noqa: BLE001 - a parser quirk must not stop the crawl
        return 0.0
    return min(float(value), MAX_CRAWL_DELAY) if value else 0.0
