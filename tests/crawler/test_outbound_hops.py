"""The API client keeps credentials to their host across redirects, and ends every request in time."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from crawler.outbound import HttpError, fetch


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        port = self.server.server_address[1]
        if self.path.startswith("/to-other"):
            self.send_response(302)
            self.send_header("Location", f"http://localhost:{self.server.other_port}/echo")
            self.end_headers()
        elif self.path.startswith("/to-same"):
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.1:{port}/echo")
            self.end_headers()
        elif self.path.startswith("/echo"):
            body = json.dumps({k.lower(): v for k, v in self.headers.items()}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path.startswith("/trickle"):
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            try:
                for _ in range(1000):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.4)
            except OSError:
                pass


@pytest.fixture(scope="module")
def servers():
    started = []
    for _ in range(2):
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        started.append(server)
    started[0].other_port = started[1].server_address[1]
    started[1].other_port = started[0].server_address[1]
    yield started[0].server_address[1]
    for server in started:
        server.shutdown()
        server.server_close()  # shutdown() stops serving but leaves the listening socket open


HEADERS = {
    "KeyId": "cle-secrete",
    "Authorization": "Bearer secret",
    "User-Agent": "veille-tests/0.1",
    "Accept": "application/json",
}


def test_a_redirect_to_another_host_carries_no_credential(servers):
    reply = fetch(f"http://127.0.0.1:{servers}/to-other", HEADERS, timeout=10, allow_private=True)
    seen = reply.json()
    assert "keyid" not in seen and "authorization" not in seen
    assert seen["user-agent"] == "veille-tests/0.1"
    # On the same host, the key goes on: the API still answers through its own redirects.
    seen = fetch(f"http://127.0.0.1:{servers}/to-same", HEADERS, timeout=10, allow_private=True).json()
    assert seen["keyid"] == "cle-secrete"


def test_a_server_trickling_its_answer_is_cut_at_the_timeout(servers):
    started = time.monotonic()
    with pytest.raises(HttpError) as cut:
        fetch(f"http://127.0.0.1:{servers}/trickle", HEADERS, timeout=2, allow_private=True)
    assert time.monotonic() - started < 4
    assert cut.value.status is None and "délai dépassé (2 s" in cut.value.reason
