"""The Judilibre source against the mini-web's fake API, over real HTTP, on a real database:
every sample decision stored once, updates and deletions applied on the next sync,
416/429/423/500 survived, no key → one line."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

import pytest

from crawler.judilibre import judilibre_settings, sync_judilibre
from samples.corpus import load_decisions
from veille.config import load_config
from veille.errors import VeilleError

PARIS = ZoneInfo("Europe/Paris")
KEY_ENV = "VEILLE_TEST_JUDILIBRE_KEY"
DECISIONS = {d.path.stem: d for d in load_decisions()}


def write_config(tmp_path, web, **settings) -> str:
    lines = [
        "[[sources]]",
        'id = "judilibre"',
        'name = "Judilibre (Cour de cassation)"',
        'kind = "judilibre"',
        f'urls = ["{web.judilibre_url}"]',
        'dossiers = ["coco"]',
        "allow_private = true",
        "",
        "[sources.settings]",
        f'key_env = "{KEY_ENV}"',
        'queries = ["coco", "arrêt"]',
        'jurisdictions = ["cc", "ca"]',
        "requests_per_second = 2",
    ]
    for key, value in settings.items():
        lines = [ln for ln in lines if not ln.startswith(f"{key} =")]
        lines.append(f"{key} = {value}")
    path = tmp_path / "veille.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


@pytest.fixture
def judilibre(miniweb_log, monkeypatch):
    """The fake API back to its sample decisions, with the key in the environment."""
    miniweb_log.judilibre.reset()
    monkeypatch.setenv(KEY_ENV, miniweb_log.judilibre_key)
    yield miniweb_log
    miniweb_log.judilibre.reset()


def sync(conn, path, say=None):
    config = load_config(path)
    lines = []
    counts = sync_judilibre(conn, config, config.source("judilibre"), say=say or lines.append)
    return counts, lines


def decisions(conn) -> dict[str, dict]:
    rows = conn.execute("""SELECT id, canonical_url, title, text, metadata, published_at, modified_at, source_id
                             FROM documents WHERE kind = 'decision'""").fetchall()
    return {r["metadata"]["judilibre_id"]: r for r in rows}


@pytest.mark.slow
def test_first_sync_stores_every_sample_decision_once(conn, judilibre, tmp_path):
    path = write_config(tmp_path, judilibre)
    counts, lines = sync(conn, path)
    assert lines == [] and counts.get("errors", 0) == 0
    assert counts["new"] == len(DECISIONS) == 8

    stored = decisions(conn)
    assert set(stored) == {d.id for d in DECISIONS.values()}
    urls = [r["canonical_url"] for r in stored.values()]
    assert len(set(urls)) == 8 and all(u.startswith("https://www.courdecassation.fr/decision/") for u in urls)

    valenciennes = stored[DECISIONS["cc-cr-2024-12-18-valenciennes-detention"].id]
    assert valenciennes["title"] == "Cour de cassation, chambre criminelle, 18 décembre 2024, n° 24-85.123"
    assert valenciennes["metadata"]["ecli"] == "ECLI:FR:CCASS:2024:CR01567"
    assert valenciennes["published_at"].astimezone(PARIS).isoformat() == "2024-12-18T00:00:00+01:00"
    douai = stored[DECISIONS["ca-douai-2024-10-08-valenciennes"].id]
    assert douai["title"].startswith("Cour d'appel de Douai, chambre de l'instruction, 8 octobre 2024, n° 24/01875")

    # Zones index into the stored text, fragments in any order; partial decisions have none.
    for name in ("cc-cr-2025-04-02-grande-synthe-detention", "cc-cr-2019-11-20-mineure-site"):
        sample, row = DECISIONS[name], stored[DECISIONS[name].id]
        fragments = sorted(row["metadata"]["zones"]["motivations"], key=lambda f: f["start"])
        assert "".join(row["text"][f["start"] : f["end"]] for f in fragments) == sample.zone_text("motivations")
        assert sample.zone_text("motivations")
    assert stored[DECISIONS["cc-cr-2025-04-02-grande-synthe-detention"].id]["metadata"]["ecli"] is None
    assert "zones" not in stored[DECISIONS["ca-nimes-2025-02-25-mazan-mise-en-liberte"].id]["metadata"]
    assert (
        stored[DECISIONS["cc-cr-2024-12-18-valenciennes-detention"].id]["metadata"]["contested"]["date"] == "2024-10-08"
    )

    # The numbers are there to join on.
    numbers = {r["key"] for r in conn.execute("SELECT key FROM decision_numbers").fetchall()}
    assert {"24-85123", "25-80456", "24/01875", "25/00087"} <= numbers

    # The subject filter ties to the Coco dossier the decisions that name the site, not the drug case.
    attached = {
        r["id"]
        for r in conn.execute(
            """SELECT d.metadata->>'judilibre_id' AS id FROM document_dossiers dd JOIN documents d ON d.id = dd.document_id
            WHERE dd.dossier_slug = 'coco'"""
        ).fetchall()
    }
    assert DECISIONS["cc-cr-2025-06-11-operateur-controle-judiciaire"].id in attached
    assert DECISIONS["cc-cr-2019-11-20-mineure-site"].id in attached
    assert DECISIONS["cc-cr-2025-03-05-stupefiants-sans-lien"].id not in attached

    # Polite: the key, our User-Agent, never more than 2 requests a second.
    calls = [r for r in judilibre.requests if r.service == "judilibre"]
    assert calls and all(r.headers.get("keyid") == judilibre.judilibre_key for r in calls)
    assert all(r.user_agent.startswith("veille/") for r in calls)
    times = [datetime.fromisoformat(r.time) for r in calls]
    gaps = [(b - a).total_seconds() for a, b in zip(times, times[1:])]
    assert min(gaps) >= 0.45

    # Run again: nothing new, nothing twice.
    counts, lines = sync(conn, path)
    assert lines == [] and counts.get("new", 0) == 0 and counts.get("errors", 0) == 0
    assert len(decisions(conn)) == 8
    run = conn.execute("SELECT kind, status, counts FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    assert run["kind"] == "judilibre" and run["status"] == "ok"


@pytest.mark.slow
def test_next_sync_applies_updates_and_deletions(conn, judilibre, tmp_path):
    path = write_config(tmp_path, judilibre)
    sync(conn, path)
    updated = DECISIONS["cc-cr-2025-06-11-operateur-controle-judiciaire"]
    deleted = DECISIONS["cc-cr-2019-11-20-mineure-site"]
    before = decisions(conn)[updated.id]["modified_at"]
    judilibre.mark_decision(updated.id, "updated")
    judilibre.mark_decision(deleted.id, "to_be_deleted")
    judilibre.reset_log()

    counts, lines = sync(conn, path)
    assert lines == [] and counts.get("errors", 0) == 0
    assert counts["updated"] == 1 and counts["deleted"] == 1 and counts.get("new", 0) == 0
    stored = decisions(conn)
    assert deleted.id not in stored and len(stored) == 7
    assert stored[updated.id]["modified_at"] > before
    asked = {r.path.rsplit("/", 1)[-1] for r in judilibre.requests}
    assert {"export", "transactionalhistory"} <= asked

    # A third sync finds nothing more to do.
    counts, _ = sync(conn, path)
    assert counts.get("updated", 0) == 0 and counts.get("deleted", 0) == 0 and len(decisions(conn)) == 7


@pytest.mark.slow
def test_transient_errors_are_waited_out(conn, judilibre, tmp_path):
    path = write_config(tmp_path, judilibre)
    for status in (429, 423, 500):
        judilibre.fail_next("judilibre", status, 1)
    counts, lines = sync(conn, path)
    assert lines == [] and counts.get("errors", 0) == 0 and counts["new"] == 8
    # The first request meets 429 (Retry-After: 1 honoured), 423, then 500, and gets through on its fourth try.
    assert [r.status for r in judilibre.requests[:4]] == [429, 423, 500, 200]
    times = [datetime.fromisoformat(r.time) for r in judilibre.requests[:2]]
    assert (times[1] - times[0]).total_seconds() >= 0.95


@pytest.mark.slow
def test_lasting_failure_is_one_line_and_the_next_sync_catches_up(conn, judilibre, tmp_path):
    path = write_config(tmp_path, judilibre, incremental='"scan"')
    judilibre.fail_next("judilibre", 500, 3)  # the first request and its 2 retries ([crawl] retries)
    counts, lines = sync(conn, path)
    assert counts["errors"] == 1 and counts["new"] == 8
    assert lines == ["Judilibre : GET /export a répondu 500 (erreur du serveur — Internal Server Error)"]
    assert conn.execute("SELECT count(*) AS n FROM source_sync WHERE synced_at IS NOT NULL").fetchone()["n"] == 0

    counts, lines = sync(conn, path)
    assert lines == [] and counts.get("errors", 0) == 0
    assert conn.execute("SELECT count(*) AS n FROM source_sync WHERE synced_at IS NOT NULL").fetchone()["n"] == 1

    # From now on changes are followed, here through /scan and its cursor.
    judilibre.mark_decision(DECISIONS["cc-cr-2024-12-18-valenciennes-detention"].id, "updated")
    judilibre.mark_decision(DECISIONS["cc-cr-2025-05-21-mazan-appel"].id, "to_be_deleted")
    judilibre.reset_log()
    counts, lines = sync(conn, path)
    assert lines == [] and counts["updated"] == 1 and counts["deleted"] == 1
    assert DECISIONS["cc-cr-2025-05-21-mazan-appel"].id not in decisions(conn)
    assert any(r.path.endswith("/scan") for r in judilibre.requests)


def test_search_past_ten_thousand_results_keeps_what_it_read(conn, judilibre, tmp_path, monkeypatch):
    # The fake's 10,000-result window, narrowed to 4 so that a search of 8 decisions meets it.
    monkeypatch.setattr("samples.miniweb.judilibre.MAX_RESULT_WINDOW", 4)
    path = write_config(tmp_path, judilibre, queries='["arrêt"]', page_size="2")
    counts, lines = sync(conn, path)
    assert counts["search_truncated"] == 1 and counts["new"] == 4 and counts.get("errors", 0) == 0
    assert len(lines) == 1 and "10 000" in lines[0] and "416" in lines[0]
    assert any(r.status == 416 for r in judilibre.requests)


def test_without_key_the_source_is_skipped_with_one_line(conn, judilibre, tmp_path, monkeypatch):
    monkeypatch.delenv(KEY_ENV)
    path = write_config(tmp_path, judilibre)
    counts, lines = sync(conn, path)
    assert counts == {"skipped": 1}
    assert len(lines) == 1 and KEY_ENV in lines[0] and "ignorée" in lines[0]
    assert judilibre.requests == [] and decisions(conn) == {}


def test_refused_key_names_the_route_and_the_error(conn, judilibre, tmp_path, monkeypatch):
    monkeypatch.setenv(KEY_ENV, "mauvaise-cle")
    counts, lines = sync(conn, write_config(tmp_path, judilibre))
    assert counts["errors"] == 1 and decisions(conn) == {} and len(judilibre.requests) == 1
    assert counts["key_refused"] == 1  # the command exits 1 on it
    assert lines == [
        ("Judilibre : GET /export a répondu 403 (clé API refusée — Forbidden: invalid KeyId (paramètre KeyId))")
    ]


def test_press_articles_citing_a_number_bring_the_decision_and_link_it(conn, judilibre, tmp_path):
    from veille.db import sync_config

    config = load_config(write_config(tmp_path, judilibre, queries='["coco.gg"]', operator='"exact"'))
    sync_config(conn, config)
    article = conn.execute(
        """INSERT INTO documents (canonical_url, url, kind, title, text, published_at)
           VALUES ('https://presse.example/grande-synthe', 'https://presse.example/grande-synthe', 'article',
                   'Grande-Synthe : la Cour de cassation rejette le pourvoi',
                   'La chambre criminelle a rejeté le pourvoi (n°' || chr(160) || '25-80 456) '
                   || 'de l''un des mis en examen.',
                   '2025-04-03') RETURNING id"""
    ).fetchone()["id"]
    conn.execute(
        """INSERT INTO document_dossiers (document_id, dossier_slug, score, reason)
                    VALUES (%s, 'coco', 0.8, 'test')""",
        (article,),
    )
    counts = sync_judilibre(conn, config, config.source("judilibre"), say=print)
    assert counts["new"] == 3  # the two naming coco.gg, and the one the article cites
    grande_synthe = DECISIONS["cc-cr-2025-04-02-grande-synthe-detention"]
    assert grande_synthe.id in decisions(conn)
    link = conn.execute("SELECT * FROM press_decision_links").fetchall()
    assert [(r["press_document_id"], r["number"], r["cited_as"]) for r in link] == [(article, "25-80.456", "25-80 456")]
    reason = conn.execute(
        """SELECT dd.reason FROM document_dossiers dd JOIN documents d ON d.id = dd.document_id
            WHERE d.metadata->>'judilibre_id' = %s""",
        (grande_synthe.id,),
    ).fetchone()["reason"]
    assert "25-80.456" in reason


def test_bad_settings_are_one_line_naming_the_key_when_the_configuration_is_read(tmp_path, miniweb):
    with pytest.raises(VeilleError) as err:
        load_config(write_config(tmp_path, miniweb, page_size="80"))
    assert "source « judilibre », clé « sources[0].settings.page_size »" in str(err.value)
    assert "entre 1 et 50" in str(err.value)


def test_cli_sync_and_skip(veille, judilibre, tmp_path):
    path = write_config(tmp_path, judilibre, queries='["coco.gg"]', operator='"exact"')
    skipped = veille("--config", path, "import", "judilibre", env={KEY_ENV: ""})
    # Asked to import and unable to: it fails, with one line saying why.
    assert skipped.returncode == 1 and skipped.stdout == ""
    assert skipped.stderr.strip().splitlines() == [
        f"veille : erreur : pas de clé API Judilibre (variable {KEY_ENV} vide) : rien n'a été synchronisé — créez "
        "une application sur piste.gouv.fr et exportez sa clé (KeyId) dans cette variable"
    ]
    done = veille("--config", path, "import", "judilibre", env={KEY_ENV: judilibre.judilibre_key})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        "Judilibre : 3 décision(s) trouvée(s), 3 nouvelle(s), 0 mise(s) à jour, "
        "0 retirée(s) de l'open data (supprimées), 0 erreur(s)."
    )


def test_numbers_written_any_way_the_press_writes_them_are_found(conn):
    keys = {
        s: conn.execute("SELECT veille_decision_number_key(%s) AS k", (s,)).fetchone()["k"]
        for s in ("24-85.123", "n° 24-85 123", "2485123", "24/01875", "24 / 01875")
    }
    assert keys == {
        "24-85.123": "24-85123",
        "n° 24-85 123": "24-85123",
        "2485123": "24-85123",
        "24/01875": "24/01875",
        "24 / 01875": "24/01875",
    }
    text = (
        "Pourvoi n°\u00a024-85.123 rejeté ; le 25\u201180\u202f456 aussi ; RG 24/01875. "
        "Pas un numéro : le 12/03/2024, le 2024-10.2024, ni le 06-12.34567."
    )
    conn.execute("INSERT INTO documents (canonical_url, url, kind, text) VALUES ('u', 'u', 'article', %s)", (text,))
    conn.execute("INSERT INTO documents (canonical_url, url, kind, text) VALUES ('d', 'd', 'decision', %s)", (text,))
    rows = conn.execute("SELECT cited_as, key FROM document_cited_numbers ORDER BY key").fetchall()
    assert [(r["cited_as"], r["key"]) for r in rows] == [
        ("24-85.123", "24-85123"),
        ("24/01875", "24/01875"),
        ("25\u201180\u202f456", "25-80456"),
    ]


def _without_queries(tmp_path, web) -> str:
    path = Path(write_config(tmp_path, web))
    path.write_text(
        "\n".join(ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("queries =")) + "\n",
        encoding="utf-8",
    )
    return str(path)


@pytest.mark.slow
def test_queries_derived_from_the_dossier_bring_every_decision_about_the_site(conn, judilibre, tmp_path):
    config = load_config(_without_queries(tmp_path, judilibre))
    settings = judilibre_settings(config, config.source("judilibre"))
    assert {"coco.fr", "coco.gg", "site Coco", "coco"} <= set(settings.queries) and settings.operator == "exact"
    counts, lines = sync(conn, _without_queries(tmp_path, judilibre))
    assert lines == [] and counts.get("errors", 0) == 0
    about_the_site = {d.id for name, d in DECISIONS.items() if name != "cc-cr-2025-03-05-stupefiants-sans-lien"}
    assert len(about_the_site) == 7 and set(decisions(conn)) == about_the_site
    searched = {parse_qs(r.query).get("query", [""])[0] for r in judilibre.requests if r.path.endswith("/search")}
    assert {"coco.fr", "coco"} <= searched


def _press_report(conn, config, url: str, text: str, day: str, court_sentence: str, case_slug: str) -> int:
    """A press article of the dossier with the event the NLP stage would have found in it."""
    from veille.db import sync_config

    sync_config(conn, config)
    doc = conn.execute(
        """INSERT INTO documents (canonical_url, url, kind, title, text, published_at)
                          VALUES (%s, %s, 'article', 'Compte rendu', %s, %s) RETURNING id""",
        (url, url, text, day),
    ).fetchone()["id"]
    conn.execute(
        "INSERT INTO document_dossiers (document_id, dossier_slug, score, reason) VALUES (%s, 'coco', 0.8, 't')", (doc,)
    )
    case = conn.execute(
        """INSERT INTO cases (slug, name) VALUES (%s, %s)
                           ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name RETURNING id""",
        (case_slug, case_slug),
    ).fetchone()["id"]
    start = text.index(court_sentence)
    conn.execute(
        """INSERT INTO events (document_id, event_date, precision, kind, summary, evidence, evidence_start,
                                        evidence_end, case_id)
                    VALUES (%s, %s, 'day', 'verdict', 'décision', %s, %s, %s, %s)""",
        (doc, day, court_sentence, start, start + len(court_sentence), case),
    )
    return doc


@pytest.mark.slow
def test_a_decision_naming_a_ruling_the_press_reports_is_linked_to_its_case_and_articles(conn, judilibre, tmp_path):
    path = _without_queries(tmp_path, judilibre)
    config = load_config(path)
    mazan_text = (
        "Verdict à Avignon. La cour criminelle départementale du Vaucluse a condamné jeudi les "
        "cinquante et un accusés. Le principal accusé écope de vingt ans."
    )
    mazan = _press_report(
        conn,
        config,
        "https://presse.example/mazan-verdict",
        mazan_text,
        "2024-12-19",
        "La cour criminelle départementale du Vaucluse a condamné jeudi les cinquante et un accusés.",
        "mazan",
    )
    douai_text = (
        "Valenciennes. La chambre de l'instruction de la cour d'appel de Douai a maintenu mardi en détention "
        "l'un des hommes mis en examen pour les guets-apens."
    )
    douai = _press_report(
        conn,
        config,
        "https://presse.example/douai-detention",
        douai_text,
        "2024-10-08",
        douai_text.split(". ", 1)[1],
        "valenciennes",
    )
    counts, lines = sync(conn, path)
    assert lines == [] and counts["new"] == 7

    links = conn.execute("""SELECT press_document_id, decision_document_id, matched_by, ruling, number
                              FROM press_decision_links ORDER BY press_document_id, decision_title""").fetchall()
    stored = {r["id"]: k for k, r in decisions(conn).items()}
    by_press = {}
    for r in links:
        by_press.setdefault(r["press_document_id"], set()).add(stored[r["decision_document_id"]])
        assert r["matched_by"] == "ruling" and r["number"] is None and r["ruling"]
    # the Nîmes refusal of release and the Cour de cassation's ruling both name the Vaucluse verdict
    assert by_press[mazan] == {
        DECISIONS["ca-nimes-2025-02-25-mazan-mise-en-liberte"].id,
        DECISIONS["cc-cr-2025-05-21-mazan-appel"].id,
    }
    # the Douai ruling itself, and the Cour de cassation's ruling that reviews it
    assert by_press[douai] == {
        DECISIONS["ca-douai-2024-10-08-valenciennes"].id,
        DECISIONS["cc-cr-2024-12-18-valenciennes-detention"].id,
    }
    cases = conn.execute("SELECT DISTINCT case_slug FROM decision_case_links ORDER BY 1").fetchall()
    assert [r["case_slug"] for r in cases] == ["mazan", "valenciennes"]

    # Named by no dossier term (« le site de tchat « coco » »), the Douai ruling joins the dossier
    # because its press reports it.
    reason = conn.execute(
        """SELECT dd.reason FROM document_dossiers dd JOIN documents d ON d.id = dd.document_id
            WHERE d.metadata->>'judilibre_id' = %s AND dd.dossier_slug = 'coco'""",
        (DECISIONS["ca-douai-2024-10-08-valenciennes"].id,),
    ).fetchone()["reason"]
    assert reason.startswith(
        "décision liée à une affaire du dossier : la presse rapporte Cour d'appel de Douai, 8 octobre 2024"
    )
    # Researchers read the links too, through their redacted views (the schema research).
    conn.execute("SET ROLE veille_reader")
    try:
        assert conn.execute("SELECT count(*) AS n FROM research.decision_case_links").fetchone()["n"] == 4
        assert conn.execute("SELECT count(*) AS n FROM research.decision_anchors").fetchone()["n"] > 7
    finally:
        conn.execute("RESET ROLE")


@pytest.mark.slow
def test_the_sample_configuration_imports_every_decision_about_the_site(conn, judilibre, tmp_path, monkeypatch):
    """What ``veille demo`` syncs: the mini-web's own configuration, its dossier's spellings."""
    from samples.miniweb.config import JUDILIBRE_KEY_ENV

    monkeypatch.setenv(JUDILIBRE_KEY_ENV, judilibre.judilibre_key)
    path = str(judilibre.write_config(tmp_path / "veille.toml", wayback=False))
    counts, lines = sync(conn, path)
    assert lines == [] and counts["new"] == 7
    assert DECISIONS["cc-cr-2025-03-05-stupefiants-sans-lien"].id not in decisions(conn)


def test_a_refused_key_fails_the_command(veille, judilibre, tmp_path):
    result = veille("--config", write_config(tmp_path, judilibre), "import", "judilibre", env={KEY_ENV: "mauvaise-cle"})
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "veille : erreur : Judilibre a refusé la clé API de judilibre (détail ci-dessus) — vérifiez la clé "
        f"PISTE (KeyId) dans la variable {KEY_ENV}, puis relancez"
    )


def test_the_sample_decisions_link_to_the_sample_not_to_the_court(conn, judilibre, tmp_path):
    """A fictional decision's id means nothing on courdecassation.fr: the mini-web's configuration
    links each to the page the fake Judilibre serves, and the deletion still finds it."""
    import urllib.request

    from samples.miniweb.config import sources

    settings = next(s for s in sources(judilibre, wayback=False) if s["kind"] == "judilibre")["settings"]
    path = write_config(tmp_path, judilibre, decision_url=f'"{settings["decision_url"]}"')
    sync(conn, path)
    rows = conn.execute("SELECT url, metadata->>'judilibre_id' AS id FROM documents WHERE kind = 'decision'").fetchall()
    assert rows and all(r["url"] == f"{judilibre.judilibre.base_url}/decision/{r['id']}" for r in rows)
    decision = DECISIONS["cc-cr-2025-05-21-mazan-appel"]
    with urllib.request.urlopen(f"{judilibre.judilibre.base_url}/decision/{decision.id}") as page:
        assert page.status == 200 and "25-81.234" in page.read().decode()
    judilibre.judilibre.mark(decision.id, "to_be_deleted")
    sync(conn, path)
    assert decision.id not in decisions(conn)


def test_a_decision_address_without_its_id_is_refused(tmp_path, miniweb):
    with pytest.raises(VeilleError) as err:
        load_config(write_config(tmp_path, miniweb, decision_url='"https://exemple.fr/decision"'))
    assert "settings.decision_url" in str(err.value) and "{id}" in str(err.value)
