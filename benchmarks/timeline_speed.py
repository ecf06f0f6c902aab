"""Timeline speed against Jinja2 alone rendering the same entries, measured in the same run.

    .venv/bin/python benchmarks/timeline_speed.py [--events 100000] [--repeat 3]

1. Fills a fresh database (made on ``DATABASE_URL``'s server, else
   an embedded PostgreSQL in a temporary folder) with synthetic stored facts: documents
   from 8 outlets about 40 towns, ``--events`` events, a few minors named in the texts;
   then groups them into cases and happenings (``cases.grouping.recompute_cases``, timed apart).
2. Times the timeline's work as the command does it (``reports.timeline.page.write_timeline``:
   the queries, the anonymisation, the page, and the four exports, in one process on one
   connection), best of ``--repeat``; and the real ``veille timeline`` command, start-up included
   (end to end: what a user waits for), best of ``--repeat``.
3. Times Jinja2 alone rendering the same template (``timeline.html.j2``) with the same entries,
   already built in memory, into a file: the baseline.
4. Prints the plan of the timeline's query (the one its ``COPY … TO STDOUT`` streams).

Targets: the timeline's work within 2 times Jinja2's rendering of the same list; a dossier of
10,000 entries (``--events 11800`` gives about that many) in 2 s end to end.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PARIS = ZoneInfo("Europe/Paris")
OUTLETS = [
    ("lequotidien", "Le Quotidien"),
    ("echodunord", "L'Écho du Nord"),
    ("courrierprovence", "Le Courrier de Provence"),
    ("infocontinu", "InfoContinu"),
    ("radionord", "Radio Nord Publique"),
    ("ledecodeur", "Le Décodeur"),
    ("pretoire", "Prétoire"),
    ("enfanceprotegee", "Enfance Protégée"),
]
TOWNS = [
    "Mazan",
    "Carpentras",
    "Avignon",
    "Valenciennes",
    "Denain",
    "Grande-Synthe",
    "Dunkerque",
    "Lille",
    "Lomme",
    "Roubaix",
    "Tourcoing",
    "Douai",
    "Mâcon",
    "Dijon",
    "Reims",
    "Marseille",
    "Nîmes",
    "Montpellier",
    "Toulouse",
    "Bordeaux",
    "Nantes",
    "Rennes",
    "Brest",
    "Caen",
    "Rouen",
    "Amiens",
    "Metz",
    "Nancy",
    "Strasbourg",
    "Mulhouse",
    "Besançon",
    "Grenoble",
    "Lyon",
    "Saint-Étienne",
    "Clermont-Ferrand",
    "Limoges",
    "Poitiers",
    "Tours",
    "Orléans",
    "Fort-de-France",
]
KINDS = [
    "crime",
    "arrest",
    "indictment",
    "trial_opening",
    "hearing",
    "verdict",
    "sentence",
    "appeal",
    "complaint",
    "other",
]
VERBS = {
    "crime": "a été agressé",
    "arrest": "ont été interpellés",
    "indictment": "ont été mis en examen",
    "trial_opening": "s'ouvre le procès",
    "hearing": "ont comparu",
    "verdict": "a rendu son jugement",
    "sentence": "a été condamné",
    "appeal": "a fait appel",
    "complaint": "a porté plainte",
    "other": "se sont réunis",
}
MINORS = ["Lina Duquesne", "Théo Marchal", "Inès Carpentier", "Noah Lefebvre", "Jade Vasseur"]


def database_url(tmp: Path) -> str:
    from benchmarks.scratch import scratch_url

    return scratch_url(tmp, "timeline")


def fill(conn, n_events: int, seed: int = 7) -> None:
    """Synthetic stored facts: what the crawler and the NLP stage would have written."""
    rng = random.Random(seed)
    conn.execute(
        "INSERT INTO dossiers (slug, title, terms) VALUES ('coco', 'Le site Coco', '{coco.gg}') ON CONFLICT DO NOTHING"
    )
    for sid, name in OUTLETS:
        conn.execute(
            "INSERT INTO sources (id, name, kind, urls) VALUES (%s, %s, 'feed', %s) ON CONFLICT DO NOTHING",
            (sid, name, [f"https://{sid}.example/rss.xml"]),
        )
    n_docs = max(1, n_events * 2 // 5)
    start = date(2010, 1, 1)
    docs, events, minors = [], [], []
    for d in range(1, n_docs + 1):
        town = TOWNS[d % len(TOWNS)]
        # Each town sees a few cases, each covered for a few months.
        case_start = start + timedelta(days=(d % 7) * 700 + (d % len(TOWNS)) * 3)
        published = datetime.combine(
            case_start + timedelta(days=rng.randrange(0, 120)), datetime.min.time(), tzinfo=PARIS
        ) + timedelta(hours=rng.randrange(6, 22))
        sentences = []
        for _ in range(2 if d % 2 else 3):
            if len(events) >= n_events:
                break
            kind = rng.choice(KINDS)
            when = case_start + timedelta(days=rng.randrange(0, 110))
            sentence = (
                f"À {town}, le {when.day} {when.month}, les personnes mises en cause {VERBS[kind]} selon le parquet "
                f"(dossier {d % 97}), d'après les éléments recueillis par la rédaction auprès des enquêteurs."
            )
            offset = sum(len(s) + 1 for s in sentences)
            sentences.append(sentence)
            events.append((d, when, kind, f"{VERBS[kind].capitalize()} à {town}", sentence, offset, town))
        if d % 800 == 0:
            name = MINORS[d % len(MINORS)]
            sentence = f"{name}, 14 ans, a été entendue à {town}."
            offset = sum(len(s) + 1 for s in sentences)
            sentences.append(sentence)
            minors.append((d, name, offset))
        source = OUTLETS[d % len(OUTLETS)][0]
        docs.append(
            (
                d,
                f"https://{source}.example/{d}",
                source,
                f"{town} : un point sur l'enquête n° {d}",
                published,
                " ".join(sentences),
            )
        )
    with conn.cursor() as cur:
        with cur.copy(
            "COPY documents (id, canonical_url, url, source_id, title, published_at, text, lang) FROM STDIN"
        ) as cp:
            for d, url, source, title, published, text in docs:
                cp.write_row((d, url, url, source, title, published, text, "fr"))
        with cur.copy("COPY document_dossiers (document_id, dossier_slug, score, reason) FROM STDIN") as cp:
            for d, *_ in docs:
                cp.write_row((d, "coco", 1.0, "banc d'essai"))
        with cur.copy(
            "COPY events (document_id, event_date, precision, kind, summary, upcoming, places, evidence, "
            "evidence_start, evidence_end) FROM STDIN"
        ) as cp:
            for d, when, kind, summary, sentence, offset, town in events:
                cp.write_row((d, when, "day", kind, summary, False, [town], sentence, offset, offset + len(sentence)))
        for d, name, offset in minors:
            entity = cur.execute(
                """INSERT INTO entities (label, canonical, key, minor) VALUES ('PER', %s, lower(%s), true)
                                    ON CONFLICT (label, key) DO UPDATE SET minor = true RETURNING id""",
                (name, name),
            ).fetchone()["id"]
            cur.execute(
                """INSERT INTO mentions (document_id, entity_id, start_char, end_char, text, minor, sentence_start,
                                                 sentence_end) VALUES (%s, %s, %s, %s, %s, true, %s, %s)""",
                (d, entity, offset, offset + len(name), name, offset, offset + 40),
            )
    conn.execute("SELECT setval('documents_id_seq', (SELECT max(id) FROM documents))")
    conn.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000, help="events in the database (default 100 000)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each side (best kept)")
    args = parser.parse_args()

    import psycopg
    from psycopg import sql
    from psycopg.rows import dict_row

    from cases.grouping import recompute_cases
    from reports import queries
    from reports.minors import load_redactor
    from reports.rendering import environment
    from reports.timeline.header import timeline_context
    from reports.timeline.page import write_timeline
    from veille.config import load_config
    from veille.db import migrate, sync_config

    with tempfile.TemporaryDirectory(prefix="veille-bench-") as folder:
        tmp = Path(folder)
        url = database_url(tmp)
        config = load_config()
        with psycopg.connect(url, row_factory=dict_row, autocommit=True) as conn:
            migrate(conn)
            sync_config(conn, config)
            t = time.perf_counter()
            fill(conn, args.events)
            print(f"données : {args.events} événements insérés en {time.perf_counter() - t:.1f} s", flush=True)
            t = time.perf_counter()
            counts = recompute_cases(conn, config)
            conn.execute("ANALYZE")
            grouping = time.perf_counter() - t
            print(
                f"regroupement (veille cases) : {counts['cases']} affaires, {counts['happenings']} entrées "
                f"en {grouping:.1f} s",
                flush=True,
            )

            conn.execute("VACUUM ANALYZE")  # no autovacuum pass on the new rows during the timed runs

            # Alternated rounds: the timeline's work, Jinja2 alone, the command. The baseline's entries
            # are built before its rendering and dropped after it, so that no round carries them.
            command_times, jinja_times, cli_times = [], [], []
            out = tmp / "timeline"
            template = environment().get_template("timeline.html.j2")
            env = {**os.environ, "DATABASE_URL": url}
            for _ in range(args.repeat):
                t = time.perf_counter()
                write_timeline(conn, config, "coco", out)
                command_times.append(time.perf_counter() - t)

                # The baseline: the same template and the same entries, built beforehand, rendered to a file.
                redactor = load_redactor(conn)
                generated = datetime.now(PARIS)
                context = timeline_context(conn, config, "coco", generated.date(), None, redactor, generated)
                entries = list(queries.iter_happenings(conn, "coco", redactor=redactor))
                t = time.perf_counter()
                with (tmp / "jinja-alone.html").open("w", encoding="utf-8") as fh:
                    fh.writelines(template.generate(**context, entries=entries))
                jinja_times.append(time.perf_counter() - t)
                n_entries = len(entries)
                del entries, context

                t = time.perf_counter()
                result = subprocess.run(
                    [sys.executable, "-m", "veille", "-q", "timeline", "--dossier", "coco", "--out", str(tmp / "cli")],
                    env=env,
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                )
                cli_times.append(time.perf_counter() - t)
                if result.returncode != 0:
                    sys.exit(f"veille timeline a échoué : {result.stderr}")
            page_size = (out / "index.html").stat().st_size
            cli = min(cli_times)

            explain = sql.SQL("EXPLAIN {}").format(sql.SQL(queries.QUERIES["happenings"]))
            plan = conn.execute(explain, queries.happenings_params("coco")).fetchall()

        best_cmd, best_jinja = min(command_times), min(jinja_times)
        print()
        print(f"entrées rendues : {n_entries} (page de {page_size / 1e6:.1f} Mo, plus les exports)")
        print(
            f"chronologie (requêtes, anonymisation, page et exports) : {best_cmd:.2f} s "
            f"(meilleur de {args.repeat} : {', '.join(f'{x:.2f}' for x in command_times)})"
        )
        print(
            f"Jinja2 seul, même gabarit et mêmes entrées : {best_jinja:.2f} s "
            f"(meilleur de {args.repeat} : {', '.join(f'{x:.2f}' for x in jinja_times)})"
        )
        ratio = best_cmd / best_jinja
        print(
            f"rapport chronologie / Jinja2 seul : {ratio:.2f} (objectif ≤ 2) — {'atteint' if ratio <= 2 else 'MANQUÉ'}"
        )
        print(
            f"commande « veille timeline » de bout en bout (démarrage compris) : {cli:.2f} s "
            f"(meilleur de {args.repeat} : {', '.join(f'{x:.2f}' for x in cli_times)}) pour {n_entries} entrées"
        )
        print(f"regroupement en affaires (veille cases, à part) : {grouping:.1f} s")
        print()
        print("plan de la requête de la chronologie :")
        for row in plan:
            print("  " + row["QUERY PLAN"])


if __name__ == "__main__":
    main()
