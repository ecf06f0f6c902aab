"""Near-duplicate fingerprints, calibrated on the sample corpus's wire dispatch."""

import itertools

from crawler.dedup import MIN_CONTAINMENT, SIMHASH_DISTANCE, containment, fingerprint, hamming, same_story
from samples.corpus import load_articles

ARTICLES = load_articles()
WIRE = [a for a in ARTICLES if a.wire == "afn-fermeture-coco"]


def test_the_corpus_has_six_copies_of_the_wire_dispatch():
    assert len(WIRE) == 6 and len({a.outlet for a in WIRE}) == 6


def test_every_pair_of_wire_copies_is_the_same_story():
    prints = [fingerprint(a.text) for a in WIRE]
    for a, b in itertools.combinations(prints, 2):
        assert hamming(a.simhash, b.simhash) <= SIMHASH_DISTANCE
        assert containment(a.sketch, a.shingle_count, b.sketch, b.shingle_count) >= MIN_CONTAINMENT
        assert same_story(a, b)


def test_different_articles_on_the_same_affair_are_different_stories():
    others = [a for a in ARTICLES if a.wire != "afn-fermeture-coco" and a.topic == "coco"]
    prints = {a.key: fingerprint(a.text) for a in others + WIRE[:1]}
    wrong = [(x, y) for x, y in itertools.combinations(prints, 2)
             if same_story(prints[x], prints[y]) and not {x, y} <= {w.key for w in WIRE}]
    assert wrong == []


def test_typography_does_not_change_the_text_hash():
    assert fingerprint("L’enquête s’ouvre — mardi.").text_hash == fingerprint("L'enquête s'ouvre - mardi.").text_hash
