"""A real `veille serve` on 127.0.0.1 for the web tests: the application under uvicorn in a thread,
on a test database holding the sample corpus's facts, with an editor and a viewer."""

from __future__ import annotations

import re
import socket
import threading
import time
from dataclasses import dataclass, field

import httpx
import pytest
import uvicorn

from cases.grouping import recompute_cases
from tests.reports.timeline_builder import load_gold_corpus
from veille.accounts import add_user
from veille.config import load_config
from veille.db import sync_config

PASSWORD = "correct horse battery"
EDITOR = "anne@journal.fr"
EDITOR2 = "bruno@journal.fr"
VIEWER = "victor@journal.fr"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Served:
    url: str
    config: object
    ids: dict
    clients: list = field(default_factory=list)

    def client(self) -> httpx.Client:
        """A browser of its own (its cookies); closed when the test ends."""
        c = httpx.Client(base_url=self.url, follow_redirects=False, timeout=30)
        self.clients.append(c)
        return c


def start(app) -> tuple[uvicorn.Server, threading.Thread, str]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("veille serve did not start")
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


@pytest.fixture
def served(conn, db_url, tmp_path):
    from reports.web.app import create_app

    ids = load_gold_corpus(conn)
    config = load_config()
    sync_config(conn, config)
    recompute_cases(conn, config)
    add_user(conn, EDITOR, "editor", PASSWORD, "Anne Éditrice")
    add_user(conn, EDITOR2, "editor", PASSWORD, "Bruno")
    add_user(conn, VIEWER, "viewer", PASSWORD)
    server, thread, url = start(create_app(config, db_url, pool_size=4))
    s = Served(url, config, ids)
    yield s
    for c in s.clients:
        c.close()
    server.should_exit = True
    thread.join(10)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def login(s: Served, email: str, password: str = PASSWORD) -> httpx.Client:
    client = s.client()
    page = client.get("/connexion")
    assert page.status_code == 200
    done = client.post("/connexion", data={"email": email, "password": password, "csrf": csrf_of(page.text)})
    assert done.status_code == 303, done.text
    return client
