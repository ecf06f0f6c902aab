"""The gdelt discovery source: GDELT's DOC 2.0 API proposes URLs of any outlet, at its pace.

Reading the API's answers is tested on bytes; whole crawls run against the mini-web's fake
API (``samples/miniweb/gdelt.py``), which proposes the mini-web's own articles and refuses a
request that comes too soon after the previous one, as the real one does.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from crawler.listings.gdelt import api_url, gdelt_query, parse_gdelt
from tests.crawler.conftest import expected_documents

INTERVAL = 0.3  # the fake API's pace in these tests (GDELT's own is 5 s)


def test_the_query_asks_for_any_phrase_in_french():
    assert gdelt_query(["coco.gg", "site Coco", "coco.gg"]) == '("coco.gg" OR "site Coco") sourcelang:french'
    assert gdelt_query(["Pelicot"]) == "Pelicot sourcelang:french"
    url = api_url(
        "https://api.gdeltproject.org/api/v2/doc/doc",
        "Pelicot sourcelang:french",
        datetime(2024, 9, 1, tzinfo=UTC),
        datetime(2024, 12, 1, 6, 30, tzinfo=UTC),
        250,
    )
    params = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert params == {
        "query": "Pelicot sourcelang:french",
        "mode": "artlist",
        "format": "json",
        "sort": "datedesc",
        "maxrecords": "250",
        "startdatetime": "20240901000000",
        "enddatetime": "20241201063000",
    }


def test_an_answer_gives_the_proposed_links_and_skips_broken_entries():
    body = json.dumps(
        {
            "articles": [
                {
                    "url": "https://www.lavoixdunord.fr/123/article/x",
                    "title": "Procès  à Douai",
                    "seendate": "20241125T101500Z",
                    "domain": "lavoixdunord.fr",
                    "language": "French",
                    "sourcecountry": "France",
                },
                {"url": "ftp://example.org/x", "title": "?"},
                {"title": "sans adresse"},
            ]
        }
    ).encode()
    listing = parse_gdelt(body, "https://api.gdeltproject.org/api/v2/doc/doc?query=x")
    assert [(i.url, i.title, i.lang) for i in listing.items] == [
        ("https://www.lavoixdunord.fr/123/article/x", "Procès à Douai", "fr")
    ]
    assert len(listing.problems) == 2 and all("ignoré" in p for p in listing.problems)
    assert listing.items[0].published is None  # GDELT's date is when it saw the page, not its publication


@pytest.mark.parametrize(
    "body,kind,problem",
    [
        (b"", "gdelt", None),  # nothing found
        (b"{}", "gdelt", None),
        (b"Your search contained a phrase that was too short.\n", "unknown", "l'API GDELT a répondu : Your search"),
        (b'{"articles": 3}', "unknown", "sans liste"),
    ],
)
def test_empty_answers_are_empty_and_refusals_say_what_the_api_said(body, kind, problem):
    listing = parse_gdelt(body, "https://api.gdeltproject.org/api/v2/doc/doc")
    assert listing.kind == kind and not listing.items
    assert (problem is None and not listing.problems) or problem in listing.problems[0]


@pytest.fixture
def fake_gdelt(miniweb):
    miniweb.gdelt.min_interval = INTERVAL
    try:
        yield miniweb.gdelt
    finally:
        miniweb.gdelt.min_interval = 5.0


def _api_requests(miniweb):
    return [r for r in miniweb.requests if r.service == "gdelt" and r.path != "/robots.txt"]


def _with_max_records(env, n: int) -> None:
    text = env.config.read_text(encoding="utf-8")
    env.config.write_text(
        text.replace(f"min_interval = {INTERVAL}", f"min_interval = {INTERVAL}\nmax_records = {n}"), encoding="utf-8"
    )


@pytest.mark.slow
def test_a_gdelt_crawl_stores_the_proposed_articles_of_every_outlet_once_at_the_apis_pace(
    fresh_env, miniweb, fake_gdelt
):
    env = fresh_env(gdelt=True)
    _with_max_records(env, 8)
    miniweb.reset_log()
    result = env.veille("crawl", "--source", "gdelt", "--since", "2015-01-01")
    assert result.returncode == 0, result.stderr

    api = _api_requests(miniweb)
    assert len(api) > 2 and all(r.status == 200 for r in api)  # full answers split their window
    times = [datetime.fromisoformat(r.time) for r in api]
    assert min((b - a).total_seconds() for a, b in zip(times, times[1:])) >= INTERVAL
    windows = {(parse_qs(r.query)["startdatetime"][0], parse_qs(r.query)["enddatetime"][0]) for r in api}
    assert len(windows) == len(api)

    stored = {r["canonical_url"]: r for r in env.query("SELECT canonical_url, source_id FROM documents")}
    expected = expected_documents(miniweb)
    assert stored and set(stored) <= set(expected)  # on subject only, robots.txt obeyed
    assert {r["source_id"] for r in stored.values()} == {"gdelt"}
    outlets = {expected[url].outlet for url in stored}
    assert len(outlets) >= 5, outlets  # pages of every outlet, not only the API's site
    named = {url for url, a in expected.items() if "coco.gg" in f"{a.title}\n{a.summary}\n{a.body}".lower()}
    assert named <= set(stored)  # every article the API proposed was collected
    pages = [
        (r.service, r.path, r.query)
        for r in miniweb.requests
        if r.service != "gdelt" and r.path not in ("/robots.txt", "/.well-known/tdmrep.json")
    ]
    assert pages and len(pages) == len(set(pages))  # each fetched once
    errors = env.query("SELECT url, reason FROM crawl_urls WHERE outcome = 'error'")
    assert not errors, errors


@pytest.mark.slow
def test_splitting_stops_at_max_requests_and_says_so(fresh_env, miniweb, fake_gdelt):
    env = fresh_env(gdelt=True)
    _with_max_records(env, 8)
    text = env.config.read_text(encoding="utf-8")
    env.config.write_text(text.replace("max_records = 8", "max_records = 8\nmax_requests = 3"), encoding="utf-8")
    miniweb.reset_log()
    result = env.veille("crawl", "--source", "gdelt", "--since", "2015-01-01")
    assert result.returncode == 0, result.stderr
    assert len(_api_requests(miniweb)) == 3
    skipped = env.query("SELECT reason FROM crawl_urls WHERE kind = 'api' AND outcome = 'skipped'")
    assert skipped and all(
        "3 requêtes à l'API au plus par collecte (settings.max_requests)" in r["reason"] for r in skipped
    )
    assert env.query("SELECT count(*) AS n FROM documents")[0]["n"] >= 8  # what was proposed is collected


@pytest.mark.slow
def test_what_is_known_already_is_not_asked_again_through_gdelt(fresh_env, miniweb, fake_gdelt):
    env = fresh_env(gdelt=True)
    assert env.veille("crawl", "--source", "lequotidien").returncode == 0
    before = {r["canonical_url"]: r["id"] for r in env.query("SELECT id, canonical_url FROM documents")}
    miniweb.reset_log()
    result = env.veille("crawl", "--source", "gdelt", "--since", "2015-01-01")
    assert result.returncode == 0, result.stderr
    rows = {r["canonical_url"]: r for r in env.query("SELECT id, canonical_url, source_id FROM documents")}
    assert set(before) < set(rows)  # the other outlets' articles came through GDELT
    for url, doc_id in before.items():  # the outlet's own are the same documents
        assert rows[url]["id"] == doc_id and rows[url]["source_id"] == "lequotidien"
    known = {urlsplit(url).path for url in before}
    assert not [r for r in miniweb.requests if r.service == "lequotidien" and r.path in known]
    assert "déjà connues, sans changement signalé" in result.stdout

    miniweb.reset_log()  # and a second GDELT crawl fetches no page
    again = env.veille("crawl", "--source", "gdelt", "--since", "2015-01-01")
    assert again.returncode == 0, again.stderr
    assert "0 nouveaux documents" in again.stdout
    pages = [
        r
        for r in miniweb.requests
        if r.service != "gdelt" and r.path not in ("/robots.txt", "/.well-known/tdmrep.json")
    ]
    assert not pages  # (robots.txt is read again for a page it refused last time: it may have changed)


@pytest.mark.slow
def test_in_one_crawl_gdelt_comes_after_the_outlets_own_sources(fresh_env, miniweb, fake_gdelt):
    """Each crawler keeps its own per-site limit: run side by side, an outlet would get both at once."""
    env = fresh_env(gdelt=True)
    miniweb.reset_log()
    result = env.veille("crawl", "--source", "lequotidien", "--source", "gdelt", "--since", "2015-01-01")
    assert result.returncode == 0, result.stderr
    by_source = {}
    for row in env.query("SELECT source_id, fetched_at FROM documents"):
        by_source.setdefault(row["source_id"], []).append(row["fetched_at"])
    assert set(by_source) == {"lequotidien", "gdelt"}
    assert max(by_source["lequotidien"]) < min(by_source["gdelt"])
    first_api = min(datetime.fromisoformat(r.time) for r in _api_requests(miniweb))
    own = [
        datetime.fromisoformat(r.time)
        for r in miniweb.requests
        if r.service == "lequotidien" and r.status == 200 and r.path not in ("/robots.txt", "/.well-known/tdmrep.json")
    ]
    assert own and sum(t < first_api for t in own) >= len(by_source["lequotidien"])


def test_a_refused_query_is_one_clear_line_and_no_page_is_fetched(fresh_env, miniweb, fake_gdelt):
    env = fresh_env(gdelt=True)
    text = env.config.read_text(encoding="utf-8")
    env.config.write_text(
        text.replace(f"min_interval = {INTERVAL}", f'min_interval = {INTERVAL}\nquery = "coco"'), encoding="utf-8"
    )
    miniweb.reset_log()
    result = env.veille("crawl", "--source", "gdelt")
    assert result.returncode == 0, result.stderr
    assert "Liste de liens non lue — gdelt : l'API GDELT a répondu : La requête doit contenir" in result.stdout
    assert not [r for r in miniweb.requests if r.service != "gdelt"]
    row = env.query("SELECT outcome, error_kind, reason FROM crawl_urls WHERE kind = 'api'")
    assert [(r["outcome"], r["error_kind"]) for r in row] == [("error", "listing")]


def test_sources_check_asks_the_api_once_and_counts_what_it_proposes(fresh_env, miniweb, fake_gdelt):
    env = fresh_env(gdelt=True)
    miniweb.reset_log()
    result = env.veille("sources", "check", "--source", "gdelt")
    assert result.returncode == 0, result.stderr
    line = result.stdout.strip().splitlines()[0]
    # The mini-web's articles are older than the API's three months: it answers, proposing none.
    assert line.startswith("gdelt") and "API GDELT" in line and "répond et propose 0 article(s)" in line, line
    assert len(_api_requests(miniweb)) == 1
