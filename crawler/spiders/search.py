"""Sources of kind ``search``: an outlet's own search-results pages, to backfill the
years before its feeds. The source's URLs contain ``{query}`` (each search query of
its dossiers) and ``{page}``; results and the next page are found with the CSS
selectors ``settings.result_selector`` and ``settings.next_selector``."""

from __future__ import annotations

from urllib.parse import quote_plus

from crawler.items import UrlItem
from crawler.listings.search import parse_search
from crawler.spiders.base import SourceSpider
from veille.kinds import Probed

MAX_PAGES = 50


class SearchSpider(SourceSpider):
    url_kind = "search"

    def templates(self) -> list[str]:
        """The source's URLs with each query filled in and ``{page}`` left to fill."""
        queries = list(dict.fromkeys(q for d in self.ctx.config.dossiers_for(self.source) for q in d.search_queries))
        out = []
        for template in self.source.urls:
            if "{query}" in template:
                out += [template.replace("{query}", quote_plus(q)) for q in queries]
            else:
                out.append(template)
        return list(dict.fromkeys(out))

    def entry_points(self) -> list[str]:
        return [t.replace("{page}", "1") for t in self.templates()]

    async def start(self):
        for template in self.templates():
            request = await self.listing_request(template.replace("{page}", "1"))
            request.meta["template"] = template
            yield request

    def read_listing(self, body, response):
        settings = self.source.settings
        return parse_search(body, response.url, settings.get("result_selector"), settings.get("next_selector"))

    async def follow_listing(self, listing, response):
        async for out in super().follow_listing(listing, response):
            yield out
        number = response.meta.get("search_page", 1)
        max_pages = self.source.settings.get("max_pages", MAX_PAGES)  # ≥ 1, checked with the configuration
        next_url = listing.next_url
        if next_url is None and listing.items and "{page}" in self._template(response):
            next_url = self._template(response).replace("{page}", str(number + 1))
        if next_url and number < max_pages and listing.items:
            request = await self.listing_request(next_url)
            request.meta["search_page"] = number + 1
            request.meta["template"] = response.meta.get("template")
            yield request
        elif next_url and number >= max_pages:
            yield UrlItem(
                next_url,
                self.name,
                "search",
                None,
                "skipped",
                f"pagination arrêtée après {max_pages} pages (settings.max_pages)",
                counted=False,
            )

    def _template(self, response) -> str:
        return response.meta.get("template") or ""


def probe(source, url: str, body: bytes) -> Probed:
    """``veille sources check``: the results of the first results page."""
    s = source.settings
    return Probed(
        len(parse_search(body, url, s.get("result_selector"), s.get("next_selector")).items), "liste {n} résultat(s)"
    )
