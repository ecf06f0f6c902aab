"""WARC import speed against warcio + trafilatura alone, measured in the same run.

    .venv/bin/python benchmarks/warc_import.py [--filler 1000]

1. Serves the mini-web scaled up with filler articles (half of them on subject) and
   archives every article page of every outlet into one gzipped WARC (warcio's
   WARCWriter, a response and a request record per page).
2. Times ``crawler.warc.import_warc`` on it, in this process, into a fresh migrated
   database (a temporary database on ``DATABASE_URL``'s server when set, else an
   embedded PostgreSQL in a temporary folder): reading, extraction, subject filter,
   de-duplication, storage with one committed transaction per page.
3. Times the raw libraries doing the bare job on the same file: warcio's
   ArchiveIterator reading every record and ``trafilatura.bare_extraction`` on each
   HTML response, with no filter and no storage.

Prints pages/second of both and their ratio.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def database_url(tmp: Path) -> tuple[str, callable]:
    """A fresh database and the function that drops it (``benchmarks/scratch.py``)."""
    from benchmarks.scratch import scratch_database

    return scratch_database(tmp, "warc")


def write_warc(web, path: Path) -> int:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    pages = 0
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for article in web.articles():
            url = web.article_url(article)
            try:
                with urllib.request.urlopen(url) as answer:
                    body, headers = (
                        answer.read(),
                        [(k, v) for k, v in answer.headers.items() if k.lower() != "transfer-encoding"],
                    )
            except urllib.error.HTTPError:
                continue  # subscribers-only pages answer 403
            http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http))
            writer.write_record(
                writer.create_warc_record(url, "request", payload=io.BytesIO(f"GET {url} HTTP/1.1\r\n\r\n".encode()))
            )
            pages += 1
    return pages


def raw_pass(path: Path) -> int:
    import trafilatura
    from warcio.archiveiterator import ArchiveIterator

    pages = 0
    with path.open("rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type != "response":
                continue
            if "html" not in (record.http_headers.get_header("Content-Type") or ""):
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            trafilatura.bare_extraction(
                record.content_stream().read(), url=url, with_metadata=True, include_comments=False
            )
            pages += 1
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--filler", type=int, default=1000, help="filler articles served")
    args = parser.parse_args()

    from crawler.warc import import_warc
    from samples.miniweb import MiniWeb
    from veille.config import load_config
    from veille.db import open_database

    with (
        tempfile.TemporaryDirectory(prefix="veille-bench-") as folder,
        MiniWeb(filler=args.filler, hostile=False) as web,
    ):
        tmp = Path(folder)
        warc = tmp / "miniweb.warc.gz"
        pages = write_warc(web, warc)
        print(f"archive : {pages} pages, {warc.stat().st_size / 1e6:.1f} Mo", flush=True)
        config = load_config(web.write_config(tmp / "veille.toml", judilibre=False, wayback=False))
        url, drop = database_url(tmp)
        try:
            conn = open_database(url)
            started = time.perf_counter()
            counts = import_warc(conn, config, [str(warc)], say=print)
            veille_seconds = time.perf_counter() - started
            conn.close()
        finally:
            drop()
        started = time.perf_counter()
        raw_pages = raw_pass(warc)
        raw_seconds = time.perf_counter() - started

    veille_rate = counts.get("pages", 0) / veille_seconds
    raw_rate = raw_pages / raw_seconds
    print(
        f"veille import warc          : {veille_rate:7.1f} pages/s  ({counts.get('pages', 0)} pages en "
        f"{veille_seconds:.1f} s : {counts.get('new', 0)} nouveaux documents, "
        f"{counts.get('off_subject', 0)} hors sujet, {counts.get('errors', 0)} erreurs)"
    )
    print(f"warcio + trafilatura seuls  : {raw_rate:7.1f} pages/s  ({raw_pages} pages en {raw_seconds:.1f} s)")
    print(f"rapport                     : {veille_rate / raw_rate:.2f}")


if __name__ == "__main__":
    main()
