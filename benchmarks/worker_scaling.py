"""Scaling of the analysis with ``veille worker``: one worker process against two, alternated in
the same run, on the same stored documents.

    .venv/bin/python benchmarks/worker_scaling.py [--documents 2000] [--rounds 2] [--batch 50]

1. Stores ``--documents`` documents in a scratch database (the sample corpus's French texts,
   cycled, as ``benchmarks/nlp_speed.py`` stores them).
2. Each round forgets every analysis, queues one ``veille.analyse_documents`` job per
   ``--batch`` documents (``veille.jobs.enqueue_analysis``, what ``veille nlp run --enqueue``
   and the crawl's follow-up do), then starts N ``veille worker --burst --queues nlp``
   processes and waits for them to empty the queue. Rounds alternate N = 1, 2, 1, 2 …
3. Times each round two ways: the wall time from starting the workers to the last one's exit
   (interpreter start and model loading included: what an operator waits for), and the span
   from the first batch's start to the last batch's end in ``runs`` (the analysis proper).

Prints documents per second for 1 and 2 workers and their ratio (target: 2 workers ≥ 1.7×;
on a 2-core machine shared with other work, the second core is not always free).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def one_round(url: str, config_path: Path, config, version: str, workers: int) -> tuple[float, float, int]:
    import psycopg

    from benchmarks.nlp_speed import clear
    from veille.jobs import enqueue_analysis, open_app

    clear(url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DELETE FROM procrastinate_jobs")
        last_run = conn.execute("SELECT coalesce(max(id), 0) FROM runs").fetchone()[0]
    from veille.db import connect

    papp = open_app(config, url)
    try:
        with connect(url, autocommit=True) as conn:
            jobs = enqueue_analysis(papp, conn, config, version)
    finally:
        papp.close()
    env = {**os.environ, "DATABASE_URL": url}
    started = time.perf_counter()
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "veille",
                "-q",
                "--config",
                str(config_path),
                "worker",
                "--burst",
                "--queues",
                "nlp",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(workers)
    ]
    for p in procs:
        _, err = p.communicate()
        if p.returncode != 0:
            raise SystemExit(f"worker en échec : {err[-2000:]}")
    wall = time.perf_counter() - started
    with psycopg.connect(url) as conn:
        span, done, left = conn.execute(
            """SELECT extract(epoch FROM max(finished_at) - min(started_at)),
                      (SELECT count(*) FROM document_analyses),
                      (SELECT count(*) FROM procrastinate_jobs WHERE status <> 'succeeded'
                        AND task_name = 'veille.analyse_documents')
                 FROM runs WHERE id > %s AND kind = 'nlp'""",
            (last_run,),
        ).fetchone()
    if left:
        raise SystemExit(f"{left} tâche(s) non terminée(s)")
    print(
        f"  {workers} worker(s) : {jobs} lots, {done} documents, {wall:.1f} s en tout, analyse {float(span):.1f} s",
        flush=True,
    )
    return wall, float(span), done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2, help="rounds of each (alternated 1, 2, 1, 2 …)")
    parser.add_argument("--batch", type=int, default=50, help="documents per analysis job")
    parser.add_argument("--model", default="fr_core_news_md")
    args = parser.parse_args()

    from benchmarks.nlp_speed import corpus_texts, store
    from benchmarks.scratch import scratch_database
    from nlp.pipeline import build_pipeline, pipeline_version
    from veille.config import load_config

    with tempfile.TemporaryDirectory(prefix="veille-bench-") as folder:
        tmp = Path(folder)
        url, drop = scratch_database(tmp, "workers")
        try:
            store(url, corpus_texts(), args.documents)
            config_path = tmp / "veille.toml"
            config_path.write_text(
                f'[nlp]\nmodel = "{args.model}"\n\n[workers]\nenabled = true\nnlp_batch = {args.batch}\n',
                encoding="utf-8",
            )
            config = load_config(config_path)
            version = pipeline_version(build_pipeline(args.model, tuple(s.name for s in config.sources)))
            results: dict[int, list[tuple[float, float, int]]] = {1: [], 2: []}
            for _ in range(args.rounds):
                for workers in (1, 2):
                    results[workers].append(one_round(url, config_path, config, version, workers))
        finally:
            drop()
    rate = {n: [(d / w, d / s) for w, s, d in rounds] for n, rounds in results.items()}
    for n in (1, 2):
        walls = ", ".join(f"{r[0]:.1f}" for r in rate[n])
        spans = ", ".join(f"{r[1]:.1f}" for r in rate[n])
        print(f"{n} worker(s) : {walls} documents/s en tout ; {spans} documents/s d'analyse")
    ratios_wall = [b[0] / a[0] for a, b in zip(rate[1], rate[2])]
    ratios_span = [b[1] / a[1] for a, b in zip(rate[1], rate[2])]
    print(
        f"rapport 2 / 1 : en tout {', '.join(f'{r:.2f}' for r in ratios_wall)} (médiane "
        f"{statistics.median(ratios_wall):.2f}) ; analyse seule {', '.join(f'{r:.2f}' for r in ratios_span)} "
        f"(médiane {statistics.median(ratios_span):.2f})"
    )
    try:
        print(f"charge de la machine (1, 5, 15 min) : {os.getloadavg()}")
    except OSError:
        pass


if __name__ == "__main__":
    main()
