"""Crawl speed against what a user would write instead: a plain Scrapy spider with a trafilatura
pipeline storing into the same PostgreSQL, over the same mini-web, in alternated rounds of one run.

    .venv/bin/python benchmarks/plain_scrapy.py [--filler 1000] [--rounds 3]

1. Serves the mini-web scaled up with filler articles (as ``benchmarks/crawl_speed.py``; Radio Nord
   is left out: its robots.txt asks for one second between requests).
2. Each round, in turn: the real ``veille crawl`` (a subprocess, on a fresh scratch database), then
   the plain spider below (a subprocess, on another fresh scratch database of the same server). The
   order alternates from one round to the next.
3. Times ``trafilatura.bare_extraction`` alone on the same pages, as information.

The plain spider is what the Scrapy tutorial leads to: one spider reading the same listings (RSS,
Atom, sitemaps, the search pages with the same CSS selectors), following every listed link, Scrapy's
own politeness settings as veille's configuration sets them (robots.txt obeyed, two requests per site,
no delay), and an item pipeline that runs trafilatura and inserts the page into a table, one
autocommitted INSERT per page. It has no subject filter, no de-duplication, no TDMRep, no
incremental state and no private-address guard.

Rates: pages fetched per second, over the crawl itself (veille: its ``runs`` row; the plain spider:
from its spider's opening to its closing) and end to end (the command's wall time, start-up
included). CPU per page: user + system time of the command and its worker processes (PostgreSQL apart).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote_plus, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SLOW_SITE = "radionord"
TABLE = """CREATE TABLE IF NOT EXISTS pages (
    id bigserial PRIMARY KEY, url text UNIQUE NOT NULL, title text, published text, text text,
    html bytea, fetched_at timestamptz NOT NULL DEFAULT now())"""


# --------------------------------------------------------------------------- the plain spider


def plain_crawl(config_path: str, db_url: str, skip: str) -> None:
    """The baseline, run in its own process: prints one JSON line of figures at the end."""
    import scrapy
    import trafilatura
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess

    from veille.config import load_config

    config = load_config(config_path)
    sources = [s for s in config.sources if s.id != skip and s.kind in ("feed", "sitemap", "search")]
    queries = sorted({q for d in config.dossiers.values() for q in d.search_queries})

    class StorePipeline:
        """trafilatura, then one INSERT per page."""

        def open_spider(self, spider=None):
            import psycopg

            self.conn = psycopg.connect(db_url, autocommit=True)
            self.conn.execute(TABLE)

        def close_spider(self, spider=None):
            self.conn.close()

        def process_item(self, item, spider=None):
            doc = trafilatura.bare_extraction(item["body"], url=item["url"], with_metadata=True, include_comments=False)
            title = doc.title if doc else None
            self.conn.execute(
                "INSERT INTO pages (url, title, published, text, html) VALUES (%s, %s, %s, %s, %s) "
                "ON CONFLICT (url) DO NOTHING",
                (item["url"], title, doc.date if doc else None, doc.text if doc else None, item["body"]),
            )
            return {"url": item["url"]}

    class PlainSpider(scrapy.Spider):
        name = "plain"

        async def start(self):
            for s in sources:
                for url in s.urls:
                    if s.kind == "search":
                        for q in queries:
                            yield scrapy.Request(
                                url.replace("{query}", quote_plus(q)).replace("{page}", "1"),
                                callback=self.parse_search,
                                cb_kwargs={"source": s},
                                meta={"download_slot": _netloc(url)},
                            )
                    else:
                        yield scrapy.Request(url, callback=self.parse_listing, meta={"download_slot": _netloc(url)})

        def parse_listing(self, response):
            root = response.xpath("local-name(/*)").get()
            if root == "sitemapindex":
                for loc in response.xpath("//*[local-name()='loc']/text()").getall():
                    yield self.request(response, loc.strip(), self.parse_listing)
                return
            links = (
                response.xpath("//*[local-name()='loc']/text()").getall()  # sitemap
                + response.xpath("//item/link/text()").getall()  # RSS
                + response.xpath("//*[local-name()='entry']/*[local-name()='link']/@href").getall()
            )  # Atom
            for link in links:
                yield self.request(response, link.strip(), self.parse_article)

        def parse_search(self, response, source):
            for href in response.css(source.settings["result_selector"] + "::attr(href)").getall():
                yield self.request(response, href, self.parse_article)
            following = response.css(source.settings["next_selector"] + "::attr(href)").get()
            if following:
                yield self.request(response, following, self.parse_search, cb_kwargs={"source": source})

        def request(self, response, url, callback, **kwargs):
            # The mini-web's outlets are ports of one address: Scrapy would put them all in one download
            # slot (its slots are per host), where real outlets, on domains of their own, each get one.
            return response.follow(
                url, callback=callback, meta={"download_slot": _netloc(response.urljoin(url))}, **kwargs
            )

        def parse_article(self, response):
            yield {"url": response.url, "body": response.body}

    crawl = config.crawl
    process = CrawlerProcess(
        {
            "USER_AGENT": crawl.user_agent,
            "ROBOTSTXT_OBEY": True,
            "CONCURRENT_REQUESTS_PER_DOMAIN": crawl.concurrent_per_site,
            "DOWNLOAD_DELAY": crawl.download_delay,
            "DOWNLOAD_TIMEOUT": crawl.timeout,
            "COOKIES_ENABLED": False,
            "TELNETCONSOLE_ENABLED": False,
            "LOG_LEVEL": "WARNING",
            "ITEM_PIPELINES": {StorePipeline: 300},
        }
    )
    times: dict[str, float] = {}
    stats: dict = {}
    crawler = process.create_crawler(PlainSpider)
    crawler.signals.connect(
        lambda spider: times.setdefault("opened", time.monotonic()), signal=signals.spider_opened, weak=False
    )

    def closed(spider, reason):
        times["closed"] = time.monotonic()
        stats.update(crawler.stats.get_stats())

    crawler.signals.connect(closed, signal=signals.spider_closed, weak=False)
    process.crawl(crawler)
    process.start()
    print(
        json.dumps(
            {
                "seconds": times["closed"] - times["opened"],
                "items": stats.get("item_scraped_count", 0),
                "responses": stats.get("downloader/response_count", 0),
            }
        )
    )


def _netloc(url: str) -> str:
    return urlsplit(url).netloc


# --------------------------------------------------------------------------- the comparison


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _run_veille(web, tmp: Path, config: Path, sources: list[str], n: int) -> dict:
    import psycopg
    from psycopg.rows import dict_row

    from benchmarks.scratch import scratch_database

    url, drop = scratch_database(tmp, f"veille{n}")
    try:
        cpu, t = _children_cpu(), time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "veille", "--config", str(config), "-q", "crawl", *sources],
            env={**os.environ, "DATABASE_URL": url},
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        wall, cpu = time.perf_counter() - t, _children_cpu() - cpu
        if result.returncode != 0:
            sys.exit(f"veille crawl a échoué :\n{result.stderr}")
        with psycopg.connect(url, row_factory=dict_row) as conn:
            run = conn.execute(
                "SELECT counts, extract(epoch FROM finished_at - started_at) AS seconds FROM runs "
                "WHERE kind = 'crawl' ORDER BY id DESC LIMIT 1"
            ).fetchone()
            urls = [
                r["url"]
                for r in conn.execute("SELECT url FROM crawl_urls WHERE kind = 'page' AND status = 200 ORDER BY url")
            ]
    finally:
        drop()
    return {
        "pages": run["counts"].get("fetched", 0),
        "seconds": float(run["seconds"]),
        "wall": wall,
        "cpu": cpu,
        "urls": urls,
    }


def _run_plain(tmp: Path, config: Path, n: int) -> dict:
    from benchmarks.scratch import scratch_database

    url, drop = scratch_database(tmp, f"plain{n}")
    try:
        cpu, t = _children_cpu(), time.perf_counter()
        result = subprocess.run(
            [sys.executable, __file__, "--plain", str(config), url], cwd=ROOT, capture_output=True, text=True
        )
        wall, cpu = time.perf_counter() - t, _children_cpu() - cpu
        if result.returncode != 0:
            sys.exit(f"l'araignée Scrapy simple a échoué :\n{result.stderr}")
        figures = json.loads(result.stdout.strip().splitlines()[-1])
    finally:
        drop()
    return {"pages": figures["items"], "seconds": figures["seconds"], "wall": wall, "cpu": cpu}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--filler", type=int, default=1000, help="filler articles served")
    parser.add_argument("--rounds", type=int, default=3, help="alternated rounds (one crawl of each per round)")
    parser.add_argument("--plain", nargs=2, metavar=("CONFIG", "DATABASE_URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.plain:
        plain_crawl(args.plain[0], args.plain[1], SLOW_SITE)
        return

    import trafilatura

    from samples.miniweb import MiniWeb, transport

    # As in crawl_speed.py: real servers set TCP_NODELAY; the mini-web's handler does not by default.
    transport._Handler.disable_nagle_algorithm = True

    with (
        tempfile.TemporaryDirectory(prefix="veille-bench-") as folder,
        MiniWeb(filler=args.filler, hostile=False) as web,
    ):
        tmp = Path(folder)
        if not os.environ.get("DATABASE_URL"):  # one embedded server for every round
            # Run as root, the server's own user must cross this folder: veille opens no folder it did not create.
            tmp.chmod(0o755)
            os.environ["VEILLE_DATA_DIR"] = str(tmp / "veille-data")
        config = web.write_config(
            tmp / "veille.toml",
            judilibre=False,
            wayback=False,
            crawl={"download_delay": 0.0, "concurrent_per_site": 2, "timeout": 30.0},
        )
        sources = [a for oid in web.outlets if oid != SLOW_SITE for a in ("--source", oid)]
        print(f"mini-web : {len(web.articles())} articles servis ; {args.rounds} manches alternées…", flush=True)
        veille, plain, urls = [], [], []
        for n in range(args.rounds):
            order = ("veille", "plain") if n % 2 == 0 else ("plain", "veille")
            for side in order:
                if side == "veille":
                    v = _run_veille(web, tmp, config, sources, n)
                    urls = v.pop("urls")
                    veille.append(v)
                else:
                    plain.append(_run_plain(tmp, config, n))
                last = (veille if side == "veille" else plain)[-1]
                print(
                    f"  manche {n + 1}, {side:6} : {last['pages']} pages, {last['pages'] / last['seconds']:6.1f} "
                    f"pages/s ({last['pages'] / last['wall']:6.1f} de bout en bout), "
                    f"{1000 * last['cpu'] / max(last['pages'], 1):.1f} ms de CPU par page",
                    flush=True,
                )

        bodies = []
        for url in urls:
            with urllib.request.urlopen(url) as response:
                bodies.append((url, response.read()))
        started = time.perf_counter()
        for url, body in bodies:
            trafilatura.bare_extraction(body, url=url, with_metadata=True, include_comments=False)
        alone = len(bodies) / (time.perf_counter() - started)

    def rates(runs, key):
        return [r["pages"] / r[key] for r in runs]

    ratio = [v / p for v, p in zip(rates(veille, "seconds"), rates(plain, "seconds"))]
    ratio_wall = [v / p for v, p in zip(rates(veille, "wall"), rates(plain, "wall"))]
    cpu = [(v["cpu"] / v["pages"]) / (p["cpu"] / p["pages"]) for v, p in zip(veille, plain)]
    print()
    for label, runs in (("veille crawl        ", veille), ("Scrapy + trafilatura", plain)):
        print(f"{label} : {_span(rates(runs, 'seconds'))} pages/s ; de bout en bout {_span(rates(runs, 'wall'))}")
    print(
        f"rapport des débits (veille / Scrapy simple) : {_span(ratio, 2)}, médiane {statistics.median(ratio):.2f} "
        f"(objectif ≥ 1,0) ; de bout en bout {_span(ratio_wall, 2)}, médiane {statistics.median(ratio_wall):.2f}"
    )
    print(
        f"CPU par page : veille {_span([1000 * v['cpu'] / v['pages'] for v in veille])} ms, Scrapy simple "
        f"{_span([1000 * p['cpu'] / p['pages'] for p in plain])} ms ; rapport {_span(cpu, 2)}, "
        f"médiane {statistics.median(cpu):.2f} (objectif ≤ 1,1)"
    )
    print(
        f"pour information, trafilatura seul : {alone:.1f} pages/s ({1000 / alone:.1f} ms par page, "
        f"{len(bodies)} pages) ; {os.cpu_count()} cœurs, charge moyenne {os.getloadavg()[0]:.1f}"
    )


def _span(values: list[float], digits: int = 1) -> str:
    return f"{min(values):.{digits}f}–{max(values):.{digits}f}" if len(values) > 1 else f"{values[0]:.{digits}f}"


if __name__ == "__main__":
    main()
