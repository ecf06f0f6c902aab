"""Every article of every outlet is reachable through each of its discovery channels."""

from __future__ import annotations

from email.utils import parsedate_to_datetime

import pytest

from samples.corpus import load_outlets
from samples.miniweb.server import MiniWeb
from tests.samples.samples_http import atom_links, canonical, fetch, rss_links, search_links, sitemap_links, xml_root

OUTLETS = load_outlets()


def channel_links(web: MiniWeb, oid: str, channel: str) -> list[str]:
    base = web.outlets[oid]
    outlet = OUTLETS[oid]
    if channel == "rss":
        return rss_links(fetch(base + "/rss.xml").body)
    if channel == "atom":
        return atom_links(fetch(base + "/atom.xml").body)
    if channel == "sitemap":
        return sitemap_links(base + "/sitemap.xml")[0]
    if channel == "search":
        return search_links(base, "", outlet.search_result_selector, outlet.search_next_selector)[0]
    raise AssertionError(channel)


def expected_urls(web: MiniWeb, oid: str) -> set[str]:
    return {web.article_url(a) for a in web.articles(oid)}


def check_outlet(web: MiniWeb, oid: str) -> None:
    expected = expected_urls(web, oid)
    for channel in OUTLETS[oid].discovery:
        found = {canonical(u) for u in channel_links(web, oid, channel)}
        missing = expected - found
        assert not missing, f"{oid}/{channel} misses {sorted(missing)[:5]}"


@pytest.mark.parametrize("oid", list(OUTLETS))
def test_corpus_articles_reachable(miniweb, oid):
    assert len(miniweb.articles(oid)) == len([a for a in miniweb.corpus_articles if a.outlet == oid])
    check_outlet(miniweb, oid)


@pytest.mark.parametrize("oid", ["lequotidien", "infocontinu", "enfanceprotegee"])
def test_placeholder_articles_reachable(testweb, oid):
    assert testweb.articles(oid), "placeholders are loaded"
    check_outlet(testweb, oid)


def test_hostile_pages_are_listed(miniweb):
    for row in miniweb.hostile_pages():
        oid = row["outlet"]
        links = set()
        for channel in OUTLETS[oid].discovery:
            if row["behaviour"] == "malformed_feed_item":
                continue
            links |= {u.split("?utm_")[0] for u in channel_links(miniweb, oid, channel)}
        if row["behaviour"] != "malformed_feed_item":
            assert row["link"] in links, row


def test_rss_dates_and_tracking(miniweb):
    body = fetch(miniweb.outlets["infocontinu"] + "/rss.xml").body
    root = xml_root(body, recover=False)
    items = root.findall("channel/item")
    assert items
    for item in items:
        parsedate_to_datetime(item.findtext("pubDate"))
    assert all("utm_source=rss" in item.findtext("link") for item in items)


def test_lequotidien_feed_has_amp_links_with_canonical(miniweb, testweb):
    links = rss_links(fetch(miniweb.outlets["lequotidien"] + "/rss.xml").body)
    links += rss_links(fetch(testweb.outlets["lequotidien"] + "/rss.xml").body)
    amp = [u for u in links if "/amp/" in u]
    if not amp:
        pytest.skip("no article hashed to an AMP link")
    page = fetch(amp[0])
    assert page.status == 200 and 'rel="canonical"' in page.text
    assert canonical(amp[0]) == amp[0].replace("/amp/", "/", 1)


def test_atom_feed_shape(miniweb):
    root = xml_root(fetch(miniweb.outlets["courrierprovence"] + "/atom.xml").body, recover=False)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = root.findall("a:entry", ns)
    assert entries
    for e in entries:
        assert e.findtext("a:published", namespaces=ns) and e.findtext("a:updated", namespaces=ns)
        assert e.findtext("a:id", namespaces=ns)


def test_sitemap_index_news_and_yearly(miniweb):
    base = miniweb.outlets["echodunord"]
    pages, files = sitemap_links(base + "/sitemap.xml")
    assert files[0].endswith("/sitemap.xml")
    assert any(f.endswith("/sitemap-news.xml") for f in files)
    assert any(f.endswith("/sitemap-2024.xml") for f in files)
    news = fetch(base + "/sitemap-news.xml").text
    for tag in ("<news:news>", "<news:publication_date>", "<news:title>", "<news:keywords>"):
        assert tag in news


def test_search_matches_accent_and_case_insensitively(testweb):
    base = testweb.outlets["enfanceprotegee"]
    outlet = OUTLETS["enfanceprotegee"]
    sel = (outlet.search_result_selector, outlet.search_next_selector)
    everything, pages = search_links(base, "", *sel)
    assert len(everything) >= 7 and pages == -(-len(everything) // 5)
    coco, _ = search_links(base, "COCO", *sel)
    assert coco and len(coco) < len(everything)
    with_word = {
        testweb.article_url(a)
        for a in testweb.articles("enfanceprotegee")
        if "protégée" in f"{a.title} {a.summary} {a.body}".lower()
    }
    plain, _ = search_links(base, "protegee", *sel)
    upper, _ = search_links(base, "PROTÉGÉE", *sel)
    assert set(plain) == set(upper) == with_word and with_word
    nothing, _ = search_links(base, "zzzz-introuvable", *sel)
    assert nothing == []


def test_search_pages_have_five_results_and_next(testweb):
    base = testweb.outlets["enfanceprotegee"]
    from lxml import html

    doc = html.fromstring(fetch(base + "/recherche?q=&page=1").body)
    assert len(doc.cssselect("div.communique a.lien")) == 5
    assert doc.cssselect("a[rel=next]")
    last = html.fromstring(fetch(base + "/recherche?q=&page=99").body)
    assert not last.cssselect("a[rel=next]") and not last.cssselect("div.communique a.lien")


def test_filler_scale_and_sitemap_split():
    with MiniWeb(articles_dir=None, hostile=False, filler=400, seed=7, sitemap_page_size=20) as web:
        total = sum(len(web.articles(o)) for o in OUTLETS)
        assert total == 400
        words = [len(a.body.split()) for a in web.articles()]
        assert min(words) >= 300 and max(words) <= 1000
        on = sum("coco.gg" in a.text for a in web.articles())
        assert 120 < on < 280
        base = web.outlets["radionord"]
        pages, files = sitemap_links(base + "/sitemap.xml")
        for f in files[1:]:
            if "news" not in f:
                assert len(xml_root(fetch(f).body).findall("{*}url")) <= 20
        assert {web.article_url(a) for a in web.articles("radionord")} <= set(pages)
        check_outlet(web, "ledecodeur")
        slugs = [a.slug for a in web.articles()]
    with MiniWeb(articles_dir=None, hostile=False, filler=400, seed=7) as again:
        assert [a.slug for a in again.articles()] == slugs
