"""Pytest fixtures for the mini-web. In a conftest.py:

    pytest_plugins = ["samples.miniweb.pytest_plugin"]

``miniweb`` (session): a started MiniWeb serving the corpus and the hostile pages.
``miniweb_log`` (function): the same MiniWeb, with its request log, per-URL counters
and pending failures reset before the test.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from samples.miniweb.server import MiniWeb


@pytest.fixture(scope="session")
def miniweb() -> Iterator[MiniWeb]:
    web = MiniWeb(slow=1.0)
    web.start()
    try:
        yield web
    finally:
        web.stop()


@pytest.fixture
def miniweb_log(miniweb: MiniWeb) -> Iterator[MiniWeb]:
    miniweb.reset_log()
    miniweb.reset_counters()
    yield miniweb
