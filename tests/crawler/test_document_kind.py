"""`[sources.settings] document_kind`: a source declared as press releases stores press releases."""

from __future__ import annotations

import tomllib

import pytest

from samples.miniweb.config import dumps

pytestmark = pytest.mark.slow


def test_a_source_declared_as_press_releases_stores_them_as_such(miniweb, veille, conn, tmp_path):
    path = miniweb.write_config(tmp_path / "veille.toml", judilibre=False, wayback=False, crawl={"download_delay": 0.0})
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    for source in data["sources"]:
        if source["id"] == "ledecodeur":
            source.setdefault("settings", {})["document_kind"] = "press_release"
    path.write_text(dumps(data), encoding="utf-8")
    result = veille("--config", str(path), "crawl", "--source", "ledecodeur", "--source", "radionord")
    assert result.returncode == 0, result.stderr
    kinds = {
        (r["source_id"], r["kind"]): r["n"]
        for r in conn.execute("SELECT source_id, kind, count(*) AS n FROM documents GROUP BY 1, 2")
    }
    assert kinds.get(("ledecodeur", "press_release"), 0) > 0 and ("ledecodeur", "article") not in kinds
    assert kinds.get(("radionord", "article"), 0) > 0 and ("radionord", "press_release") not in kinds


def test_an_unknown_document_kind_is_refused_with_the_choices(miniweb, veille, tmp_path):
    path = miniweb.write_config(tmp_path / "veille.toml", judilibre=False, wayback=False)
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    data["sources"][0]["settings"] = {"document_kind": "communiqué"}
    path.write_text(dumps(data), encoding="utf-8")
    result = veille("--config", str(path), "sources", "list")
    assert result.returncode != 0
    assert "document_kind" in result.stderr and "press_release" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
