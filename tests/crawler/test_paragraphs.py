"""No paragraph lost: on every page, veille's text holds every article paragraph that
trafilatura alone finds on the same bytes (veille's own pre-pruning, before
trafilatura, may only remove what it names precisely).

Pages: the sample outlets' articles as the mini-web renders them, the real French
pages of ``shared/realworld/fr-news-pages`` when that folder is there, and saved pages
of ``fixtures/pages/`` written for the markup that used to lose text.
"""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import trafilatura

from crawler.extract import extract_page, remove_comments
from crawler.metadata import parse_document
from samples.miniweb.render import render_article
from samples.miniweb.server import MiniWeb

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT.parent / "shared" / "realworld" / "fr-news-pages"
PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"
FETCHED = datetime(2025, 12, 1, 12, 0, tzinfo=UTC)


def _plain(text: str) -> str:
    return " ".join(text.split())


def trafilatura_alone(html: bytes, url: str) -> str:
    doc = trafilatura.bare_extraction(
        html.decode("utf-8", "replace"),
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        deduplicate=False,
    )
    return _plain((doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)).get("text") or "") if doc else ""


def lost_paragraphs(html: bytes, url: str, paragraphs) -> tuple[list[str], list[str]]:
    """(paragraphs trafilatura alone finds, those of them veille's text lacks)."""
    alone = trafilatura_alone(html, url)
    text = _plain(extract_page(html, url, "text/html; charset=utf-8", FETCHED).text)
    wanted = [p for p in (_plain(p) for p in paragraphs) if p and p[:100] in alone]
    return wanted, [p for p in wanted if p[:100] not in text]


def _sample_pages():
    web = MiniWeb()
    for oid, site in web.sites.items():
        site.base_url = f"https://www.{oid}.example"
        for entry in site.entries:
            if not entry.hostile and entry.path:
                yield pytest.param(site, entry, id=f"{oid}/{entry.article.slug}")


@pytest.mark.parametrize("site,entry", list(_sample_pages()))
def test_sample_page_keeps_every_paragraph_trafilatura_finds(site, entry):
    html = render_article(site, entry).encode("utf-8")
    wanted, lost = lost_paragraphs(html, site.url(entry.path), entry.article.paragraphs)
    assert not lost, lost


_REAL = json.loads((REAL / "expected.json").read_text(encoding="utf-8")) if REAL.is_dir() else {}


@pytest.mark.skipif(not REAL.is_dir(), reason=f"pages réelles absentes : {REAL} introuvable")
@pytest.mark.parametrize("name", sorted(_REAL))
def test_real_page_keeps_every_paragraph_trafilatura_finds(name):
    expected = _REAL[name]
    html = gzip.decompress((REAL / name).read_bytes())
    wanted, lost = lost_paragraphs(html, expected["url"], expected["paragraphs"])
    assert wanted and not lost, lost


TRIBUNE_URL = "https://www.gazette-littoral.example/opinions/tchats-anonymes-la-loi-doit-proteger-les-mineurs"


def _tribune() -> bytes:
    return (PAGES / "tribune.html").read_bytes()


def test_an_opinion_piece_in_commentary_and_paywall_markup_keeps_all_its_text():
    """The article sits in ``article-commentary`` and ``paywall-free-content`` elements, one
    paragraph in an ``encart``: class names that once removed it all."""
    html = _tribune()
    paragraphs = [p.text_content() for p in parse_document(html.decode()).iter("p") if len(p.text_content()) > 150]
    wanted, lost = lost_paragraphs(html, TRIBUNE_URL, paragraphs)
    assert len(wanted) == len(paragraphs) == 5 and not lost, lost


def test_html_comments_neither_split_a_paragraph_nor_stay_in_the_tree():
    html = _tribune().decode()
    tree = parse_document(html)
    remove_comments(tree)
    assert not tree.xpath("//comment()")
    text = _plain(extract_page(html.encode(), TRIBUNE_URL, "text/html", FETCHED).text)
    assert "les rendez-vous pris sur ces salons ont servi de guet-apens" in text


def test_a_consent_banner_the_share_buttons_and_the_paywall_teaser_are_not_the_article():
    text = extract_page(_tribune(), TRIBUNE_URL, "text/html", FETCHED).text
    assert "cookies" not in text and "Partager" not in text and "abonnés" not in text
