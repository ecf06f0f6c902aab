"""`veille export`: a dossier's tables as CSV or Parquet files with their data dictionary, minors' names masked."""

from __future__ import annotations

import csv
import json
import re
from datetime import UTC, date, datetime

import pytest

from tests.veille.test_reader import MINOR, TEXT, _seed_a_minor


def read(path):
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def dossier(conn):
    conn.execute("INSERT INTO dossiers (slug, title, terms) VALUES ('coco', 'Coco', '{coco}') ON CONFLICT DO NOTHING")
    _seed_a_minor(conn)
    conn.execute(
        "INSERT INTO documents (id, canonical_url, url, title, text) VALUES "
        "(2, 'https://ex.fr/autre', 'https://ex.fr/autre', 'Un autre sujet', 'Rien à voir.')"
    )
    conn.execute("INSERT INTO document_dossiers (document_id, dossier_slug, score, reason) VALUES (1, 'coco', 1, 't')")
    conn.execute(
        "INSERT INTO cases (id, slug, name, charges) VALUES (1, 'grande-synthe', 'Grande-Synthe', "
        "'{meurtre}'), (2, 'ailleurs', 'Ailleurs', '{}')"
    )
    conn.execute("INSERT INTO case_dossiers VALUES (1, 'coco')")
    conn.execute("UPDATE events SET case_id = 1")
    return conn


def test_the_dossiers_tables_with_their_dictionary_names_masked(veille, dossier, tmp_path):
    out = tmp_path / "export"
    result = veille("export", "--dossier", "coco", "--format", "csv", "--out", str(out))
    assert result.returncode == 0, result.stderr
    documents = read(out / "documents.csv")
    assert [d["id"] for d in documents] == ["1"]  # the other dossier's document stays out
    assert documents[0]["text"] == re.sub(MINOR, "█" * len(MINOR), TEXT, flags=re.I)
    assert "fts" not in documents[0] and "raw_html" not in documents[0]
    [event] = read(out / "events.csv")
    assert json.loads(event["people"]) == ["un mineur", "Paul Durand"]  # lists as JSON
    assert [c["slug"] for c in read(out / "cases.csv")] == ["grande-synthe"]
    assert json.loads(read(out / "cases.csv")[0]["charges"]) == ["meurtre"]
    [mention] = read(out / "mentions.csv")
    assert mention["text"] == "█" * len(MINOR)
    for name in ("happenings", "charges", "entities"):
        assert (out / f"{name}.csv").exists()
    everything = "".join(p.read_text(encoding="utf-8") for p in out.glob("*.csv"))
    assert not re.search(r"(?<!\w)(léa|lea|martin)(?!\w)", everything, re.I)
    dictionary = read(out / "data_dictionary.csv")
    described = {(r["table"], r["column"]): r for r in dictionary}
    assert described[("documents", "published_at")]["type"] == "ISO 8601, UTC"
    assert described[("events", "people")]["type"] == "JSON text"
    assert described[("events", "evidence")]["description"]  # the database's own comments
    # Every column of every file is in the dictionary, and nothing else.
    for path in out.glob("*.csv"):
        if path.name != "data_dictionary.csv":
            header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
            assert header == [r["column"] for r in dictionary if r["table"] == path.stem]


def test_parquet_files_are_typed_and_hold_the_same_rows_as_the_csv_files(veille, dossier, tmp_path):
    import duckdb
    import pandas
    import pyarrow.parquet

    dossier.execute(
        "UPDATE documents SET published_at = '2024-05-03 08:30:00+02', site_name = '', lang = NULL, "
        "authors = '{\"Jeanne « J. » Roux\"}' WHERE id = 1"
    )
    csv_dir, parquet_dir = tmp_path / "csv", tmp_path / "parquet"
    for fmt, out in (("csv", csv_dir), ("parquet", parquet_dir)):
        result = veille("export", "--dossier", "coco", "--format", fmt, "--out", str(out))
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines()[0] == (
            "documents : 1, events : 1, happenings : 0, cases : 1, mentions : 1, entities : 1, charges : 0"
        )
    documents = pyarrow.parquet.read_table(parquet_dir / "documents.parquet")
    types = {f.name: str(f.type) for f in documents.schema}
    assert types["id"] == "int64" and types["tdm_reserved"] == "bool" and types["text"] == "string"
    assert types["published_at"] == "timestamp[ms, tz=UTC]"
    [row] = documents.to_pylist()
    assert row["published_at"] == datetime(2024, 5, 3, 6, 30, tzinfo=UTC)
    assert (row["site_name"], row["lang"], row["tdm_reserved"]) == ("", None, False)  # '' and NULL kept apart
    assert json.loads(row["authors"]) == ["Jeanne « J. » Roux"]
    [csv_row] = read(csv_dir / "documents.csv")
    assert row["text"] == csv_row["text"] and MINOR not in row["text"]  # masked, line breaks and all
    events = pyarrow.parquet.read_table(parquet_dir / "events.parquet").to_pylist()
    assert events[0]["event_date"] == date(2024, 5, 2)
    assert json.loads(events[0]["people"]) == ["un mineur", "Paul Durand"]

    # DuckDB and pandas read both formats, and find the same rows in each.
    ddb = duckdb.connect()
    for table in ("documents", "events", "happenings", "cases", "mentions", "entities", "charges"):
        from_csv = ddb.execute(f"SELECT count(*) FROM '{csv_dir / table}.csv'").fetchall()
        from_parquet = ddb.execute(f"SELECT count(*) FROM '{parquet_dir / table}.parquet'").fetchall()
        assert from_csv == from_parquet
        assert len(pandas.read_csv(csv_dir / f"{table}.csv")) == len(
            pandas.read_parquet(parquet_dir / f"{table}.parquet")
        )
    [(published,)] = ddb.execute(f"SELECT published_at FROM '{parquet_dir}/documents.parquet'").fetchall()
    assert published == datetime(2024, 5, 3, 6, 30, tzinfo=UTC)
    assert pandas.read_parquet(parquet_dir / "entities.parquet")["minor"].dtype == bool
    # No minor's name in any string of any file.
    for path in parquet_dir.glob("*.parquet"):
        for column in pyarrow.parquet.read_table(path).to_pylist():
            strings = " ".join(v for v in column.values() if isinstance(v, str))
            assert not re.search(r"(?<!\w)(léa|lea|martin)(?!\w)", strings, re.I), path
    dictionary = {(r["table"], r["column"]): r["type"] for r in read(parquet_dir / "data_dictionary.csv")}
    assert dictionary[("documents", "published_at")] == "timestamp, UTC"
    assert dictionary[("events", "people")] == "JSON text"
