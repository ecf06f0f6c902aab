"""Reading what servers send: charsets, French dates, feeds, sitemaps, TDMRep."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from crawler import tdm
from crawler.encoding import decode_html
from crawler.frdates import byline_dates, parse_date
from crawler.listings.feeds import parse_feed
from crawler.listings.sitemaps import parse_sitemap

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2025, 12, 1, 12, 0, tzinfo=PARIS)


def test_latin1_bytes_declared_utf8_are_decoded_as_windows_1252():
    page = "<p>Procès à Valenciennes, témoin entendu</p>".encode("iso-8859-1")
    decoded = decode_html(page, "text/html; charset=utf-8")
    assert "Procès à Valenciennes, témoin" in decoded.text and decoded.note


def test_utf8_bytes_declared_latin1_are_decoded_as_utf8():
    decoded = decode_html("<p>Procès à Avignon</p>".encode(), "text/html; charset=iso-8859-1")
    assert "Procès à Avignon" in decoded.text and decoded.encoding == "utf-8" and decoded.note


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Publié le 25/04/2024 à 18h32", datetime(2024, 4, 25, 18, 32, tzinfo=PARIS)),
        ("jeudi 1er mai 2024", datetime(2024, 5, 1, tzinfo=PARIS)),
        ("le 25 avr. 2024 à 9:05", datetime(2024, 4, 25, 9, 5, tzinfo=PARIS)),
        ("il y a 3 heures", datetime(2025, 12, 1, 9, 0, tzinfo=PARIS)),
        ("hier à 18h32", datetime(2025, 11, 30, 18, 32, tzinfo=PARIS)),
        ("Publié il y a 2 jours", datetime(2025, 11, 29, 12, 0, tzinfo=PARIS)),
    ],
)
def test_french_dates_absolute_and_relative_to_the_fetch_time(text, expected):
    assert parse_date(text, NOW) == expected


def test_byline_separates_publication_and_update():
    published, modified = byline_dates("Publié le 25/04/2024 à 18h32, mis à jour le 26/04/2024 à 09h10", NOW)
    assert published == datetime(2024, 4, 25, 18, 32, tzinfo=PARIS)
    assert modified == datetime(2024, 4, 26, 9, 10, tzinfo=PARIS)


def test_a_malformed_feed_keeps_its_good_items_and_says_what_it_skipped():
    feed = b"""<?xml version="1.0"?><rss version="2.0"><channel>
      <item><title>Bon</title><link>https://ex.fr/a</link><pubDate>Tue, 25 Jun 2024 12:05:00 +0200</pubDate></item>
      <item><title>Coco & co</title><pubDate>32/13/2024 25h61</pubDate></item>
      <item><title>Autre</title><link>https://ex.fr/b</link></item></channel></rss>"""
    listing = parse_feed(feed, "https://ex.fr/rss.xml")
    assert [i.url for i in listing.items] == ["https://ex.fr/a", "https://ex.fr/b"]
    assert listing.items[0].published == datetime(2024, 6, 25, 10, 5, tzinfo=ZoneInfo("UTC"))
    assert any("sans lien" in p for p in listing.problems) and any("&" in p for p in listing.problems)


def test_a_news_sitemap_gives_publication_dates_and_keywords():
    body = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
      xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>https://ex.fr/a</loc>
      <news:news><news:publication_date>2024-06-25T12:20:00+02:00</news:publication_date>
      <news:title>Coco.gg ferm\xc3\xa9</news:title><news:keywords>justice, Coco</news:keywords></news:news></url></urlset>"""
    item = parse_sitemap(body, "https://ex.fr/sitemap-news.xml").items[0]
    assert item.title == "Coco.gg fermé" and item.keywords == ("justice", "Coco")
    assert item.published == datetime(2024, 6, 25, 12, 20, tzinfo=PARIS)


def test_tdmrep_rules_match_the_most_specific_location():
    rules = tdm.parse_tdmrep(
        b'[{"location": "/*", "tdm-reservation": 1}, {"location": "/libre/*", "tdm-reservation": 0}]'
    )
    assert tdm.reservation_for(rules, "/faits-divers/x").reserved
    assert not tdm.reservation_for(rules, "/libre/x").reserved
    assert tdm.parse_tdmrep(b"<html>404</html>") == []


def test_a_reserved_text_keeps_title_standfirst_and_three_short_quotes():
    text = (
        "Le chapô de l'article.\n"
        + "Une phrase sans intérêt particulier pour le dossier. " * 20
        + "Le site coco.gg a été fermé le 25 juin 2024. "
        + "Une autre phrase banale ici. " * 5
        + "Le 2 septembre, le procès s'ouvrira. Mardi, coco.gg était hors ligne. "
        + "x " * 400
        + "."
    )
    kept = tdm.withheld_text("Titre", "Le chapô de l'article.", text, ["coco.gg"])
    lines = kept.split("\n")
    assert lines[:2] == ["Titre", "Le chapô de l'article."]
    assert len(lines) <= 5 and all(len(line) <= 300 for line in lines)
    assert any("coco.gg a été fermé le 25 juin 2024" in line for line in lines)
    assert len(kept) < len(text) / 4


def _refresh_middleware():
    from scrapy.utils.test import get_crawler

    from crawler.middlewares.refresh import QuickMetaRefreshMiddleware

    return QuickMetaRefreshMiddleware.from_crawler(get_crawler())


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "iso-8859-1"])
def test_a_meta_refresh_page_redirects_to_its_target_in_any_encoding(encoding):
    from scrapy import Request
    from scrapy.http import HtmlResponse

    html = (
        "<html><head><title>Procès à Avignon</title>"
        '<META HTTP-EQUIV="Refresh" CONTENT="0; URL=/faits-divers/article-1.html"></head>'
        "<body><p>Redirection en cours</p></body></html>"
    )
    request = Request("https://ex.fr/a")
    response = HtmlResponse("https://ex.fr/a", body=html.encode(encoding), encoding=encoding, request=request)
    followed = _refresh_middleware().process_response(request, response)
    # (Scrapy appends the UTF-16 byte-order mark to the target as an empty query: its own quirk)
    assert isinstance(followed, Request) and followed.url.split("?")[0] == "https://ex.fr/faits-divers/article-1.html"


def test_a_page_without_meta_refresh_goes_on_unchanged():
    from scrapy import Request
    from scrapy.http import HtmlResponse

    body = (
        "<html><head><title>Coco</title></head><body>" + "<p>Le site coco.gg a fermé.</p>" * 2000 + "</body></html>"
    ).encode()
    request = Request("https://ex.fr/a")
    response = HtmlResponse("https://ex.fr/a", body=body, request=request)
    assert _refresh_middleware().process_response(request, response) is response
