"""``MiniWeb``: starts every service of the mini-web and is its Python control API.

with MiniWeb(filler=0) as web:
    web.outlets["lequotidien"]            # "http://127.0.0.1:41234"
    web.judilibre_url                      # ".../cassation/judilibre/v1.0"
    web.cdx_url                            # ".../cdx/search/cdx"
    web.gdelt_url                          # ".../api/v2/doc/doc"
    web.fail_next("judilibre", 429, 2)
    web.requests                           # list of RequestRecord
    web.write_config("veille.toml")
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from samples import corpus
from samples.corpus import Article, Outlet
from samples.miniweb import filler as filler_mod
from samples.miniweb.ccnews import CcNewsService
from samples.miniweb.config import write_config
from samples.miniweb.dates import FrozenClock
from samples.miniweb.gdelt import API_PATH as GDELT_PATH, GdeltService
from samples.miniweb.hostile import HOSTILE_DIR, load_hostile
from samples.miniweb.judilibre import BASE_PATH, JudilibreService
from samples.miniweb.site import OutletSite, Settings
from samples.miniweb.transport import FailureInjector, RequestLog, RequestRecord, ServiceServer
from samples.miniweb.wayback import WaybackService

TESTDATA_DIR = Path(__file__).resolve().parent / "testdata" / "articles"
DEFAULT_JUDILIBRE_KEY = "miniweb-judilibre-key"


class MiniWeb:
    """The whole mini-web: 8 outlet sites, Judilibre, Wayback, GDELT and a CC-NEWS mirror, each on its own port."""

    def __init__(
        self,
        *,
        filler: int = 0,
        seed: int = 1,
        on_subject: float = 0.5,
        clock: datetime | str | None = None,
        slow: float = 3.0,
        articles_dir: Path | str | None = corpus.ARTICLES_DIR,
        extra_article_dirs: Iterable[Path | str] = (),
        include_testdata: bool = False,
        hostile: bool = True,
        hostile_dir: Path | str = HOSTILE_DIR,
        decisions_dir: Path | str = corpus.DECISIONS_DIR,
        judilibre_key: str | None = DEFAULT_JUDILIBRE_KEY,
        sitemap_page_size: int = 1000,
        log_path: Path | str | None = None,
        host: str = "127.0.0.1",
    ):
        self.clock = FrozenClock(datetime.fromisoformat(clock) if isinstance(clock, str) else clock)
        self.settings = Settings(slow=slow, sitemap_page_size=sitemap_page_size)
        self.host = host
        self.judilibre_key = judilibre_key
        self.log = RequestLog(log_path)
        self.failures = FailureInjector()
        self.catalogue: dict[str, Outlet] = corpus.load_outlets()

        dirs = [d for d in [articles_dir, *extra_article_dirs] if d]
        if include_testdata:
            dirs.append(TESTDATA_DIR)
        articles: list[Article] = []
        for d in dirs:
            articles += [a for a in corpus.load_articles(d) if a.outlet in self.catalogue]
        self.corpus_articles = list(articles)
        if filler:
            articles += filler_mod.generate(
                filler, list(self.catalogue.values()), seed=seed, on_subject=on_subject, end=self.clock.now()
            )
        specs = load_hostile(hostile_dir) if hostile else []

        self.sites: dict[str, OutletSite] = {}
        for oid, outlet in self.catalogue.items():
            self.sites[oid] = OutletSite(
                outlet,
                [a for a in articles if a.outlet == oid],
                [s for s in specs if s["outlet"] == oid],
                self.clock,
                self.settings,
            )
        self.judilibre = JudilibreService(corpus.load_decisions(decisions_dir), self.clock, key=judilibre_key)
        self.wayback = WaybackService(self.sites)
        self.ccnews = CcNewsService(self.sites)
        self.gdelt = GdeltService(self.sites)
        self._servers: dict[str, ServiceServer] = {}

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> MiniWeb:
        if self._servers:
            return self
        services = [*self.sites.values(), self.judilibre, self.wayback, self.gdelt, self.ccnews]
        for service in services:
            server = ServiceServer(service, self.log, self.failures, host=self.host)
            self._servers[service.name] = server
            service.base_url = server.base_url
        self.wayback.build_captures()
        for server in self._servers.values():
            server.start()
        return self

    def stop(self) -> None:
        for server in self._servers.values():
            server.stop()
        self._servers.clear()
        self.log.close()

    def __enter__(self) -> MiniWeb:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ addresses

    @property
    def outlets(self) -> dict[str, str]:
        """Outlet id → base URL (no trailing slash)."""
        return {oid: site.base_url for oid, site in self.sites.items()}

    @property
    def judilibre_url(self) -> str:
        return self.judilibre.base_url + BASE_PATH

    @property
    def wayback_url(self) -> str:
        return self.wayback.base_url

    @property
    def ccnews_url(self) -> str:
        """Root of the CC-NEWS mirror (``--base-url`` of ``veille import ccnews``)."""
        return self.ccnews.base_url + "/"

    @property
    def gdelt_url(self) -> str:
        """The fake GDELT DOC 2.0 API (``web.gdelt.min_interval``: its pace, 5 s by default)."""
        return self.gdelt.base_url + GDELT_PATH

    @property
    def cdx_url(self) -> str:
        return self.wayback.base_url + "/cdx/search/cdx"

    def articles(self, outlet: str | None = None, *, hostile: bool = False) -> list[Article]:
        """Articles served (corpus + filler), newest first; ``hostile=True`` adds hostile pages."""
        out = []
        for oid, site in self.sites.items():
            if outlet and oid != outlet:
                continue
            out += [e.article for e in site.entries if hostile or not e.hostile]
        return out

    def article_url(self, article: Article) -> str:
        """Canonical URL of a served article (hostile pages: their page, if any)."""
        site = self.sites[article.outlet]
        for e in site.entries:
            if e.article.slug == article.slug and e.path:
                return site.url(e.path)
        raise KeyError(article.key)

    def hostile_pages(self) -> list[dict[str, str]]:
        """One dict per hostile entry: outlet, behaviour, slug, url (page) and link (listed)."""
        rows = []
        for oid, site in self.sites.items():
            for e in site.entries:
                if e.hostile:
                    link = e.link or ""
                    rows.append(
                        {
                            "outlet": oid,
                            "behaviour": e.behaviour,
                            "slug": e.slug,
                            "url": site.url(e.path) if e.path else "",
                            "link": link if link.startswith("http") or not link else site.url(link),
                        }
                    )
        return rows

    # ------------------------------------------------------------------ control

    @property
    def requests(self) -> list[RequestRecord]:
        return self.log.records()

    def reset_log(self) -> None:
        self.log.clear()

    def write_log(self, path: Path | str) -> None:
        self.log.write_jsonl(path)

    def fail_next(self, service: str, status: int, n: int = 1) -> None:
        """The next ``n`` requests to ``service`` (outlet id, "judilibre", "wayback", "gdelt") answer ``status``."""
        if service not in self.sites and service not in ("judilibre", "wayback", "gdelt", "ccnews"):
            raise KeyError(service)
        self.failures.add(service, status, n)

    def reset_counters(self) -> None:
        """Forget per-URL counters (the 500-then-200 page fails again) and pending failures."""
        for site in self.sites.values():
            site.reset_counters()
        self.failures.clear()

    @property
    def slow(self) -> float:
        return self.settings.slow

    @slow.setter
    def slow(self, seconds: float) -> None:
        self.settings.slow = seconds

    def mark_decision(self, decision_id: str, state: str = "updated") -> None:
        """``state``: "updated" (new update_date) or "to_be_deleted" (gone from the API)."""
        self.judilibre.mark(decision_id, state)

    def write_config(self, path: Path | str, **options) -> Path:
        """Write a veille TOML config whose sources point here (see ``config.write_config``)."""
        return write_config(self, path, **options)
