"""`veille nlp analyse` and `veille nlp evaluate`, run as a user runs them."""

from __future__ import annotations

import json
from datetime import date

import pytest

from tests.conftest import run_veille

pytestmark = pytest.mark.slow

TEXT = (
    "Le procès de Dominique Pelicot s’ouvrira le 2 septembre prochain devant la cour criminelle du Vaucluse, "
    "à Avignon. M. Pelicot est accusé d’avoir drogué son épouse et recruté des dizaines d’hommes sur le site "
    "Coco. Il a été interpellé en septembre 2020 à Carpentras. Une collégienne de 14 ans a été victime d’une "
    "agression sexuelle en 2021. Un autre homme a été acquitté du chef de viol.\n"
)


@pytest.fixture(scope="module")
def analysed(tmp_path_factory):
    path = tmp_path_factory.mktemp("nlp") / "article.txt"
    path.write_text(TEXT, encoding="utf-8")
    result = run_veille(
        "nlp", "analyse", str(path), "--published", "2024-04-25", "--json", "--model", "fr_core_news_sm", env={}
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_json_has_the_documented_shape_and_offsets_into_the_text(analysed):
    assert analysed["published"] == "2024-04-25" and analysed["published_assumed"] is False
    for e in analysed["entities"]:
        assert {"text", "label", "canonical", "start", "end", "minor", "role"} <= set(e)
        assert TEXT[e["start"] : e["end"]] == e["text"] and e["label"] in ("PER", "LOC", "ORG", "SITE")
    for c in analysed["charges"]:
        assert {"text", "charge", "articles", "start", "end"} <= set(c)
        assert TEXT[c["start"] : c["end"]] == c["text"]
    for d in analysed["dates"]:
        assert {"text", "date", "precision", "start", "end"} <= set(d)
        assert TEXT[d["start"] : d["end"]] == d["text"]
    for ev in analysed["events"]:
        assert {
            "date",
            "precision",
            "kind",
            "summary",
            "upcoming",
            "places",
            "people",
            "charges",
            "evidence",
            "start",
            "end",
        } <= set(ev)
        assert TEXT[ev["start"] : ev["end"]] == ev["evidence"]


def test_what_a_journalist_checks_is_right(analysed):
    people = {e["canonical"] for e in analysed["entities"] if e["label"] == "PER"}
    assert "Dominique Pelicot" in people and "Pelicot" not in people
    court = next(e for e in analysed["entities"] if e["label"] == "ORG" and "cour criminelle" in e["text"])
    assert court["org_kind"] == "court" and court["seat"]
    assert any(e["label"] == "SITE" and e["text"] == "Coco" for e in analysed["entities"])
    assert {c["charge"] for c in analysed["charges"]} == {"agression sexuelle"}  # the acquittal is not a charge
    trial = next(ev for ev in analysed["events"] if ev["date"] == "2024-09-02")
    assert trial["kind"] == "trial_opening" and trial["upcoming"] is True
    arrest = next(ev for ev in analysed["events"] if ev["date"] == "2020-09")
    assert arrest["precision"] == "month" and arrest["kind"] == "arrest" and not arrest["upcoming"]
    # The schoolgirl is flagged as a minor and never given a name.
    assert analysed["minors"] and "collégienne" in analysed["minors"][0]["text"]


def test_without_a_publication_date_dates_resolve_against_today_and_it_says_so(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Le prévenu sera jugé le 2 septembre prochain à Valenciennes.", encoding="utf-8")
    result = run_veille("nlp", "analyse", str(path), "--json", "--model", "fr_core_news_sm", env={})
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["published"] == date.today().isoformat() and out["published_assumed"] is True
    assert "aujourd'hui" in result.stderr
    (ev,) = out["events"]
    assert ev["upcoming"] and date.fromisoformat(ev["date"]) > date.today()


def test_the_readable_output_is_french(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")
    result = run_veille("nlp", "analyse", str(path), "--published", "2024-04-25", "--model", "fr_core_news_sm", env={})
    assert result.returncode == 0, result.stderr
    assert "Événements :" in result.stdout and "Ouverture du procès" in result.stdout
    assert "2024-09-02" in result.stdout and "(à venir)" in result.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["--published", "25/04/2024"], "AAAA-MM-JJ"),
        (["--model", "en_core_web_sm"], "fr_core_news_md"),
    ],
)
def test_mistakes_get_one_line_that_names_the_fix(tmp_path, args, message):
    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")
    result = run_veille("nlp", "analyse", str(path), *args, env={})
    assert result.returncode != 0 and message in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_evaluate_reports_every_field_against_its_target():
    result = run_veille("nlp", "evaluate", "--json", "--model", "fr_core_news_md", env={}, timeout=600)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["documents"] == 35
    for name in ("people_f1", "places_f1", "organisations_f1", "charges_f1", "event_recall", "kind_accuracy"):
        assert 0.0 <= out["figures"][name] <= 1.0
    assert out["missed"] == []


def test_dates_that_cannot_be_right_make_no_event(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(
        "Le site a été fermé en 2020 par le parquet. Un autre site a été fermé en 2032 par le parquet. "
        "Neuf ans plus tard, rien n'a changé. C'était la mode des tchats des années 1990.",
        encoding="utf-8",
    )
    result = run_veille(
        "nlp", "analyse", str(path), "--published", "2024-04-26", "--json", "--model", "fr_core_news_sm", env={}
    )
    assert result.returncode == 0, result.stderr
    assert [e["date"] for e in json.loads(result.stdout)["events"]] == ["2020"]


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"%PDF-1.7\n\x00\x01\x02binaire", "est binaire, pas un texte — donnez un texte brut en UTF-8"),
        ("Le procès s'ouvre à Avignon.".encode("latin-1"), "n'est pas un texte en UTF-8 — donnez un texte brut"),
        (
            ("Le procès s'ouvre à Avignon. " * 40_000).encode("utf-8"),
            "texte trop long : 1 160 000 caractères, au plus 1 000 000 — découpez-le",
        ),
    ],
)
def test_binary_or_oversized_input_gets_one_french_line(tmp_path, content, expected):
    path = tmp_path / "entree"
    path.write_bytes(content)
    result = run_veille("nlp", "analyse", str(path), "--model", "fr_core_news_sm", env={})
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], result.stderr
