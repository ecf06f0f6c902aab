"""One spider class per discovery strategy; sources of those kinds need no code."""

from crawler.spiders.feed import FeedSpider
from crawler.spiders.gdelt import GdeltSpider
from crawler.spiders.search import SearchSpider
from crawler.spiders.sitemap import SitemapSpider

SPIDERS = {"feed": FeedSpider, "sitemap": SitemapSpider, "search": SearchSpider, "gdelt": GdeltSpider}

__all__ = ["SPIDERS", "FeedSpider", "GdeltSpider", "SitemapSpider", "SearchSpider"]
