"""Fixtures of the mini-web's own tests. ``miniweb`` and ``miniweb_log`` come from
``samples.miniweb.pytest_plugin``, listed in the top-level ``tests/conftest.py``."""

import pytest


@pytest.fixture(scope="session")
def testweb():
    """A MiniWeb serving only the mini-web's own placeholder articles (plus hostile pages)."""
    from samples.miniweb.server import TESTDATA_DIR, MiniWeb

    with MiniWeb(articles_dir=TESTDATA_DIR, slow=0.5) as web:
        yield web
