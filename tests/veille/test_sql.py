"""Named SQL files (``veille/sql.py``): how they are parsed, and every one the project ships checked
against the migrated schema."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from psycopg import sql

from veille.sql import load_queries, parse

ROOT = Path(__file__).resolve().parents[2]
# Every named-query file of the project's packages (migrations/ holds migrations, not named queries).
QUERY_FILES = sorted(
    p.relative_to(ROOT) for top in ("veille", "crawler", "nlp", "cases", "reports") for p in (ROOT / top).rglob("*.sql")
)
PLACEHOLDER = re.compile(r"%(?:\((\w+)\)s|%)")


def test_queries_are_split_on_their_headers_with_their_descriptions_apart():
    found = parse(
        """-- The file's own comment.

-- name: first --
-- What it returns.
--   dossier  the dossier's slug
SELECT 1 WHERE %(dossier)s IS NOT NULL
-- name: second_one --

SELECT 2 -- a comment inside the query stays
  FROM x
""",
        "test.sql",
    )
    assert list(found) == ["first", "second_one"]
    assert found["first"] == "SELECT 1 WHERE %(dossier)s IS NOT NULL"
    assert found["second_one"] == "SELECT 2 -- a comment inside the query stays\n  FROM x"
    assert found.docs["first"] == "What it returns.\ndossier  the dossier's slug"
    with pytest.raises(KeyError, match="no query named 'third' in test.sql .it has: first, second_one"):
        found["third"]


@pytest.mark.parametrize(
    "text, message",
    [
        ("SELECT 1", "no query"),
        ("-- name: a --\nSELECT 1\n-- name: a --\nSELECT 2", "'a' defined twice"),
        ("-- name: a --\n-- only a comment\n\n-- name: b --\nSELECT 2", "'a' is empty"),
    ],
)
def test_a_malformed_file_is_refused(text, message):
    with pytest.raises(ValueError, match=message):
        parse(text, "bad.sql")


def test_the_project_ships_its_query_files():
    assert {
        Path("reports/queries.sql"),
        Path("reports/digest/data.sql"),
        Path("reports/timeline/header.sql"),
        Path("cases/queries.sql"),
    } <= set(QUERY_FILES)


@pytest.mark.parametrize("path", QUERY_FILES, ids=str)
def test_every_shipped_query_runs_on_the_schema_with_named_parameters(conn, path):
    """Loaded as package data, each query has only ``%(name)s`` placeholders, and the server plans it
    on the migrated schema with every parameter null (each optional filter must accept that)."""
    package = ".".join(path.parent.parts)
    found = load_queries(package, path.name)
    assert found, path
    for name, text in found.items():
        names = {m.group(1) for m in PLACEHOLDER.finditer(text) if m.group(1)}
        assert "%" not in PLACEHOLDER.sub("", text), f"{path} {name}: a placeholder that is not %(name)s"
        conn.execute(sql.SQL("EXPLAIN {}").format(sql.SQL(text)), {n: None for n in names})
