"""The researchers' login: its own role, read-only for real, redacted data only.

Every refusal is tried twice: through ``veille db shell --reader`` (psql, as a researcher
would) and through a direct connection with the reader's password (as pandas or R would).
"""

from __future__ import annotations

import itertools
import os
import re
import stat
import time
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import make_conninfo
from psycopg.rows import dict_row

from veille.db import MIGRATION_LOCK

_names = itertools.count()


@pytest.fixture
def reader(veille, conn, tmp_path):
    """A reader login made by ``veille db reader-password``: (login, password, run as it via shell,
    connect as it)."""
    login = f"veille_test_reader_{os.getpid()}_{next(_names)}"
    env = {"VEILLE_DATA_DIR": str(tmp_path / "data")}
    made = veille("db", "reader-password", "--user", login, "--statement-timeout", "2s", env=env)
    assert made.returncode == 0, made.stderr
    password = re.search(r"une seule fois\) : (\S+)", made.stdout).group(1)

    def shell(*sql: str):
        args = ["db", "shell", "--reader", "--user", login, "-X", "-v", "ON_ERROR_STOP=1", "-At"]
        for statement in sql:
            args += ["-c", statement]
        return veille(*args, env=env)

    def connect(**kwargs):
        url = make_conninfo(conn.info.dsn, user=login, password=password)
        return psycopg.connect(url, row_factory=dict_row, autocommit=True, **kwargs)

    yield {"login": login, "password": password, "shell": shell, "connect": connect, "env": env, "output": made.stdout}
    conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (login,))
    conn.execute(f'DROP ROLE IF EXISTS "{login}"')


def test_the_password_is_printed_once_stored_as_scram_and_kept_private(reader, conn, tmp_path):
    row = conn.execute("SELECT rolpassword, rolsuper FROM pg_authid WHERE rolname = %s", (reader["login"],)).fetchone()
    assert row["rolpassword"].startswith("SCRAM-SHA-256$") and not row["rolsuper"]
    assert reader["password"] not in row["rolpassword"]
    pgpass = tmp_path / "data" / "reader.pgpass"
    assert stat.S_IMODE(pgpass.stat().st_mode) == 0o600
    assert pgpass.read_text().strip().endswith(f":{reader['login']}:{reader['password']}")
    assert reader["output"].count(reader["password"]) == 1


def test_the_shell_logs_in_as_the_reader_never_through_a_superuser_session(reader):
    result = reader["shell"](
        "SELECT current_user, session_user, (SELECT rolsuper FROM pg_roles WHERE rolname = session_user)"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{reader['login']}|{reader['login']}|f"


# Each with what PostgreSQL answers: refused by privileges, not merely by a read-only transaction
# (every attempt first turns default_transaction_read_only off, which the reader may do).
REFUSED = {
    "set_role_superuser": ("SET ROLE postgres", "permission denied"),
    "insert": ("INSERT INTO public.sources (id, name, kind) VALUES ('x', 'X', 'feed')", "permission denied"),
    "update_view": ("UPDATE research.sources SET name = 'x'", "cannot update view"),
    "delete": ("DELETE FROM public.events", "permission denied"),
    "create_table": ("CREATE TABLE research.x (i int)", "permission denied"),
    "create_in_public": ("CREATE TABLE public.x (i int)", "permission denied"),
    "create_temp": ("CREATE TEMP TABLE x (i int)", "permission denied"),
    "create_schema": ("CREATE SCHEMA mine", "permission denied"),
    "read_server_file": ("SELECT pg_read_file('/etc/hostname')", "permission denied"),
    "copy_to_program": ("COPY (SELECT 1) TO PROGRAM 'true'", "pg_execute_server_program"),
    "subscribers": ("SELECT email, token FROM public.subscribers", "permission denied"),
    "digests": ("SELECT * FROM public.digests", "permission denied"),
    "no_research_subscribers": ("SELECT * FROM research.subscribers", "does not exist"),
    "raw_documents": ("SELECT text FROM public.documents", "permission denied"),
    "raw_entities": ("SELECT canonical FROM public.entities", "permission denied"),
    "migration_lock": (f"SELECT pg_advisory_lock({MIGRATION_LOCK})", "permission denied"),
    "try_lock": ("SELECT pg_try_advisory_lock(1)", "permission denied"),
    "xact_lock": ("SELECT pg_advisory_xact_lock(1)", "permission denied"),
    "shared_lock": ("SELECT pg_advisory_lock_shared(1, 2)", "permission denied"),
}


@pytest.mark.parametrize("what", REFUSED)
def test_refused_to_the_reader_through_the_shell(reader, what):
    statement, answer = REFUSED[what]
    result = reader["shell"]("SET default_transaction_read_only = off", statement)
    assert result.returncode != 0, result.stdout
    assert answer in result.stderr, result.stderr


@pytest.mark.parametrize("what", REFUSED)
def test_refused_to_the_reader_on_a_direct_connection(reader, what):
    statement, answer = REFUSED[what]
    with reader["connect"]() as c:
        c.execute("SET default_transaction_read_only = off")
        with pytest.raises(psycopg.Error) as refused:
            c.execute(statement)
        assert answer in str(refused.value)


def test_a_reader_cannot_hold_the_lock_every_command_waits_on(reader, conn):
    with reader["connect"]() as c:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            c.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
    # The operator still takes it (migrations, scheduler, digests run as the operator).
    assert conn.execute("SELECT pg_try_advisory_lock(%s) AS ok", (MIGRATION_LOCK,)).fetchone()["ok"]
    conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))


def test_reader_statements_have_a_time_limit(reader):
    with reader["connect"]() as c:
        assert c.execute("SHOW statement_timeout").fetchone()["statement_timeout"] == "2s"
        started = time.monotonic()
        with pytest.raises(psycopg.errors.QueryCanceled):
            c.execute("SELECT pg_sleep(20)")
        assert time.monotonic() - started < 10
    result = reader["shell"]("SELECT pg_sleep(20)")
    assert result.returncode != 0 and "statement timeout" in result.stderr


def test_the_watchdog_cancels_a_reader_who_lifted_the_limit(reader, conn):
    from veille.reader import Watchdog

    watchdog = Watchdog(conn.info.dsn, every=0.5)
    watchdog.start()
    try:
        with reader["connect"]() as c:
            c.execute("SET statement_timeout = 0")
            started = time.monotonic()
            with pytest.raises(psycopg.errors.QueryCanceled):
                c.execute("SELECT pg_sleep(30)")
            assert time.monotonic() - started < 10
    finally:
        watchdog.stop()
    assert watchdog.cancelled >= 1


def test_the_reader_reads_the_research_views_by_default(reader, conn):
    conn.execute("INSERT INTO sources (id, name, kind) VALUES ('testsource', 'Source de test', 'feed')")
    result = reader["shell"]("SELECT name FROM sources WHERE id = 'testsource'", "SELECT count(*) FROM timeline")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["Source de test", "0"]


MINOR = "Léa Martin"
TEXT = (
    "La jeune Léa Martin, 12 ans, a été entendue par les enquêteurs. "
    "LÉA MARTIN était présente. Une camarade, Léane, aussi. Paul Durand est mis en examen."
)


def _seed_a_minor(conn):
    conn.execute(
        "INSERT INTO documents (id, canonical_url, url, title, text) VALUES "
        "(1, 'https://ex.fr/lea-martin-12-ans', 'https://ex.fr/lea-martin-12-ans', %s, %s)",
        (f"{MINOR}, 12 ans, entendue", TEXT),
    )
    conn.execute(
        "INSERT INTO entities (id, label, canonical, key, minor) VALUES "
        "(1, 'PER', %s, 'lea martin', true), (2, 'PER', 'Paul Durand', 'paul durand', false)",
        (MINOR,),
    )
    start = TEXT.index(MINOR)
    conn.execute(
        "INSERT INTO mentions (document_id, entity_id, start_char, end_char, text, minor, sentence_start, "
        "sentence_end) VALUES (1, 1, %s, %s, %s, true, 0, 63)",
        (start, start + len(MINOR), MINOR),
    )
    conn.execute(
        "INSERT INTO events (document_id, event_date, precision, kind, summary, evidence, evidence_start, "
        "evidence_end, people) VALUES (1, '2024-05-02', 'day', 'hearing', %s, %s, 0, 63, %s)",
        (f"Audition de {MINOR}", TEXT[:63], [MINOR, "Paul Durand"]),
    )


def test_the_reader_never_reads_a_minors_name(reader, conn):
    _seed_a_minor(conn)
    with reader["connect"]() as c:
        views = [
            r["relname"]
            for r in c.execute(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'research' AND c.relkind = 'v' ORDER BY 1"
            ).fetchall()
        ]
        assert {"documents", "entities", "mentions", "events", "timeline", "document_facts"} <= set(views)
        for view in views:
            dump = " ".join(r["row"] for r in c.execute(f"SELECT t::text AS row FROM research.{view} t").fetchall())
            named = re.search(r"(?<!\w)(léa|lea|martin)(?!\w)", dump, re.I)
            assert not named, f"{named.group(0)} readable in research.{view}"
        doc = c.execute("SELECT title, text, fts::text AS fts FROM documents").fetchone()
        # As many « █ » as the name has characters: the NLP offsets stay valid.
        assert len(doc["text"]) == len(TEXT) and doc["text"].count("█" * len(MINOR)) == 2
        assert "Léane" in doc["text"] and "Paul Durand" in doc["text"]  # other words are left alone
        mention = c.execute(
            "SELECT substr(d.text, m.start_char + 1, m.end_char - m.start_char) AS words "
            "FROM mentions m JOIN documents d ON d.id = m.document_id"
        ).fetchone()
        assert mention["words"] == "█" * len(MINOR)
        event = c.execute("SELECT people, summary FROM events").fetchone()
        assert event["people"] == ["un mineur", "Paul Durand"]
        assert (
            c.execute(
                "SELECT count(*) AS n FROM documents WHERE fts @@ plainto_tsquery('veille_french', 'enquêteurs')"
            ).fetchone()["n"]
            == 1
        )  # full-text search still works
    # The operator's tables keep the text as collected.
    assert conn.execute("SELECT text FROM documents").fetchone()["text"] == TEXT


def test_views_follow_tables_added_by_later_migrations(conn, tmp_path, monkeypatch):
    import veille.db as db

    for m in db.available_migrations():
        (tmp_path / m.path.name).write_text(m.sql, encoding="utf-8")
    n = len(db.available_migrations()) + 1
    (tmp_path / f"{n:04d}_later.sql").write_text("CREATE TABLE later_facts (id int, note text);\n", encoding="utf-8")
    monkeypatch.setattr(db, "migrations_folder", lambda: tmp_path)
    _seed_a_minor(conn)
    assert [m.version for m in db.migrate(conn)] == [n]
    conn.execute("INSERT INTO later_facts VALUES (1, 'Léa Martin parle')")
    assert conn.execute("SELECT note FROM research.later_facts").fetchone()["note"] == "█" * len(MINOR) + " parle"
    assert conn.execute(
        "SELECT has_table_privilege('veille_reader', 'research.later_facts', 'SELECT') AS ok"
    ).fetchone()["ok"]
    assert not conn.execute(
        "SELECT has_table_privilege('veille_reader', 'public.later_facts', 'SELECT') AS ok"
    ).fetchone()["ok"]


def test_shell_reader_without_a_login_says_how_to_make_one(veille, tmp_path):
    result = veille(
        "db",
        "shell",
        "--reader",
        "--user",
        "nobody_reads_here",
        "-c",
        "SELECT 1",
        env={"VEILLE_DATA_DIR": str(tmp_path)},
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "veille : erreur : le rôle lecteur nobody_reads_here n'existe pas — "
        "créez-le avec veille db reader-password --user nobody_reads_here"
    ]


RESEARCH_MD = Path(__file__).resolve().parents[2] / "docs" / "research.md"


def _research_queries() -> dict[str, str]:
    text = RESEARCH_MD.read_text(encoding="utf-8")
    queries = {}
    for title, body in re.findall(r"^## (.+?)\n(.*?)(?=^## |\Z)", text, re.M | re.S):
        for sql in re.findall(r"```sql\n(.*?)```", body, re.S):
            queries[title] = sql
    return queries


def test_every_query_of_research_md_runs_for_the_reader(reader, conn):
    _seed_a_minor(conn)
    queries = _research_queries()
    assert len(queries) >= 8
    with reader["connect"]() as c:
        for sql in queries.values():
            c.execute(sql).fetchall()  # raises on a query the reader cannot run


def test_charges_per_case_come_from_the_cases_own_events(reader, conn):
    conn.execute(
        "INSERT INTO documents (id, canonical_url, url, title, text) VALUES "
        "(1, 'https://ex.fr/1', 'https://ex.fr/1', 'Deux affaires', 'x')"
    )
    conn.execute(
        "INSERT INTO cases (id, slug, name) VALUES (1, 'valenciennes', 'Valenciennes'), "
        "(2, 'grande-synthe', 'Grande-Synthe')"
    )
    conn.execute("INSERT INTO case_documents VALUES (1, 1), (2, 1)")
    conn.execute(
        "INSERT INTO charges (document_id, canonical, lemma, category, text, start_char, end_char, "
        "sentence_start, sentence_end) VALUES "
        "(1, 'meurtre', 'meurtre', 'personnes', 'meurtre', 0, 1, 0, 1), "
        "(1, 'trafic de stupéfiants', 'trafic de stupéfiants', 'stupéfiants', 'trafic', 0, 1, 0, 1)"
    )
    conn.execute(
        "INSERT INTO events (document_id, event_date, precision, kind, summary, evidence, evidence_start, "
        "evidence_end, case_id, charges) "
        "VALUES (1, '2024-01-01', 'day', 'verdict', 'a', 'a', 0, 1, 1, '{meurtre}'), "
        "(1, '2024-01-02', 'day', 'arrest', 'b', 'b', 0, 1, 2, '{trafic de stupéfiants}')"
    )
    with reader["connect"]() as c:
        rows = c.execute(_research_queries()["Charges stated per case"]).fetchall()
    by_case = {}
    for row in rows:
        by_case.setdefault(row["name"], []).append(row["charge"])
    assert by_case == {"Grande-Synthe": ["trafic de stupéfiants"], "Valenciennes": ["meurtre"]}
