"""One outlet's web site: routing, pages, channels and hostile behaviours."""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from urllib.parse import quote_plus

from samples.corpus import Article, Outlet
from samples.miniweb import channels, policies
from samples.miniweb.dates import FrozenClock, aware
from samples.miniweb.entries import Entry
from samples.miniweb.hostile import PAGELESS, huge_comments
from samples.miniweb.render import render, render_article
from samples.miniweb.search import PAGE_SIZE, SearchIndex, paginate
from samples.miniweb.transport import HTML, JSON, TEXT, Request, Response
from samples.miniweb.urls import article_path, numeric_id

RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
XML = "application/xml; charset=utf-8"
CSS = "text/css; charset=utf-8"
POLICY_DATE = datetime(2024, 1, 15, 10, 0)  # Last-Modified of robots.txt and friends
STYLE = "body{font-family:Georgia,serif;max-width:60em;margin:auto}.cookie-banner{position:fixed;bottom:0}\n"

ERROR_TITLES = {
    403: "Accès refusé",
    404: "Page introuvable",
    423: "Ressource verrouillée",
    429: "Trop de requêtes",
    500: "Erreur interne du serveur",
    503: "Service indisponible",
}


def _aware_article(article: Article) -> Article:
    """Dates without offset are Paris time; make them aware once for all."""
    modified = aware(article.modified) if article.modified else None
    return replace(article, published=aware(article.published), modified=modified)


@dataclass
class Settings:
    """Knobs shared by every site of one MiniWeb, changeable while it runs."""

    slow: float = 3.0
    sitemap_page_size: int = 1000


class OutletSite:
    """Implements ``transport.Service`` for one outlet."""

    def __init__(
        self, outlet: Outlet, articles: list[Article], hostile: list[dict], clock: FrozenClock, settings: Settings
    ):
        self.outlet = outlet
        self.name = outlet.id
        self.clock = clock
        self.settings = settings
        self.base_url = ""
        self._by_path: dict[str, Entry] = {}
        self._redirects: dict[str, tuple[int, str]] = {}
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()
        self._cache: dict[str, bytes] = {}
        entries = [self._article_entry(_aware_article(a)) for a in articles]
        entries += [self._hostile_entry({**spec, "article": _aware_article(spec["article"])}) for spec in hostile]
        entries.sort(key=lambda e: (aware(e.article.published), e.slug), reverse=True)
        self.entries = entries
        self._listed = [e for e in entries if e.listed]
        self._pool = [e for e in self._listed if e.path and not e.hostile]  # « related » links
        self._position = {id(e): i for i, e in enumerate(self._pool)}
        self._index: SearchIndex | None = None

    # ------------------------------------------------------------------ building

    def _free_path(self, article: Article) -> str:
        bump = 0
        while (path := article_path(self.outlet.id, article, bump)) in self._by_path:
            bump += 1
        return path

    def _article_entry(self, article: Article) -> Entry:
        path = self._free_path(article)
        entry = Entry(article=article, path=path, link=path, number=numeric_id(article, "n", 5))
        self._by_path[path] = entry
        return entry

    def _hostile_entry(self, spec: dict) -> Entry:
        article: Article = spec["article"]
        behaviour = spec["behaviour"]
        entry = Entry(
            article=article,
            path=None,
            link=None,
            behaviour=behaviour,
            body_html=spec.get("body_html"),
            raw_html=spec.get("raw_html"),
            number=numeric_id(article, "n", 5),
        )
        if behaviour not in PAGELESS:
            entry.path = entry.link = self._free_path(article)
            self._by_path[entry.path] = entry
        slug = article.slug
        if behaviour == "redirect_chain":
            hops = [f"/r/{slug}/1", f"/r/{slug}/2", f"/r/{slug}/3", entry.path]
            for i, status in enumerate((301, 302, 301)):
                self._redirects[hops[i]] = (status, hops[i + 1])
            entry.link = hops[0]
        elif behaviour == "redirect_loop":
            self._redirects[f"/boucle/{slug}/a"] = (302, f"/boucle/{slug}/b")
            self._redirects[f"/boucle/{slug}/b"] = (302, f"/boucle/{slug}/a")
            entry.link = f"/boucle/{slug}/a"
        elif behaviour == "external_feed_link":
            entry.link = spec.get("link") or "https://www.example.com/partenaires/coco.html"
        return entry

    # ------------------------------------------------------------------ helpers

    def url(self, path: str) -> str:
        return self.base_url + path

    def listed_entries(self) -> list[Entry]:
        """Everything the channels list, newest first."""
        return self._listed

    def page_entries(self) -> list[Entry]:
        """Listed entries that have a link (sitemaps, search, home page)."""
        return [e for e in self._listed if e.link]

    def last_modified(self) -> datetime:
        return max((e.article.last_modified for e in self._listed), default=self.clock.now())

    def teaser(self, entry: Entry) -> dict[str, Any]:
        a = entry.article
        return {
            "title": a.title,
            "url": channels.entry_link(self, entry),
            "summary": a.summary,
            "published": aware(a.published),
            "section": a.section,
            "authors": a.authors,
        }

    def related(self, entry: Entry, n: int = 4) -> list[dict[str, Any]]:
        pos = self._position.get(id(entry), 0)
        around = self._pool[max(0, pos - n // 2) : pos + n // 2 + 2]
        return [self.teaser(e) for e in around if e is not entry][:n]

    def reset_counters(self) -> None:
        with self._lock:
            self._counts.clear()

    def error_response(self, status: int) -> Response:
        body = render(self, "error.html", status=status, message=ERROR_TITLES.get(status, "Erreur"))
        resp = Response(status, body, HTML, conditional=False)
        self._policy_headers(resp)
        return resp

    def _policy_headers(self, resp: Response) -> None:
        if self.outlet.tdm_reservation:
            resp.headers += [("tdm-reservation", "1"), ("tdm-policy", self.url(policies.TDM_POLICY_PATH))]

    # ------------------------------------------------------------------ routing

    def handle(self, request: Request) -> Response:
        resp = self._route(request)
        self._policy_headers(resp)
        return resp

    def _route(self, req: Request) -> Response:
        path = req.path
        disc = self.outlet.discovery
        if path in ("/", "/index.html"):
            shortlink = req.param("p") if self.outlet.id == "ledecodeur" else None
            target = next((e for e in self._listed if shortlink and str(e.number) == shortlink and e.path), None)
            if target is not None:  # WordPress shortlink /?p=<id>
                return Response(301, "", None, [("Location", self.url(target.path))], conditional=False)
            return self._home()
        if path == "/robots.txt":
            return Response(200, policies.robots_txt(self), TEXT, last_modified=POLICY_DATE)
        if path == "/static/style.css":
            return Response(200, STYLE, CSS, last_modified=POLICY_DATE)
        if self.outlet.tdm_reservation and path == "/.well-known/tdmrep.json":
            return Response(200, policies.tdmrep_json(self), JSON, last_modified=POLICY_DATE)
        if self.outlet.tdm_reservation and path == policies.TDM_POLICY_PATH:
            return Response(200, policies.tdm_policy_json(self), JSON, last_modified=POLICY_DATE)
        if path == "/rss.xml" and "rss" in disc:
            return Response(200, channels.rss(self), RSS, last_modified=self.last_modified())
        if path == "/atom.xml" and "atom" in disc:
            return Response(200, channels.atom(self), ATOM, last_modified=self.last_modified())
        if "sitemap" in disc and path.startswith("/sitemap"):
            return self._sitemap(path)
        if path == "/recherche" and "search" in disc:
            return self._search(req)
        if path in self._redirects:
            status, target = self._redirects[path]
            return Response(status, "", None, [("Location", self.url(target))], conditional=False)
        if self.outlet.id == "lequotidien":
            if path.startswith("/abonnes/"):
                return self.error_response(403)
            if path.startswith("/amp/") and path[4:] in self._by_path:
                entry = self._by_path[path[4:]]
                if not entry.hostile:
                    return Response(
                        200, render_article(self, entry, amp=True), HTML, last_modified=entry.article.last_modified
                    )
        if self.outlet.id == "ledecodeur" and path.startswith("/wp-admin/"):
            return self.error_response(403)
        entry = self._by_path.get(path)
        if entry is None and not path.endswith("/") and path + "/" in self._by_path:
            # WordPress-like sites add the trailing slash.
            target = path + "/" + (f"?{req.query}" if req.query else "")
            return Response(301, "", None, [("Location", self.url(target))], conditional=False)
        if entry is None:
            return self.error_response(404)
        return self._page(entry)

    # ------------------------------------------------------------------ pages

    def _home(self) -> Response:
        entries = [self.teaser(e) for e in self.page_entries()[:30]]
        return Response(200, render(self, "home.html", entries=entries), HTML, last_modified=self.last_modified())

    def _sitemap(self, path: str) -> Response:
        if path == "/sitemap.xml":
            return Response(200, channels.sitemap_index(self), XML, last_modified=self.last_modified())
        if path == "/sitemap-news.xml":
            return Response(200, channels.sitemap_news(self), XML, last_modified=self.last_modified())
        files = channels.yearly_files(self)
        if path in files:
            entries = files[path]
            return Response(
                200,
                channels.sitemap_yearly(self, entries),
                XML,
                last_modified=max(e.article.last_modified for e in entries),
            )
        return self.error_response(404)

    def _search(self, req: Request) -> Response:
        query = (req.param("q") or "").strip()
        try:
            number = int(req.param("page") or 1)
        except ValueError:
            number = 1
        if self._index is None:
            self._index = SearchIndex(self.page_entries())
        page = paginate(self._index.search(query), query, number, PAGE_SIZE)

        def page_url(n: int) -> str:
            return f"/recherche?q={quote_plus(query)}&page={n}"

        results = [self.teaser(e) for e in page.results]
        body = render(self, "search.html", page=page, results=results, page_url=page_url)
        last = max((e.article.last_modified for e in page.results), default=POLICY_DATE)
        return Response(200, body, HTML, last_modified=last)

    def _page(self, entry: Entry) -> Response:
        behaviour = entry.behaviour
        last = entry.article.last_modified
        if behaviour == "flaky":
            with self._lock:
                count = self._counts[entry.path] = self._counts.get(entry.path, 0) + 1
            if count == 1:
                return self.error_response(500)
        if behaviour == "empty":
            return Response(200, b"", HTML, last_modified=last)
        if behaviour == "not_found":
            return self.error_response(404)
        if behaviour == "invalid_html":
            return Response(200, entry.raw_html or b"", HTML, last_modified=last)
        if behaviour == "latin1_as_utf8":
            body = render_article(self, entry).encode("iso-8859-1", "replace")
            return Response(200, body, HTML, last_modified=last)
        if behaviour == "utf8_as_latin1":
            body = render_article(self, entry, charset="iso-8859-1").encode("utf-8")
            return Response(200, body, "text/html; charset=iso-8859-1", last_modified=last)
        if behaviour == "huge":
            body = self._cache.get(entry.path)
            if body is None:
                html = render_article(self, entry)
                head, _, tail = html.rpartition("</body>")
                body = (head + huge_comments() + "</body>" + tail).encode("utf-8")
                self._cache[entry.path] = body
            return Response(200, body, HTML, last_modified=last)
        resp = Response(200, render_article(self, entry), HTML, last_modified=last)
        if behaviour == "slow":
            resp.delay = self.settings.slow
        return resp
