"""Fake GDELT DOC 2.0 API: ``/api/v2/doc/doc?query=…&mode=artlist&format=json``.

It proposes the mini-web's own articles (corpus and filler, not hostile pages): those
whose title, standfirst or text contains one of the query's phrases, seen between
``startdatetime`` and ``enddatetime`` (seen = published here), newest first, at most
``maxrecords``. The query must name its language (``sourcelang:french``) as veille's
does. Like the real service it answers a request that follows the previous one by less
than ``min_interval`` seconds with a refusal (HTTP 429 here), and a query it cannot
read with a line of plain text instead of JSON.
"""

from __future__ import annotations

import json
import re
import threading
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from samples.miniweb.transport import TEXT, Request, Response

if TYPE_CHECKING:
    from samples.miniweb.site import OutletSite

API_PATH = "/api/v2/doc/doc"
JSON = "application/json; charset=utf-8"


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None


class GdeltService:
    name = "gdelt"

    def __init__(self, sites: dict[str, OutletSite], min_interval: float = 5.0):
        self.sites = sites
        self.base_url = ""
        self.min_interval = min_interval
        self._last: float | None = None
        self._lock = threading.Lock()

    def error_response(self, status: int) -> Response:
        return Response(status, f"error {status}\n", TEXT, conditional=False)

    def _too_soon(self) -> bool:
        with self._lock:
            now = time.monotonic()
            soon = self._last is not None and now - self._last < self.min_interval
            self._last = now
            return soon

    def handle(self, request: Request) -> Response:
        if request.path == "/robots.txt":
            return Response(200, "User-agent: *\nAllow: /\n", TEXT, conditional=False)
        if request.path != API_PATH:
            return self.error_response(404)
        if self._too_soon():
            return Response(
                429, f"Une requête toutes les {self.min_interval:g} secondes au plus.\n", TEXT, conditional=False
            )
        query = request.param("query") or ""
        language = re.search(r"sourcelang:(\w+)", query)
        phrases = [p.lower() for p in re.findall(r'"([^"]+)"', query)]
        phrases += [w.lower() for w in re.sub(r'"[^"]*"|\w+:\w+|[()]|\bOR\b', " ", query).split()]
        if not language or not phrases:
            return Response(
                200, "La requête doit contenir au moins un terme et sourcelang:.\n", TEXT, conditional=False
            )
        start, end = _when(request.param("startdatetime")), _when(request.param("enddatetime"))
        try:
            limit = max(1, min(250, int(request.param("maxrecords", "75"))))
        except ValueError:
            limit = 75
        found = []
        for site in self.sites.values():
            for entry in site.page_entries():
                if entry.hostile or not entry.path:
                    continue
                article = entry.article
                seen = article.published.astimezone(UTC)
                if (start and seen < start) or (end and seen > end):
                    continue
                text = f"{article.title}\n{article.summary}\n{article.body}".lower()
                if any(p in text for p in phrases):
                    found.append((seen, site, entry))
        found.sort(key=lambda f: f[0], reverse=True)
        articles = [
            {
                "url": site.url(entry.path),
                "url_mobile": "",
                "title": entry.article.title,
                "seendate": seen.strftime("%Y%m%dT%H%M%SZ"),
                "socialimage": "",
                "domain": site.url("/").split("//")[1].split("/")[0],
                "language": "French",
                "sourcecountry": "France",
            }
            for seen, site, entry in found[:limit]
        ]
        return Response(200, json.dumps({"articles": articles} if articles else {}), JSON, conditional=False)
