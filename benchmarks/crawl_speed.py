"""Crawl speed against trafilatura alone, measured in the same run.

    .venv/bin/python benchmarks/crawl_speed.py [--filler 2000] [--workers N]

1. Serves the mini-web scaled up with filler articles (half of them on subject).
2. Runs the real ``veille crawl`` on it (a subprocess, fresh database made on ``DATABASE_URL``'s
   server, else on an embedded PostgreSQL in a temporary folder; see ``benchmarks/scratch.py``). Radio Nord is left out: its robots.txt asks for one second
   between requests, which would measure politeness, not the crawler.
3. Fetches the same pages again and times ``trafilatura.bare_extraction`` alone on
   them (bytes already in memory, this process, one page after the other).

Prints pages/second of both and their ratio (target ≥ 0.8). The crawl's rate is
taken over its run (``runs.started_at`` → ``finished_at``: fetching, robots.txt,
extraction, subject filter, de-duplication, storage); the end-to-end rate, which
adds the command's start-up (imports, worker processes), is printed too.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SLOW_SITE = "radionord"


def database_url(tmp: Path) -> str:
    from benchmarks.scratch import scratch_url

    return scratch_url(tmp, "crawl")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--filler", type=int, default=2000, help="filler articles served (≥ 2000)")
    parser.add_argument("--workers", type=int, default=None, help="extraction worker processes (VEILLE_CRAWL_WORKERS)")
    args = parser.parse_args()

    import psycopg
    import trafilatura
    from psycopg.rows import dict_row

    from samples.miniweb import MiniWeb, transport

    # The mini-web's handler leaves Nagle's algorithm on: on a kept-alive connection each
    # answer (headers, then body) then waits ~40 ms for a delayed ACK, so any client is
    # held to ~25 requests/s per connection. Real servers (nginx, Apache) set TCP_NODELAY;
    # so does this benchmark, to measure the crawler rather than that stall.
    transport._Handler.disable_nagle_algorithm = True

    with (
        tempfile.TemporaryDirectory(prefix="veille-bench-") as folder,
        MiniWeb(filler=args.filler, hostile=False) as web,
    ):
        tmp = Path(folder)
        db_url = database_url(tmp)
        config = web.write_config(
            tmp / "veille.toml",
            judilibre=False,
            wayback=False,
            crawl={"download_delay": 0.0, "concurrent_per_site": 2, "timeout": 30.0},
        )
        sources = [a for oid in web.outlets if oid != SLOW_SITE for a in ("--source", oid)]
        env = {**os.environ, "DATABASE_URL": db_url}
        if args.workers is not None:
            env["VEILLE_CRAWL_WORKERS"] = str(args.workers)
        print(
            f"mini-web : {len(web.articles())} articles servis ; collecte de {len(sources) // 2} sources…", flush=True
        )
        cpu_before = _cpu_times()
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "veille", "--config", str(config), "-q", "crawl", *sources],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - started
        cpu = {k: _cpu_times()[k] - v for k, v in cpu_before.items()}
        if result.returncode != 0:
            sys.exit(f"veille crawl a échoué :\n{result.stderr}")
        with psycopg.connect(db_url, row_factory=dict_row) as conn:
            run = conn.execute(
                "SELECT counts, extract(epoch FROM finished_at - started_at) AS seconds FROM runs "
                "WHERE kind = 'crawl' ORDER BY id DESC LIMIT 1"
            ).fetchone()
            urls = [
                r["url"]
                for r in conn.execute("SELECT url FROM crawl_urls WHERE kind = 'page' AND status = 200 ORDER BY url")
            ]
        pages = run["counts"].get("fetched", 0)
        crawl_seconds = float(run["seconds"])

        bodies = []
        for url in urls:
            with urllib.request.urlopen(url) as response:
                bodies.append((url, response.read()))
        started = time.perf_counter()
        for url, body in bodies:
            trafilatura.bare_extraction(body, url=url, with_metadata=True, include_comments=False)
        alone_seconds = time.perf_counter() - started

    crawl_rate = pages / crawl_seconds
    alone_rate = len(bodies) / alone_seconds
    counts = run["counts"]
    print(
        f"pages récupérées par la collecte : {pages} ({counts.get('new', 0)} nouveaux documents, "
        f"{counts.get('off_subject', 0)} hors sujet, {counts.get('errors', 0)} erreurs)"
    )
    print(f"veille crawl      : {crawl_rate:7.1f} pages/s  ({pages} pages en {crawl_seconds:.1f} s de collecte)")
    print(f"  de bout en bout : {pages / wall:7.1f} pages/s  ({wall:.1f} s avec le démarrage de la commande)")
    print(f"trafilatura seul  : {alone_rate:7.1f} pages/s  ({len(bodies)} pages en {alone_seconds:.1f} s)")
    print(
        f"rapport           : {crawl_rate / alone_rate:.2f} (objectif ≥ 0.8) ; "
        f"de bout en bout : {pages / wall / alone_rate:.2f}"
    )
    per_page = {k: 1000 * v / max(pages, 1) for k, v in cpu.items()}
    print(
        f"temps processeur par page : collecte {per_page['crawl']:.1f} ms (travailleurs compris), "
        f"mini-web {per_page['miniweb']:.1f} ms ; trafilatura seul {1000 / alone_rate:.1f} ms "
        f"({os.cpu_count()} cœurs, charge moyenne {os.getloadavg()[0]:.1f})"
    )


def _cpu_times() -> dict[str, float]:
    """CPU seconds used so far by the crawl command (with its workers) and by the mini-web (this process)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = resource.getrusage(resource.RUSAGE_SELF)
    return {"crawl": children.ru_utime + children.ru_stime, "miniweb": own.ru_utime + own.ru_stime}


if __name__ == "__main__":
    main()
