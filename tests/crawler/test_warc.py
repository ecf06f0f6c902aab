"""``veille import warc``: a WARC file made here from the mini-web imports the same
documents as a crawl of the same outlet, and crawl + import never duplicate; bad
records cost one line each, never the rest of the file."""

from __future__ import annotations

import gzip
import io
import os
import re
import urllib.error
import urllib.request
import urllib.robotparser
from datetime import UTC, datetime
from urllib.parse import urlsplit

import psycopg
import pytest
from lxml import etree
from psycopg.conninfo import make_conninfo
from psycopg.rows import dict_row
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

OUTLET = "lequotidien"


def fetch(url: str, tries: int = 3):
    """GET like an archiving crawler: redirects followed, a 5xx tried again."""
    for attempt in range(tries):
        request = urllib.request.Request(url, headers={"User-Agent": "archiveur-de-test/1.0"})
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return answer.geturl(), answer.status, list(answer.headers.items()), answer.read()
        except urllib.error.HTTPError as exc:
            if exc.code < 500 or attempt == tries - 1:
                return url, exc.code, list(exc.headers.items()), exc.read()


def outlet_pages(web, outlet: str) -> list[str]:
    """The outlet's feed links that a polite crawler may fetch (same site, allowed by robots.txt)."""
    base = web.outlets[outlet]
    robots = urllib.robotparser.RobotFileParser(base + "/robots.txt")
    robots.read()
    feed = etree.fromstring(fetch(base + "/rss.xml")[3], etree.XMLParser(recover=True))
    links = [link.text.strip() for link in feed.iter("link") if link.text and link.getparent().tag == "item"]
    return [u for u in links if u.startswith(base) and robots.can_fetch("veille", u)]


def write_warc(path, responses, gzipped: bool = True) -> None:
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gzipped)
        for url, status, headers, body in responses:
            reason = "OK" if status == 200 else "Error"
            kept = [(k, v) for k, v in headers if k.lower() not in ("transfer-encoding",)]
            http = StatusAndHeaders(f"{status} {reason}", kept, protocol="HTTP/1.1")
            # With its length given, warcio digests the payload in place instead of copying it into
            # a temporary file it never closes.
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http
            )
            writer.write_record(record)
            line = f"GET {urlsplit(url).path} HTTP/1.1\r\nHost: {urlsplit(url).netloc}\r\n\r\n".encode()
            request = writer.create_warc_record(url, "request", payload=io.BytesIO(line), length=len(line))
            writer.write_record(request)


@pytest.fixture(scope="module")
def archive(miniweb, tmp_path_factory):
    """A gzipped WARC of the outlet's pages, its feed and robots.txt, fetched over HTTP."""
    miniweb.reset_counters()
    base = miniweb.outlets[OUTLET]
    responses = [fetch(base + "/robots.txt"), fetch(base + "/rss.xml")]
    responses += [fetch(u) for u in outlet_pages(miniweb, OUTLET)]
    path = tmp_path_factory.mktemp("warc") / f"{OUTLET}.warc.gz"
    write_warc(path, responses)
    miniweb.reset_counters()
    return path


@pytest.fixture
def config_path(miniweb_log, tmp_path):
    return str(
        miniweb_log.write_config(
            tmp_path / "veille.toml", crawl={"download_delay": 0.0}, judilibre=False, wayback=False
        )
    )


@pytest.fixture
def other_db(pg_admin_url, template_db):
    """A second fresh database in the same test, for the other order of operations."""
    name = f"veille_warc_{os.getpid()}"
    with psycopg.connect(pg_admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"')
    url = make_conninfo(pg_admin_url, dbname=name)
    yield url
    with psycopg.connect(pg_admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def documents(url: str) -> set[tuple]:
    with psycopg.connect(url, row_factory=dict_row) as c:
        rows = c.execute("SELECT canonical_url, source_id, title, text_hash, kind FROM documents").fetchall()
    return {tuple(r.values()) for r in rows}


def count_documents(url: str) -> int:
    with psycopg.connect(url, row_factory=dict_row) as c:
        return c.execute("SELECT count(*) AS n FROM documents").fetchone()["n"]


@pytest.mark.slow
def test_import_stores_what_a_crawl_stores_and_never_twice(archive, config_path, db_url, other_db, veille, miniweb_log):
    from tests.conftest import run_veille

    # Database A: crawl, then import the archive.
    crawl = veille("--config", config_path, "crawl", "--source", OUTLET)
    assert crawl.returncode == 0, crawl.stderr
    if " 0 erreurs." not in crawl.stdout:  # a page the loaded machine failed to serve in time: crawl it again
        crawl = veille("--config", config_path, "crawl", "--source", OUTLET)
    crawled = documents(db_url)
    assert len(crawled) >= 5
    imported = veille("--config", config_path, "import", "warc", str(archive))
    assert imported.returncode == 0, imported.stderr
    assert "0 nouveau(x) document(s)" in imported.stdout
    assert documents(db_url) == crawled and count_documents(db_url) == len(crawled), crawl.stdout

    # Database B: import first, then crawl.
    env = {"DATABASE_URL": other_db}
    first = run_veille("--config", config_path, "import", "warc", str(archive), env=env)
    assert first.returncode == 0, first.stderr
    assert f"{len(crawled)} nouveau(x) document(s)" in first.stdout
    assert documents(other_db) == crawled  # the same documents as the crawl
    miniweb_log.reset_counters()
    again = run_veille("--config", config_path, "crawl", "--source", OUTLET, env=env)
    assert again.returncode == 0, again.stderr
    assert documents(other_db) == crawled and count_documents(other_db) == len(crawled)

    # Provenance: the archive and the capture date.
    with psycopg.connect(other_db, row_factory=dict_row) as c:
        row = c.execute("SELECT provenance, fetched_at FROM documents LIMIT 1").fetchone()
    assert row["provenance"]["via"] == "warc" and row["provenance"]["archive"] == str(archive.resolve())
    assert datetime.fromisoformat(row["provenance"]["captured_at"]) == row["fetched_at"]


@pytest.fixture
def press_release_config(miniweb_log, tmp_path):
    """The outlet declared as a page of press releases (``settings.document_kind``)."""
    import tomllib

    from samples.miniweb.config import dumps

    path = miniweb_log.write_config(
        tmp_path / "communiques.toml", crawl={"download_delay": 0.0}, judilibre=False, wayback=False
    )
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    for source in data["sources"]:
        if source["id"] == OUTLET:
            source.setdefault("settings", {})["document_kind"] = "press_release"
    path.write_text(dumps(data), encoding="utf-8")
    return str(path)


def test_an_archived_press_release_is_stored_as_the_crawl_stores_it(
    archive, press_release_config, db_url, other_db, veille
):
    from tests.conftest import run_veille

    crawl = veille("--config", press_release_config, "crawl", "--source", OUTLET)
    assert crawl.returncode == 0, crawl.stderr
    if " 0 erreurs." not in crawl.stdout:  # a page the loaded machine failed to serve in time: crawl it again
        crawl = veille("--config", press_release_config, "crawl", "--source", OUTLET)
    crawled = documents(db_url)
    assert len(crawled) >= 5 and {kind for *_, kind in crawled} == {"press_release"}

    imported = run_veille(
        "--config", press_release_config, "import", "warc", str(archive), env={"DATABASE_URL": other_db}
    )
    assert imported.returncode == 0, imported.stderr
    assert documents(other_db) == crawled  # same pages, same source, same kind: press_release


def test_bad_records_cost_one_line_each(miniweb, tmp_path, conn, config_path):
    from crawler.warc import import_warc
    from veille.config import load_config

    pages = [fetch(u) for u in outlet_pages(miniweb, OUTLET)[:4]]
    good = tmp_path / "bon.warc.gz"
    write_warc(good, pages)
    data = good.read_bytes()
    # Break the second response record: its gzip member is cut in the middle and filled with noise.
    members = [i for i in range(len(data)) if data.startswith(b"\x1f\x8b\x08", i)]
    second = members[2]
    broken = data[: second + 40] + b"\x00garbage\xff" * 20 + data[members[3] :]
    damaged = tmp_path / "abime.warc.gz"
    damaged.write_bytes(broken)
    not_warc = tmp_path / "notes.warc"
    not_warc.write_text("ceci n'est pas une archive\n", encoding="utf-8")
    plain = tmp_path / "clair.warc"
    write_warc(plain, pages[3:], gzipped=False)

    lines = []
    config = load_config(config_path)
    counts = import_warc(conn, config, [str(damaged), str(not_warc), str(plain)], say=lines.append)
    assert counts["bad_records"] == 2 and len(lines) == 3
    # A file with nothing readable in it is named once more: the command fails on it (exit 1).
    assert lines[2] == "notes.warc : aucun enregistrement WARC ou ARC lisible" and counts["unreadable_files"] == 1
    assert re.fullmatch(r"abime\.warc\.gz : enregistrement illisible à l'octet \d+ \([^)]+\) — ignoré", lines[0])
    assert all(line.isprintable() for line in lines)
    assert lines[1].startswith("notes.warc : enregistrement illisible à l'octet 0 (")
    # Everything else was read: 3 of the 4 pages from the damaged file, the last one again from the plain file.
    assert counts["pages"] == 4
    stored = conn.execute("SELECT count(*) AS n FROM documents").fetchone()["n"]
    assert stored == counts["new"] and stored >= 2
    run = conn.execute("SELECT status, counts FROM runs WHERE kind = 'import'").fetchone()
    assert run["status"] == "ok" and run["counts"]["bad_records"] == 2


def test_arc_files_are_read_too(miniweb, tmp_path, conn, config_path):
    from crawler.warc import import_warc
    from veille.config import load_config

    url = outlet_pages(miniweb, OUTLET)[0]
    final, _, _, body = fetch(url)
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + body
    version = b"1 0 veille\nURL IP-address Archive-date Content-type Archive-length\n"
    head = f"filedesc://ancien.arc 0.0.0.0 20250301120000 text/plain {len(version)}\n".encode() + version + b"\n"
    record = f"{final} 127.0.0.1 20250301120000 text/html {len(http)}\n".encode() + http + b"\n"
    path = tmp_path / "ancien.arc.gz"
    path.write_bytes(gzip.compress(head) + gzip.compress(record))
    counts = import_warc(conn, load_config(config_path), [str(path)], say=print)
    assert counts["new"] == 1
    row = conn.execute("SELECT fetched_at, url FROM documents").fetchone()
    assert row["fetched_at"] == datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def test_missing_file_is_one_error_and_nothing_imported(veille, config_path, archive):
    result = veille("--config", config_path, "import", "warc", str(archive), "/nulle/part.warc.gz")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "veille : erreur : fichier(s) introuvable(s) : /nulle/part.warc.gz "
        "— vérifiez les chemins ; rien n'a été importé"
    ]
