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

**Who reads what.** The tables and views below live in the schema `public`: they are the
operator's, raw, and closed to `veille_reader`. Researchers (logins made by
`veille db reader-password`, members of `veille_reader`) read the schema `research` instead, which
is first on their search path: one view per table and view of `public` with the same name and
columns, where every name a source gives a minor is replaced by as many « █ » as it has characters
(so that the offsets into `documents.text` stay valid), a list of people says « un mineur », and
the full-text vectors drop those names. Left out of `research`: {closed}.
"""


def schema_markdown(conn: psycopg.Connection) -> str:
    cur = conn.cursor(row_factory=tuple_row)
    relations = cur.execute(
        """SELECT c.oid, c.relname, c.relkind, obj_description(c.oid, 'pg_class')
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v')
            ORDER BY c.relkind, c.relname"""
    ).fetchall()
    closed = cur.execute(
        """SELECT string_agg(format('`%s`', c.relname), ', ' ORDER BY c.relname)
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v')
              AND to_regclass('research.' || quote_ident(c.relname)) IS NULL"""
    ).fetchone()[0]
    columns_left_out = cur.execute(
        """SELECT string_agg(format('`%s.%s`', c.relname, a.attname), ', ' ORDER BY c.relname, a.attnum)
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v')
              AND to_regclass('research.' || quote_ident(c.relname)) IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM pg_attribute r
                               WHERE r.attrelid = to_regclass('research.' || quote_ident(c.relname))
                                 AND r.attname = a.attname)"""
    ).fetchone()[0]
    left_out = f"the tables {closed or '(none)'} (personal data) and the columns {columns_left_out or '(none)'}"
    out = [HEADER.replace("{closed}", left_out)]
    for oid, name, relkind, comment in relations:
        out.append(f"\n## {'view' if relkind == 'v' else 'table'} `{name}`\n\n{comment or '(no comment)'}\n")
        out.append("| column | type | description |\n| --- | --- | --- |")
        columns = cur.execute(
            """SELECT a.attname, format_type(a.atttypid, a.atttypmod), col_description(a.attrelid, a.attnum)
                 FROM pg_attribute a WHERE a.attrelid = %s AND a.attnum > 0 AND NOT a.attisdropped
                ORDER BY a.attnum""",
            (oid,),
        ).fetchall()
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
