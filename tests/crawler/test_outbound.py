"""One address rule for every request veille makes: the crawl, the API client, the check.

The rule on each range, then a real server on 127.0.0.1 (so its sources say
``allow_private = true``) whose links and feed redirect to 0.0.0.0 — which on Linux
reaches this very server, so a request that got through would show in its log —
and to a multicast address: the crawl, the API client and ``veille sources check``
all refuse the redirect. Addresses the rule refuses even without a redirect
(CGNAT, multicast) are refused by the crawl and the API client alike.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from crawler.outbound import PRIVATE, AddressRefused, PoliteClient, address_refusal
from samples.miniweb.config import dumps
from tests.crawler.conftest import TEST_CRAWL
from veille.errors import VeilleError

ALWAYS = {
    "224.0.0.1": "multidiffusion",
    "ff02::1": "multidiffusion",
    "0.0.0.0": "non spécifiée",
    "::": "non spécifiée",
    "240.0.0.1": "réservée ou diffusion",
    "255.255.255.255": "réservée ou diffusion",
}
PRIVATE_RANGES = [
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.0.1",
    "169.254.169.254",
    "100.64.0.1",
    "100.127.255.254",
    "198.18.0.1",
    "203.0.113.5",
    "::1",
    "fc00::1",
    "fe80::1",
    "::ffff:10.0.0.1",
    "64:ff9b::7f00:1",
    "2002:7f00:1::1",
]
PUBLIC = ["8.8.8.8", "100.63.255.255", "100.128.0.1", "2a00:1450::1", "::ffff:8.8.8.8", "64:ff9b::808:808"]


@pytest.mark.parametrize("address", PRIVATE_RANGES)
def test_private_and_local_ranges_are_refused_unless_the_source_allows_them(address):
    assert address_refusal(address, allow_private=False) == PRIVATE
    assert address_refusal(address, allow_private=True) is None


@pytest.mark.parametrize("address", sorted(ALWAYS))
def test_multicast_unspecified_and_reserved_ranges_are_refused_even_when_private_ones_are_allowed(address):
    assert address_refusal(address, allow_private=False) == ALWAYS[address]
    assert address_refusal(address, allow_private=True) == ALWAYS[address]


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_allowed(address):
    assert address_refusal(address) is None


# --------------------------------------------------------------------------- a real server


class _Site(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (stdlib naming)
        server = self.server
        server.seen.append((self.headers.get("Host", ""), self.path))
        port = server.server_address[1]
        redirects = {
            "/vers-zero.html": f"http://0.0.0.0:{port}/secret.html",
            "/vers-multicast.html": "http://224.0.0.1/secret.html",
            "/flux-redirige.xml": f"http://0.0.0.0:{port}/rss.xml",
        }
        if self.path in redirects:
            self.send_response(302)
            self.send_header("Location", redirects[self.path])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path == "/rss.xml":
            base = f"http://127.0.0.1:{port}"
            items = "".join(
                f"<item><title>Coco, article {n}</title><link>{base}{path}</link>"
                f"<pubDate>Mon, 24 Jun 2024 10:00:00 +0200</pubDate></item>"
                for n, path in enumerate(("/vers-zero.html", "/vers-multicast.html"))
            )
            body = (
                f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Local</title>'
                f"<link>{base}/</link>{items}</channel></rss>"
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
        elif self.path == "/secret.html":
            body = b"<html><body><p>Ce que le garde devait empecher de lire.</p></body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
        else:
            body = b"introuvable"
            self.send_response(404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.base = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


def _reached_through_zero(site) -> list[str]:
    """What the server answered to requests that came through 0.0.0.0 (the guard's failures)."""
    return [path for host, path in site.seen if host.startswith("0.0.0.0")]


@pytest.fixture
def config(site, tmp_path):
    port = site.server_address[1]
    local = {"dossiers": ["coco"], "allow_private": True}
    sources = [
        {
            "id": "local",
            "name": "Site local",
            "kind": "feed",
            "urls": [site.base + "/rss.xml"],
            **local,
            # The redirect targets count as the source's site: only the address rule stands in the way.
            "settings": {"follow_domains": [f"0.0.0.0:{port}", "224.0.0.1"]},
        },
        {
            "id": "redirige",
            "name": "Flux redirigé",
            "kind": "feed",
            "urls": [site.base + "/flux-redirige.xml"],
            **local,
            "settings": {"follow_domains": [f"0.0.0.0:{port}"]},
        },
        {
            "id": "cgnat",
            "name": "Adresse CGNAT",
            "kind": "feed",
            "urls": ["http://100.64.0.1/rss.xml"],
            "dossiers": ["coco"],
        },
        {
            "id": "multicast",
            "name": "Adresse de multidiffusion",
            "kind": "feed",
            "urls": ["http://224.0.0.1/rss.xml"],
            "dossiers": ["coco"],
            "allow_private": True,
        },
    ]
    path = tmp_path / "garde.toml"
    path.write_text(dumps({"crawl": {**TEST_CRAWL, "download_delay": 0.0}, "sources": sources}), encoding="utf-8")
    return path


def test_the_crawl_refuses_redirects_and_addresses_outside_the_rule(fresh_env, config, site):
    env = fresh_env()
    result = env.veille("--config", str(config), "crawl")
    assert result.returncode == 0, result.stderr
    assert _reached_through_zero(site) == []
    assert "Non collectées : 2 adresses refusées." in result.stdout
    lines = result.stdout.splitlines()
    assert (
        "Liste de liens non lue — redirige : adresse non spécifiée refusée (0.0.0.0 → 0.0.0.0) : "
        "aucun site n'est servi là" in lines
    )
    assert (
        "Liste de liens non lue — cgnat : adresse privée ou locale refusée (100.64.0.1 → 100.64.0.1) : "
        "allow_private = true pour l'autoriser" in lines
    )
    assert (
        "Liste de liens non lue — multicast : adresse multidiffusion refusée (224.0.0.1 → 224.0.0.1) : "
        "aucun site n'est servi là" in lines
    )
    pages = {
        r["url"].rsplit("/", 1)[-1]: r
        for r in env.query("SELECT url, outcome, reason FROM crawl_urls WHERE kind = 'page'")
    }
    assert {name: r["outcome"] for name, r in pages.items()} == {
        "vers-zero.html": "refused",
        "vers-multicast.html": "refused",
    }
    assert "(0.0.0.0 → 0.0.0.0)" in pages["vers-zero.html"]["reason"]
    assert "(224.0.0.1 → 224.0.0.1)" in pages["vers-multicast.html"]["reason"]


def test_the_api_client_refuses_the_same_redirects(site):
    client = PoliteClient(user_agent="veille-tests/0.1", rate=100.0, retries=2, allow_private=True)
    for path, address in (
        ("/vers-zero.html", "0.0.0.0"),
        ("/vers-multicast.html", "224.0.0.1"),
        ("/flux-redirige.xml", "0.0.0.0"),
    ):
        with pytest.raises(AddressRefused) as refused:
            client.get(site.base + path)
        assert f"({address} → {address})" in refused.value.reason
    assert _reached_through_zero(site) == []
    assert client.requests == 3  # a refused redirect is not asked again


@pytest.mark.parametrize(
    "address, what",
    [
        ("100.64.0.1", "adresse privée ou locale refusée"),
        ("224.0.0.1", "adresse multidiffusion refusée"),
        ("127.0.0.1", "adresse privée ou locale refusée"),
    ],
)
def test_the_api_client_refuses_a_configured_address_outside_the_rule_with_one_clear_error(address, what):
    client = PoliteClient(user_agent="veille-tests/0.1", rate=100.0, retries=0)
    with pytest.raises(VeilleError) as refused:
        client.get(f"http://{address}/cdx/search/cdx")
    assert f"{what} ({address} → {address})" in str(refused.value)
    assert client.requests == 1


def test_sources_check_refuses_the_same_redirects(veille, config, site):
    result = veille("--config", str(config), "sources", "check", "--timeout", "3")
    assert result.returncode == 0, result.stderr
    lines = {line.split()[0]: line for line in result.stdout.splitlines()}
    assert "injoignable : adresse non spécifiée refusée (0.0.0.0 → 0.0.0.0)" in lines["redirige"]
    assert "injoignable : adresse privée ou locale refusée (100.64.0.1 → 100.64.0.1)" in lines["cgnat"]
    assert "injoignable : adresse multidiffusion refusée (224.0.0.1 → 224.0.0.1)" in lines["multicast"]
    assert "répond et liste 2 article(s)" in lines["local"]
    assert _reached_through_zero(site) == []
