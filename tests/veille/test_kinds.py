"""The source-kind registry (veille/kinds.py): every declared kind can be collected, its
crawler code is where the declaration says, and the documentation names every kind."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crawler.spiders.base import SourceSpider
from veille.kinds import KINDS

DOCS = Path(__file__).parents[2] / "docs" / "configuration.md"


@pytest.mark.parametrize("name", list(KINDS))
def test_each_kind_is_collected_one_way_and_its_code_is_found(name):
    kind = KINDS[name]
    assert bool(kind.spider) != bool(kind.client), "a spider or a client of its own, not both"
    for attribute in ("spider", "client", "probe", "probe_url"):
        if getattr(kind, attribute):
            assert callable(kind.load(attribute)), attribute
    if kind.spider:
        assert issubclass(kind.load("spider"), SourceSpider)
        assert kind.probe, "a crawled kind's answers can be read by `veille sources check`"
    assert kind.label and re.fullmatch(r"\d+[smhd]", kind.interval)


def test_the_configuration_docs_name_every_kind():
    text = DOCS.read_text(encoding="utf-8")
    listed = re.search(r'^kind = "feed"\s+# (.+)$', text, re.M).group(1)
    assert [k.strip() for k in listed.split("|")] == list(KINDS)
    assert "## A new source kind" in text
