"""Minors are never named in anything veille publishes.

Every way a minor has been named in the collected texts (the entity's fullest name and
each mention's words, whenever the entity or the sentence says « minor ») is replaced:
inside quoted text by « [mineur] », in a list of people by « un mineur ». Applied by the
read API (``reports/queries.py``) so that the timeline, its exports and the digests all
get anonymised data, whatever template or export reads it.
"""

from __future__ import annotations

import re
from typing import Iterable

import psycopg

QUOTE_MARK = "[mineur]"
PERSON = "un mineur"


class Redactor:
    """Replaces minors' names, case-insensitively, on word boundaries, longest name first."""

    def __init__(self, names: Iterable[str]):
        cleaned = sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=lambda n: (-len(n), n))
        self.names = cleaned
        self._keys = {n.casefold() for n in cleaned}
        self._pattern = (re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in cleaned) + r")(?!\w)",
                                    re.IGNORECASE) if cleaned else None)

    def __bool__(self) -> bool:
        return self._pattern is not None

    def names_in(self, *values: str | None) -> bool:
        """Whether any of these texts may name a minor (a cheap test before :meth:`text`)."""
        if self._pattern is None:
            return False
        # Called for every entry of a timeline: one casefold of all the texts together (no name holds
        # the NUL that separates them) and no generator.
        folded = "\0".join([v for v in values if v]).casefold()
        for n in self._keys:
            if n in folded:
                return True
        return False

    def text(self, value: str | None) -> str:
        """Quoted or scraped text with every minor's name replaced by « [mineur] »."""
        if not value or self._pattern is None:
            return value or ""
        folded = value.casefold()
        # Most texts name no minor: a plain substring test is much cheaper than the pattern.
        if not any(n in folded for n in self._keys):
            return value
        return self._pattern.sub(QUOTE_MARK, value)

    def person(self, name: str) -> str:
        """A person's name, or « un mineur » for a minor."""
        if self._pattern is None:
            return name
        if name.strip().casefold() in self._keys or self._pattern.search(name):
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
            WHERE en.label = 'PER' AND m.minor""").fetchall()
    return Redactor(r["name"] if isinstance(r, dict) else r[0] for r in rows)
