"""veille_courts: courts and institutions as organisations, a court with the town where it sits."""

from __future__ import annotations

import pytest

from tests.nlp.helpers import analyse, annotate


@pytest.mark.parametrize(
    "text, words, canonical, seat, place",
    [
        (
            "Il sera jugé par le tribunal correctionnel de Valenciennes.",
            "tribunal correctionnel de Valenciennes",
            "tribunal correctionnel de Valenciennes",
            "Valenciennes",
            "Valenciennes",
        ),
        (
            "Le procès se tient devant la cour criminelle du Vaucluse.",
            "cour criminelle du Vaucluse",
            "cour criminelle du Vaucluse",
            "Avignon",
            "Vaucluse",
        ),
        (
            "Il comparaît devant la cour d\u2019assises du Gard.",
            "cour d\u2019assises du Gard",
            "cour d'assises du Gard",
            "Nîmes",
            "Gard",
        ),
        (
            "La Cour d'assises du Nord l'a condamné.",
            "Cour d'assises du Nord",
            "cour d'assises du Nord",
            "Douai",
            "Nord",
        ),
    ],
)
def test_a_court_is_an_organisation_with_its_seat(text, words, canonical, seat, place):
    result = analyse(text)
    (court,) = [e for e in result["entities"] if e["label"] == "ORG"]
    assert (court["text"], court["canonical"], court["org_kind"], court["seat"]) == (words, canonical, "court", seat)
    assert text[court["start"] : court["end"]] == words
    # The town or department the name holds is not a place of the story: it is listed apart.
    assert [e for e in result["entities"] if e["label"] == "LOC"] == []
    (named,) = result["places_in_names"]
    assert named["text"] == place


def test_the_court_replaces_the_place_the_model_found_inside_it():
    doc = annotate("Il sera jugé par le tribunal correctionnel de Valenciennes.", ents=[("Valenciennes", "LOC")])
    assert [(e.text, e.label_) for e in doc.ents] == [("tribunal correctionnel de Valenciennes", "ORG")]


@pytest.mark.parametrize(
    "text", ["La cour d'assises s'est retirée pour délibérer.", "Le tribunal a tranché.", "Le parquet a fait appel."]
)
def test_an_institution_without_its_place_is_not_named(text):
    assert [e for e in annotate(text).ents if e.label_ == "ORG"] == []


@pytest.mark.parametrize(
    "text, words, kind",
    [
        ("Le parquet de Paris a ouvert une enquête.", "parquet de Paris", "prosecutor"),
        ("Il a été conduit au commissariat de Carpentras.", "commissariat de Carpentras", "police"),
    ],
)
def test_other_institutions_have_their_kind_and_no_seat(text, words, kind):
    (org,) = [e for e in annotate(text).ents if e.label_ == "ORG"]
    assert (org.text, org._.org_kind, org._.seat) == (words, kind, None)


def test_two_names_of_one_court_are_one_court():
    text = (
        "La cour criminelle départementale du Vaucluse juge l'affaire. "
        "La cour criminelle du Vaucluse rendra son verdict."
    )
    courts = [e for e in annotate(text).ents if e.label_ == "ORG"]
    assert [e._.canonical for e in courts] == ["cour criminelle départementale du Vaucluse"] * 2
    assert [e._.seat for e in courts] == ["Avignon", "Avignon"]


def test_an_association_introduced_by_what_it_is_is_named_where_it_recurs():
    text = "L'association Enfance Protégée a porté plainte. Enfance Protégée demande la fermeture."
    orgs = [(e.text, e._.org_kind, e._.canonical) for e in annotate(text).ents if e.label_ == "ORG"]
    assert orgs == [("Enfance Protégée", "association", "Enfance Protégée")] * 2


def test_configured_outlets_are_media():
    text = "Selon Le Courrier de Provence, le procès s'ouvrira bientôt."
    orgs = [(e.text, e._.org_kind) for e in annotate(text, media=("Le Courrier de Provence",)).ents]
    assert orgs == [("Le Courrier de Provence", "media")]
    assert annotate(text).ents == ()


def test_a_department_in_brackets_after_an_institution_is_a_place_not_its_acronym():
    result = analyse(
        "Ils se sont présentés à la gendarmerie de Bouchain (Nord). L'Office mineurs (Ofmin) a été saisi.",
        ents=[("Bouchain", "LOC"), ("Nord", "LOC")],
    )
    labels = [(e["text"], e["label"]) for e in result["entities"]]
    assert ("Nord", "LOC") in labels
    assert ("Nord", "ORG") not in labels
