"""The ``wayback`` source against the mini-web's fake CDX API and replay, over real HTTP:
a configured range is backfilled politely, with the original URL and the capture time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.wayback import backfill_wayback
from veille.config import load_config

# Captures of the fake Wayback in 2024 whose URL names the dossier (coco, mazan …): two
# pages of Le Quotidien (one captured twice) and one of L'Écho du Nord (captured twice).
EXPECTED_PAGES = {
    "lequotidien": {
        "/justice/2024/09/02/proces-de-mazan-gisele-pelicot-refuse-le-huis-clos.html",
        "/societe/2024/04/29/apres-grande-synthe-et-valenciennes-la-fermeture-de-coco-reclamee.html",
    },
    "echodunord": {"/id6319412/article/2024-06-25/le-tchat-coco-implique-dans-plusieurs-affaires-du-nord-ferme"},
}


@pytest.fixture
def config_path(miniweb_log, tmp_path):
    return str(
        miniweb_log.write_config(
            tmp_path / "veille.toml",
            judilibre=False,
            crawl={"user_agent": "veille-test/1.0 (contact: test@example.org)"},
        )
    )


def backfill(conn, path, **range_):
    config = load_config(path)
    lines: list[str] = []
    counts = backfill_wayback(conn, config, config.source("wayback"), say=lines.append, **range_)
    return counts, lines


def stored(conn):
    return conn.execute("""SELECT url, source_id, fetched_at, provenance FROM documents ORDER BY url""").fetchall()


@pytest.mark.slow
def test_backfills_the_configured_range_politely(conn, miniweb_log, config_path):
    counts, lines = backfill(conn, config_path, start="20240101", end="20241231")
    assert lines == [] and counts.get("errors", 0) == 0
    assert counts["captures"] == 5 and counts["fetched"] == 5

    rows = stored(conn)
    expected = {miniweb_log.outlets[o] + p for o, paths in EXPECTED_PAGES.items() for p in paths}
    assert {r["url"] for r in rows} == expected and counts["new"] == 3
    for r in rows:
        assert r["source_id"] in EXPECTED_PAGES and r["url"].startswith(miniweb_log.outlets[r["source_id"]])
        prov = r["provenance"]
        assert prov["via"] == "wayback" and prov["original_url"] == r["url"]
        assert "/web/" + prov["timestamp"] + "id_/" in prov["capture_url"]
        assert datetime.fromisoformat(prov["captured_at"]) <= r["fetched_at"]
        assert r["fetched_at"].year == 2024
    # A page captured twice, identical: provenance names the capture its text comes from (the first),
    # fetched_at says when it was last seen (the second).
    twice = next(r for r in rows if "le-tchat-coco" in r["url"])
    assert twice["provenance"]["timestamp"] == "20240625123200"
    assert twice["fetched_at"] == datetime(2024, 8, 4, 10, 20, tzinfo=UTC)
    once = next(r for r in rows if "gisele-pelicot" in r["url"])
    assert datetime.fromisoformat(once["provenance"]["captured_at"]) == once["fetched_at"]

    calls = [r for r in miniweb_log.requests if r.service == "wayback"]
    cdx = [r for r in calls if r.path == "/cdx/search/cdx"]
    replays = [r for r in calls if r.path.startswith("/web/")]
    assert len(cdx) == 2 and all("from=20240101" in r.query and "to=20241231" in r.query for r in cdx)
    assert len(replays) == 5 and all("id_/" in r.path for r in replays)
    assert all(r.user_agent == "veille-test/1.0 (contact: test@example.org)" for r in calls)
    times = [datetime.fromisoformat(r.time) for r in calls]
    assert min((b - a).total_seconds() for a, b in zip(times, times[1:])) >= 0.95  # ≤ 1 request a second

    # Run again: every capture is known, none is fetched.
    miniweb_log.reset_log()
    counts, lines = backfill(conn, config_path, start="20240101", end="20241231")
    assert counts["already_read"] == 5 and counts.get("fetched", 0) == 0 and lines == []
    assert [r.path for r in miniweb_log.requests if r.service == "wayback"] == ["/cdx/search/cdx", "/cdx/search/cdx"]
    # Besides the archive, only each publisher's robots.txt is read.
    assert {r.path for r in miniweb_log.requests if r.service != "wayback"} == {"/robots.txt"}


@pytest.mark.slow
def test_cdx_failure_is_one_line_and_the_other_site_goes_on(conn, miniweb_log, config_path):
    miniweb_log.fail_next("wayback", 500, 3)  # the first CDX request and its 2 retries
    counts, lines = backfill(conn, config_path, start="2025", end="2025")
    assert counts["errors"] == 1
    assert lines == [f"Wayback : l'API CDX a répondu HTTP 500 pour {miniweb_log.outlets['lequotidien']}/"]
    assert counts["captures"] == 0  # echodunord has nothing matching in 2025: read, nothing to fetch


@pytest.mark.slow
def test_cli_backfill_and_bad_range(veille, config_path):
    result = veille("--config", config_path, "import", "wayback", "--from", "20250101", "--to", "20240101")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "veille : erreur : source « wayback » : from/to : la période commence "
        "(20250101) après sa fin (20240101) — corrigez la configuration "
        "(voir docs/court-sources.md)"
    )
    result = veille("--config", config_path, "-q", "import", "wayback", "--from", "2022", "--to", "2022")
    assert result.returncode == 0, result.stderr
    result = veille("--config", config_path, "import", "wayback", "--from", "2022", "--to", "2022")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "Wayback : 2 capture(s) correspondante(s), 0 lue(s) : 0 nouveau(x) document(s), "
        "0 mis à jour, 0 inchangé(s), 0 hors sujet, 0 erreur(s) ; 2 déjà en base "
        "(copie aussi récente ou plus récente)."
    )


def test_a_capture_the_publishers_robots_txt_closes_is_not_fetched(conn, miniweb_log, config_path):
    # Le Quotidien's robots.txt disallows /abonnes/; the archive holds a capture of such a page (Dec. 2023).
    counts, lines = backfill(conn, config_path, start="20231201", end="20231231")
    assert counts["robots"] == 1 and lines == []
    replays = [r.path for r in miniweb_log.requests if r.service == "wayback" and r.path.startswith("/web/")]
    assert not any("/abonnes/" in p for p in replays)
    assert not [r for r in stored(conn) if "/abonnes/" in r["url"]]
    from crawler.wayback import summary

    assert "fermée aux robots" in summary(counts)


@pytest.mark.slow
def test_crawl_runs_a_wayback_source_only_when_named(veille, conn, config_path):
    """The scheduler's `veille crawl --source wayback` backfills through the same client; its
    summary is the command's only line, and no outlet is crawled beside it. A plain
    `veille crawl` leaves it out (a backfill is heavy)."""
    from crawler.run import api_sources

    config = load_config(config_path)
    assert [s.id for s in api_sources(config, (), None)] == []  # judilibre=False here: no API source
    assert [s.id for s in api_sources(config, ("wayback",), None)] == ["wayback"]
    result = veille("--config", config_path, "crawl", "--source", "wayback")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Wayback : ") and "nouveau(x) document(s)" in lines[0], lines
    vias = {r["provenance"]["via"] for r in stored(conn)}
    assert vias == {"wayback"}
    assert conn.execute("SELECT count(*) AS n FROM runs WHERE kind = 'crawl'").fetchone()["n"] == 0
