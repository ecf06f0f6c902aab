"""Retries with exponential backoff (5xx, 429, timeouts, lost connections).

Scrapy's retry middleware re-queues at once; a server that stumbles deserves a
pause. The pause doubles at each attempt (0.5 s, 1 s, 2 s …) and follows the
server's ``Retry-After`` when it gives one (up to 30 s). The retried request is built by
Scrapy's public ``get_retry_request`` (``RETRY_TIMES``, the ``max_retry_times`` meta key, retry stats).
"""

from __future__ import annotations

import asyncio
import random

from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.utils.response import response_status_message

BASE_DELAY = 0.5
MAX_DELAY = 30.0


def _retry_after(response) -> float | None:
    value = response.headers.get(b"Retry-After")
    if not value:
        return None
    try:
        return min(float(value.decode("latin-1").strip()), MAX_DELAY)
    except ValueError:
        return None


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's settings and codes (``retry_http_codes``, ``exceptions_to_retry``), its retries with a pause."""

    def _retried(self, request, reason):
        return get_retry_request(
            request,
            spider=self.crawler.spider,
            reason=reason,
            max_retry_times=request.meta.get("max_retry_times", self.max_retry_times),
            priority_adjust=request.meta.get("priority_adjust", self.priority_adjust),
            give_up_log_level=self.give_up_log_level,
        )

    async def _pause(self, request, response=None) -> None:
        attempt = request.meta.get("retry_times", 0)
        delay = _retry_after(response) if response is not None else None
        if delay is None:
            delay = min(BASE_DELAY * (2**attempt), MAX_DELAY) * random.uniform(0.8, 1.2)
        await asyncio.sleep(delay)

    async def process_response(self, request, response, spider=None):
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        retry = self._retried(request, response_status_message(response.status))
        if retry is None:
            return response
        await self._pause(request, response)
        return retry

    async def process_exception(self, request, exception, spider=None):
        if request.meta.get("dont_retry") or not isinstance(exception, self.exceptions_to_retry):
            return None
        retry = self._retried(request, exception)
        if retry is None:
            return None
        await self._pause(request)
        return retry
