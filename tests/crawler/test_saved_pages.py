"""Saved pages and expected items, side by side, one folder per source
(``fixtures/<source>/<case>.<ext>`` and ``<case>.expected.json``; addresses and the
frozen fetch time in ``fixtures/cases.toml``).

A case without its expected file gets one written from the current output, and
fails until someone has read it and kept it (delete the file to regenerate).
"""

from __future__ import annotations

import json
import tomllib
from datetime import datetime
from pathlib import Path

import pytest

from crawler.extract import ExtractionError
from crawler.ingest import FetchedPage, stage_dedup, stage_extract, stage_filter
from crawler.listings.feeds import parse_feed
from crawler.listings.search import parse_search
from crawler.listings.sitemaps import parse_sitemap
from veille.config import load_config

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CASES = tomllib.loads((FIXTURES / "cases.toml").read_text(encoding="utf-8"))
SEARCH_SELECTORS = {"enfanceprotegee": ("div.communique a.lien", "a[rel=next]")}


def _iso(value):
    return value.isoformat() if value else None


def _listing(listing) -> dict:
    def one(item):
        return {
            "url": item.url,
            "title": item.title,
            "published": _iso(item.published),
            "modified": _iso(item.modified),
            "keywords": list(item.keywords),
        }

    return {
        "kind": listing.kind,
        "items": [one(i) for i in listing.items],
        "children": [one(c) for c in listing.children],
        "next_url": listing.next_url,
        "problems": listing.problems,
    }


def _page(source: str, spec: dict, body: bytes) -> dict:
    page = FetchedPage(
        url=spec["url"],
        final_url=spec["url"],
        status=200,
        headers={"content-type": spec["content_type"]},
        body=body,
        fetched_at=datetime.fromisoformat(spec["fetched_at"]),
        source_id=source,
    )
    try:
        found = stage_extract(page)
    except ExtractionError as exc:
        return {"error": exc.kind, "reason": exc.reason}
    decisions, rejection = stage_filter(found, [load_config().dossier("coco")])
    canonical, fp, _ = stage_dedup(page, found)
    return {
        "title": found.title,
        "published_at": _iso(found.published_at),
        "modified_at": _iso(found.modified_at),
        "date_source": found.metadata.get("date_source"),
        "authors": found.authors,
        "lang": found.lang,
        "site_name": found.site_name,
        "kind": found.kind,
        "canonical_url": canonical,
        "tdm_reservation": found.tdm_reservation,
        "text_start": found.text[:160],
        "text_end": found.text[-120:],
        "lines": found.text.count("\n") + 1,
        "belongs": decisions[0].belongs,
        "score": decisions[0].score,
        "reason": decisions[0].reason if not rejection else rejection,
    }


def describe(source: str, spec: dict) -> dict:
    body = (FIXTURES / source / spec["file"]).read_bytes()
    if spec["kind"] == "feed":
        return _listing(parse_feed(body, spec["url"]))
    if spec["kind"] == "sitemap":
        return _listing(parse_sitemap(body, spec["url"]))
    if spec["kind"] == "search":
        return _listing(parse_search(body, spec["url"], *SEARCH_SELECTORS.get(source, (None, None))))
    return _page(source, spec, body)


PARAMS = [
    pytest.param(source, name, spec, id=f"{source}/{name}")
    for source, cases in CASES.items()
    for name, spec in cases.items()
]


@pytest.mark.parametrize("source,name,spec", PARAMS)
def test_saved_page(source, name, spec):
    got = json.loads(json.dumps(describe(source, spec), ensure_ascii=False))
    expected_file = FIXTURES / source / f"{name}.expected.json"
    if not expected_file.exists():
        expected_file.write_text(json.dumps(got, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        pytest.fail(f"{expected_file.name} écrit à partir du résultat actuel : relisez-le, puis relancez")
    assert got == json.loads(expected_file.read_text(encoding="utf-8"))
