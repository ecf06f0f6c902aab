"""Scrapy settings of a crawl, from veille's configuration (``[crawl]``)."""

from __future__ import annotations

from veille.config import CrawlSettings

MAX_PAGE_BYTES = 20 * 1024 * 1024  # a news page is well under 1 MB; 20 MB is a broken one


def robots_agent(user_agent: str) -> str:
    """The name robots.txt rules are matched against: « veille » for « veille/0.1 (+contact) »."""
    return user_agent.split("/")[0].split()[0]


def scrapy_settings(crawl: CrawlSettings, debug: bool = False, download_slots: dict | None = None) -> dict:
    """``download_slots``: Scrapy's ``DOWNLOAD_SLOTS`` (the GDELT API's pace, see ``spiders.gdelt``)."""
    return {
        "BOT_NAME": "veille",
        "USER_AGENT": crawl.user_agent,
        "ROBOTSTXT_OBEY": True,
        "ROBOTSTXT_USER_AGENT": robots_agent(crawl.user_agent),
        "CONCURRENT_REQUESTS": 32,
        "CONCURRENT_REQUESTS_PER_DOMAIN": crawl.concurrent_per_site,
        "DOWNLOAD_DELAY": crawl.download_delay,
        "AUTOTHROTTLE_ENABLED": crawl.download_delay > 0,
        "AUTOTHROTTLE_START_DELAY": max(crawl.download_delay, 0.1),
        "AUTOTHROTTLE_MAX_DELAY": 30.0,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(crawl.concurrent_per_site),
        "DOWNLOAD_TIMEOUT": crawl.timeout,
        "DOWNLOAD_SLOTS": download_slots or {},
        "DOWNLOAD_MAXSIZE": MAX_PAGE_BYTES,
        "DOWNLOAD_WARNSIZE": 0,
        "RETRY_ENABLED": True,
        "RETRY_TIMES": crawl.retries,
        "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
        "RETRY_GIVE_UP_LOG_LEVEL": "DEBUG",
        "REDIRECT_MAX_TIMES": 10,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
        "LOG_INSTALL_ROOT_HANDLER": True,
        "LOG_ENABLED": True,
        "LOG_LEVEL": "DEBUG" if debug else "WARNING",
        "LOGSTATS_INTERVAL": 0,
        "DEFAULT_REQUEST_HEADERS": {
            "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5",
            "From": crawl.contact,
        },
        "DOWNLOADER_MIDDLEWARES": {
            "crawler.middlewares.guard.GuardMiddleware": 50,
            "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
            "crawler.middlewares.robots.RobotsMiddleware": 100,
            "crawler.middlewares.tdmrep.TdmRepMiddleware": 120,
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "crawler.middlewares.backoff.BackoffRetryMiddleware": 550,
            "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
            "crawler.middlewares.refresh.QuickMetaRefreshMiddleware": 580,
            "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
            # Per-request work for nothing here: no site asks for credentials, and Scrapy's
            # byte counts are not read (veille counts its own outcomes).
            "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,
            "scrapy.downloadermiddlewares.stats.DownloaderStats": None,
            # Last: nothing may run between it and the downloader (see its docstring).
            "crawler.middlewares.persite.PerSiteLimitMiddleware": 990,
        },
        # Depth bookkeeping and a lint on copied request meta: per-request work no spider of veille
        # uses (sitemap nesting keeps its own depth). The Referer middleware stays: the redirect
        # middleware warns on every run without it.
        "SPIDER_MIDDLEWARES": {
            "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
            "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,
            "crawler.middlewares.lostdb.DatabaseLostMiddleware": 1000,
        },
        "ITEM_PIPELINES": {
            "crawler.pipelines.ExtractPipeline": 100,
            "crawler.pipelines.FilterPipeline": 200,
            "crawler.pipelines.DedupPipeline": 300,
            "crawler.pipelines.StorePipeline": 400,
        },
        "CONCURRENT_ITEMS": 16,
        # A developer's lint that parses the callback's source again for every response
        # (its cache misses on bound methods): 8 % of the reactor thread's time.
        "WARN_ON_GENERATOR_RETURN_VALUE": False,
    }
