"""The database: which one to use, connections, schema migrations.

``DATABASE_URL`` (a libpq URI) selects a PostgreSQL server; unset, veille uses its
embedded server (``veille.embedded``). Migrations are the numbered SQL files of
``migrations/``, each applied in one transaction together with its row in
``schema_migrations``, under an advisory lock so that two processes never migrate
at once. They are package data of the ``migrations`` package, read through
``importlib.resources``: an installed wheel migrates as a checkout does.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable

import psycopg
from psycopg.rows import dict_row, tuple_row

from veille.errors import VeilleError

MIGRATIONS_PACKAGE = "migrations"
MIGRATION_FILE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
# Any constant will do, as long as every veille process agrees on it ("veille" in ASCII).
MIGRATION_LOCK = 0x7665696C6C65
# A line ``-- veille:include NAME`` in a migration stands for SQL that a library ships and owns:
# the runner puts it in that line's place, read through the library's public API, so that it is
# applied in the migration's transaction and recorded with it (never copied into the file).
INCLUDE_LINE = re.compile(r"^-- veille:include ([a-z0-9-]+)[ \t]*$", re.MULTILINE)


def _procrastinate_schema() -> str:
    from procrastinate.schema import SchemaManager

    return SchemaManager.get_schema()


INCLUDES = {"procrastinate-schema": _procrastinate_schema}


def database_url() -> str:
    """The libpq URI of the database veille uses, starting the embedded server if needed."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return url
    from veille.embedded import embedded_server

    return embedded_server().uri()


def describe_url(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


def connect(url: str | None = None, **kwargs) -> psycopg.Connection:
    """A connection with dict rows; one clear error when the server cannot be reached."""
    url = url or database_url()
    try:
        return psycopg.connect(url, row_factory=dict_row, **kwargs)
    except psycopg.ProgrammingError as exc:
        raise VeilleError(
            f"DATABASE_URL mal formée ({describe_url(url)}) : {exc}",
            "écrivez une URI libpq, par exemple postgresql://utilisateur@hote:5432/base",
        ) from None
    except psycopg.OperationalError as exc:
        detail = str(exc).strip().splitlines()[-1] if str(exc).strip() else exc.__class__.__name__
        raise VeilleError(
            f"base de données injoignable ({describe_url(url)}) : {detail}",
            "vérifiez que le serveur tourne et DATABASE_URL, ou retirez DATABASE_URL "
            "pour utiliser le PostgreSQL embarqué",
        ) from None


def sibling(conn: psycopg.Connection, **kwargs) -> psycopg.Connection:
    """A second connection to ``conn``'s database, with the same parameters (password included), for
    work that runs alongside it."""
    from psycopg.conninfo import make_conninfo

    info = conn.info
    url = make_conninfo(info.dsn, password=info.password) if info.password else info.dsn
    return psycopg.connect(url, row_factory=dict_row, **kwargs)


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Traversable  # a file of the migrations package (or of the folder given instead)

    @property
    def sql(self) -> str:
        """The file's SQL, each ``-- veille:include NAME`` line replaced by what it names."""

        def included(match: re.Match) -> str:
            name = match.group(1)
            if name not in INCLUDES:
                raise VeilleError(
                    f"la migration {self.path.name} inclut « {name} », inconnu",
                    f"inclusions possibles : {', '.join(sorted(INCLUDES))}",
                )
            return INCLUDES[name]()

        return INCLUDE_LINE.sub(included, self.path.read_text(encoding="utf-8"))


def migrations_folder() -> Traversable:
    """The files of the ``migrations`` package, wherever veille is installed."""
    try:
        return resources.files(MIGRATIONS_PACKAGE)
    except ModuleNotFoundError:
        raise VeilleError(
            "migrations introuvables : le paquet « migrations » de veille n'est pas installé",
            "réinstallez veille (pip install .) depuis son dépôt ou sa roue",
        ) from None


def available_migrations(directory: Traversable | None = None) -> list[Migration]:
    """The numbered migrations of ``directory`` (default: the ``migrations`` package), in order."""
    directory = migrations_folder() if directory is None else directory
    found = []
    for path in sorted((p for p in directory.iterdir() if p.name.endswith(".sql")), key=lambda p: p.name):
        m = MIGRATION_FILE.match(path.name)
        if not m:
            raise VeilleError(f"nom de migration invalide : {path.name}", "nommez-la NNNN_description.sql")
        found.append(Migration(int(m.group(1)), m.group(2), path))
    versions = [m.version for m in found]
    if not found or versions != list(range(1, len(found) + 1)):
        raise VeilleError(
            f"migrations absentes ou non consécutives dans {directory} : {versions}",
            "numérotez-les 0001, 0002, … sans trou",
        )
    return found


_BOOKKEEPING = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE schema_migrations IS 'Migrations applied to this database, one row per file of migrations/.';
COMMENT ON COLUMN schema_migrations.version IS 'Number of the migration file (0001 → 1).';
COMMENT ON COLUMN schema_migrations.name IS 'Name of the migration file without number and extension.';
COMMENT ON COLUMN schema_migrations.applied_at IS 'When it was applied.';
"""


def applied_versions(conn: psycopg.Connection) -> dict[int, dict]:
    exists = conn.execute("SELECT to_regclass('schema_migrations') AS t").fetchone()
    if not exists or exists["t"] is None:
        return {}
    rows = conn.execute("SELECT version, name, applied_at FROM schema_migrations ORDER BY version").fetchall()
    return {r["version"]: r for r in rows}


def migration_status(conn: psycopg.Connection) -> tuple[list[dict], list[Migration]]:
    """(applied rows, pending migrations); refuses a database newer than this code."""
    known = available_migrations()
    applied = applied_versions(conn)
    unknown = sorted(set(applied) - {m.version for m in known})
    if unknown:
        raise VeilleError(
            f"la base porte des migrations que cette version de veille ne connaît pas : {unknown}",
            "mettez veille à jour (git pull) avant de l'utiliser sur cette base",
        )
    return list(applied.values()), [m for m in known if m.version not in applied]


def migrate(conn: psycopg.Connection, progress=None) -> list[Migration]:
    """Apply pending migrations in order; returns those applied. Safe to run concurrently."""
    conn.autocommit = True
    encoding = conn.info.parameter_status("server_encoding")
    if encoding not in (None, "UTF8"):  # French text and the reports' JSON need UTF-8 end to end
        raise VeilleError(
            f"la base {conn.info.dbname} est encodée en {encoding}, veille demande UTF8",
            "créez-la avec CREATE DATABASE … ENCODING 'UTF8' TEMPLATE template0",
        )
    conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
    try:
        with conn.transaction():
            conn.execute(_BOOKKEEPING)
        _, pending = migration_status(conn)
        for m in pending:
            if progress:
                progress(m)
            try:
                with conn.transaction():
                    conn.execute(m.sql)
                    conn.execute("INSERT INTO schema_migrations (version, name) VALUES (%s, %s)", (m.version, m.name))
            except psycopg.Error as exc:
                raise VeilleError(
                    f"la migration {m.path.name} a échoué : {str(exc).strip().splitlines()[0]}",
                    "rien n'a été appliqué pour ce fichier ; corrigez-le puis relancez veille db migrate",
                ) from None
        _close_to_readers(conn, refresh=bool(pending))
        return pending
    finally:
        conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))


def _close_to_readers(conn: psycopg.Connection, refresh: bool) -> None:
    """Rebuild the readers' redacted views when the schema changed, and keep temporary tables to the
    operator (a database's privileges are not copied from its template, so this runs every time)."""
    with conn.transaction():
        cur = conn.cursor(row_factory=tuple_row)
        if cur.execute("SELECT to_regprocedure('veille_private.close_database()')").fetchone()[0] is None:
            return  # migrations of this version that predate the reader's schema (tests of old files)
        if refresh:
            conn.execute("SELECT veille_private.refresh_research()")
        conn.execute("SELECT veille_private.close_database()")


def ensure_schema(conn: psycopg.Connection) -> None:
    """Bring the schema up to date: every command that needs the schema calls this first."""
    autocommit = conn.autocommit
    migrate(conn)
    conn.autocommit = autocommit


def open_database(url: str | None = None, **kwargs) -> psycopg.Connection:
    """A connection to an up-to-date database: what commands use."""
    conn = connect(url, **kwargs)
    ensure_schema(conn)
    return conn


def sync_config(conn: psycopg.Connection, config) -> None:
    """Write the configuration's dossiers and sources into their tables (researchers query them)."""
    from psycopg.types.json import Jsonb

    with conn.transaction():
        for d in config.dossiers.values():
            conn.execute(
                """INSERT INTO dossiers (slug, title, terms, context_terms, exclude_terms, linked_terms, updated_at)
                   VALUES (%s, %s, %s, %s, %s, %s, now())
                   ON CONFLICT (slug) DO UPDATE SET title = EXCLUDED.title, terms = EXCLUDED.terms,
                       context_terms = EXCLUDED.context_terms, exclude_terms = EXCLUDED.exclude_terms,
                       linked_terms = EXCLUDED.linked_terms, updated_at = now()""",
                (d.slug, d.title, list(d.terms), list(d.context_terms), list(d.exclude_terms), list(d.linked_terms)),
            )
        for s in config.sources:
            conn.execute(
                """INSERT INTO sources (id, name, kind, urls, settings, updated_at) VALUES (%s, %s, %s, %s, %s, now())
                   ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind,
                       urls = EXCLUDED.urls, settings = EXCLUDED.settings, updated_at = now()""",
                (s.id, s.name, s.kind, list(s.urls), Jsonb(s.settings)),
            )
