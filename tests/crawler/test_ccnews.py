"""``veille import ccnews`` over the mini-web's CC-NEWS mirror (two months, five WARC files mixing
four languages, a few pages of the mini-web's outlets, one file truncated mid-record): it stores
exactly what ``veille import warc`` stores from the same files, the truncated file is recorded
as failed with the reason, and a second run only does what is left."""

from __future__ import annotations

import urllib.request
from collections import Counter

import psycopg
import pytest
from psycopg.rows import dict_row

from samples.miniweb.ccnews import TRUNCATED, warc_name
from tests.crawler.test_warc import documents

BROKEN = warc_name(*TRUNCATED)


@pytest.fixture
def config_path(miniweb_log, tmp_path):
    return str(
        miniweb_log.write_config(
            tmp_path / "veille.toml", crawl={"download_delay": 0.0, "retries": 2}, judilibre=False, wayback=False
        )
    )


@pytest.fixture
def mirror_files(miniweb, tmp_path):
    """The mirror's WARC files, fetched as they are served."""
    miniweb.ccnews.ensure_built()
    paths = []
    for name in sorted(n for n in miniweb.ccnews.files if n.endswith(".warc.gz")):
        target = tmp_path / name.rsplit("/", 1)[-1]
        with urllib.request.urlopen(miniweb.ccnews.file_url(name), timeout=30) as answer:
            target.write_bytes(answer.read())
        paths.append(str(target))
    return paths


def _rows(url: str, sql: str, params: tuple = ()) -> list[dict]:
    with psycopg.connect(url, row_factory=dict_row) as c:
        return c.execute(sql, params).fetchall()


@pytest.mark.slow
def test_ccnews_stores_what_warc_import_stores_and_a_rerun_does_what_is_left(
    miniweb_log, config_path, db_url, veille, mirror_files, empty_db_url
):
    base = miniweb_log.ccnews_url
    first = veille(
        "--config", config_path, "import", "ccnews", "--from", "2024-02", "--to", "2024-03",
        "--base-url", base, "--allow-private",
    )  # fmt: skip
    # The truncated file fails the command, with its name, the offset and the fix.
    assert first.returncode == 1
    assert "2024-02 : 2 fichier(s) WARC, 0 déjà importé(s), 2 à faire" in first.stdout
    assert f"{BROKEN.rsplit('/', 1)[-1]} : fichier tronqué ou corrompu" in first.stderr
    assert "relancez la même commande" in first.stderr
    files = {r["url"].removeprefix(base): r for r in _rows(db_url, "SELECT * FROM archive_files")}
    assert len(files) == 5
    assert {n for n, r in files.items() if r["status"] == "done"} == {n for n in files if n != BROKEN}
    assert files[BROKEN]["status"] == "failed" and "à partir de l'octet" in files[BROKEN]["error"]
    failed = _rows(db_url, "SELECT error, counts FROM runs WHERE kind = 'import' AND status = 'failed'")
    assert len(failed) == 1 and "fichier tronqué ou corrompu" in failed[0]["error"]

    # The pre-filter left out nearly everything before any extraction …
    runs = _rows(db_url, "SELECT counts FROM runs WHERE kind = 'import'")
    total = Counter()
    for r in runs:
        total.update({k: v for k, v in r["counts"].items() if isinstance(v, int)})
    assert total["prefiltered"] > 4 * total["pages"] > 0
    assert total["prefilter_not_french"] >= 5  # the English « Coco the parrot » pages, one per file
    # … and lost nothing: the documents are those `veille import warc` stores from the same bytes.
    stored = documents(db_url)
    assert stored
    warc = veille("--config", config_path, "import", "warc", *mirror_files, env={"DATABASE_URL": empty_db_url})
    assert warc.returncode == 0, warc.stderr
    # Everything but the pages in another language, which this backfill of the French press leaves
    # out on purpose (the mini-web's English-language article on the Mazan trial).
    foreign = {
        (r["canonical_url"], r["source_id"], r["title"], r["text_hash"], r["kind"])
        for r in _rows(empty_db_url, "SELECT * FROM documents WHERE lang NOT LIKE 'fr%%'")
    }
    assert foreign and all("/international/" in f[0] for f in foreign)
    assert documents(empty_db_url) - foreign == stored
    urls = {r["canonical_url"] for r in _rows(db_url, "SELECT canonical_url FROM documents")}
    assert not any(".example/" in u for u in urls)  # foreign-language and off-subject pages stay out

    # A second run: the four files done are not read again; the truncated one is tried again.
    miniweb_log.reset_log()
    second = veille(
        "--config", config_path, "import", "ccnews", "--from", "2024-02", "--to", "2024-03",
        "--base-url", base, "--allow-private",
    )  # fmt: skip
    assert second.returncode == 1
    assert "2024-02 : 2 fichier(s) WARC, 2 déjà importé(s), 0 à faire" in second.stdout
    assert "2024-03 : 3 fichier(s) WARC, 2 déjà importé(s), 1 à faire" in second.stdout
    fetched = [r.path.lstrip("/") for r in miniweb_log.requests if r.service == "ccnews" and r.path.endswith(".gz")]
    assert sorted(p for p in fetched if p.endswith(".warc.gz")) == [BROKEN]
    assert documents(db_url) == stored
    attempts = {r["url"].removeprefix(base): r["attempts"] for r in _rows(db_url, "SELECT * FROM archive_files")}
    assert attempts == {n: (2 if n == BROKEN else 1) for n in files}


def test_a_download_cut_short_resumes_where_it_stopped(miniweb_log, tmp_path):
    from crawler.ccnews import download
    from veille.config import load_config

    name = warc_name("2024-02", 0)
    miniweb_log.ccnews.ensure_built()
    expected = miniweb_log.ccnews.files[name]
    miniweb_log.ccnews.cut_next(20_000)
    target = tmp_path / "file.warc.gz"
    size = download(miniweb_log.ccnews.file_url(name), target, load_config(None), allow_private=True)
    assert size == len(expected) and target.read_bytes() == expected
    asked = [r.headers.get("range") for r in miniweb_log.requests if r.path.endswith(name)]
    assert asked == [None, "bytes=20000-"]


def test_a_listing_that_is_not_there_is_one_french_line(miniweb_log, veille):
    result = veille(
        "import", "ccnews", "--from", "2023-11", "--to", "2023-11", "--base-url", miniweb_log.ccnews_url,
        "--allow-private",
    )  # fmt: skip
    assert result.returncode == 1
    assert "liste des fichiers CC-NEWS de 2023-11 illisible" in result.stderr and "HTTP 404" in result.stderr


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [("2024-13", "2024-14", "mois illisible pour --from : « 2024-13 »"), ("2024-03", "2024-01", "est avant --from")],
)
def test_bad_months_are_refused_before_any_request(veille, start, end, message):
    result = veille("import", "ccnews", "--from", start, "--to", end)
    assert result.returncode == 1 and message in result.stderr


def test_prefilter_keeps_french_pages_that_name_the_subject():
    from crawler.captures import Capture
    from crawler.ccnews import Prefilter
    from samples.miniweb.ccnews import DECOYS, OTHER_TEXTS, _page
    from veille.config import load_config

    keep = Prefilter(load_config(None))

    def page(lang: str, text: str) -> Capture:
        return Capture("https://x.example/a", 200, {}, _page(lang, text[:50], [text] * 4), None)  # type: ignore[arg-type]

    on_subject = "Le site Coco a été fermé par la justice : les enquêteurs disent que des milliers de victimes y ont été piégées."
    assert keep(page("fr", on_subject))
    assert not keep(page("en", DECOYS[0][1]))  # names Coco, in English
    assert keep(page("fr", DECOYS[1][1]))  # French and names the word: the subject filter judges it
    assert not keep(page("fr", OTHER_TEXTS["fr"][0]))  # French, about nothing the dossier needs
    assert keep.counts == {"prefilter_not_french": 1, "prefilter_no_term": 1}


def test_the_download_spool_is_made_private_in_a_private_data_directory(tmp_path, monkeypatch):
    import os
    import stat
    import subprocess

    from crawler.ccnews import spool_dir

    monkeypatch.setenv("VEILLE_DATA_DIR", str(tmp_path / "donnees"))
    before = stat.S_IMODE(tmp_path.stat().st_mode)
    folder = spool_dir()
    assert folder == tmp_path / "donnees" / "spool" / "ccnews"
    modes = [
        subprocess.run(["stat", "-c", "%a", str(p)], capture_output=True, text=True, check=True).stdout.strip()
        for p in (tmp_path / "donnees", tmp_path / "donnees" / "spool", folder)
    ]
    assert modes == ["700", "700", "700"]
    assert stat.S_IMODE(tmp_path.stat().st_mode) == before  # the folder veille did not make is left alone
    assert spool_dir() == folder and os.access(folder, os.W_OK)  # a second call finds it as it is


def test_a_server_trickling_an_archive_file_is_cut_and_what_came_is_kept(tmp_path):
    """A download is streamed, so it has no total deadline; but each piece of it must come
    within ``[crawl] timeout``: a server sending a byte every 0.3 s is cut, not waited on for
    ever, and the bytes it sent stay in the file for the next try's ``Range``."""
    import threading
    import time
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from crawler.ccnews import download
    from veille.config import load_config
    from veille.errors import VeilleError

    class Trickle(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            try:
                self.wfile.write(b"W" * 1000)  # a good start, then a byte at a time
                for _ in range(1000):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.3)
            except OSError:
                pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    config_file = tmp_path / "veille.toml"
    config_file.write_text("[crawl]\ntimeout = 2\n", encoding="utf-8")
    target = tmp_path / "lent.warc.gz"
    started = time.monotonic()
    try:
        with pytest.raises(VeilleError) as cut:
            download(
                f"http://127.0.0.1:{server.server_address[1]}/lent.warc.gz",
                target,
                load_config(config_file),
                allow_private=True,
                tries=1,
            )
    finally:
        server.shutdown()
        server.server_close()
    assert time.monotonic() - started < 6
    assert str(cut.value).startswith(
        "lent.warc.gz : téléchargement impossible après 1 essai(s) (délai dépassé (2 s, réponse trop lente))"
    )
    assert target.read_bytes().startswith(b"W" * 1000)  # kept for the next try
