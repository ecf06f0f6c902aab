"""Fake Wayback Machine: the CDX search API and ``/web/<timestamp>id_/<url>`` replay.

Captures exist for some articles of two outlets (Le Quotidien, L'Écho du Nord),
timestamped a few hours after publication (a second capture weeks later for some),
plus home-page captures of every outlet and a few non-200 rows.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote, urlsplit

from samples.miniweb.dates import http_date
from samples.miniweb.transport import HTML, TEXT, Request, Response

if TYPE_CHECKING:
    from samples.miniweb.site import OutletSite

ARCHIVED_OUTLETS = ("lequotidien", "echodunord")
FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")
WEB_RE = re.compile(r"^/web/(\d{1,14})([a-z]{2}_)?/(.+)$")


def surt(url: str) -> str:
    """Sort-friendly URI Reordering Transform, as the CDX server's ``urlkey``."""
    if not re.match(r"^[a-z][a-z0-9+.-]*://", url, re.I):
        url = "http://" + url
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    key = ",".join(reversed(host.split(".")))
    if parts.port and parts.port not in (80, 443):
        key += f":{parts.port}"
    path = parts.path.lower() or "/"
    query = "&".join(sorted(parts.query.lower().split("&"))) if parts.query else ""
    return f"{key}){path}" + (f"?{query}" if query else "")


def timestamp(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y%m%d%H%M%S")


def parse_timestamp(ts: str) -> datetime:
    ts = (ts + "00000101000000"[len(ts) :])[:14] if len(ts) < 14 else ts
    return datetime.strptime(ts, "%Y%m%d%H%M%S").replace(tzinfo=UTC)


@dataclass
class Capture:
    urlkey: str
    timestamp: str
    original: str
    mimetype: str
    statuscode: str
    digest: str
    length: str
    site: str  # outlet id
    path: str  # path (and query) on the outlet

    def field(self, name: str) -> str:
        return getattr(self, name)


def _digest(seed: str) -> str:
    return base64.b32encode(hashlib.sha1(seed.encode()).digest()).decode()


class WaybackService:
    name = "wayback"

    def __init__(self, sites: dict[str, OutletSite]):
        self.sites = sites
        self.base_url = ""
        self.captures: list[Capture] = []

    # ------------------------------------------------------------------ captures

    def _add(
        self, site: OutletSite, path: str, when: datetime, mimetype: str = "text/html", status: str = "200"
    ) -> None:
        original = site.url(path)
        seed = f"{original}@{timestamp(when)}"
        self.captures.append(
            Capture(
                urlkey=surt(original),
                timestamp=timestamp(when),
                original=original,
                mimetype=mimetype,
                statuscode=status,
                digest=_digest(seed if status == "200" else "error" + seed),
                length=str(2000 + zlib.crc32(seed.encode()) % 30000),
                site=site.outlet.id,
                path=path,
            )
        )

    def build_captures(self) -> None:
        """Called once the outlets know their base URLs."""
        self.captures.clear()
        for oid, site in self.sites.items():
            now = site.clock.now()
            for months in (18, 6):
                self._add(site, "/", now - timedelta(days=30 * months))
            self._add(site, "/robots.txt", now - timedelta(days=200), mimetype="text/plain")
            if oid not in ARCHIVED_OUTLETS:
                continue
            pages = [e for e in site.entries if e.path and not e.hostile]
            for i, e in enumerate(pages):
                if i % 2:
                    continue
                offset = timedelta(hours=2, minutes=zlib.crc32(e.slug.encode()) % 50)
                self._add(site, e.path, e.article.published + offset)
                later = e.article.published + timedelta(days=40)
                if i % 4 == 0 and later < now:
                    self._add(site, e.path, later)
            # A capture of a page that later disappeared, and a redirect row.
            self._add(site, "/ancienne-rubrique/coco.html", now - timedelta(days=400), status="404")
            self._add(site, "/une", now - timedelta(days=300), mimetype="unk", status="301")
        self.captures.sort(key=lambda c: (c.urlkey, c.timestamp))

    # ------------------------------------------------------------------ HTTP

    def error_response(self, status: int) -> Response:
        return Response(status, f"{status} error from the (fake) Wayback Machine\n", TEXT, conditional=False)

    def handle(self, request: Request) -> Response:
        if request.path == "/cdx/search/cdx":
            return self._cdx(request)
        match = WEB_RE.match(request.path)
        if match:
            return self._replay(request, *match.groups())
        return Response(404, "Not found\n", TEXT, conditional=False)

    # ------------------------------------------------------------------ CDX

    def _cdx(self, request: Request) -> Response:
        params = request.params
        url = (params.get("url") or [""])[0]
        if not url:
            return Response(400, "Missing required query parameter: url\n", TEXT, conditional=False)
        match_type = (params.get("matchType") or ["exact"])[0]
        if url.endswith("*"):
            url, match_type = url.rstrip("*"), "prefix"
        if url.startswith("*."):
            url, match_type = url[2:], "domain"
        key = surt(url)
        host_key = key.split(")", 1)[0]

        def matches(c: Capture) -> bool:
            if match_type == "prefix":
                return c.urlkey.startswith(key)
            c_host = c.urlkey.split(")", 1)[0]
            if ":" not in host_key:  # no port asked: any port matches
                c_host = c_host.split(":", 1)[0]
            if match_type == "host":
                return c_host == host_key
            if match_type == "domain":
                return c_host == host_key or c_host.startswith(host_key + ",")
            return c.urlkey == key

        rows = [c for c in self.captures if matches(c)]
        start = (params.get("from") or [""])[0]
        end = (params.get("to") or [""])[0]
        if start:
            rows = [c for c in rows if c.timestamp >= (start + "00000000000000")[:14]]
        if end:
            rows = [c for c in rows if c.timestamp <= (end + "99999999999999")[:14]]
        for flt in params.get("filter", []):
            negate = flt.startswith("!")
            name, _, pattern = flt.lstrip("!").partition(":")
            if name not in FIELDS:
                return Response(400, f"Invalid filter field: {name}\n", TEXT, conditional=False)
            rows = [c for c in rows if bool(re.fullmatch(pattern, c.field(name))) != negate]
        for coll in params.get("collapse", []):
            name, _, length = coll.partition(":")
            size = int(length) if length.isdigit() else None
            kept, last = [], None
            for c in rows:
                value = c.field(name)[:size] if size else c.field(name)
                if value != last:
                    kept.append(c)
                last = value
            rows = kept
        resume = (params.get("resumeKey") or [""])[0]
        if resume:
            resume = unquote(resume) if "%" in resume else resume
            r_key, _, r_ts = resume.rpartition(" ")
            rows = [c for c in rows if (c.urlkey, c.timestamp) > (r_key, r_ts)]
        limit_raw = (params.get("limit") or [""])[0]
        more = False
        if limit_raw.lstrip("-").isdigit():
            limit = int(limit_raw)
            if limit < 0:
                rows = rows[limit:]
            else:
                more = len(rows) > limit
                rows = rows[:limit]
        fields = [f for f in ((params.get("fl") or [""])[0].split(",")) if f] or list(FIELDS)
        if any(f not in FIELDS for f in fields):
            return Response(400, "Invalid field list\n", TEXT, conditional=False)
        show_resume = (params.get("showResumeKey") or ["false"])[0] == "true"
        resume_key = None
        if more and show_resume and rows:
            resume_key = quote(f"{rows[-1].urlkey} {rows[-1].timestamp}", safe="")
        output = (params.get("output") or [""])[0]
        table = [[c.field(f) for f in fields] for c in rows]
        if output == "json":
            data: list = [fields] + table if table else []
            if resume_key:
                data += [[], [resume_key]]
            return Response(200, json.dumps(data), "application/json", conditional=False)
        lines = [" ".join(r) for r in table]
        if resume_key:
            lines += ["", resume_key]
        return Response(200, "\n".join(lines) + ("\n" if lines else ""), "text/plain", conditional=False)

    # ------------------------------------------------------------------ replay

    def _replay(self, request: Request, ts: str, mode: str | None, original: str) -> Response:
        original = re.sub(r"^(https?):/+", r"\1://", original)
        if request.query:
            original += "?" + request.query
        key = surt(original)
        candidates = [c for c in self.captures if c.urlkey == key]
        if not candidates:
            return Response(
                404,
                "<html><body><p>Wayback Machine doesn't have that page archived.</p></body></html>",
                HTML,
                conditional=False,
            )
        wanted = parse_timestamp(ts)
        best = min(candidates, key=lambda c: abs((parse_timestamp(c.timestamp) - wanted).total_seconds()))
        mode = mode or ""
        memento = f"{self.base_url}/web/{best.timestamp}{mode}/{best.original}"
        link = (
            f'<{best.original}>; rel="original", '
            f'<{self.base_url}/web/timemap/link/{best.original}>; rel="timemap"; type="application/link-format", '
            f'<{memento}>; rel="memento"; datetime="{http_date(parse_timestamp(best.timestamp))}"'
        )
        if best.timestamp != ts.ljust(14, "0")[:14] and best.timestamp != ts:
            return Response(302, "", None, [("Location", memento), ("Link", link)], conditional=False)
        site = self.sites[best.site]
        path, _, query = best.path.partition("?")
        page = site.handle(Request("GET", path, query, {}, site.name))
        headers = [
            ("Memento-Datetime", http_date(parse_timestamp(best.timestamp))),
            ("Link", link),
            ("X-Archive-Src", f"miniweb-{best.site}-{best.timestamp[:8]}.warc.gz"),
            ("x-archive-orig-content-type", page.content_type or ""),
        ]
        if best.statuscode in ("301", "302"):
            headers.append(("Location", f"{self.base_url}/web/{best.timestamp}{mode}/{site.url('/')}"))
            return Response(int(best.statuscode), "", None, headers, conditional=False)
        if best.statuscode != "200":
            return Response(
                int(best.statuscode) if best.statuscode.isdigit() else 404,
                page.body_bytes(),
                page.content_type,
                headers,
                conditional=False,
            )
        body = page.body_bytes()
        if mode != "id_" and (page.content_type or "").startswith("text/html"):
            body = body.replace(
                b"<body", b"<!-- BEGIN WAYBACK TOOLBAR INSERT --><!-- END WAYBACK TOOLBAR INSERT --><body", 1
            )
        return Response(200, body, page.content_type, headers, conditional=False)
