"""Extraction on real French news pages (``shared/realworld/fr-news-pages`` beside the
repository): title and publication time exact, body text nearly complete."""

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.extract import extract_page

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT.parent / "shared" / "realworld" / "fr-news-pages"
EXPECTED = json.loads((PAGES / "expected.json").read_text(encoding="utf-8")) if PAGES.is_dir() else {}

pytestmark = pytest.mark.skipif(not PAGES.is_dir(), reason=f"pages réelles absentes : {PAGES} introuvable")


def _plain(text: str) -> str:
    """Typographic spaces (NBSP before « : ») are rendering, not wording."""
    return " ".join(text.split())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_page_title_date_and_body(name):
    expected = EXPECTED[name]
    html = gzip.decompress((PAGES / name).read_bytes())
    crawled = datetime.fromisoformat(expected["crawled"]).replace(tzinfo=UTC)
    page = extract_page(html, expected["url"], "text/html", crawled)
    assert _plain(page.title) == _plain(expected["title"])
    assert page.published_at == datetime.fromisoformat(expected["published"])
    text = _plain(page.text)
    paragraphs = [_plain(p) for p in expected["paragraphs"] if p.strip()]
    found = [p for p in paragraphs if p[:100] in text]
    assert len(found) >= 0.9 * len(paragraphs), set(paragraphs) - set(found)
    assert page.lang == "fr"
