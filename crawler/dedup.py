"""Fingerprints that find copies: exact (hashes) and near (SimHash, shingle sketches).

A wire dispatch republished by several outlets keeps most of its sentences while
each outlet changes the title, the standfirst, a paragraph or the apostrophes.
Two documents are the same story when

* their 64-bit SimHashes (over 3-word shingles) differ by at most
  ``SIMHASH_DISTANCE`` bits — a cheap first sieve over the database, and
* at least ``MIN_CONTAINMENT`` of the shorter text's 5-word shingles also occur
  in the other text, estimated from bottom-k sketches (the 64 smallest shingle
  hashes), which stay available for texts withheld under a TDM reservation.

Thresholds were set on the sample corpus (``tests/crawler/test_dedup.py``): the
six copies of one wire dispatch share 72–92 % of their shingles and differ by
11–20 bits, while different articles on the same affairs share at most 13 % and
differ by 18 bits or more. The SimHash sieve is loose on purpose (boilerplate
left by extraction moves a few bits); the shingle overlap decides.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

import numpy as np

SIMHASH_DISTANCE = 24
MIN_CONTAINMENT = 0.5
SKETCH_SIZE = 64
SHINGLE_WORDS = 5
_MASK = (1 << 64) - 1


@dataclass(frozen=True)
class Fingerprint:
    text_hash: str
    simhash: int  # signed, as PostgreSQL's bigint stores it
    sketch: tuple[int, ...]  # signed
    shingle_count: int


def words(text: str) -> list[str]:
    """Lower-case unaccented words: copies differing only in typography have the same words."""
    return re.findall(r"\w+", _MARKS.sub("", unicodedata.normalize("NFKD", text.lower())))


def content_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


_MARKS = re.compile("[\u0300-\u036f]")  # accents, once NFKD has taken them off their letters
_P = np.uint64(0x100000001B3)  # FNV prime: combines token hashes into n-gram hashes
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)  # splitmix64 finaliser: spreads the bits of each n-gram hash
_MIX2 = np.uint64(0x94D049BB133111EB)


_TOKEN_CACHE: dict[str, int] = {}  # a word's hash, across documents (their words mostly repeat)
_TOKEN_CACHE_MAX = 500_000


def _token_hash(t: str) -> int:
    h = _TOKEN_CACHE.get(t)
    if h is None:
        if len(_TOKEN_CACHE) >= _TOKEN_CACHE_MAX:
            _TOKEN_CACHE.clear()
        h = _TOKEN_CACHE[t] = int.from_bytes(hashlib.blake2b(t.encode(), digest_size=8).digest(), "little")
    return h


def _token_hashes(tokens: list[str]) -> np.ndarray:
    get = _TOKEN_CACHE.get
    hashes = [get(t) for t in tokens]  # most words are known: no call per word
    if None in hashes:
        hashes = [_token_hash(t) if h is None else h for h, t in zip(hashes, tokens)]
    return np.array(hashes, dtype=np.uint64)


def _hashes(tokens: list[str], n: int, token_hashes: np.ndarray | None = None) -> np.ndarray:
    """Distinct 64-bit hashes of the text's n-word shingles, sorted (stable across runs and machines)."""
    th = _token_hashes(tokens) if token_hashes is None else token_hashes
    if len(th) == 0:
        return th
    n = min(n, len(th))
    count = len(th) - n + 1
    h = th[:count].copy()
    with np.errstate(over="ignore"):
        for k in range(1, n):
            h *= _P
            h += th[k : k + count]
        h ^= h >> np.uint64(30)
        h *= _MIX1
        h ^= h >> np.uint64(27)
        h *= _MIX2
        h ^= h >> np.uint64(31)
    h.sort()  # np.unique without its overhead (texts are short: the overhead was most of its cost)
    return h[np.concatenate(([True], h[1:] != h[:-1]))] if len(h) > 1 else h


def signed(value: int) -> int:
    value &= _MASK
    return value - (1 << 64) if value >= 1 << 63 else value


def simhash(tokens: list[str], token_hashes: np.ndarray | None = None) -> int:
    hashes = _hashes(tokens, 3, token_hashes)
    if not len(hashes):
        return 0
    bits = np.unpackbits(hashes.view(np.uint8).reshape(-1, 8), axis=1, bitorder="little")
    votes = bits.sum(axis=0, dtype=np.int64) * 2 - len(hashes)
    # bit i set when most shingles have it; read as a signed 64-bit integer, as PostgreSQL stores it
    return int(np.packbits(votes > 0, bitorder="little").view(np.int64)[0])


def fingerprint(text: str) -> Fingerprint:
    tokens = words(text)
    th = _token_hashes(tokens)
    shingles = _hashes(tokens, SHINGLE_WORDS, th)
    sketch = tuple(shingles[:SKETCH_SIZE].view(np.int64).tolist())  # the smallest, signed
    return Fingerprint(
        text_hash=hashlib.sha256(" ".join(tokens).encode()).hexdigest(),
        simhash=simhash(tokens, th),
        sketch=sketch,
        shingle_count=len(shingles),
    )


def hamming(a: int, b: int) -> int:
    """Bits that differ between two SimHashes: what ``bit_count(a # b)`` computes in crawler/grouping.py."""
    return ((a ^ b) & _MASK).bit_count()


def containment(sketch_a, count_a: int, sketch_b, count_b: int) -> float:
    """Estimated share of the smaller shingle set found in the other (0–1)."""
    if not sketch_a or not sketch_b or not count_a or not count_b:
        return 0.0
    a = {x & _MASK for x in sketch_a}
    b = {x & _MASK for x in sketch_b}
    union_sketch = sorted(a | b)[:SKETCH_SIZE]
    both = sum(1 for x in union_sketch if x in a and x in b)
    jaccard = both / len(union_sketch)
    # |A ∩ B| = J (|A| + |B|) / (1 + J)
    common = jaccard * (count_a + count_b) / (1 + jaccard)
    return min(1.0, common / min(count_a, count_b))
