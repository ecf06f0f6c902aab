"""Whole crawls over real HTTP against the mini-web, each module with its own database."""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import make_conninfo
from psycopg.rows import dict_row

from crawler.urls import canonical_url
from tests.conftest import run_veille

TEST_CRAWL = {
    "download_delay": 0.05,
    "timeout": 15.0,
    "retries": 2,
    "concurrent_per_site": 2,
    "user_agent": "veille-tests/0.1 (tests du collecteur; contact: tests@example.org)",
    "contact": "tests@example.org",
}
_numbers = itertools.count()


@dataclass
class CrawlEnv:
    db_url: str
    config: Path

    def veille(self, *args: str, timeout: float = 240, env: dict | None = None):
        return run_veille(
            "--config", str(self.config), *args, env={"DATABASE_URL": self.db_url, **(env or {})}, timeout=timeout
        )

    def query(self, sql: str, params: tuple = ()) -> list[dict]:
        with psycopg.connect(self.db_url, row_factory=dict_row) as conn:
            return conn.execute(sql, params).fetchall()


def make_env(pg_admin_url, template_db, miniweb, folder: Path, crawl: dict | None = None, **options):
    name = f"veille_crawl_{os.getpid()}_{next(_numbers)}"
    with psycopg.connect(pg_admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"')
    config = miniweb.write_config(folder / "veille.toml", crawl={**TEST_CRAWL, **(crawl or {})}, **options)
    return name, CrawlEnv(make_conninfo(pg_admin_url, dbname=name), config)


def drop(pg_admin_url, name):
    with psycopg.connect(pg_admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def crawl_env(pg_admin_url, template_db, miniweb, tmp_path_factory):
    name, env = make_env(pg_admin_url, template_db, miniweb, tmp_path_factory.mktemp("crawl"))
    yield env
    drop(pg_admin_url, name)


@pytest.fixture
def fresh_env(pg_admin_url, template_db, miniweb, tmp_path):
    """A new database and config for one test; ``fresh_env(crawl={...})`` to change [crawl]."""
    made = []

    def build(crawl: dict | None = None, **options) -> CrawlEnv:
        name, env = make_env(pg_admin_url, template_db, miniweb, tmp_path, crawl, **options)
        made.append(name)
        return env

    yield build
    for name in made:
        drop(pg_admin_url, name)


def robots_disallowed(miniweb, article) -> bool:
    outlet = miniweb.sites[article.outlet].outlet
    path = miniweb.article_url(article)[len(miniweb.outlets[article.outlet]) :]
    return any(path.startswith(p) for p in outlet.robots_disallow)


def expected_documents(miniweb, outlets=None) -> dict[str, object]:
    """Canonical URL → article, for every on-subject corpus article the crawl may reach."""
    out = {}
    for article in miniweb.articles():
        if article.topic == "offtopic" or article.filler or (outlets and article.outlet not in outlets):
            continue
        if robots_disallowed(miniweb, article):
            continue
        out[canonical_url(miniweb.article_url(article))] = article
    return out
