"""Sources of kind ``sitemap``: a sitemap index (followed down to its URL sets) or a
URL set, news sitemaps included (their publication date and keywords are kept)."""

from __future__ import annotations

from crawler.listings.sitemaps import parse_sitemap
from crawler.spiders.base import SourceSpider
from crawler.store import url_states
from crawler.urls import site_of
from veille.kinds import Probed

MAX_DEPTH = 3  # index → index → urlset is already unusual


class SitemapSpider(SourceSpider):
    url_kind = "sitemap"
    listing_name = "sitemap"

    def read_listing(self, body, response):
        return parse_sitemap(body, response.url)

    async def follow_listing(self, listing, response):
        depth = response.meta.get("sitemap_depth", 0)
        if listing.kind != "sitemap_index" or depth >= MAX_DEPTH:
            async for out in super().follow_listing(listing, response):
                yield out
            return
        children = [c for c in listing.children if site_of(c.url) in self.sites]
        if self.ctx.since:
            children = [c for c in children if c.modified is None or c.modified >= self.ctx.since]
        states = await self.ctx.workers.run_db(url_states, [c.url for c in children], [])
        for child in children:
            state = states.get(child.url)
            seen = state and state["outcome"] == "fetched" and state["listed_modified"]
            if seen and child.modified and child.modified <= state["listed_modified"]:
                self.ctx.count(self.name, "skipped_sitemaps")
                continue  # the index says this sitemap did not change since we read it
            request = await self.listing_request(child.url, listed=child)
            request.meta["sitemap_depth"] = depth + 1
            yield request


def probe(source, url: str, body: bytes) -> Probed:
    """``veille sources check``: the sitemaps an index lists, or the articles of a URL set."""
    listing = parse_sitemap(body, url)
    if listing.kind == "sitemap_index":
        return Probed(len(listing.children), "liste {n} sitemap(s)")
    return Probed(len(listing.items), "liste {n} article(s)")
