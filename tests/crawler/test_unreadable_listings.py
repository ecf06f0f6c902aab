"""A listing that cannot be decoded — gzip garbage, a Content-Encoding that lies, binary bytes — is a
recorded listing error of its source, said in one line; the crawl goes on with the other sources."""

from __future__ import annotations

import gzip
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

# Garbage after gzip's magic number; random-looking bytes without it.
GARBAGE = b"\x1f\x8b\x08\x00" + bytes(range(7, 251)) * 4
BINARY = bytes((i * 37 + 11) % 256 for i in range(2000)).replace(b"<", b"-")
SITEMAPS = {
    # path: (headers, body)
    "/sitemap.xml.gz": ({"Content-Type": "application/x-gzip"}, GARBAGE),
    "/encodage.xml": ({"Content-Type": "application/xml", "Content-Encoding": "gzip"}, b"<urlset>pas du gzip</urlset>"),
    "/coupe.xml.gz": ({"Content-Type": "application/x-gzip"}, gzip.compress(b"<urlset><url><loc>http://x")[:-12]),
    "/binaire.xml": ({"Content-Type": "application/xml"}, BINARY),
}


class _Garbage(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        headers, body = SITEMAPS.get(self.path, ({}, b""))
        self.send_response(200 if self.path in SITEMAPS else 404)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def garbage_site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Garbage)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


SOURCES = {"gzip-casse": "/sitemap.xml.gz", "encodage-faux": "/encodage.xml", "gzip-coupe": "/coupe.xml.gz"}
SOURCES["binaire"] = "/binaire.xml"


def test_each_unreadable_sitemap_is_a_listing_error_and_the_others_are_crawled(fresh_env, garbage_site):
    env = fresh_env()
    text = env.config.read_text(encoding="utf-8")
    for source_id, path in SOURCES.items():
        text += (
            f'\n[[sources]]\nid = "{source_id}"\nname = "Sitemap {source_id}"\nkind = "sitemap"\n'
            f'urls = ["{garbage_site}{path}"]\ndossiers = ["coco"]\nallow_private = true\n'
        )
    env.config.write_text(text, encoding="utf-8")
    args = [a for s in ("echodunord", *SOURCES) for a in ("--source", s)]
    result = env.veille("crawl", *args)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "ERROR" not in result.stderr, result.stderr
    lines = result.stdout.splitlines()
    said = {line.split(" : ")[0].removeprefix("Liste de liens non lue — "): line for line in lines if "non lue" in line}
    assert sorted(said) == sorted(SOURCES), result.stdout
    assert said["gzip-casse"].startswith(
        "Liste de liens non lue — gzip-casse : sitemap illisible : fichier gzip illisible"
    )
    assert said["gzip-coupe"].startswith(
        "Liste de liens non lue — gzip-coupe : sitemap illisible : fichier gzip illisible"
    )
    assert said["encodage-faux"].startswith(
        "Liste de liens non lue — encodage-faux : sitemap illisible : réponse compressée illisible (Content-Encoding)"
    )
    assert said["binaire"] == "Liste de liens non lue — binaire : sitemap illisible : XML illisible"
    for source_id in SOURCES:
        assert f"  {source_id} : 0 nouveaux, 0 mis à jour, 0 hors sujet, 0 erreurs, 1 liste de liens en erreur" in lines

    rows = {
        r["source_id"]: r
        for r in env.query("SELECT source_id, kind, outcome, error_kind, reason FROM crawl_urls WHERE kind = 'sitemap'")
    }
    for source_id in SOURCES:
        row = rows[source_id]
        assert (row["outcome"], row["error_kind"]) == ("error", "listing"), row
        assert row["reason"] in said[source_id]
    # The good sitemap's source was crawled in full beside them.
    stored = env.query("SELECT count(*) AS n FROM documents WHERE source_id = 'echodunord'")[0]["n"]
    assert stored > 0
    run = env.query("SELECT status, counts FROM runs WHERE kind = 'crawl'")[0]
    assert run["status"] == "ok" and run["counts"]["listing_errors"] == len(SOURCES)
