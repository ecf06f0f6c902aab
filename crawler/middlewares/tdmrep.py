"""TDMRep's ``/.well-known/tdmrep.json``, read once per host, before its first page.

The rule that covers a page travels with the request (``meta["tdm_rule"]``); under
the policy ``skip`` a reserved page is not even fetched.
"""

from __future__ import annotations

import asyncio

import scrapy
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.httpobj import urlparse_cached

from crawler import tdm
from crawler.failures import Refused


class TdmRepMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler
        self._rules: dict[str, asyncio.Future] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def _rules_for(self, request) -> list[tdm.Rule]:
        parts = urlparse_cached(request)
        netloc = parts.netloc
        found = self._rules.get(netloc)
        if found is None:
            waiting = asyncio.get_running_loop().create_future()
            self._rules[netloc] = waiting
            url = f"{parts.scheme}://{netloc}/.well-known/tdmrep.json"
            rules: list[tdm.Rule] = []
            try:
                response = await self.crawler.engine.download_async(
                    scrapy.Request(
                        url,
                        callback=NO_CALLBACK,
                        priority=1000,
                        dont_filter=True,
                        meta={
                            "dont_obey_robotstxt": True,
                            "tdmrep": True,
                            "handle_httpstatus_all": True,
                            "dont_retry": True,
                            "download_slot": request.meta.get("download_slot"),
                        },
                    )
                )
                if response.status == 200:
                    rules = tdm.parse_tdmrep(response.body)
            except Exception:  # noqa: BLE001 - no readable file: no reservation declared there
                rules = []
            waiting.set_result(rules)
            return rules
        return await asyncio.shield(found)

    async def process_request(self, request):
        if request.meta.get("kind") != "page" or request.meta.get("tdmrep"):
            return None
        rule = tdm.reservation_for(await self._rules_for(request), urlparse_cached(request).path)
        if rule is not None:
            request.meta["tdm_rule"] = rule
        if rule and rule.reserved and self.crawler.spider.ctx.tdm_policy() == "skip":
            raise Refused(
                "tdm",
                "droits de fouille de textes réservés par l'éditeur (tdmrep.json), politique skip : page non collectée",
            )
        return None
