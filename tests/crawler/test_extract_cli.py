"""``veille extract``: what veille would store of saved pages and WARC records, printed,
with nothing stored (the real command in a subprocess, on a real database)."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from samples.miniweb.render import render_article
from samples.miniweb.server import MiniWeb

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"
TRIBUNE_URL = "https://www.gazette-littoral.example/opinions/tchats-anonymes-la-loi-doit-proteger-les-mineurs"


def _lines(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def _stored(conn) -> tuple[int, int]:
    row = conn.execute(
        "SELECT (SELECT count(*) FROM documents) AS d, (SELECT count(*) FROM crawl_urls) AS u"
    ).fetchone()
    return row["d"], row["u"]


def test_a_saved_gzipped_page_prints_what_would_be_stored_and_stores_nothing(veille, conn, tmp_path):
    page = tmp_path / "tribune.html.gz"
    page.write_bytes(gzip.compress((PAGES / "tribune.html").read_bytes()))
    result = veille("extract", str(page), "--url", TRIBUNE_URL, "--json")
    assert result.returncode == 0, result.stderr
    (item,) = _lines(result)
    assert item["url"] == TRIBUNE_URL and item["stored"] is True
    assert item["title"] == "Tchats anonymes : la loi doit protéger les mineurs"
    assert item["authors"] == ["Claire Vasseur", "Julien Marchetti"]
    assert item["published"] == "2024-06-27T08:15:00+02:00" and item["lang"] == "fr"
    assert item["site_name"] == "La Gazette du Littoral" and item["kind"] == "article"
    assert "refuges commodes" in item["text"] and "vérification d'âge" in item["text"]
    (coco,) = item["decisions"]
    assert coco["dossier"] == "coco" and coco["belongs"] and "coco.gg" in coco["reason"]
    assert _stored(conn) == (0, 0)

    text = veille("extract", str(page), "--url", TRIBUNE_URL)
    assert text.returncode == 0, text.stderr
    assert "   titre : Tchats anonymes : la loi doit protéger les mineurs" in text.stdout
    assert "   auteurs : Claire Vasseur ; Julien Marchetti" in text.stdout
    assert "   dossier coco : retenu" in text.stdout and "serait gardée" in text.stdout


def _warc(path: Path, responses) -> None:
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, ctype, body, date in responses:
            http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            # With its length given, warcio does not copy the payload into a file it never closes.
            writer.write_record(
                writer.create_warc_record(
                    url,
                    "response",
                    payload=io.BytesIO(body),
                    length=len(body),
                    http_headers=http,
                    warc_headers_dict={"WARC-Date": date},
                )
            )


def test_every_html_record_of_an_archive_with_its_own_address_and_date(veille, conn, tmp_path):
    web = MiniWeb()
    quotidien, infocontinu = web.sites["lequotidien"], web.sites["infocontinu"]
    quotidien.base_url, infocontinu.base_url = "https://www.lequotidien.example", "https://www.infocontinu.example"
    coco = next(e for e in quotidien.entries if e.article.slug == "la-justice-fait-fermer-coco-gg")
    spanish = next(e for e in infocontinu.entries if e.article.lang == "es")
    archive = tmp_path / "captures.warc.gz"
    _warc(
        archive,
        [
            (
                quotidien.url(coco.path),
                "text/html; charset=utf-8",
                render_article(quotidien, coco).encode(),
                "2024-06-26T10:00:00Z",
            ),
            ("https://www.lequotidien.example/logo.png", "image/png", b"\x89PNG\r\n", "2024-06-26T10:00:01Z"),
            (
                infocontinu.url(spanish.path),
                "text/html; charset=utf-8",
                render_article(infocontinu, spanish).encode(),
                "2024-09-01T08:00:00Z",
            ),
        ],
    )
    result = veille("extract", str(archive), "--json")
    assert result.returncode == 0, result.stderr
    first, second = _lines(result)
    assert first["url"] == quotidien.url(coco.path) and first["title"] == coco.article.title
    assert first["authors"] == ["Le Quotidien"] and first["wire"] == "AFN"
    assert first["published"] == coco.article.published.isoformat()
    assert first["decisions"][0]["belongs"]
    assert second["url"] == infocontinu.url(spanish.path) and second["lang"] == "es"
    assert _stored(conn) == (0, 0)


def test_wrong_arguments_get_one_french_line_naming_the_fix(veille, tmp_path):
    page = tmp_path / "a.html"
    page.write_bytes((PAGES / "tribune.html").read_bytes())
    other = tmp_path / "b.html"
    other.write_bytes(b"<html><body><p>vide</p></body></html>")

    two = veille("extract", str(page), str(other), "--url", TRIBUNE_URL)
    assert two.returncode == 1 and "--url ne vaut que pour une seule page" in two.stderr
    assert len(two.stderr.strip().splitlines()) == 1

    missing = veille("extract", str(tmp_path / "absente.html"))
    assert missing.returncode == 1 and "introuvable" in missing.stderr

    empty = veille("extract", str(other), "--json")
    assert empty.returncode == 1
    (item,) = _lines(empty)
    assert item["error"] == "no_text" and item["stored"] is False
