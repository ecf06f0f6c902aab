"""Fake Wayback Machine: CDX search shape and replay headers."""

from __future__ import annotations

from urllib.parse import urlencode

from tests.samples.samples_http import fetch

FIELDS = ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]


def cdx(web, **params):
    return fetch(f"{web.cdx_url}?{urlencode(params, doseq=True)}")


def test_cdx_json_shape(miniweb):
    base = miniweb.outlets["lequotidien"]
    rows = cdx(miniweb, url=base + "/", matchType="prefix", output="json").json()
    assert rows[0] == FIELDS
    assert len(rows) > 3
    for row in rows[1:]:
        assert len(row) == 7 and len(row[1]) == 14 and row[2].startswith(base)
    assert rows[1:] == sorted(rows[1:], key=lambda r: (r[0], r[1]))


def test_cdx_filters_fields_and_dates(miniweb):
    base = miniweb.outlets["echodunord"]
    ok = cdx(
        miniweb, url=base + "/", matchType="prefix", output="json", fl="original,statuscode", filter="statuscode:200"
    ).json()
    assert ok[0] == ["original", "statuscode"] and all(r[1] == "200" for r in ok[1:])
    not_ok = cdx(miniweb, url=base + "/", matchType="prefix", output="json", filter="!statuscode:200").json()
    assert {r[4] for r in not_ok[1:]} == {"404", "301"}
    early = cdx(miniweb, url=base + "/", matchType="prefix", output="json", to="2024").json()
    assert all(r[1] <= "20241231235959" for r in early[1:])
    dom = cdx(miniweb, url="127.0.0.1", matchType="domain", output="json", limit=5).json()
    assert len(dom) == 6
    text = cdx(miniweb, url=base + "/", matchType="prefix", limit=2).text.splitlines()
    assert len(text) == 2 and len(text[0].split(" ")) == 7


def test_cdx_resume_key(miniweb):
    base = miniweb.outlets["lequotidien"]
    everything = cdx(miniweb, url=base + "/", matchType="prefix", output="json").json()[1:]
    got, resume = [], None
    while True:
        params = dict(url=base + "/", matchType="prefix", output="json", limit=3, showResumeKey="true")
        if resume:
            params["resumeKey"] = resume
        rows = cdx(miniweb, **params).json()
        if rows and rows[-2:-1] == [[]]:
            resume = rows[-1][0]
            rows = rows[:-2]
        else:
            resume = None
        got += rows[1:]
        if not resume:
            break
    assert got == everything


def test_replay_headers(miniweb):
    rows = cdx(
        miniweb,
        url=miniweb.outlets["lequotidien"] + "/",
        matchType="prefix",
        output="json",
        filter=["statuscode:200", "mimetype:text/html"],
    ).json()
    urlkey, ts, original = rows[-1][:3]
    page = fetch(f"{miniweb.wayback_url}/web/{ts}id_/{original}")
    assert page.status == 200
    assert page.headers["Memento-Datetime"].endswith("GMT")
    assert f'<{original}>; rel="original"' in page.headers["Link"]
    assert b"<html" in page.body.lower() and b"WAYBACK TOOLBAR" not in page.body
    nearest = fetch(f"{miniweb.wayback_url}/web/{ts[:8]}id_/{original}", follow=False)
    assert nearest.status == 302 and ts in nearest.headers["Location"]
    missing = fetch(f"{miniweb.wayback_url}/web/2020id_/http://nulle-part.example/")
    assert missing.status == 404


def test_articles_of_two_outlets_are_archived(miniweb):
    for oid in ("lequotidien", "echodunord"):
        articles = miniweb.articles(oid)
        if not articles:
            continue
        rows = cdx(miniweb, url=miniweb.article_url(articles[-1]), output="json").json()
        assert rows and rows[1][1][:4] == str(articles[-1].published.year)
