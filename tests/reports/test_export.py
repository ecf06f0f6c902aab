"""`veille export`: a dossier's tables as CSV files with their data dictionary, minors' names masked."""

from __future__ import annotations

import csv
import json
import re

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


def test_parquet_without_pyarrow_says_how_to_get_it(veille, dossier, tmp_path):
    try:
        import pyarrow  # noqa: F401

        pytest.skip("pyarrow is installed")
    except ImportError:
        pass
    result = veille("export", "--dossier", "coco", "--format", "parquet", "--out", str(tmp_path / "p"))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "veille : erreur : l'export Parquet demande pyarrow, qui n'est pas installé — installez-le "
        "(pip install pyarrow) ou exportez en CSV (--format csv)"
    ]
