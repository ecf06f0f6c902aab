"""veille_people: honorifics set apart, every mention resolved to the fullest name of the same person."""

from __future__ import annotations

import pytest

from tests.nlp.helpers import analyse, annotate, people

PELICOT = (
    "Dominique Pelicot est jugé à Avignon. M. Pelicot a reconnu les faits. "
    "Selon l'accusation, Pelicot recrutait sur Coco."
)


def test_full_name_honorific_and_surname_are_one_person():
    doc = annotate(
        PELICOT, ents=[("Dominique Pelicot", "PER"), ("Avignon", "LOC"), ("M. Pelicot", "PER"), ("Pelicot", "PER")]
    )
    assert people(doc) == [
        ("Dominique Pelicot", "Dominique Pelicot"),
        ("Pelicot", "Dominique Pelicot"),
        ("Pelicot", "Dominique Pelicot"),
    ]


def test_the_honorific_is_kept_apart_from_the_name():
    result = analyse(PELICOT, ents=[("Dominique Pelicot", "PER"), ("M. Pelicot", "PER")])
    mister = [e for e in result["entities"] if e["label"] == "PER"][1]
    assert mister["text"] == "Pelicot"
    assert mister["honorific"] == "M."
    assert mister["canonical"] == "Dominique Pelicot"
    assert mister["role"] is None  # « M. » says nothing of the part played
    assert "honorific" not in [e for e in result["entities"] if e["label"] == "PER"][0]


def test_a_lawyer_honorific_gives_the_role_and_names_the_model_missed_are_added():
    text = "Me Béatrice Zavarro défend l'accusé. Mes Stéphane Babonneau et Antoine Camus représentent la victime."
    doc = annotate(text)  # the model found no one
    found = [(e.text, e._.honorific, e._.role) for e in doc.ents if e.label_ == "PER"]
    assert found == [
        ("Béatrice Zavarro", "Me", "lawyer"),
        ("Stéphane Babonneau", "Mes", "lawyer"),
        ("Antoine Camus", "Mes", "lawyer"),
    ]


def test_an_honorific_inside_the_model_entity_is_taken_off():
    doc = annotate("Me Béatrice Zavarro a plaidé.", ents=[("Me Béatrice Zavarro", "PER")])
    (ent,) = doc.ents
    assert (ent.text, ent._.canonical, ent._.honorific, ent._.role) == (
        "Béatrice Zavarro",
        "Béatrice Zavarro",
        "Me",
        "lawyer",
    )


def test_accents_and_case_do_not_split_a_person():
    text = "Dominique Pelicot a parlé. DOMINIQUE PÉLICOT, a titré un journal. M. Pélicot s'est tu."
    result = analyse(text, ents=[("Dominique Pelicot", "PER"), ("DOMINIQUE PÉLICOT", "PER"), ("M. Pélicot", "PER")])
    persons = [e for e in result["entities"] if e["label"] == "PER"]
    assert {e["key"] for e in persons} == {"dominique pelicot"}
    assert [e["canonical"] for e in persons] == ["Dominique Pelicot"] * 3


def test_a_shared_surname_goes_to_the_nearest_full_name_before_it():
    text = "Gisèle Pelicot a témoigné. Dominique Pelicot a écouté. Pelicot a baissé la tête."
    doc = annotate(text, ents=[("Gisèle Pelicot", "PER"), ("Dominique Pelicot", "PER"), ("Pelicot", "PER")])
    assert people(doc)[-1] == ("Pelicot", "Dominique Pelicot")


def test_a_first_name_or_an_initial_goes_to_the_full_name():
    text = (
        "Philippe Coopman est mort à Grande-Synthe. Philippe avait 22 ans. Dominique Pelicot et Dominique P. sont un."
    )
    doc = annotate(
        text,
        ents=[
            ("Philippe Coopman", "PER"),
            ("Grande-Synthe", "LOC"),
            ("Philippe", "PER"),
            ("Dominique Pelicot", "PER"),
            ("Dominique P.", "PER"),
        ],
    )
    assert people(doc) == [
        ("Philippe Coopman", "Philippe Coopman"),
        ("Philippe", "Philippe Coopman"),
        ("Dominique Pelicot", "Dominique Pelicot"),
        ("Dominique P.", "Dominique Pelicot"),
    ]


def test_different_people_stay_apart():
    text = "Jean Dupont et Paul Martin ont été jugés. Dupont a nié, Martin a avoué."
    doc = annotate(text, ents=[("Jean Dupont", "PER"), ("Paul Martin", "PER"), ("Dupont", "PER"), ("Martin", "PER")])
    assert [c for _, c in people(doc)] == ["Jean Dupont", "Paul Martin", "Jean Dupont", "Paul Martin"]


def test_places_keep_their_own_name():
    doc = annotate("Il vit à Mazan, près de Carpentras.", ents=[("Mazan", "LOC"), ("Carpentras", "LOC")])
    assert [(e.text, e._.canonical) for e in doc.ents] == [("Mazan", "Mazan"), ("Carpentras", "Carpentras")]


MAZAN = (
    "Gisèle Pelicot a témoigné. Son ex-mari, Dominique Pelicot, est accusé. "
    "Mme Pelicot a refusé le huis clos. M. Pelicot est resté silencieux."
)


def test_madame_and_monsieur_go_to_the_woman_and_the_man_of_the_same_name():
    doc = annotate(
        MAZAN,
        ents=[("Gisèle Pelicot", "PER"), ("Dominique Pelicot", "PER"), ("Mme Pelicot", "PER"), ("M. Pelicot", "PER")],
    )
    assert people(doc) == [
        ("Gisèle Pelicot", "Gisèle Pelicot"),
        ("Dominique Pelicot", "Dominique Pelicot"),
        ("Pelicot", "Gisèle Pelicot"),
        ("Pelicot", "Dominique Pelicot"),
    ]


def test_a_first_name_given_to_both_leaves_the_nearest_rule():
    # « Camille » and « Dominique » say nothing of gender: the nearest full name before wins.
    text = "Camille Martin a parlé. Dominique Martin aussi. Mme Martin a pleuré."
    doc = annotate(text, ents=[("Camille Martin", "PER"), ("Dominique Martin", "PER"), ("Mme Martin", "PER")])
    assert people(doc)[-1] == ("Martin", "Dominique Martin")


@pytest.mark.parametrize(
    "text, person",
    [
        ("Isaac Steidl, 45 ans, a été mis en examen.", "Isaac Steidl"),
        ("Jean-Marc Dupuis, âgé de 52 ans, a été interpellé.", "Jean-Marc Dupuis"),
        ("Le Havre, 12 ans après le drame, se souvient.", None),  # a town, and a time
        ("Selon Marie Dupont, 30 ans, la victime connaissait son agresseur.", "Marie Dupont"),
        ("Pour Marie Dupont, 30 ans de carrière s'achèvent.", None),  # years of a career, not an age
    ],
)
def test_a_name_followed_by_an_age_is_a_person_the_model_missed(text, person):
    names = [e["canonical"] for e in analyse(text)["entities"] if e["label"] == "PER"]
    assert names == ([person] if person else [])
