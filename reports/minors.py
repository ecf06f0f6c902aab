"""Minors are never named in anything veille publishes.

Every way a minor has been named in the collected texts (the entity's fullest name and
each mention's words, whenever the entity or the sentence says « minor ») is replaced:
inside quoted text by « [mineur] », in a list of people by « un mineur ». Applied by the
read API (``reports/queries.py``) so that the timeline, its exports and the digests all
get anonymised data, whatever template or export reads it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import psycopg

QUOTE_MARK = "[mineur]"
PERSON = "un mineur"
_PLAIN_ASCII = re.compile(r"[\x00-\x68\x6a\x6c-\x72\x74-\x7f]+")


def _fold(text: str) -> str:
    """``text`` as compared before the pattern runs: case-folded, with the two letters whose case
    folding differs from what the pattern, ignoring case, takes for « i » (« ı », and « İ », which
    folds to « i » and a combining dot) brought back to « i ». Anything the pattern would match
    then holds a folded name."""
    folded = text.casefold()
    if "ı" in folded or "\u0307" in folded:
        folded = folded.replace("ı", "i").replace("\u0307", "")
    return folded


class Redactor:
    """Replaces minors' names, case-insensitively, on word boundaries, longest name first."""

    def __init__(self, names: Iterable[str]):
        cleaned = sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=lambda n: (-len(n), n))
        self.names = cleaned
        self._keys = {_fold(n) for n in cleaned}
        # For :meth:`may_name`: each name's longest run of ASCII characters other than i, k and s,
        # lowercased. Where a text names a minor in a way the pattern matches, its bytes lowercased
        # (ASCII only) hold that run: i, k and s are left out because the pattern, ignoring case,
        # also takes « ı », « K » (Kelvin) and « ſ » for them. A name without such a run matches
        # every text, which only costs the full check.
        self._ascii_runs = {max(_PLAIN_ASCII.findall(n.casefold()) or [""], key=len).encode() for n in cleaned}
        self._pattern = (
            re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in cleaned) + r")(?!\w)", re.IGNORECASE)
            if cleaned
            else None
        )

    def __bool__(self) -> bool:
        return self._pattern is not None

    def may_name(self, data: bytes) -> bool:
        """Whether UTF-8 ``data`` may name a minor: no false negatives, few false positives, and cheap
        enough to run on every line the timeline reads (a bytes scan, no decoding)."""
        if self._pattern is None:
            return False
        folded = data.lower()
        for run in self._ascii_runs:
            if run in folded:
                return True
        return False

    def text(self, value: str | None) -> str:
        """Quoted or scraped text with every minor's name replaced by « [mineur] »."""
        if not value or self._pattern is None:
            return value or ""
        folded = _fold(value)
        # Most texts name no minor: a plain substring test is much cheaper than the pattern.
        if not any(n in folded for n in self._keys):
            return value
        return self._pattern.sub(QUOTE_MARK, value)

    def person(self, name: str) -> str:
        """A person's name, or « un mineur » for a minor."""
        if self._pattern is None:
            return name
        if _fold(name.strip()) in self._keys or self._pattern.search(name):
            return PERSON
        return name

    def people(self, names: Iterable[str]) -> list[str]:
        out: list[str] = []
        for n in names:
            p = self.person(n)
            if p not in out:
                out.append(p)
        return out


def load_redactor(conn: psycopg.Connection) -> Redactor:
    """Every name of every person a source describes as a minor."""
    rows = conn.execute(
        """SELECT canonical AS name FROM entities WHERE minor AND label = 'PER'
           UNION
           SELECT m.text FROM mentions m JOIN entities en ON en.id = m.entity_id
            WHERE en.label = 'PER' AND (m.minor OR en.minor)
           UNION
           SELECT en.canonical FROM mentions m JOIN entities en ON en.id = m.entity_id
            WHERE en.label = 'PER' AND m.minor"""
    ).fetchall()
    return Redactor(r["name"] if isinstance(r, dict) else r[0] for r in rows)
