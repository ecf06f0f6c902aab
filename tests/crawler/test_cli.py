"""``veille sources list|check`` and the crawl command's own errors, as a user runs them."""

from __future__ import annotations

import pytest

from tests.conftest import run_veille
from veille.config import load_config


def test_sources_list_shows_one_line_per_source(crawl_env):
    result = crawl_env.veille("sources", "list")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert any(line.startswith("lequotidien") and "flux" in line and "Le Quotidien" in line for line in lines)
    assert lines[-1] == "10 source(s) configurée(s)."


def test_sources_check_against_the_mini_web(crawl_env):
    result = crawl_env.veille("sources", "check")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 11
    for sid in ("lequotidien", "courrierprovence", "infocontinu", "ledecodeur"):
        assert any(line.startswith(sid) and "répond et liste" in line and "article(s)" in line for line in lines)
    assert any(line.startswith("echodunord") and "sitemap(s)" in line for line in lines)
    assert any(line.startswith("enfanceprotegee") and "résultat(s)" in line for line in lines)
    assert lines[-1].startswith("10/10 source(s)")


def test_sources_check_does_not_ask_what_robots_txt_closes(crawl_env, miniweb, tmp_path):
    """Prétoire's robots.txt closes /recherche to everyone: a search source there is reported, not asked."""
    pretoire = miniweb.sites["pretoire"].url("/recherche?q={query}&page={page}")
    config = tmp_path / "veille.toml"
    config.write_text(
        crawl_env.config.read_text(encoding="utf-8")
        + f"""
[[sources]]
id = "pretoire-recherche"
name = "Prétoire (recherche)"
kind = "search"
urls = ["{pretoire}"]
dossiers = ["coco"]
allow_private = true
""",
        encoding="utf-8",
    )
    miniweb.reset_log()
    result = run_veille(
        "--config",
        str(config),
        "sources",
        "check",
        "--source",
        "pretoire-recherche",
        env={"DATABASE_URL": crawl_env.db_url},
    )
    assert result.returncode == 0, result.stderr
    line = result.stdout.strip().splitlines()[0]
    assert line.startswith("pretoire-recherche") and "interdit par le robots.txt" in line, line
    assert "(User-agent veille" in line  # the name robots.txt rules are matched against
    assert not [r for r in miniweb.requests if "/recherche" in r.path]  # never asked


@pytest.mark.slow
def test_sources_check_offline_reports_each_real_outlet_unreachable(veille):
    result = veille("sources", "check", "--timeout", "3")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    sources = load_config().sources
    assert len(lines) == len(sources) + 1 and len(sources) >= 18
    for source, line in zip(sources, lines):
        assert line.startswith(source.id) and "injoignable : nom de domaine introuvable" in line, line
    assert lines[-1] == f"0/{len(sources)} source(s) répondent et listent des articles."


def test_crawl_of_an_unknown_source_is_one_clear_error(crawl_env):
    result = crawl_env.veille("crawl", "--source", "lemonde")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert "source inconnue : « lemonde »" in result.stderr


def test_crawl_with_a_bad_date_is_one_clear_error(crawl_env):
    result = crawl_env.veille("crawl", "--since", "2024-13-45")
    assert result.returncode == 1 and "date invalide pour --since" in result.stderr


def test_crawl_of_a_judilibre_source_syncs_it_and_skips_it_without_key(crawl_env):
    # `veille crawl` hands API sources to their own client; without a key: one line, no failure.
    result = crawl_env.veille("crawl", "--source", "judilibre", env={"JUDILIBRE_KEY_ID": ""})
    assert result.returncode == 0, result.stderr
    lines = (result.stdout + result.stderr).strip().splitlines()
    assert [line for line in lines if "judilibre" in line] == [
        "judilibre : source « judilibre » ignorée : pas de clé API (variable JUDILIBRE_KEY_ID vide) — créez une "
        "application sur piste.gouv.fr et exportez sa clé (KeyId)"
    ]


def test_since_leaves_older_articles_out(fresh_env):
    env = fresh_env()
    result = env.veille("crawl", "--source", "ledecodeur", "--since", "2024-06-01")
    assert result.returncode == 0, result.stderr
    dates = [r["published_at"] for r in env.query("SELECT published_at FROM documents")]
    assert dates and min(dates).year >= 2024 and "antérieures à --since" in result.stdout


def test_help_is_in_french(crawl_env):
    result = crawl_env.veille("crawl", "--help")
    assert "Collecter les articles" in result.stdout and "--since" in result.stdout
