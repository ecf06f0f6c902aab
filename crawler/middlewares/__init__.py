"""Middlewares of the crawl: where requests are refused, delayed or retried (downloader), and
where a lost database ends a callback quietly (spider, ``lostdb``)."""
