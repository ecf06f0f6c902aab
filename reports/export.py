"""``veille export``: a dossier's tables as files researchers open in pandas, R, DuckDB or a spreadsheet.

The rows come from the readers' views (schema ``research``): minors' names are masked there as
everywhere veille publishes. One CSV file per table (UTF-8, a header line, ISO 8601 times, lists
and JSON as JSON text), or one Parquet file per table (pyarrow; numbers, booleans, dates and
times typed as such), and ``data_dictionary.csv``: every column of every file with its type and
the description the database's comments give it.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import click
import psycopg
from psycopg import sql

from veille.app import App, pass_app
from veille.errors import VeilleError

# table -> which of the research view's rows belong to the dossier (%(dossier)s is its slug)
DOCUMENTS_OF_DOSSIER = "SELECT document_id FROM research.document_dossiers WHERE dossier_slug = %(dossier)s"
TABLES = {
    "documents": f"t.id IN ({DOCUMENTS_OF_DOSSIER})",
    "events": f"t.document_id IN ({DOCUMENTS_OF_DOSSIER})",
    "happenings": f"t.happening_id IN (SELECT happening_id FROM research.events WHERE document_id IN "
    f"({DOCUMENTS_OF_DOSSIER}))",
    "cases": "t.id IN (SELECT case_id FROM research.case_dossiers WHERE dossier_slug = %(dossier)s)",
    "mentions": f"t.document_id IN ({DOCUMENTS_OF_DOSSIER})",
    "entities": f"t.id IN (SELECT entity_id FROM research.mentions WHERE document_id IN ({DOCUMENTS_OF_DOSSIER}))",
    "charges": f"t.document_id IN ({DOCUMENTS_OF_DOSSIER})",
}
# Search and de-duplication internals: no use outside the database.
LEFT_OUT = {"tsvector", "bigint[]"}


def _columns(conn: psycopg.Connection, table: str) -> list[dict]:
    return conn.execute(
        """SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
                  coalesce(col_description(a.attrelid, a.attnum), '') AS description
             FROM pg_attribute a
            WHERE a.attrelid = to_regclass(%s) AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attnum""",
        (f"research.{table}",),
    ).fetchall()


def _select(table: str, columns: list[dict]) -> sql.Composed:
    exprs = []
    for c in columns:
        col = sql.SQL("t.{}").format(sql.Identifier(c["name"]))
        if c["type"].endswith("[]") or c["type"] in ("json", "jsonb"):
            col = sql.SQL("to_json({})::text").format(col)  # a list or JSON readable anywhere
        elif c["type"].startswith("timestamp"):
            col = sql.SQL("to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')").format(col)
        exprs.append(sql.SQL("{} AS {}").format(col, sql.Identifier(c["name"])))
    return sql.SQL("SELECT {} FROM research.{} t WHERE " + TABLES[table] + " ORDER BY 1").format(
        sql.SQL(", ").join(exprs), sql.Identifier(table)
    )


def _arrow_types(columns: list[dict]) -> dict:
    """pyarrow's type for each column of the CSV that COPY writes: numbers, booleans, dates and
    times as such in the Parquet file; texts, lists and JSON as strings (lists and JSON as JSON text)."""
    import pyarrow

    by_type = {
        "bigint": pyarrow.int64(),
        "integer": pyarrow.int32(),
        "smallint": pyarrow.int16(),
        "boolean": pyarrow.bool_(),
        "real": pyarrow.float32(),
        "double precision": pyarrow.float64(),
        "date": pyarrow.date32(),
    }
    types = {}
    for c in columns:
        if c["type"].startswith("timestamp"):
            types[c["name"]] = pyarrow.timestamp("ms", tz="UTC")  # Parquet has no unit of seconds
        else:
            types[c["name"]] = by_type.get(c["type"], pyarrow.string())
    return types


def _write_parquet(data: bytes, columns: list[dict], path: Path) -> None:
    import pyarrow.csv
    import pyarrow.parquet

    parsed = pyarrow.csv.read_csv(
        io.BytesIO(data),
        read_options=pyarrow.csv.ReadOptions(column_names=[c["name"] for c in columns], skip_rows=1),
        convert_options=pyarrow.csv.ConvertOptions(
            column_types=_arrow_types(columns),
            strings_can_be_null=True,  # COPY writes NULL as an empty field, '' as ""
            quoted_strings_can_be_null=False,
            true_values=["t"],
            false_values=["f"],
        ),
    )
    pyarrow.parquet.write_table(parsed, path)


def _dictionary_type(pg_type: str, fmt: str) -> str:
    if pg_type.endswith("[]") or pg_type in ("json", "jsonb"):
        return "JSON text"
    if pg_type.startswith("timestamp"):
        return "ISO 8601, UTC" if fmt == "csv" else "timestamp, UTC"
    return pg_type


def export_dossier(conn: psycopg.Connection, dossier: str, out: Path, fmt: str = "csv") -> dict[str, int]:
    """Write the dossier's tables into ``out``; returns the rows written per table."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise VeilleError(
            f"impossible de créer le dossier {out} : {exc.strerror}",
            "choisissez un dossier accessible en écriture pour --out",
        ) from None
    written, dictionary = {}, []
    for table in TABLES:
        columns = [c for c in _columns(conn, table) if c["type"] not in LEFT_OUT]
        query = _select(table, columns)
        buffer = io.BytesIO()
        cursor = conn.cursor()
        with cursor.copy(
            sql.SQL("COPY ({}) TO STDOUT WITH (FORMAT csv, HEADER, ENCODING 'UTF8')").format(query),
            {"dossier": dossier},
        ) as copy:
            for data in copy:
                buffer.write(data)
        data = buffer.getvalue()
        written[table] = cursor.rowcount  # the server's count: a text may hold line breaks
        if fmt == "parquet":
            _write_parquet(data, columns, out / f"{table}.parquet")
        else:
            (out / f"{table}.csv").write_bytes(data)
        dictionary += [(table, c["name"], _dictionary_type(c["type"], fmt), c["description"]) for c in columns]
    with (out / "data_dictionary.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(("table", "column", "type", "description"))
        w.writerows(dictionary)
    return written


@click.command(name="export")
@click.option("--dossier", metavar="DOSSIER", required=True, help="Dossier à exporter (son identifiant, par ex. coco).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "parquet"]),
    default="csv",
    show_default=True,
    help="CSV ou Parquet (un fichier par table).",
)
@click.option(
    "--out",
    "out_dir",
    metavar="DOSSIER",
    required=True,
    type=click.Path(file_okay=False),
    help="Répertoire où écrire les fichiers et le dictionnaire des données.",
)
@pass_app
def export(app: App, dossier: str, fmt: str, out_dir: str) -> None:
    """Exporter les documents, événements, faits, affaires, mentions et chefs d'accusation d'un
    dossier, noms de mineurs masqués, avec leur dictionnaire des données."""
    app.config.dossier(dossier)
    written = export_dossier(app.db(), dossier, Path(out_dir), fmt)
    app.say(", ".join(f"{table} : {n}" for table, n in written.items()))
    app.say(f"écrit dans {out_dir} ({fmt}), avec data_dictionary.csv")
