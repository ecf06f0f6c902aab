"""The corpus loader, outlets.toml against FORMAT.md, and the articles' fields."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from samples.corpus import ARTICLE_KINDS, ARTICLE_TOPICS, CANONICAL_CHARGES, ROOT, load_articles, load_outlets

FORMAT = (ROOT / "FORMAT.md").read_text(encoding="utf-8")
ARTICLES = load_articles()


def test_format_md_names_the_lexicon_as_the_list_of_charges():
    section = FORMAT.split("### Canonical charge names", 1)[1]
    assert "nlp/patterns/charges.jsonl" in section.split("###", 1)[0]
    assert "viol" in CANONICAL_CHARGES and "guet-apens" in CANONICAL_CHARGES


def test_outlets_match_format_md():
    outlets = load_outlets()
    table = re.findall(r"^\| `(\w+)` \| .+? \| .+? \| (\w+) \| (.+?) \|$", FORMAT, re.M)
    assert [row[0] for row in table] == list(outlets)
    for oid, metadata, discovery in table:
        assert outlets[oid].metadata == metadata
        for channel in outlets[oid].discovery:
            assert channel in discovery
    assert outlets["courrierprovence"].tdm_reservation
    assert "/abonnes/" in outlets["lequotidien"].robots_disallow
    for outlet in outlets.values():
        assert (Path(ROOT) / "miniweb" / "templates" / outlet.template / "article.html").is_file()


@pytest.mark.parametrize("article", ARTICLES, ids=[a.key for a in ARTICLES])
def test_article_fields(article):
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", article.slug)
    assert article.outlet in load_outlets()
    assert article.published.tzinfo is not None, "published needs an offset"
    if article.modified:
        assert article.modified >= article.published
    assert article.topic in ARTICLE_TOPICS and article.kind in ARTICLE_KINDS
    assert article.title and article.summary and article.paragraphs
