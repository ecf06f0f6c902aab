"""The watch on sources, fed by real crawls of the mini-web as the scheduler feeds it:
``veille crawl --source X`` writes its run's counters, ``veille.health`` reads them
(``record_crawl_runs``, what the scheduler calls after each crawl job), and
``veille status`` shows the flagged sources."""

from __future__ import annotations

import dataclasses
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psycopg
import pytest
from psycopg.rows import dict_row

from samples.miniweb.config import JUDILIBRE_KEY_ENV
from veille.health import record_crawl_runs
from veille.scheduler import RUN_KINDS


def crawl_and_watch(env, source_id: str, environ: dict | None = None) -> str | None:
    """One scheduled crawl job of ``source_id``, as the scheduler runs it: the command, then the
    watch on the runs it wrote."""
    last = env.query("SELECT coalesce(max(id), 0) AS id FROM runs")[0]["id"]
    result = env.veille("crawl", "--source", source_id, env=environ)
    assert result.returncode == 0, result.stderr
    runs = env.query(
        "SELECT id, kind, status, counts FROM runs WHERE id > %s AND kind = ANY(%s) ORDER BY id",
        (last, list(RUN_KINDS["crawl"])),
    )
    with psycopg.connect(env.db_url, row_factory=dict_row, autocommit=True) as conn:
        return record_crawl_runs(conn, source_id, runs, failed=False)


def flagged_in_status(env) -> str:
    """The « Sources signalées » part of ``veille status``."""
    result = env.veille("status")
    assert result.returncode == 0, result.stderr
    return result.stdout.split("Sources signalées", 1)[1].split("\nBase :", 1)[0].strip()


def with_source(env, tmp_path, toml: str):
    config = tmp_path / "veille-plus.toml"
    config.write_text(env.config.read_text(encoding="utf-8") + toml, encoding="utf-8")
    return dataclasses.replace(env, config=config)


@pytest.mark.slow
def test_a_feed_answering_304_three_times_is_not_flagged(fresh_env, miniweb):
    env = fresh_env()
    miniweb.reset_log()
    for _ in range(4):
        assert crawl_and_watch(env, "courrierprovence") is None
    assert [r.status for r in miniweb.requests if r.path == "/atom.xml"] == [200, 304, 304, 304]
    assert flagged_in_status(env) == "aucune"


@pytest.mark.slow
def test_a_listing_that_lists_nothing_three_times_is_flagged(fresh_env, miniweb, tmp_path):
    env = with_source(
        fresh_env(),
        tmp_path,
        f"""
[[sources]]
id = "recherche-vide"
name = "Recherche sans résultat"
kind = "search"
urls = ["{miniweb.outlets["enfanceprotegee"]}/recherche?q=aucunresultatpossible&page={{page}}"]
dossiers = ["coco"]
allow_private = true
""",
    )
    miniweb.reset_log()
    reasons = [crawl_and_watch(env, "recherche-vide") for _ in range(3)]
    assert reasons[:2] == [None, None]
    assert reasons[2] == "aucun article trouvé depuis 3 collectes de suite : flux mort ou adresse changée ?"
    # Answered « unchanged » twice: still nothing listed, as the first time.
    assert [r.status for r in miniweb.requests if r.path == "/recherche"] == [200, 304, 304]
    assert "recherche-vide" in flagged_in_status(env) and "flux mort ou adresse changée ?" in flagged_in_status(env)


@pytest.mark.slow
def test_one_5xx_is_one_error(fresh_env, miniweb):
    # No retries: Le Quotidien's unstable page answers 500 the first time it is asked.
    env = fresh_env(crawl={"retries": 0})
    miniweb.reset_counters()
    assert crawl_and_watch(env, "lequotidien") is None
    errors = env.query("SELECT error_kind FROM crawl_urls WHERE source_id = 'lequotidien' AND outcome = 'error'")
    assert [r["error_kind"] for r in errors] == ["http_5xx"]
    assert env.query("SELECT last_errors FROM source_health WHERE source_id = 'lequotidien'")[0]["last_errors"] == 1
    assert flagged_in_status(env) == "aucune"


class _Outlet(BaseHTTPRequestHandler):
    """A feed of four articles; ``server.broken``: the articles answer 500."""

    def do_GET(self):  # noqa: N802 (stdlib naming)
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        if self.path == "/rss.xml":
            items = "".join(
                f"<item><title>Article {n}</title><link>{base}/article-{n}.html</link></item>" for n in range(4)
            )
            self._answer(
                200,
                "application/rss+xml",
                f'<?xml version="1.0"?><rss version="2.0"><channel>'
                f"<title>Local</title><link>{base}/</link>{items}</channel></rss>",
            )
        elif self.path.startswith("/article-"):
            if self.server.broken:
                self._answer(500, "text/html", "<html><body>Erreur interne</body></html>")
            elif self.headers.get("If-Modified-Since"):
                self._answer(304, None, "")
            else:
                text = " ".join(["Le conseil municipal a voté le budget de la médiathèque après un long débat."] * 8)
                self._answer(
                    200,
                    "text/html; charset=utf-8",
                    f"<html><head><title>Budget</title></head><body>"
                    f"<article><h1>Budget</h1><p>{text}</p></article>"
                    f"</body></html>",
                    LAST_MODIFIED,
                )
        else:
            self._answer(404, "text/plain", "introuvable")

    def _answer(self, status, content_type, body, last_modified=None):
        data = body.encode("utf-8")
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        if last_modified:
            self.send_header("Last-Modified", last_modified)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


LAST_MODIFIED = "Mon, 24 Jun 2024 08:00:00 GMT"


@pytest.mark.slow
def test_an_error_rate_jump_is_flagged(fresh_env, tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Outlet)
    server.broken = False
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        env = with_source(
            fresh_env(crawl={"retries": 0}),
            tmp_path,
            f"""
[[sources]]
id = "instable"
name = "Site instable"
kind = "feed"
urls = ["http://127.0.0.1:{server.server_address[1]}/rss.xml"]
dossiers = ["coco"]
allow_private = true
""",
        )
        assert [crawl_and_watch(env, "instable") for _ in range(2)] == [None, None]
        server.broken = True
        reason = crawl_and_watch(env, "instable")
    finally:
        server.shutdown()
        server.server_close()
    assert reason == "taux d'erreur en hausse : 100% contre 0% d'habitude"
    assert reason in flagged_in_status(env)


@pytest.mark.slow
def test_a_source_whose_every_listing_fails_counts_as_failed_not_quiet(fresh_env, tmp_path):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = with_source(
        fresh_env(crawl={"retries": 0}),
        tmp_path,
        f"""
[[sources]]
id = "injoignable"
name = "Flux injoignable"
kind = "feed"
urls = ["http://127.0.0.1:{port}/rss.xml"]
dossiers = ["coco"]
allow_private = true
""",
    )
    reasons = [crawl_and_watch(env, "injoignable") for _ in range(3)]
    assert reasons == [None, None, "3 collecte(s) de suite en échec : source injoignable ou en erreur ?"]
    assert "source injoignable ou en erreur ?" in flagged_in_status(env)


@pytest.mark.slow
def test_a_source_collected_by_its_own_client_is_not_taken_for_a_dead_feed(fresh_env, miniweb):
    # Judilibre writes a « judilibre » run, not a crawl run: no feed counters to judge it by.
    env = fresh_env()
    for _ in range(3):
        assert crawl_and_watch(env, "judilibre", {JUDILIBRE_KEY_ENV: miniweb.judilibre_key}) is None
    assert env.query("SELECT count(*) AS n FROM documents WHERE source_id = 'judilibre'")[0]["n"] > 0
    assert flagged_in_status(env) == "aucune"
