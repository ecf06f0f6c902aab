"""robots.txt, TDMRep, conditional requests, content types, request log, injected failures."""

from __future__ import annotations

import json

from lxml import html
from protego import Protego

from tests.samples.samples_http import fetch


def test_robots_txt(miniweb):
    robots = {oid: fetch(url + "/robots.txt") for oid, url in miniweb.outlets.items()}
    for r in robots.values():
        assert r.status == 200 and r.headers["Content-Type"].startswith("text/plain")
        assert "User-agent: *" in r.text
    lq = Protego.parse(robots["lequotidien"].text)
    base = miniweb.outlets["lequotidien"]
    assert not lq.can_fetch(base + "/abonnes/offres", "veille")
    assert lq.can_fetch(base + "/justice/2024/09/02/x.html", "veille")
    assert not lq.can_fetch(base + "/justice/2024/09/02/x.html", "GPTBot")
    assert Protego.parse(robots["radionord"].text).crawl_delay("veille") == 1
    for oid in ("echodunord", "radionord", "pretoire"):
        assert f"Sitemap: {miniweb.outlets[oid]}/sitemap.xml" in robots[oid].text
    assert not Protego.parse(robots["ledecodeur"].text).can_fetch(
        miniweb.outlets["ledecodeur"] + "/wp-admin/", "veille"
    )


def test_tdmrep(miniweb):
    base = miniweb.outlets["courrierprovence"]
    well_known = fetch(base + "/.well-known/tdmrep.json")
    assert well_known.status == 200
    rules = well_known.json()
    assert rules[0]["location"] == "/*" and rules[0]["tdm-reservation"] == 1
    assert rules[0]["tdm-policy"].startswith("http")
    assert fetch(rules[0]["tdm-policy"]).json()["profile"] == "http://www.w3.org/ns/tdmrep"
    for path in ("/", "/atom.xml", "/robots.txt"):
        assert fetch(base + path).headers["tdm-reservation"] == "1"
    article = miniweb.articles("courrierprovence")
    page = fetch(miniweb.article_url(article[0]) if article else base + "/")
    assert page.headers["tdm-reservation"] == "1"
    doc = html.fromstring(page.body)
    assert doc.xpath("//meta[@name='tdm-reservation']/@content") == ["1"]
    other = fetch(miniweb.outlets["lequotidien"] + "/")
    assert other.headers["tdm-reservation"] is None
    assert fetch(miniweb.outlets["lequotidien"] + "/.well-known/tdmrep.json").status == 404


def test_conditional_requests(miniweb_log):
    web = miniweb_log
    for url in (
        web.outlets["lequotidien"] + "/rss.xml",
        web.outlets["echodunord"] + "/sitemap.xml",
        web.outlets["ledecodeur"] + "/",
        web.outlets["lequotidien"] + "/robots.txt",
    ):
        first = fetch(url)
        etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
        assert first.status == 200 and etag and last_modified
        assert fetch(url, {"If-None-Match": etag}).status == 304
        assert fetch(url, {"If-Modified-Since": last_modified}).status == 304
        assert fetch(url, {"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status == 200
        assert fetch(url, {"If-None-Match": '"autre"'}).status == 200
    log = web.requests
    assert any(r.if_none_match and r.status == 304 for r in log)
    assert any(r.if_modified_since and r.status == 304 for r in log)


def test_article_conditional_and_content_type(testweb):
    article = testweb.articles("lequotidien")[0]
    url = testweb.article_url(article)
    page = fetch(url)
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert fetch(url, {"If-None-Match": page.headers["ETag"]}).status == 304
    feed = fetch(testweb.outlets["lequotidien"] + "/rss.xml")
    assert feed.headers["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert (
        fetch(testweb.outlets["courrierprovence"] + "/atom.xml")
        .headers["Content-Type"]
        .startswith("application/atom+xml; charset=utf-8")
    )
    head = fetch(url, method="HEAD")
    assert head.status == 200 and head.body == b""


def test_request_log(miniweb_log, tmp_path):
    web = miniweb_log
    fetch(web.outlets["radionord"] + "/?x=1", {"User-Agent": "veille-test/0.1"})
    fetch(web.outlets["radionord"] + "/nope")
    records = web.requests
    assert [r.status for r in records] == [200, 404]
    first = records[0]
    assert (first.method, first.outlet, first.path, first.query) == ("GET", "radionord", "/", "x=1")
    assert first.user_agent == "veille-test/0.1" and first.time
    web.write_log(tmp_path / "log.jsonl")
    lines = (tmp_path / "log.jsonl").read_text().splitlines()
    assert json.loads(lines[1])["status"] == 404 and json.loads(lines[0])["outlet"] == "radionord"
    web.reset_log()
    assert web.requests == []


def test_fail_next_on_outlet(miniweb_log):
    web = miniweb_log
    url = web.outlets["pretoire"] + "/robots.txt"
    web.fail_next("pretoire", 503, 2)
    first = fetch(url)
    assert first.status == 503 and first.headers["Retry-After"]
    assert fetch(url).status == 503
    assert fetch(url).status == 200


def test_paywall_teaser(testweb):
    article = next(a for a in testweb.articles("lequotidien") if a.paywall)
    page = fetch(testweb.article_url(article)).text
    assert "Premier paragraphe" in page and "Deuxième paragraphe" in page
    assert "Troisième paragraphe" not in page and "Quatrième" not in page
    assert "réservée aux abonnés" in page
    assert '"isAccessibleForFree": false' in page
    assert fetch(testweb.outlets["lequotidien"] + "/abonnes/offres").status == 403


def test_metadata_families(testweb):
    lq = html.fromstring(fetch(testweb.article_url(testweb.articles("lequotidien")[0])).body)
    data = json.loads(lq.xpath("//script[@type='application/ld+json']/text()")[0])
    assert data["@type"] == "NewsArticle"
    for key in ("headline", "datePublished", "dateModified", "author", "publisher"):
        assert key in data
    assert not lq.xpath("//meta[@property='article:published_time']")
    ic = html.fromstring(fetch(testweb.article_url(testweb.articles("infocontinu")[0])).body)
    assert ic.xpath("//meta[@property='article:published_time']/@content")
    assert not ic.xpath("//script[@type='application/ld+json']")
    ep = html.fromstring(fetch(testweb.article_url(testweb.articles("enfanceprotegee")[0])).body)
    assert not ep.xpath("//script[@type='application/ld+json']")
    assert not ep.xpath("//meta[starts-with(@property, 'article:')]")


def test_relative_date_follows_the_clock(testweb):
    article = testweb.articles("infocontinu")[0]
    assert "il y a 3 heures" in fetch(testweb.article_url(article)).text
    testweb.clock.advance(days=2)
    try:
        assert "il y a 2 jours" in fetch(testweb.article_url(article)).text
    finally:
        testweb.clock.advance(days=-2)


def test_wordpress_trailing_slash_and_404(miniweb):
    base = miniweb.outlets["ledecodeur"]
    articles = miniweb.articles("ledecodeur")
    if articles:
        url = miniweb.article_url(articles[0])
        moved = fetch(url.rstrip("/"), follow=False)
        assert moved.status == 301 and moved.headers["Location"] == url
        entry = next(e for e in miniweb.sites["ledecodeur"].entries if e.article == articles[0])
        short = fetch(f"{base}/?p={entry.number}", follow=False)
        assert short.status == 301 and short.headers["Location"] == url
    missing = fetch(base + "/2024/01/01/nexiste-pas/")
    assert missing.status == 404 and "text/html" in missing.headers["Content-Type"]
