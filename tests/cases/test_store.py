"""Cases on a real database: what recompute_cases stores, what survives recomputation, and ``veille cases``."""

from __future__ import annotations

import json

import pytest

from cases.grouping import ensure_cases_current, recompute_cases
from tests.reports.timeline_builder import Facts, load_gold_corpus
from veille.config import load_config
from veille.db import sync_config

CONFIG = """
[[dossiers]]
slug = "coco"
title = "Le site Coco"
terms = ["coco.gg", "coco.fr", "site Coco", "tchat Coco"]
{extra}
"""


def write_config(tmp_path, extra: str = "") -> str:
    path = tmp_path / "veille.toml"
    path.write_text(CONFIG.format(extra=extra), encoding="utf-8")
    return str(path)


@pytest.fixture
def gold(conn):
    ids = load_gold_corpus(conn)
    config = load_config()
    sync_config(conn, config)
    return ids, config


def cases_of(conn, document_id: int) -> set[str]:
    return {
        r["slug"]
        for r in conn.execute(
            "SELECT c.slug FROM case_documents cd JOIN cases c ON c.id = cd.case_id WHERE cd.document_id = %s",
            (document_id,),
        )
    }


def test_sample_corpus_cases_are_the_ones_a_journalist_names(conn, gold):
    ids, config = gold
    counts = recompute_cases(conn, config)
    assert counts["cases"] >= 8 and counts["warnings"] == []
    names = {r["slug"]: r for r in conn.execute("SELECT slug, name, stage FROM cases")}
    assert names["mazan"]["name"] == "les viols de Mazan"
    assert names["grande-synthe"]["name"] == "le guet-apens de Grande-Synthe"
    assert names["valenciennes"]["name"].startswith("le procès de Valenciennes")
    assert names["site-coco"]["name"] == "le site Coco"
    # Every article about Mazan, from the 2021 investigation to the 2025 appeal, is one case, not one per article.
    for key in (
        "courrierprovence/mazan-l-enquete-hors-norme-sur-les-viols-d-une-femme-droguee-par-son-mari",
        "lequotidien/viols-de-mazan-une-cinquantaine-d-hommes-renvoyes-devant-la-justice",
        "lequotidien/verdict-de-mazan-vingt-ans-pour-dominique-pelicot",
        "infocontinu/mazan-en-appel-husamettin-dogan-condamne-a-dix-ans",
    ):
        assert "mazan" in cases_of(conn, ids[key]), key
    assert names["mazan"]["stage"] == "appeal"
    # Two ambushes near Dunkerque the same week are two cases; the 2012 and 2024 Valenciennes trials too.
    assert cases_of(conn, ids["radionord/saint-pol-sur-mer-quatre-jeunes-arretes-guets-apens"]) == {"saint-pol-sur-mer"}
    old = cases_of(conn, ids["echodunord/valenciennes-il-avait-rencontre-une-collegienne-de-13-ans-sur-un-tchat"])
    new = cases_of(conn, ids["echodunord/valenciennes-onze-hommes-juges-pour-des-relations-avec-une-collegienne"])
    assert old and new and not old & new
    # Six republications of the closure dispatch: one happening listing all of them.
    closure = conn.execute(
        """SELECT h.reports, h.case_slug, count(DISTINCT e.document_id) AS documents FROM happenings h
             JOIN events e ON e.happening_id = h.happening_id
            WHERE h.current AND h.kind = 'site_event' AND h.event_date = '2024-06-25'
            GROUP BY h.key"""
    ).fetchall()
    assert len(closure) == 1 and closure[0]["documents"] >= 6 and closure[0]["case_slug"] == "site-coco"


def test_everything_is_written_consistently(conn, gold):
    ids, config = gold
    recompute_cases(conn, config)
    orphans = conn.execute("SELECT count(*) AS n FROM events WHERE happening_id IS NULL").fetchone()["n"]
    assert orphans == 0
    # events.happening_id is the lowest event id of its group (the schema's contract)
    bad = conn.execute("""SELECT count(*) AS n FROM (SELECT happening_id, min(id) AS low FROM events GROUP BY 1) g
                           WHERE g.happening_id <> g.low""").fetchone()["n"]
    assert bad == 0
    # case_documents holds every document of every event of the case; case_dossiers the dossier
    missing = conn.execute("""SELECT count(*) AS n FROM events e WHERE e.case_id IS NOT NULL AND NOT EXISTS (
                                  SELECT 1 FROM case_documents cd WHERE cd.case_id = e.case_id
                                     AND cd.document_id = e.document_id)""").fetchone()["n"]
    assert missing == 0
    assert (
        conn.execute(
            "SELECT count(*) AS n FROM cases c WHERE NOT EXISTS (SELECT 1 FROM case_dossiers cd "
            "WHERE cd.case_id = c.id AND cd.dossier_slug = 'coco')"
        ).fetchone()["n"]
        == 0
    )
    assert (
        conn.execute("SELECT count(*) AS n FROM happenings WHERE current").fetchone()["n"]
        == conn.execute("SELECT count(DISTINCT happening_id) AS n FROM events").fetchone()["n"]
    )


def test_first_seen_survives_recomputation_and_stage_changes_are_dated(conn, tmp_path):
    facts = Facts(conn)
    facts.source("echodunord", "L'Écho du Nord")
    config = load_config()
    sync_config(conn, config)
    d1 = facts.document(
        "Valenciennes : onze hommes jugés",
        "Onze hommes comparaissent à Valenciennes ce jeudi.",
        "2024-04-25T10:00:00+02:00",
        "echodunord",
    )
    facts.event(
        d1, "2024-04-25", "hearing", "Onze hommes comparaissent à Valenciennes ce jeudi.", places=("Valenciennes",)
    )
    recompute_cases(conn, config)
    first = conn.execute(
        "SELECT id, first_seen_at, stage, stage_changed_at FROM cases WHERE slug = 'valenciennes'"
    ).fetchone()
    hearing = conn.execute("SELECT key, first_seen_at FROM happenings WHERE current").fetchone()
    assert first["stage"] == "trial" and first["stage_changed_at"] is None
    d2 = facts.document(
        "Valenciennes : les prévenus condamnés",
        "Le tribunal de Valenciennes a condamné les prévenus.",
        "2024-05-03T12:00:00+02:00",
        "echodunord",
    )
    facts.event(
        d2, "2024-05-03", "verdict", "Le tribunal de Valenciennes a condamné les prévenus.", places=("Valenciennes",)
    )
    counts = ensure_cases_current(conn, config)
    assert counts is not None and counts["new_cases"] == 0 and counts["stage_changes"] == 1
    after = conn.execute(
        "SELECT id, first_seen_at, stage, stage_changed_at FROM cases WHERE slug = 'valenciennes'"
    ).fetchone()
    assert after["first_seen_at"] == first["first_seen_at"] and after["id"] == first["id"]
    assert after["stage"] == "verdict" and after["stage_changed_at"] is not None
    stages = {r["stage"]: r for r in conn.execute("SELECT * FROM case_stages WHERE case_slug = 'valenciennes'")}
    assert set(stages) == {"trial", "verdict"} and str(stages["verdict"]["reached_on"]) == "2024-05-03"
    same = conn.execute("SELECT first_seen_at FROM happenings WHERE key = %s", (hearing["key"],)).fetchone()
    assert same["first_seen_at"] == hearing["first_seen_at"]
    # Nothing changed since: nothing to recompute.
    assert ensure_cases_current(conn, config) is None


def test_a_recomputation_is_all_or_nothing(conn, gold, monkeypatch):
    ids, config = gold
    recompute_cases(conn, config)
    before = conn.execute("SELECT count(*) AS n FROM cases").fetchone()["n"]
    import cases.store as store

    def broken(*args, **kwargs):
        raise RuntimeError("disque plein")

    monkeypatch.setattr(store, "_write", lambda conn, *rest: (conn.execute("DELETE FROM case_documents"), broken()))
    with pytest.raises(RuntimeError):
        recompute_cases(conn, config)
    assert conn.execute("SELECT count(*) AS n FROM cases").fetchone()["n"] == before
    assert conn.execute("SELECT count(*) AS n FROM case_documents").fetchone()["n"] > 0
    run = conn.execute("SELECT status, error FROM runs WHERE kind = 'cases' ORDER BY id DESC LIMIT 1").fetchone()
    assert run["status"] == "failed" and "disque plein" in run["error"]


def test_veille_cases_lists_in_french_and_as_json(conn, gold, veille):
    out = veille("cases", "--dossier", "coco")
    assert out.returncode == 0, out.stderr
    assert "affaires recalculées" in out.stdout
    assert "mazan" in out.stdout and "Les viols de Mazan" in out.stdout and "appel" in out.stdout
    as_json = veille("cases", "--json")
    assert as_json.returncode == 0, as_json.stderr
    data = json.loads(as_json.stdout)
    by_slug = {c["slug"]: c for c in data["cases"]}
    assert by_slug["mazan"]["stage"] == "appeal" and "Mazan" in by_slug["mazan"]["places"]
    assert by_slug["mazan"]["key_figures"]["documents"] >= 5
    assert conn.execute("SELECT count(*) AS n FROM runs WHERE kind = 'cases' AND status = 'ok'").fetchone()["n"] == 1


def test_corrections_in_the_configuration_apply_and_survive_reruns(conn, gold, veille, tmp_path):
    config = write_config(
        tmp_path,
        """
[dossiers.cases]
merge = [["grande-synthe", "saint-pol-sur-mer"]]
[dossiers.cases.rename]
mazan = "Les viols de Mazan"
grande-synthe = "Les guets-apens du Dunkerquois"
ghost = "Rien"
""",
    )
    for _ in range(2):
        out = veille("--config", config, "cases", "--json")
        assert out.returncode == 0, out.stderr
        data = json.loads(out.stdout)
        by_slug = {c["slug"]: c for c in data["cases"]}
        assert by_slug["mazan"]["name"] == "Les viols de Mazan"
        assert by_slug["grande-synthe"]["name"] == "Les guets-apens du Dunkerquois"
        assert "saint-pol-sur-mer" not in by_slug
        assert by_slug["grande-synthe"]["corrections"]["merged"] == ["saint-pol-sur-mer"]
    assert any("ghost" in w for w in data["warnings"])
    again = veille("--config", config, "cases")
    assert "avertissement : nouveau nom demandé pour l'affaire « ghost », introuvable" in again.stderr


def test_bad_corrections_and_unknown_dossier_are_one_clear_error(conn, gold, veille, tmp_path):
    config = write_config(tmp_path, '[dossiers.cases]\nmerge = "mazan"\n')
    out = veille("--config", config, "cases")
    assert out.returncode == 1
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "clé « cases.merge » du dossier « coco »" in lines[0]
    assert conn.execute("SELECT count(*) AS n FROM cases").fetchone()["n"] == 0  # nothing lost, nothing half-done
    out = veille("cases", "--dossier", "inconnu")
    assert out.returncode == 1 and "dossier inconnu : « inconnu »" in out.stderr
