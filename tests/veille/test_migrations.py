"""Migrations on a real PostgreSQL: from zero, idempotent, concurrent, refused when unknown."""

from __future__ import annotations

import threading
from pathlib import Path

import psycopg
import pytest
from psycopg.rows import dict_row

from veille.db import applied_versions, available_migrations, migrate, migration_status
from veille.errors import VeilleError
from veille.schema_doc import schema_markdown

ROOT = Path(__file__).resolve().parents[2]


def connect(url):
    return psycopg.connect(url, row_factory=dict_row, autocommit=True)


def test_migration_files_are_numbered_without_gaps():
    names = [m.path.name for m in available_migrations()]
    assert names[0] == "0001_initial.sql"
    assert [int(n[:4]) for n in names] == list(range(1, len(names) + 1))
    # Read from the package, they are every SQL file of the migrations/ folder.
    assert names == sorted(p.name for p in (ROOT / "migrations").glob("*.sql"))


def test_migrating_from_zero_gives_the_documented_schema(empty_db_url):
    with connect(empty_db_url) as conn:
        applied = migrate(conn)
        assert [m.version for m in applied] == [m.version for m in available_migrations()]
        documented = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
        assert schema_markdown(conn) == documented, (
            "docs/schema.md is out of date: regenerate it with "
            "`DATABASE_URL=… python -m veille.schema_doc > docs/schema.md`"
        )


def test_every_table_view_and_column_has_a_comment(conn):
    # docs/schema.md is generated from these comments: a view's columns are described too.
    missing = conn.execute(
        """SELECT c.relname || coalesce('.' || a.attname, '') AS what
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                  AND col_description(c.oid, a.attnum) IS NULL
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v')
              AND (obj_description(c.oid, 'pg_class') IS NULL OR a.attname IS NOT NULL)
            ORDER BY 1"""
    ).fetchall()
    assert [r["what"] for r in missing] == []


def test_second_migrate_does_nothing(conn):
    before = applied_versions(conn)
    assert migrate(conn) == []
    assert applied_versions(conn) == before
    applied, pending = migration_status(conn)
    assert pending == [] and len(applied) == len(available_migrations())


def test_concurrent_migrations_do_not_collide(empty_db_url):
    errors, results = [], []

    def run():
        try:
            with connect(empty_db_url) as c:
                results.append(len(migrate(c)))
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    # Exactly one of them applied everything; the others found nothing to do.
    assert sorted(results) == [0, 0, 0, len(available_migrations())]
    with connect(empty_db_url) as c:
        assert len(applied_versions(c)) == len(available_migrations())


def test_database_from_a_newer_version_is_refused(conn):
    conn.execute("INSERT INTO schema_migrations (version, name) VALUES (9999, 'from_the_future')")
    with pytest.raises(VeilleError) as exc:
        migrate(conn)
    assert "9999" in str(exc.value) and "mettez veille à jour" in str(exc.value)


def test_failed_migration_leaves_nothing_half_applied(empty_db_url, tmp_path, monkeypatch):
    import veille.db as db

    for m in available_migrations():
        (tmp_path / m.path.name).write_text(m.sql, encoding="utf-8")
    n = len(available_migrations()) + 1
    (tmp_path / f"{n:04d}_broken.sql").write_text(
        "CREATE TABLE half_done (id int);\nSELECT no_such_function();\n", encoding="utf-8"
    )
    monkeypatch.setattr(db, "migrations_folder", lambda: tmp_path)
    with connect(empty_db_url) as conn:
        with pytest.raises(VeilleError) as exc:
            migrate(conn)
        assert f"{n:04d}_broken.sql" in str(exc.value)
        assert conn.execute("SELECT to_regclass('half_done') AS t").fetchone()["t"] is None
        assert n not in applied_versions(conn)
        assert n - 1 in applied_versions(conn)


def test_reader_role_reads_but_cannot_write(conn):
    conn.execute("INSERT INTO sources (id, name, kind) VALUES ('lemonde', 'Le Monde', 'feed')")
    conn.execute("INSERT INTO dossiers (slug, title, terms) VALUES ('coco', 'Coco', '{coco.gg}')")
    conn.execute("INSERT INTO subscribers (email, dossier_slug, token) VALUES ('a@example.org', 'coco', 't')")
    conn.execute("SET ROLE veille_reader")
    try:
        assert conn.execute("SELECT name FROM research.sources").fetchone()["name"] == "Le Monde"
        assert conn.execute("SELECT count(*) AS n FROM research.timeline").fetchone()["n"] == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO sources (id, name, kind) VALUES ('x', 'X', 'feed')")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE documents SET title = 'x'")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM events")
        # Subscribers' addresses are personal data, kept from researchers.
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT email FROM subscribers")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT text FROM documents")  # the raw tables are the operator's
    finally:
        conn.execute("RESET ROLE")


def test_french_full_text_search_ignores_accents(conn):
    conn.execute(
        "INSERT INTO documents (canonical_url, url, title, text) VALUES "
        "('https://a/1', 'https://a/1', 'Le procès de Mazan', 'Les accusés ont été jugés à Avignon.')"
    )
    hits = conn.execute(
        "SELECT title FROM documents WHERE fts @@ plainto_tsquery('veille_french', 'proces accuse')"
    ).fetchall()
    assert [h["title"] for h in hits] == ["Le procès de Mazan"]
    conn.execute("SET enable_seqscan = off")  # a tiny table: make the planner show it can use the index
    plan = "\n".join(
        r["QUERY PLAN"]
        for r in conn.execute(
            "EXPLAIN SELECT id FROM documents WHERE fts @@ plainto_tsquery('veille_french', 'mazan')"
        ).fetchall()
    )
    assert "documents_fts_idx" in plan


def test_a_database_not_in_utf8_is_refused_with_the_fix(pg_admin_url):
    from psycopg.conninfo import make_conninfo

    name = "veille_latin1_test"
    with psycopg.connect(pg_admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f"""CREATE DATABASE "{name}" ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C'
                          TEMPLATE template0""")
    try:
        with connect(make_conninfo(pg_admin_url, dbname=name)) as conn:
            with pytest.raises(VeilleError) as refused:
                migrate(conn)
            assert "encodée en LATIN1" in str(refused.value) and "ENCODING 'UTF8'" in str(refused.value)
            assert conn.execute("SELECT to_regclass('documents') AS t").fetchone()["t"] is None  # nothing created
    finally:
        with psycopg.connect(pg_admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
