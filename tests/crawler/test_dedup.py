"""Near-duplicate fingerprints, calibrated on the sample corpus's wire dispatch. Whether two
documents are one story is decided in the database by ``crawler/grouping.py``: its tests store
the documents (tests/crawler/test_store.py)."""

import itertools

from crawler.dedup import MIN_CONTAINMENT, SIMHASH_DISTANCE, containment, fingerprint, hamming
from samples.corpus import load_articles

ARTICLES = load_articles()
WIRE = [a for a in ARTICLES if a.wire == "afn-fermeture-coco"]


def test_the_corpus_has_six_copies_of_the_wire_dispatch():
    assert len(WIRE) == 6 and len({a.outlet for a in WIRE}) == 6


def test_every_pair_of_wire_copies_is_within_the_thresholds():
    prints = [fingerprint(a.text) for a in WIRE]
    for a, b in itertools.combinations(prints, 2):
        assert hamming(a.simhash, b.simhash) <= SIMHASH_DISTANCE
        assert containment(a.sketch, a.shingle_count, b.sketch, b.shingle_count) >= MIN_CONTAINMENT


def test_typography_does_not_change_the_text_hash():
    assert fingerprint("L’enquête s’ouvre — mardi.").text_hash == fingerprint("L'enquête s'ouvre - mardi.").text_hash
