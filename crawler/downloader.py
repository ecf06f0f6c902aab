"""Scrapy's downloader, with its per-site concurrency actually enforced.

Under the asyncio reactor, Scrapy 2.19's ``Downloader._process_queue`` schedules each
download as a task and only counts it as transferring once that task starts: with
no download delay, the loop hands the whole queue of a slot to the network at once
(up to ``CONCURRENT_REQUESTS``, 32, on one site instead of
``crawl.concurrent_per_site``). Counting the request as transferring before the task
is scheduled restores the limit, and with it connection reuse: past the limit each
extra request opened a connection of its own that the pool then closed.
"""

from __future__ import annotations

from time import monotonic

from scrapy.core.downloader import Downloader, Slot
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import _schedule_coro


class PoliteDownloader(Downloader):
    def _process_queue(self, slot: Slot) -> None:
        if slot.latercall:
            return
        now = monotonic()
        delay = slot.download_delay()
        if delay:
            penalty = delay - now + slot.lastseen
            if penalty > 0:
                slot.latercall = call_later(penalty, self._latercall, slot)
                return
        while slot.queue and slot.free_transfer_slots() > 0:
            slot.lastseen = now
            request, queue_dfd = slot.queue.popleft()
            slot.transferring.add(request)  # now, not when the task starts (_download adds it again: a set)
            _schedule_coro(self._wait_for_download(slot, request, queue_dfd))
            if delay:
                self._process_queue(slot)
                break
