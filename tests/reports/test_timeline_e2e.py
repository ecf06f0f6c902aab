"""The whole chain on the sample corpus: crawl the mini-web → nlp run → cases → timeline.

Skipped while the NLP stage (``nlp/cli.py``) is not there; the other timeline tests use stored
gold facts instead and do not need it."""

from __future__ import annotations

import html
import re

import psycopg
import pytest
from psycopg.rows import dict_row

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def chain(miniweb, pg_admin_url, template_db, tmp_path_factory):
    from psycopg.conninfo import make_conninfo

    from tests.conftest import run_veille
    from tests.reports.timeline_builder import drop_database

    name = "veille_timeline_e2e"
    with psycopg.connect(pg_admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"')
    url = make_conninfo(pg_admin_url, dbname=name)
    tmp = tmp_path_factory.mktemp("e2e")
    config = miniweb.write_config(tmp / "veille.toml", judilibre=False, wayback=False, crawl={"download_delay": 0.0})
    env = {"DATABASE_URL": url}
    steps = {}
    for step in (
        ["crawl"],
        ["nlp", "run"],
        ["cases"],
        ["timeline", "--dossier", "coco", "--out", str(tmp / "timeline"), "--date", "2024-08-30"],
    ):
        result = run_veille("--config", str(config), *step, env=env, timeout=900)
        steps[step[0]] = result
        assert result.returncode == 0, (step, result.stderr[-2000:])
    yield url, tmp / "timeline", steps
    drop_database(pg_admin_url, name)


def test_the_chain_produces_a_timeline_a_journalist_can_check(chain):
    url, out, steps = chain
    page = (out / "index.html").read_text(encoding="utf-8")
    entries = re.findall(r'<article class="entry[^"]*" id="([^"]+)"', page)
    assert len(entries) >= 20
    assert "affaire" in steps["cases"].stdout
    with psycopg.connect(url, row_factory=dict_row) as conn:
        texts = [r["text"] for r in conn.execute("SELECT text FROM documents WHERE text <> ''")]
        slugs = {r["slug"] for r in conn.execute("SELECT slug FROM cases")}
        minors = [
            r["n"]
            for r in conn.execute(
                """SELECT DISTINCT m.text AS n FROM mentions m JOIN entities en ON en.id = m.entity_id
                WHERE en.label = 'PER' AND (m.minor OR en.minor) AND length(m.text) > 2"""
            )
        ]
    assert any("mazan" in s for s in slugs)
    # Every entry is traceable to its sentence in a stored article.
    for quote in re.findall(r"<blockquote[^>]*>\s*<p>« (.*?) »</p>", page, re.S):
        sentence = html.unescape(quote)
        if "[mineur]" not in sentence:
            assert any(sentence in t for t in texts), sentence
    # No minor is named, in the page or in any export.
    for f in out.iterdir():
        content = f.read_text(encoding="utf-8-sig")
        for name in minors:
            assert not re.search(rf"(?<!\w){re.escape(name)}(?!\w)", content, re.I), (f.name, name)
