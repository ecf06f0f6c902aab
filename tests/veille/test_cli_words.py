"""What an operator reads on the command line: French words, Paris time with its zone, aligned
columns, one-line errors, and exit codes that say whether the command did what it was asked."""

from __future__ import annotations

import re
import tomllib
from datetime import UTC, datetime

import pytest
from psycopg.types.json import Jsonb

from tests.conftest import run_veille
from tests.crawler.test_warc import fetch, write_warc

RAW_COUNTERS = ("bad_records", "new_cases", "happenings", "offsite", "withheld", "entries", "files ", "records")


def _run(conn, kind: str, counts: dict, params: dict | None = None) -> None:
    conn.execute(
        """INSERT INTO runs (kind, status, started_at, finished_at, counts, params)
           VALUES (%s, 'ok', %s, %s, %s, %s)""",
        (
            kind,
            datetime(2024, 7, 1, 8, 0, tzinfo=UTC),
            datetime(2024, 7, 1, 8, 0, 12, tzinfo=UTC),
            Jsonb(counts),
            Jsonb(params or {}),
        ),
    )


def test_status_names_its_counters_in_french_and_says_paris_time(conn, veille):
    _run(conn, "import", {"files": 1, "records": 1, "bad_records": 1}, {"kind": "warc"})
    _run(conn, "cases", {"cases": 3, "new_cases": 2, "happenings": 9, "warnings": ["x"]})
    _run(conn, "crawl", {"new": 4, "offsite": 2, "withheld": 1, "error_http_404": 1, "errors": 1}, {"source": "x"})
    _run(conn, "timeline", {"entries": 9})
    result = veille("status")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for words in ("1 fichiers", "1 enregistrements illisibles", "2 nouvelles affaires", "9 entrées", "2 hors du site"):
        assert words in out, out
    assert "1 texte réservé (TDM)" in out and "1 erreurs" in out
    assert not any(raw in out for raw in RAW_COUNTERS), out
    # 08:00 UTC on 1 July is 10:00 in Paris, summer time, and the line says so.
    assert "2024-07-01 10:00 CEST" in out


def _columns(header: str) -> list[int]:
    return [m.start() for m in re.finditer(r"\S+(?: \S+)*", header)]


def test_sources_list_is_aligned_in_french_and_knows_what_was_collected(conn, veille):
    first = veille("sources", "list", "--etat")
    assert first.returncode == 0, first.stderr
    conn.execute(
        """INSERT INTO documents (canonical_url, url, source_id, kind, title, fetched_at)
           VALUES ('https://juri.example/1', 'https://juri.example/1', 'judilibre', 'decision', 'Arrêt', %s)""",
        (datetime(2025, 1, 15, 23, 30, tzinfo=UTC),),
    )
    result = veille("sources", "list", "--etat")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.rstrip("\n").splitlines()
    header, rows = lines[0], lines[2:-1]
    starts = _columns(header)
    assert header.split()[:3] == ["source", "type", "nom"] and len(starts) == 9
    cells = {}
    for row in rows:
        assert all(row[s - 1] == " " for s in starts[1:] if s < len(row)), row  # nothing runs into the next column
        cells[row.split()[0]] = [row[a:b].strip() for a, b in zip(starts, [*starts[1:], None])]
    assert cells["judilibre"][1:4] == ["API Judilibre", "Cour de cassation (Judilibre)", "tous les jours"]
    assert cells["lemonde"][3] == "toutes les heures"
    # Its document came through the API: collected, at 00:30 in Paris (winter time).
    assert cells["judilibre"][6:8] == ["1", "2025-01-16 00:30 CET"]
    assert cells["lefigaro"][7] == "jamais collectée"
    assert not re.search(r"toutes les \d+[hmd]\b", result.stdout)
    assert lines[-1].endswith("source(s) configurée(s).")


def test_veille_help_says_what_import_covers():
    result = run_veille("--help")
    text = " ".join(result.stdout.split())  # help lines wrap
    import_help = text[text.index(" import ") : text.index(" nlp ")]
    assert "WARC" in import_help and "Wayback" in import_help and "Judilibre" in import_help
    assert "Options\u00a0:" in result.stdout and "Commandes\u00a0:" in result.stdout


def test_samples_serve_help_is_a_french_click_command():
    for args in (("samples", "serve", "--help"),):
        result = run_veille(*args)
        assert result.returncode == 0
        assert result.stdout.startswith("Utilisation : veille samples serve [OPTIONS]")
        assert "Options\u00a0:" in result.stdout and "Afficher cette aide et quitter." in result.stdout
        assert "usage:" not in result.stdout and "options:" not in result.stdout
        for option in ("--filler", "--config-out", "--log", "--slow", "--clock", "--judilibre-key"):
            assert option in result.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (
            ("nlp", "analyse", "/nonexistent.txt"),
            "FILE : impossible d'ouvrir « /nonexistent.txt » : fichier introuvable",
        ),
        (("nlp", "analyse", "/"), "impossible d'ouvrir « / » : c'est un dossier, pas un fichier"),
        (("samples", "serve", "--filler", "x"), "'x' n'est pas un nombre valide"),
        (("nlpp",), "Commande inconnue : 'nlpp'."),
    ],
)
def test_a_usage_mistake_is_one_french_line_with_where_the_help_is(args, words):
    result = run_veille(*args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("veille : erreur : ") and words in lines[0], result.stderr
    assert re.search(r" — aide : veille( \S+)* --help$", lines[0])
    assert "No such file" not in result.stderr and "Is a directory" not in result.stderr


def test_importing_a_file_that_is_no_archive_fails_with_one_reason(veille, tmp_path):
    path = tmp_path / "notes.warc"
    path.write_text("des notes, pas une archive\n", encoding="utf-8")
    result = veille("import", "warc", str(path))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith("veille : erreur : 1 fichier(s) sans aucun enregistrement")


def test_judilibre_without_a_key_or_with_a_refused_one_exits_1(veille, miniweb, tmp_path):
    config = miniweb.write_config(tmp_path / "veille.toml", wayback=False)
    key_env = next(
        s.get("settings", {}).get("key_env", "JUDILIBRE_KEY_ID")
        for s in tomllib.loads(config.read_text(encoding="utf-8"))["sources"]
        if s["kind"] == "judilibre"
    )
    keyless = veille("--config", str(config), "import", "judilibre", env={key_env: ""})
    assert keyless.returncode == 1
    assert keyless.stderr.strip().splitlines() == [
        f"veille : erreur : pas de clé API Judilibre (variable {key_env} vide) : rien n'a été synchronisé — créez "
        "une application sur piste.gouv.fr et exportez sa clé (KeyId) dans cette variable"
    ]
    refused = veille("--config", str(config), "crawl", "--source", "judilibre", env={key_env: "pas-la-bonne-cle"})
    assert refused.returncode == 1
    last = refused.stderr.strip().splitlines()[-1]
    assert last.startswith("veille : erreur : Judilibre a refusé la clé API de judilibre"), refused.stderr


def test_progress_lines_say_outcomes_in_french(veille, miniweb, tmp_path):
    base = miniweb.outlets["lequotidien"]
    feed = fetch(base + "/rss.xml")[3].decode()
    links = re.findall(r"<link>(http[^<]+\.html)</link>", feed)[:3]
    path = tmp_path / "pages.warc.gz"
    write_warc(path, [fetch(u) for u in links])
    config = miniweb.write_config(tmp_path / "veille.toml", judilibre=False, wayback=False)
    result = veille("--config", str(config), "import", "warc", str(path))
    assert result.returncode == 0, result.stderr
    progress = [x for x in result.stderr.splitlines() if x.startswith("import WARC")]
    assert progress and all(re.search(r"pages\.warc\.gz : (nouveau|hors sujet|reprise|inchangé)", x) for x in progress)
    assert not re.search(r"\b(stored|off_subject|duplicate|unchanged)\b", result.stderr)


def test_every_crawl_counter_has_french_words():
    """Every counter a run stores has its French words (a new counter without them fails here)."""
    from veille.counts import COUNT_LABELS, CrawlCounts

    missing = [f for f in CrawlCounts.__dataclass_fields__ if f != "error_kinds" and f not in COUNT_LABELS]
    assert missing == []


@pytest.mark.slow  # the archive client waits between its retries
def test_a_wayback_import_that_reads_nothing_exits_1(veille, miniweb, tmp_path):
    config = miniweb.write_config(tmp_path / "veille.toml", judilibre=False)
    miniweb.fail_next("wayback", 500, 30)  # every CDX request of every site, retries included
    try:
        result = veille("--config", str(config), "import", "wayback", "--from", "2024", "--to", "2024")
    finally:
        miniweb.reset_counters()
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("veille : erreur : Wayback : aucune des ") and "rien n'a été importé" in last


def test_db_status_says_when_each_migration_was_applied_in_paris_time(veille):
    result = veille("db", "status")
    assert result.returncode == 0, result.stderr
    applied = [x for x in result.stdout.splitlines() if x.startswith("appliquée")]
    assert applied and all(re.search(r"\(\d{4}-\d\d-\d\d \d\d:\d\d CES?T\)$", x) for x in applied), applied
