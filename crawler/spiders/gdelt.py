"""Sources of kind ``gdelt``: GDELT's DOC 2.0 API proposes articles from any outlet.

The source's URL is the API's address (``https://api.gdeltproject.org/api/v2/doc/doc``).
One request asks for the articles of the last three months (or since ``--since``) in
the dossiers' language that contain any of their search queries; when an answer is
full (``settings.max_records``, at most 250), its time window is split in two and each
half asked again, within ``settings.max_requests`` requests per crawl (100). The API
asks for one request every five seconds: its requests go through a download slot of
their own that keeps ``settings.min_interval`` seconds between them whatever
AutoThrottle does (``download_slots``).

GDELT only proposes URLs: each article is then fetched from its outlet — robots.txt,
TDMRep, per-site concurrency, subject filter and de-duplication as for any page — and
an address in a private range is still refused unless the source says
``allow_private``. gdelt sources run after the others of the crawl (``crawler.run``), and
a page some source collected already, then or before, is not fetched again from here.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from crawler.items import UrlItem
from crawler.listings.gdelt import MAX_RECORDS, api_url, gdelt_query, parse_gdelt
from crawler.spiders.base import FINAL_OUTCOMES, SourceSpider
from veille.kinds import Probed, Unreadable

LOOKBACK = timedelta(days=90)  # the API searches a rolling window of three months
MIN_WINDOW = timedelta(hours=1)  # a full answer for a shorter window is kept as it is
MIN_INTERVAL = 5.0  # seconds between two requests, as GDELT asks
MAX_REQUESTS = 100  # per crawl and source: 100 × 5 s is under a quarter of an hour


def source_query(source, dossiers) -> str:
    """The API query of a gdelt source: its own ``settings.query``, else any of its dossiers'
    search queries in its language."""
    settings = source.settings
    if settings.get("query"):
        return settings["query"]
    return gdelt_query([q for d in dossiers for q in d.search_queries], settings.get("language", "french"))


class GdeltSpider(SourceSpider):
    url_kind = "api"
    follows_any_site = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.api_requests = 0

    @classmethod
    def download_slots(cls, source) -> dict[str, dict]:
        """The API's slot: one request at a time, ``min_interval`` seconds apart at least (the
        slot counts from when it sends a request, the API from when it receives it: a margin
        covers the difference)."""
        interval = float(source.settings.get("min_interval", MIN_INTERVAL))
        interval += max(0.1, 0.1 * interval)
        return {cls.slot_of(url): {"concurrency": 1, "delay": interval, "jitter": 0} for url in source.urls}

    @property
    def max_records(self) -> int:
        return self.source.settings.get("max_records", MAX_RECORDS)  # 1–250, checked with the configuration

    def query(self) -> str:
        return source_query(self.source, self.ctx.config.dossiers_for(self.source))

    def window(self) -> tuple[datetime, datetime]:
        end = datetime.now(UTC).replace(microsecond=0)
        return (self.ctx.since or end - LOOKBACK), end

    async def start(self):
        start, end = self.window()
        for base in self.source.urls:
            yield await self.api_request(base, start, end)

    async def api_request(self, base: str, start: datetime, end: datetime):
        self.api_requests += 1
        request = await self.listing_request(api_url(base, self.query(), start, end, self.max_records))
        # AutoThrottle would shorten the slot's delay below the API's pace after quick answers.
        request.meta.update(gdelt_base=base, window=(start, end), autothrottle_dont_adjust_delay=True)
        return request

    def decide(self, item, state, doc):
        """GDELT says nothing of changes: a page collected before, by any source, is not asked
        again from here (its outlet's feed or sitemap reports its updates). Every run asks the
        API for three months: without this, each one would re-ask every outlet for all of them."""
        if doc is not None or (state is not None and state["outcome"] in FINAL_OUTCOMES):
            return None
        return super().decide(item, state, doc)

    def remember_listing(self, response, problems) -> None:
        """Nothing to remember: the API's addresses change with their time window, and its
        answers carry no validators for a conditional request."""

    def read_listing(self, body, response):
        return parse_gdelt(body, response.url)

    def unreadable(self, listing) -> str:
        reason = listing.problems[0]
        self.ctx.listing_failed(self.name, reason)  # the API said something else than a list: reported
        return reason

    async def follow_listing(self, listing, response):
        async for out in super().follow_listing(listing, response):
            yield out
        start, end = response.meta["window"]
        if len(listing.items) < self.max_records or end - start <= MIN_WINDOW:
            return
        max_requests = self.source.settings.get("max_requests", MAX_REQUESTS)
        if self.api_requests + 2 > max_requests:
            yield UrlItem(
                response.meta["fetch_url"],
                self.name,
                self.url_kind,
                None,
                "skipped",
                f"réponse complète ({self.max_records} articles) non découpée : {max_requests} requêtes "
                "à l'API au plus par collecte (settings.max_requests)",
                counted=False,
            )
            return
        middle = (start + (end - start) / 2).replace(microsecond=0)
        for first, last in ((middle, end), (start, middle)):
            yield await self.api_request(response.meta["gdelt_base"], first, last)


def probe_url(source, config, base: str) -> str:
    """``veille sources check``: the crawl's own first question to the API (one request: no
    splitting of its window)."""
    end = datetime.now(UTC).replace(microsecond=0)
    return api_url(base, source_query(source, config.dossiers_for(source)), end - LOOKBACK, end)


def probe(source, url: str, body: bytes) -> Probed:
    """``veille sources check``: what the API proposes (nothing for three months is an answer too)."""
    listing = parse_gdelt(body, url)
    if listing.kind == "unknown":
        raise Unreadable(listing.problems[0])
    return Probed(len(listing.items), "propose {n} article(s) des trois derniers mois", empty_is_an_answer=True)
