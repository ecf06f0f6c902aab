"""Sources of kind ``feed``: RSS 2.0, RSS 1.0 or Atom."""

from __future__ import annotations

from crawler.items import UrlItem
from crawler.listings.feeds import parse_feed
from crawler.spiders.base import SourceSpider


class FeedSpider(SourceSpider):
    url_kind = "feed"

    async def parse_listing(self, response):
        body, outcome = self.listing_body(response)
        if outcome:
            yield outcome
            return
        listing = parse_feed(body, response.url)
        if listing.kind == "unknown":
            yield UrlItem(response.meta["fetch_url"], self.name, "feed", response.status, "error",
                          "flux illisible : " + " ; ".join(listing.problems), "listing", counted=False)
            return
        self.remember_listing(response, listing.problems)
        self.ctx.count(self.name, "listed", len(listing.items))
        async for out in self.follow(listing.items, response.url):
            yield out
