"""Named SQL queries, kept in ``.sql`` files next to the code that runs them (procrastinate's way).

A file holds queries one after another, each under a header line naming it, then optional comment
lines saying what it returns and what its parameters mean, then the SQL, with psycopg's named
placeholders::

    -- name: cases --
    -- The dossier's cases, oldest first.
    SELECT slug, name FROM cases WHERE … = %(dossier)s ORDER BY …

The files are package data, read with ``importlib.resources``: they travel in the wheel with the
code. :func:`load_queries` parses a file once and gives its queries by name::

    QUERIES = load_queries("reports", "queries.sql")
    conn.execute(QUERIES["cases"], {"dossier": "coco"})

A query is fixed text: an optional filter is a parameter that may be null (``%(kinds)s::text[] IS
NULL OR h.kind = ANY(%(kinds)s::text[])``), never a clause pasted in; a dynamic name (a database, a
table) goes through ``psycopg.sql.Identifier``. As in any psycopg query, a literal ``%`` is ``%%``.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

_HEADER = re.compile(r"^-- name: ([a-z_][a-z0-9_]*) --[ \t]*$", re.MULTILINE)
_COMMENT = re.compile(r"\A(?:[ \t]*--[^\n]*\n|[ \t]*\n)*")


class Queries(dict):
    """The queries of one file, by name; an unknown name says which names the file has."""

    def __init__(self, origin: str, found: dict[str, str], docs: dict[str, str]):
        super().__init__(found)
        self.origin = origin
        self.docs = docs

    def __missing__(self, name: str) -> str:
        raise KeyError(f"no query named {name!r} in {self.origin} (it has: {', '.join(sorted(self))})")


def parse(text: str, origin: str = "<sql>") -> Queries:
    """The named queries of a file's text. What comes before the first header is the file's own
    comment; a query's leading comment lines are its description (kept apart, not sent)."""
    parts = _HEADER.split(text)
    if len(parts) == 1:
        raise ValueError(f"{origin}: no query (each starts with a line « -- name: <name> -- »)")
    found: dict[str, str] = {}
    docs: dict[str, str] = {}
    for name, body in zip(parts[1::2], parts[2::2]):
        if name in found:
            raise ValueError(f"{origin}: query {name!r} defined twice")
        comment = m.group(0) if (m := _COMMENT.match(body)) else ""
        sql = body[len(comment) :].strip()
        if not sql:
            raise ValueError(f"{origin}: query {name!r} is empty")
        found[name] = sql
        docs[name] = "\n".join(line.strip()[2:].strip() for line in comment.splitlines() if line.strip())
    return Queries(origin, found, docs)


@cache
def load_queries(package: str, resource: str) -> Queries:
    """The named queries of the file ``resource`` of ``package`` (read and parsed once)."""
    text = resources.files(package).joinpath(resource).read_text(encoding="utf-8")
    return parse(text, f"{package}/{resource}")
