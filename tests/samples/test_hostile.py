"""The broken and hostile pages behave as documented, and crawlers can meet them."""

from __future__ import annotations

import json
import time

import pytest
from lxml import etree, html

from tests.samples.samples_http import fetch, rss_links, xml_root


def hostile(web, behaviour: str) -> dict[str, str]:
    return next(r for r in web.hostile_pages() if r["behaviour"] == behaviour)


def test_flaky_page_500_then_200(miniweb_log):
    row = hostile(miniweb_log, "flaky")
    assert fetch(row["url"]).status == 500
    assert fetch(row["url"]).status == 200
    assert fetch(row["url"]).status == 200
    miniweb_log.reset_counters()
    assert fetch(row["url"]).status == 500


def test_redirect_chain_has_three_hops(miniweb):
    row = hostile(miniweb, "redirect_chain")
    url, hops = row["link"], 0
    while True:
        r = fetch(url, follow=False)
        if r.status not in (301, 302):
            break
        url, hops = r.headers["Location"], hops + 1
    assert hops == 3 and r.status == 200 and url == row["url"]
    assert "coco.gg" in r.text


def test_redirect_loop(miniweb):
    row = hostile(miniweb, "redirect_loop")
    seen, url = [], row["link"]
    for _ in range(6):
        r = fetch(url, follow=False)
        assert r.status == 302
        seen.append(url)
        url = r.headers["Location"]
    assert len(set(seen)) == 2


def test_malformed_feed_item(miniweb):
    body = fetch(miniweb.outlets["ledecodeur"] + "/rss.xml").body
    with pytest.raises(etree.XMLSyntaxError):
        xml_root(body, recover=False)
    assert b"32/13/2024 25h61" in body and b"Coco & co" in body
    root = xml_root(body)
    items = root.findall("channel/item")
    linked = rss_links(body)
    assert len(linked) == len(items) - 1
    expected = {miniweb.article_url(a) for a in miniweb.articles("ledecodeur")}
    assert expected <= set(linked)


def test_script_title_is_escaped(miniweb):
    row = hostile(miniweb, "script_title")
    page = fetch(row["url"])
    assert b"<script>alert(1)</script>" not in page.body
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in page.body
    doc = html.fromstring(page.body)
    assert "<script>alert(1)</script>" in doc.findtext(".//title")
    data = json.loads(doc.xpath("//script[@type='application/ld+json']/text()")[0])
    assert "<script>alert(1)</script>" in data["headline"]
    feed = fetch(miniweb.outlets["lequotidien"] + "/rss.xml").body
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in feed


def test_jsonld_headline_raw_script(miniweb):
    row = hostile(miniweb, "jsonld_raw_script")
    page = fetch(row["url"]).body
    assert b'"headline": "Enqu\xc3\xaate : comment Coco <script>alert(1)</script>' in page
    assert b'<h1 class="entry-title">Enqu\xc3\xaate : comment Coco &lt;script&gt;' in page


def test_charset_mismatches(miniweb):
    latin1 = fetch(hostile(miniweb, "latin1_as_utf8")["url"])
    assert latin1.headers["Content-Type"] == "text/html; charset=utf-8"
    with pytest.raises(UnicodeDecodeError):
        latin1.body.decode("utf-8")
    assert "témoigne" in latin1.body.decode("iso-8859-1")
    utf8 = fetch(hostile(miniweb, "utf8_as_latin1")["url"])
    assert utf8.headers["Content-Type"] == "text/html; charset=iso-8859-1"
    assert "enquêteurs" in utf8.body.decode("utf-8")
    assert "enquÃªteurs" in utf8.body.decode("iso-8859-1")


def test_empty_not_found_invalid_huge(miniweb):
    empty = fetch(hostile(miniweb, "empty")["url"])
    assert empty.status == 200 and empty.body == b"" and empty.headers["Content-Length"] == "0"
    assert fetch(hostile(miniweb, "not_found")["url"]).status == 404
    invalid = fetch(hostile(miniweb, "invalid_html")["url"])
    assert invalid.status == 200 and b"</html>" not in invalid.body and b"coco.gg" in invalid.body
    huge = fetch(hostile(miniweb, "huge")["url"])
    assert huge.status == 200 and len(huge.body) >= 5_000_000


def test_slow_page(miniweb):
    row = hostile(miniweb, "slow")
    previous, miniweb.slow = miniweb.slow, 0.4
    try:
        started = time.monotonic()
        assert fetch(row["url"]).status == 200
        assert time.monotonic() - started >= 0.4
    finally:
        miniweb.slow = previous


def test_external_links(miniweb):
    page = fetch(hostile(miniweb, "external_links")["url"]).text
    assert 'href="http://203.0.113.5/' in page and 'href="https://www.example.com/' in page
    assert hostile(miniweb, "external_feed_link")["link"].startswith("https://www.example.com/")
    assert hostile(miniweb, "external_feed_link")["link"] in rss_links(
        fetch(miniweb.outlets["lequotidien"] + "/rss.xml").body
    )


def test_every_hostile_page_mentions_coco(miniweb):
    for row in miniweb.hostile_pages():
        if row["url"] and row["behaviour"] not in ("empty", "not_found", "flaky"):
            r = fetch(row["url"])
            text = r.body.decode("utf-8", "replace") + r.body.decode("iso-8859-1")
            assert "coco" in text.lower(), row
