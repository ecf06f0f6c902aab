"""Gold annotations (samples/gold/**/*.toml) are consistent with their articles."""

from __future__ import annotations

import re

import pytest

from samples.corpus import ARTICLES_DIR, CANONICAL_CHARGES, ORGANISATION_KINDS, PERSON_ROLES, load_articles, load_gold
from veille.vocabulary import EVENT_KINDS, PRECISIONS

GOLDS = load_gold()
ARTICLES = {a.key: a for a in load_articles(ARTICLES_DIR)}
DATE_FORMATS = {"day": r"\d{4}-\d{2}-\d{2}", "month": r"\d{4}-\d{2}", "year": r"\d{4}"}


def test_there_are_gold_files():
    if not GOLDS:
        pytest.skip("no gold annotations yet")


@pytest.mark.parametrize("gold", GOLDS, ids=[g.key for g in GOLDS])
def test_gold_file(gold):
    article = ARTICLES.get(gold.key)
    assert article is not None, f"no article samples/corpus/articles/{gold.key}.toml"
    text = article.text
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", gold.published), gold.published
    for charge in gold.charges:
        assert charge in CANONICAL_CHARGES, f"non-canonical charge {charge!r}"
    for person in gold.people:
        assert person.name and person.role in PERSON_ROLES, person
    for org in gold.organisations:
        assert org.name and org.kind in ORGANISATION_KINDS, org
    for event in gold.events:
        assert event.precision in PRECISIONS, event
        assert event.kind in EVENT_KINDS, event
        assert re.fullmatch(DATE_FORMATS[event.precision], event.date), event
        assert event.evidence and event.evidence in text, f"evidence not verbatim: {event.evidence!r}"


def test_canonical_charges_are_the_lexicons():
    from nlp.patterns import load

    lexicon = {row["charge"] for row in load("charges.jsonl")}
    assert set(CANONICAL_CHARGES) - lexicon == set()
