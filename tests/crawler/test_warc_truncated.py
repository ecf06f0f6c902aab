"""A WARC record cut short is reported and not stored, and the record after it is still read."""

from __future__ import annotations

import io

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.warc import BadRecord, read_archive

ARTICLE = (
    "<html><head><title>Coco fermé</title></head><body><article><h1>Coco fermé</h1>"
    + "<p>Le site coco.gg a été fermé par la justice après une longue enquête.</p>" * 40
    + "</article></body></html>"
).encode("utf-8")


def record(url: str, gzip: bool) -> bytes:
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gzip)
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(url, "response", payload=io.BytesIO(ARTICLE), length=len(ARTICLE), http_headers=http)
    )
    return buf.getvalue()


def items(path):
    return [(type(i).__name__, getattr(i, "url", None)) for i in read_archive(path)]


@pytest.mark.parametrize("where", ["first", "last"])
def test_a_cut_record_is_a_bad_record_and_its_neighbour_is_read(tmp_path, where):
    cut = record("https://ex.fr/coupe", gzip=False)[:-700]
    whole = record("https://ex.fr/entier", gzip=False)
    path = tmp_path / "archive.warc"
    path.write_bytes(cut + whole if where == "first" else whole + cut)
    found = items(path)
    assert ("Capture", "https://ex.fr/coupe") not in found
    assert found.count(("Capture", "https://ex.fr/entier")) == 1
    bad = [i for i in read_archive(path) if isinstance(i, BadRecord)]
    assert len(bad) == 1 and "tronqué" in bad[0].problem


def test_the_import_reports_it_in_one_line_and_stores_only_the_whole_page(veille, conn, tmp_path):
    path = tmp_path / "archive.warc"
    path.write_bytes(record("https://ex.fr/coupe", gzip=False)[:-700] + record("https://ex.fr/entier", gzip=False))
    result = veille("import", "warc", str(path))
    assert result.returncode == 0, result.stderr
    assert "archive.warc : enregistrement illisible à l'octet 0 (enregistrement tronqué" in result.stderr
    assert "WARNING" not in result.stderr
    urls = [r["url"] for r in conn.execute("SELECT url FROM documents")]
    assert "https://ex.fr/coupe" not in urls
    assert conn.execute("SELECT count(*) AS n FROM document_versions").fetchone()["n"] == 0


def test_an_archive_with_no_readable_record_fails_the_import(veille, tmp_path):
    garbage = tmp_path / "pas-une-archive.warc.gz"
    garbage.write_bytes(b"\x1f\x8b\x08 ceci n'est pas une archive " * 20)
    good = tmp_path / "bonne.warc"
    good.write_bytes(record("https://ex.fr/entier", gzip=False))
    result = veille("import", "warc", str(good), str(garbage))
    assert result.returncode == 1
    assert "pas-une-archive.warc.gz : aucun enregistrement WARC ou ARC lisible" in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        "veille : erreur : 1 fichier(s) sans aucun enregistrement lisible (détail ci-dessus) — vérifiez qu'il "
        "s'agit bien d'archives WARC ou ARC, compressées ou non"
    )
    assert "Import terminé : 2 fichier(s)" in result.stdout  # the good one was imported all the same
