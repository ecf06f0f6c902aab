"""An article updated after publication keeps its history; TDM policies; refused addresses."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from crawler.urls import canonical_url


def test_an_updated_article_is_fetched_again_and_keeps_its_previous_text(fresh_env, miniweb):
    env = fresh_env()
    assert env.veille("crawl", "--source", "lequotidien").returncode == 0
    site = miniweb.sites["lequotidien"]
    entry = next(
        e
        for e in site.entries
        if not e.hostile and e.article.topic == "coco" and e.path and not e.path.startswith("/abonnes/")
    )
    original = entry.article
    try:
        entry.article = dataclasses.replace(
            original,
            body=original.body + "\n\nMise à jour : le parquet a fait appel de la décision.",
            modified=original.published + timedelta(days=1),
        )
        miniweb.reset_log()
        result = env.veille("crawl", "--source", "lequotidien")
    finally:
        entry.article = original
    assert result.returncode == 0, result.stderr
    assert "1 mis à jour" in result.stdout and "0 nouveaux documents" in result.stdout
    url = canonical_url(site.url(entry.path))
    doc = env.query("SELECT id, text, modified_at FROM documents WHERE canonical_url = %s", (url,))[0]
    assert "le parquet a fait appel" in doc["text"]
    assert doc["modified_at"] == original.published + timedelta(days=1)
    versions = env.query("SELECT text FROM document_versions WHERE document_id = %s", (doc["id"],))
    assert len(versions) == 1 and "le parquet a fait appel" not in versions[0]["text"]
    assert {r.status for r in miniweb.requests if r.path == entry.path} == {200}
    assert all(r.status == 304 for r in miniweb.requests if r.path.endswith(".html") and r.path != entry.path)


def test_policy_skip_does_not_even_fetch_reserved_pages(fresh_env, miniweb):
    env = fresh_env(crawl={"tdm_policy": "skip"})
    miniweb.reset_log()
    result = env.veille("crawl", "--source", "courrierprovence")
    assert result.returncode == 0, result.stderr
    assert env.query("SELECT count(*) AS n FROM documents")[0]["n"] == 0
    outcomes = {r["outcome"] for r in env.query("SELECT outcome FROM crawl_urls WHERE kind = 'page'")}
    assert outcomes == {"tdm"}
    assert "réservées (TDM, politique skip)" in result.stdout
    assert {r.path for r in miniweb.requests} <= {"/robots.txt", "/atom.xml", "/.well-known/tdmrep.json"}


def test_policy_ignore_keeps_everything_and_says_so(fresh_env):
    env = fresh_env(crawl={"tdm_policy": "ignore"})
    assert env.veille("crawl", "--source", "courrierprovence").returncode == 0
    rows = env.query("SELECT tdm_reserved, tdm_policy, text_withheld, raw_html IS NOT NULL AS html FROM documents")
    assert rows and all(
        r["tdm_reserved"] and r["tdm_policy"] == "ignore" and not r["text_withheld"] and r["html"] for r in rows
    )


def test_private_addresses_and_unknown_hosts_are_refused_with_one_line_each(fresh_env, miniweb, tmp_path):
    env = fresh_env()
    config = tmp_path / "refus.toml"
    config.write_text(
        f'''
[crawl]
download_delay = 0.0

[[sources]]
id = "local"
name = "Site local"
kind = "feed"
urls = ["{miniweb.outlets["lequotidien"]}/rss.xml"]

[[sources]]
id = "introuvable"
name = "Site introuvable"
kind = "sitemap"
urls = ["http://flux.introuvable.invalid/sitemap.xml"]
''',
        encoding="utf-8",
    )
    miniweb.reset_log()
    result = env.veille("--config", str(config), "crawl")
    assert result.returncode == 0, result.stderr
    assert "Liste de liens non lue — local : adresse privée ou locale refusée" in result.stdout
    assert "Liste de liens non lue — introuvable : nom de domaine introuvable" in result.stdout
    assert miniweb.requests == []
    rows = {r["source_id"]: r for r in env.query("SELECT source_id, outcome, error_kind FROM crawl_urls")}
    assert rows["local"]["outcome"] == "refused"
    assert (rows["introuvable"]["outcome"], rows["introuvable"]["error_kind"]) == ("error", "dns")
