"""`veille serve` under load: the review queue and the live timeline at 20 concurrent users on a
10,000-entry dossier, against the same pages built without the web server, in the same run.

    .venv/bin/python benchmarks/review_load.py [--events 11800] [--users 20] [--requests 25]

1. Fills a scratch database with the synthetic dossier of ``timeline_speed.py`` (``--events 11800``
   gives about 10,400 entries), groups it, and creates one editor account per simulated user.
2. Starts the real ``veille serve`` on 127.0.0.1 (``--processes 2`` by default, one a core); each simulated user logs in
   (a session of its own), then requests its page ``--requests`` times, all users at once (a thread
   each, httpx), pausing ``--think`` seconds on average between two requests (0.5× to 1.5×, as a
   journalist reads an entry before the next key press; 0: back to back): the review queue
   (``/relecture``), and timeline pages spread over the whole dossier (``/chronologie?page=N``).
   Latency is measured per request, client side.
3. The baseline, alternated with it: the same number of threads, each on a connection of its own,
   calling the same page functions (``reports/web/pages.py``) and rendering the same templates with
   Jinja2 directly, no HTTP, no session, no security headers: the framework's and the server's cost.

Target: p95 under 200 ms for both pages at 20 concurrent users.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "banc d'essai 2024"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def run_users(n: int, work) -> list[float]:
    """``work(i)`` in ``n`` threads started together; every latency each returns."""
    out: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(n)

    def one(i: int) -> None:
        barrier.wait()
        got = work(i)
        with lock:
            out.extend(got)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=11_800, help="events in the dossier (default 11 800)")
    parser.add_argument("--users", type=int, default=20, help="concurrent users (default 20)")
    parser.add_argument("--requests", type=int, default=25, help="requests per user and page (default 25)")
    parser.add_argument("--rounds", type=int, default=2, help="alternated rounds of each side (default 2)")
    parser.add_argument("--processes", type=int, default=2, help="veille serve --processes (default 2: one a core)")
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between a user's requests, s (default 1)")
    args = parser.parse_args()

    import httpx
    import psycopg
    from psycopg.rows import dict_row

    from benchmarks.scratch import scratch_url
    from benchmarks.timeline_speed import fill
    from cases.grouping import recompute_cases
    from reports.rendering import environment
    from reports.web import pages
    from reports.web.app import HELPERS
    from tests.reports.web_support import free_port
    from veille.accounts import User, add_user
    from veille.config import load_config
    from veille.db import migrate, sync_config

    with tempfile.TemporaryDirectory(prefix="veille-bench-") as folder:
        url = scratch_url(Path(folder), "review")
        config = load_config()
        with psycopg.connect(url, row_factory=dict_row, autocommit=True) as conn:
            migrate(conn)
            sync_config(conn, config)
            fill(conn, args.events)
            counts = recompute_cases(conn, config)
            for i in range(args.users):
                add_user(conn, f"editeur{i}@journal.fr", "editor", PASSWORD)
            conn.execute("VACUUM ANALYZE")
            entries = counts["happenings"]
        print(
            f"dossier : {counts['cases']} affaires, {entries} entrées ; {args.users} utilisateurs, "
            f"pause moyenne {args.think} s",
            flush=True,
        )
        pages_count = max(1, entries // pages.PAGE_SIZE)

        port = free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "veille",
                "--quiet",
                "serve",
                "--port",
                str(port),
                "--workers",
                "6",
                "--processes",
                str(args.processes),
            ],
            env={**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)},
            cwd=ROOT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(base + "/connexion", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("veille serve ne démarre pas")
                time.sleep(0.2)
            clients = []
            for i in range(args.users):
                c = httpx.Client(base_url=base, timeout=60)
                token = re.search(r'name="csrf" value="([^"]+)"', c.get("/connexion").text).group(1)
                r = c.post("/connexion", data={"email": f"editeur{i}@journal.fr", "password": PASSWORD, "csrf": token})
                assert r.status_code == 303, r.text
                clients.append(c)

            def over_http(path_of):
                def work(i: int) -> list[float]:
                    got = []
                    pause = random.Random(i)
                    for n in range(args.requests):
                        time.sleep(args.think * pause.uniform(0.5, 1.5))
                        t = time.perf_counter()
                        r = clients[i].get(path_of(i, n))
                        got.append(time.perf_counter() - t)
                        assert r.status_code == 200, r.status_code
                    return got

                return work

            env = environment()
            editor = User(id=0, email="editeur@journal.fr", name=None, role="editor")  # the same forms as served

            def direct(kind: str):
                def work(i: int) -> list[float]:
                    got = []
                    pause = random.Random(i)
                    with psycopg.connect(url, row_factory=dict_row, autocommit=True) as conn:
                        for n in range(args.requests):
                            time.sleep(args.think * pause.uniform(0.5, 1.5))
                            t = time.perf_counter()
                            if kind == "queue":
                                ctx = pages.queue(conn, "coco")
                                template = "web/queue.html.j2"
                            else:
                                ctx = pages.timeline(conn, "coco", pages.Filters(), 1 + (i * 7 + n * 13) % pages_count)
                                ctx |= {"filters": pages.Filters(), "page": 1, "page_url": str}
                                template = "web/timeline.html.j2"
                            env.get_template(template).render(
                                {**HELPERS, **ctx, "nonce": "x", "notice": None, "user": editor, "csrf": "x" * 43,
                                 "dossier": config.dossier("coco"), "role_label": "éditeur"}
                            )  # fmt: skip
                            got.append(time.perf_counter() - t)
                    return got

                return work

            results: dict[tuple[str, str], list[float]] = {}
            scenarios = {
                "queue": lambda i, n: "/relecture",
                "timeline": lambda i, n: f"/chronologie?page={1 + (i * 7 + n * 13) % pages_count}",
            }
            for _ in range(args.rounds):
                for name, path_of in scenarios.items():
                    results.setdefault(("veille serve", name), []).extend(run_users(args.users, over_http(path_of)))
                    results.setdefault(("sans serveur", name), []).extend(run_users(args.users, direct(name)))
            for c in clients:
                c.close()
        finally:
            server.terminate()
            server.wait(30)
        print(f"{'':14} {'page':9} {'requêtes':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
        for (side, name), values in results.items():
            ms = [v * 1000 for v in values]
            print(
                f"{side:14} {name:9} {len(ms):8} {statistics.median(ms):8.1f} {percentile(ms, 95):8.1f} {max(ms):8.1f}"
            )
        for name in scenarios:
            served = percentile(results[("veille serve", name)], 95)
            bare = percentile(results[("sans serveur", name)], 95)
            verdict = "atteint" if served < 0.2 else "MANQUÉ"
            print(
                f"{name} : p95 {served * 1000:.0f} ms (objectif < 200 ms : {verdict}), {served / bare:.2f}× sans serveur"
            )


if __name__ == "__main__":
    main()
