"""Downloader middlewares of the crawl: where requests are refused, delayed or retried."""
