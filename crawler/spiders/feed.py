"""Sources of kind ``feed``: RSS 2.0, RSS 1.0 or Atom."""

from __future__ import annotations

from crawler.listings.feeds import parse_feed
from crawler.spiders.base import SourceSpider
from veille.kinds import Probed


class FeedSpider(SourceSpider):
    url_kind = "feed"

    def read_listing(self, body, response):
        return parse_feed(body, response.url)


def probe(source, url: str, body: bytes) -> Probed:
    """``veille sources check``: the articles the feed lists."""
    return Probed(len(parse_feed(body, url).items), "liste {n} article(s)")
