"""The bookkeeping every source's spider shares; a kind only says how to read its listings.

One spider per configured source, named by the source id. It fetches the
source's discovery documents (conditionally, with the validators of the last
crawl), decides for each listed link whether to fetch it — new, changed according
to the listing, or worth a conditional request — and hands pages and URL outcomes
to the pipelines. Nothing here blocks: database look-ups run in worker threads.

A listing's validators (ETag, Last-Modified) are saved only when the spider
finishes: a crawl killed half-way fetches the listing again next time, so the
links it did not reach are not lost behind a 304.
"""

from __future__ import annotations

from datetime import UTC, datetime

import scrapy
from scrapy.http import Response

from crawler.failures import TRANSIENT, Failure, Refused, exception_failure, http_failure
from crawler.ingest import FetchedPage
from crawler.items import PageItem, UrlItem
from crawler.listings.model import Listed, Listing
from crawler.store import record_url, url_states
from crawler.urls import canonical_url, fetch_url, site_of, site_of_host
from crawler.workers import DatabaseLost

FINAL_OUTCOMES = {"stored", "updated", "unchanged", "not_modified", "duplicate", "off_subject", "too_old"}


def headers_of(response: Response) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v[0].decode("latin-1") for k, v in response.headers.items() if v}


def conditional_headers(state: dict | None) -> dict[str, str]:
    headers = {}
    if state and state.get("etag"):
        headers["If-None-Match"] = state["etag"]
    if state and state.get("last_modified"):
        headers["If-Modified-Since"] = state["last_modified"]
    return headers


class SourceSpider(scrapy.Spider):
    url_kind = "feed"  # crawl_urls.kind of the source's own addresses
    follows_any_site = False  # True: its listings lead to any outlet (gdelt)
    listing_name = "flux"  # in « flux illisible : … »
    handle_httpstatus_list = [304, *range(400, 600)]

    def __init__(self, source, ctx, *args, **kwargs):
        super().__init__(source.id, *args, **kwargs)
        self.source, self.ctx = source, ctx
        follow = source.settings.get("follow_domains", [])
        self.sites = set(source.sites)
        self.sites |= {site_of_host(d.strip().lower()) for d in follow if isinstance(d, str) and d.strip()}
        self.requested: set[str] = set()
        self.validators: dict[str, tuple] = {}
        self.transient_failures = 0  # pages to try again: their listings must not answer 304 next time

    # ------------------------------------------------------------------ to override

    def entry_points(self) -> list[str]:
        return list(self.source.urls)

    def read_listing(self, body: bytes, response: Response) -> Listing:  # pragma: no cover - each kind's own
        """The listing in a response's body (``kind`` "unknown" when unreadable)."""
        raise NotImplementedError

    def unreadable(self, listing: Listing) -> str:
        """Why a listing could not be read: the reason of its ``crawl_urls`` row."""
        return f"{self.listing_name} illisible : " + " ; ".join(listing.problems)

    async def follow_listing(self, listing: Listing, response: Response):
        """What a listing read leads to: by default, its items."""
        self.ctx.count(self.name, "listed", len(listing.items))
        async for out in self.follow(listing.items, response.url):
            yield out

    @classmethod
    def download_slots(cls, source) -> dict[str, dict]:
        """Scrapy ``DOWNLOAD_SLOTS`` a source needs beyond the per-site ones (an API's pace)."""
        return {}

    # ------------------------------------------------------------------ requests

    async def start(self):
        for url in self.entry_points():
            try:
                request = await self.listing_request(url)
            except DatabaseLost:
                return  # the crawl is stopping (``Workers.on_lost``)
            yield request

    @staticmethod
    def slot_of(url: str) -> str:
        """The download slot of an address: its site, which the per-site concurrency limits."""
        return "site:" + site_of(url)

    async def listing_request(
        self, url: str, listed: Listed | None = None, kind: str | None = None, callback=None
    ) -> scrapy.Request:
        states = await self.ctx.workers.run_db(url_states, [url], [])
        return scrapy.Request(
            url,
            callback=callback or self.parse_listing,
            errback=self.on_error,
            headers=conditional_headers(states.get(url)),
            dont_filter=True,
            meta={
                "kind": kind or self.url_kind,
                "fetch_url": url,
                "listed": listed,
                "download_slot": self.slot_of(url),
            },
        )

    async def parse_listing(self, response: Response):
        """Every kind's listing: the body (or why there is none), read, remembered, followed."""
        body, outcome = self.listing_body(response)
        if outcome:
            yield outcome
            return
        listing = self.read_listing(body, response)
        if listing.kind == "unknown":
            reason = self.unreadable(listing)
            self.ctx.listing_failed(self.name, reason)  # in the summary, and for the source watch
            yield UrlItem(
                response.meta["fetch_url"],
                self.name,
                response.meta["kind"],
                response.status,
                "error",
                reason,
                "listing",
                counted=False,
            )
            return
        self.remember_listing(response, listing.problems)
        async for out in self.follow_listing(listing, response):
            yield out

    def listing_body(self, response: Response):
        """The body of a listing response, or the UrlItem that says why there is none."""
        meta = response.meta
        self.ctx.count(self.name, "listings_fetched")
        if response.status == 304:
            self.ctx.count(self.name, "listings_not_modified")
            return None, UrlItem(
                meta["fetch_url"],
                self.name,
                meta["kind"],
                304,
                "not_modified",
                etag=_request_header(response, "If-None-Match"),
                last_modified=_request_header(response, "If-Modified-Since"),
                counted=False,
            )
        if response.status >= 400:
            failure = http_failure(response.status, meta.get("retry_times", 0))
            self.ctx.listing_failed(self.name, failure.reason)
            return None, UrlItem(
                meta["fetch_url"],
                self.name,
                meta["kind"],
                response.status,
                "error",
                failure.reason,
                failure.kind,
                counted=False,
            )
        return response.body, None

    def remember_listing(self, response: Response, problems: list[str]) -> None:
        headers = headers_of(response)
        listed = response.meta.get("listed")
        self.validators[response.meta["fetch_url"]] = (
            response.meta["kind"],
            response.status,
            " ; ".join(problems)[:500] or None,
            headers.get("etag"),
            headers.get("last-modified"),
            listed.modified if listed else None,
        )

    def closed(self, reason: str) -> None:
        if reason != "finished" or not self.validators or self.transient_failures:
            return  # interrupted, or pages to retry: next time the listings are read again in full

        def save(conn):
            for url, (kind, status, reason_text, etag, last_modified, listed_modified) in self.validators.items():
                record_url(
                    conn,
                    url=url,
                    source_id=self.name,
                    kind=kind,
                    status=status,
                    outcome="fetched",
                    reason=reason_text,
                    error_kind=None,
                    etag=etag,
                    last_modified=last_modified,
                    run_id=self.ctx.run_id,
                    listed_modified=listed_modified,
                )

        try:
            self.ctx.workers.db_call(save)
        except DatabaseLost:
            pass  # not saved: the next crawl reads these listings again in full, which loses nothing

    # ------------------------------------------------------------------ following links

    async def follow(self, items: list[Listed], listing_url: str):
        """Requests for the listed pages worth fetching; outcomes for those refused."""
        wanted = []
        for item in items:
            target = fetch_url(item.url)
            canonical = canonical_url(target)
            if canonical in self.requested:
                continue
            self.requested.add(canonical)
            if not self.follows_any_site and site_of(target) not in self.sites:
                yield UrlItem(
                    target,
                    self.name,
                    "page",
                    None,
                    "offsite",
                    f"lien hors du site de la source ({site_of(target)}), non suivi",
                    canonical_url=canonical,
                )
                continue
            date = item.published or item.modified
            if self.ctx.since and date and date < self.ctx.since:
                self.ctx.count(self.name, "too_old")
                continue
            wanted.append((item, target, canonical))
        if not wanted:
            return
        states = await self.ctx.workers.run_db(url_states, [t for _, t, _ in wanted], [c for _, _, c in wanted])
        for item, target, canonical in wanted:
            state, doc = states.get(target), states.get("doc:" + canonical)
            decision = self.decide(item, state, doc)
            if decision is None:
                self.ctx.count(self.name, "skipped")
                continue
            yield scrapy.Request(
                target,
                callback=self.parse_page,
                errback=self.on_error,
                headers=decision,
                dont_filter=True,
                meta={
                    "kind": "page",
                    "fetch_url": target,
                    "canonical": canonical,
                    "listed": item,
                    "listing_url": listing_url,
                    "state": state,
                    "download_slot": self.slot_of(target),
                    "fallback": item.url if fetch_url(item.url) != item.url.split("#")[0] else None,
                },
            )

    def decide(self, item: Listed, state: dict | None, doc: dict | None) -> dict | None:
        """Headers for the request to make, or None to skip the link (nothing says it changed)."""
        changed = item.changed
        if state is None:
            if doc is None:
                return {}
            return {} if changed and changed > doc["fetched_at"] else None
        outcome = state["outcome"]
        if outcome == "error":
            if state["error_kind"] in TRANSIENT:
                return conditional_headers(state)
            seen = state["listed_modified"] or state["last_fetched"]
            return {} if changed and seen and changed > seen else None
        if outcome not in FINAL_OUTCOMES:
            return {}  # refused last time (robots, TDM): the middlewares decide again
        if changed is not None:
            seen = state["listed_modified"] or state["last_fetched"]
            if seen and changed <= seen:
                return None
        headers = conditional_headers(state)
        return headers if headers or changed is not None else None

    # ------------------------------------------------------------------ pages

    def parse_page(self, response: Response):
        meta = response.meta
        self.ctx.count(self.name, "fetched")
        listed_modified = meta["listed"].modified if meta.get("listed") else None
        if response.status == 304:
            state = meta.get("state") or {}
            yield UrlItem(
                meta["fetch_url"],
                self.name,
                "page",
                304,
                "not_modified",
                etag=state.get("etag"),
                last_modified=state.get("last_modified"),
                canonical_url=meta.get("canonical"),
                listed_modified=listed_modified,
            )
            return
        if response.status >= 400:
            if response.status in (404, 410) and meta.get("fallback"):
                fallback = meta["fallback"]
                assert response.request is not None  # Scrapy sets it on every response a callback reads
                yield response.request.replace(url=fallback, meta={**meta, "fallback": None, "fetch_url": fallback})
                return
            failure = http_failure(response.status, meta.get("retry_times", 0))
            yield UrlItem(
                meta["fetch_url"],
                self.name,
                "page",
                response.status,
                "error",
                failure.reason,
                failure.kind,
                canonical_url=meta.get("canonical"),
                listed_modified=listed_modified,
            )
            return
        page = FetchedPage(
            url=meta["fetch_url"],
            final_url=response.url,
            status=response.status,
            headers=headers_of(response),
            body=response.body,
            fetched_at=datetime.now(UTC),
            source_id=self.name,
            provenance={
                "via": "crawl",
                "run_id": self.ctx.run_id,
                "listing": meta.get("listing_url"),
                **({"redirects": meta["redirect_urls"]} if meta.get("redirect_urls") else {}),
            },
            listed=meta.get("listed"),
            tdm_file=meta.get("tdm_rule"),
        )
        yield PageItem(page)

    def on_error(self, failure):
        request = failure.request
        meta = request.meta
        kind = meta.get("kind", "page")
        listed = meta.get("listed")
        common = dict(
            canonical_url=meta.get("canonical"),
            listed_modified=listed.modified if listed else None,
            counted=kind == "page",
        )
        if isinstance(failure.value, Refused):
            if kind != "page":
                self.ctx.listing_failed(self.name, failure.value.reason)
            yield UrlItem(
                meta.get("fetch_url", request.url),
                self.name,
                kind,
                None,
                failure.value.outcome,
                failure.value.reason,
                **common,
            )
            return
        found = exception_failure(failure.value, self.crawler.settings.getfloat("DOWNLOAD_TIMEOUT"), request.url)
        if found.kind == "internal":
            self.logger.error("%s : %s", request.url, failure.getTraceback())
        if kind != "page":
            if found.kind == "parse":  # a listing that does not decode is an unreadable listing
                found = Failure("listing", f"{self.listing_name} illisible : {found.reason}")
            self.ctx.listing_failed(self.name, found.reason)
        yield UrlItem(
            meta.get("fetch_url", request.url), self.name, kind, None, "error", found.reason, found.kind, **common
        )


def _request_header(response: Response, name: str) -> str | None:
    value = response.request.headers.get(name) if response.request else None
    return value.decode("latin-1") if value else None
