"""Generate the data dictionary (docs/schema.md) from the database's own COMMENTs.

    python -m veille.schema_doc > docs/schema.md

A test regenerates it from a freshly migrated database and compares, so the
document never drifts from the schema.
"""

from __future__ import annotations

import sys

import psycopg
from psycopg.rows import tuple_row

HEADER = """# Data dictionary

Generated from the schema's `COMMENT`s by `python -m veille.schema_doc` — do not edit by hand.
Example queries for research questions are in [research.md](research.md).
"""


def schema_markdown(conn: psycopg.Connection) -> str:
    cur = conn.cursor(row_factory=tuple_row)
    relations = cur.execute(
        """SELECT c.oid, c.relname, c.relkind, obj_description(c.oid, 'pg_class')
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v')
            ORDER BY c.relkind, c.relname""").fetchall()
    out = [HEADER]
    for oid, name, relkind, comment in relations:
        out.append(f"\n## {'view' if relkind == 'v' else 'table'} `{name}`\n\n{comment or '(no comment)'}\n")
        out.append("| column | type | description |\n| --- | --- | --- |")
        columns = cur.execute(
            """SELECT a.attname, format_type(a.atttypid, a.atttypmod), col_description(a.attrelid, a.attnum)
                 FROM pg_attribute a WHERE a.attrelid = %s AND a.attnum > 0 AND NOT a.attisdropped
                ORDER BY a.attnum""", (oid,)).fetchall()
        for col, typ, desc in columns:
            desc = (desc or "").replace("|", "\\|")
            out.append(f"| `{col}` | {typ} | {desc} |")
    return "\n".join(out) + "\n"


def main() -> None:
    from veille.db import open_database

    with open_database() as conn:
        sys.stdout.write(schema_markdown(conn))


if __name__ == "__main__":
    main()
