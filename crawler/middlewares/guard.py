"""Refuse requests that leave the source's site or reach private addresses.

Every request — listed links, redirect targets, robots.txt — passes here. Its
host is resolved first (through the reactor's loop, without blocking), then judged
by the one address rule of all veille's requests (``crawler.outbound``): private and
local ranges refused unless the source says ``allow_private = true`` (the local
mini-web), multicast, unspecified and reserved ranges always. A redirect to another
site is refused like a link to it, unless the site is in ``settings.follow_domains``
(a ``gdelt`` source follows any site).
"""

from __future__ import annotations

import asyncio
import socket
from urllib.parse import urlsplit

from twisted.internet.error import DNSLookupError

from crawler.failures import Refused
from crawler.outbound import is_ip_literal, refusal
from crawler.urls import site_of


class GuardMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler
        self._resolved: dict[tuple[str, int], list[str] | str] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def _addresses(self, host: str, port: int) -> list[str]:
        if is_ip_literal(host):
            return [host.strip("[]")]
        key = (host, port)
        if key not in self._resolved:
            try:
                infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
                self._resolved[key] = sorted({str(info[4][0]) for info in infos})
            except (socket.gaierror, UnicodeError) as exc:
                self._resolved[key] = f"{host} : {getattr(exc, 'strerror', None) or exc}"
        found = self._resolved[key]
        if isinstance(found, str):
            raise DNSLookupError(found)
        return found

    async def process_request(self, request):
        spider = self.crawler.spider
        parts = urlsplit(request.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise Refused("refused", f"adresse non prise en charge ({parts.scheme or 'sans schéma'})")
        if not spider.follows_any_site and site_of(request.url) not in spider.sites:
            raise Refused("offsite", f"hors du site de la source ({site_of(request.url)}), non suivi")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        addresses = await self._addresses(parts.hostname, port)
        why = refusal(parts.hostname, addresses, spider.source.allow_private)
        if why:
            raise Refused("refused", why)
        return None
