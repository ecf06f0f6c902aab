"""A spider middleware: a callback whose database look-up found the database gone ends quietly.

The crawl is already stopping by then (``Workers.on_lost``) and the command ends with one line;
without this, Scrapy would log a traceback for every response still being handled.
"""

from __future__ import annotations

from crawler.workers import DatabaseLost


class DatabaseLostMiddleware:
    def process_spider_exception(self, response, exception):
        return [] if isinstance(exception, DatabaseLost) else None
