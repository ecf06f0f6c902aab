"""The veille config written by MiniWeb.write_config."""

from __future__ import annotations

import tomllib
from urllib.parse import quote_plus

from lxml import html

from samples.corpus import load_outlets
from tests.samples.samples_http import fetch


def test_write_config(miniweb, tmp_path):
    path = miniweb.write_config(tmp_path / "veille.toml", crawl={"user_agent": "veille-test/0.1"})
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert data["crawl"]["user_agent"] == "veille-test/0.1"
    sources = {s["id"]: s for s in data["sources"]}
    outlets = load_outlets()
    assert set(outlets) | {"judilibre", "wayback"} == set(sources)
    expected_kind = {"rss": "feed", "atom": "feed", "sitemap": "sitemap", "search": "search"}
    for oid, outlet in outlets.items():
        s = sources[oid]
        assert s["kind"] == expected_kind[outlet.discovery[0]]
        assert s["allow_private"] is True and s["urls"][0].startswith(miniweb.outlets[oid])
    assert sources["judilibre"]["settings"]["key_env"] == "JUDILIBRE_KEY_ID"
    assert sources["judilibre"]["urls"] == [miniweb.judilibre_url]
    assert sources["wayback"]["kind"] == "wayback"


def test_search_sources_work_with_their_selectors(miniweb, tmp_path):
    path = miniweb.write_config(tmp_path / "all.toml", channels="all")
    sources = tomllib.loads(path.read_text(encoding="utf-8"))["sources"]
    search = [s for s in sources if s["kind"] == "search"]
    assert {s["id"] for s in search} == {"enfanceprotegee", "infocontinu-search", "ledecodeur-search"}
    for s in search:
        url = s["urls"][0]
        assert "{query}" in url and "{page}" in url
        page = html.fromstring(fetch(url.format(query=quote_plus(""), page=1)).body)
        oid = s["id"].split("-")[0]
        if miniweb.articles(oid):
            assert page.cssselect(s["settings"]["result_selector"])
        if len(miniweb.articles(oid)) > 5:
            assert page.cssselect(s["settings"]["next_selector"])
