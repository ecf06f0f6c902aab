"""What is not a person nor a place of the story, whatever the model says: affaires' names,
landmarks and streets, newsrooms, editorial marks; and parts of a town named by the town."""

from __future__ import annotations

import pytest

from tests.nlp.helpers import analyse


def labelled(text: str, ents: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(e["canonical"], e["label"]) for e in analyse(text, ents=ents)["entities"]]


@pytest.mark.parametrize(
    "text, name, label",
    [
        ("Le procès des viols de Mazan a repris.", "viols de Mazan", "PER"),
        ("L'affaire Bétharram secoue le gouvernement.", "affaire Bétharram", "PER"),
        ("Le meurtre de Philippine a choqué le pays.", "meurtre de Philippine", "PER"),
        ("Le corps a été retrouvé dans le bois de Boulogne.", "bois de Boulogne", "LOC"),
        ("Il marchait sur la promenade des Anglais.", "promenade des Anglais", "LOC"),
        ("L'audience se tient au palais de justice de Paris.", "palais de justice de Paris", "LOC"),
        ("Le fourgon a été attaqué sur l'A154.", "A154", "LOC"),
        ("Il a été condamné hier (NDLR : le 3 mars).", "NDLR", "PER"),
        # A pseudonymised court decision's placeholders: no real name is there.
        ("Il est détenu à la maison d'arrêt de [Localité 1].", "Localité", "LOC"),
        ("M. [H] [C] a formé un pourvoi.", "[H] [C]", "PER"),
        ("Il est né le [Date naissance 1] à [Localité 6].", "Localité", "LOC"),
    ],
)
def test_names_that_are_not_people_nor_places(text, name, label):
    assert labelled(text, [(name, label)]) == []


def test_a_part_of_a_town_is_the_town():
    text = "Il habitait le 15e arrondissement de Paris, puis le département du Nord."
    found = labelled(text, [("15e arrondissement de Paris", "LOC"), ("département du Nord", "LOC")])
    assert found == [("Paris", "LOC"), ("Nord", "LOC")]


@pytest.mark.parametrize(
    "text, newsroom",
    [
        ("Selon France 3 Hauts-de-France, deux suspects ont été interpellés.", "France 3 Hauts-de-France"),
        ("Interrogé par franceinfo, le procureur a confirmé.", "franceinfo"),
        ("D'après La Voix du Nord, le site a fermé.", "La Voix du Nord"),
    ],
)
def test_newsrooms_are_organisations_named_as_written(text, newsroom):
    model_guess = newsroom.split()[0] if newsroom.startswith("France") else newsroom
    result = analyse(text, ents=[(model_guess, "LOC")])
    assert [(e["canonical"], e["label"], e.get("org_kind")) for e in result["entities"]] == [(newsroom, "ORG", "media")]


def test_an_acronym_in_brackets_is_the_same_organisation_in_any_case():
    text = (
        "La juridiction nationale de lutte contre la criminalité organisée (Junalco) a fermé le site. "
        "La Junalco a saisi les serveurs."
    )
    orgs = {e["canonical"] for e in analyse(text, ents=[("Junalco", "PER")])["entities"]}
    assert orgs == {"Juridiction nationale de lutte contre la criminalité organisée"}


@pytest.mark.parametrize(
    "text, name",
    [
        ("Selon le procureur de la République de Senlis, le mode opératoire est connu.", "Senlis"),
        ("Le corps a été retrouvé dans la cité Fonscolombes.", "Fonscolombes"),
    ],
)
def test_a_place_closing_an_institutions_name_or_after_a_landmark_noun_is_not_a_place(text, name):
    assert labelled(text, [(name, "LOC")]) == []


def test_a_demonym_before_a_name_says_who_not_where():
    text = "Un juge a ordonné un procès contre l'Algérienne Dahbia Benkired."
    found = labelled(text, [("Algérienne", "LOC"), ("Dahbia Benkired", "PER")])
    assert found == [("Dahbia Benkired", "PER")]


def test_a_towns_own_article_stays_in_its_name():
    text = "Le meurtre a eu lieu en 2020 à La Mulatière."
    assert labelled(text, [("La Mulatière", "LOC")]) == [("La Mulatière", "LOC")]


def test_a_gang_is_an_organisation_and_a_place_named_elsewhere_is_a_place():
    text = "La DZ Mafia domine le trafic. Le meurtre a eu lieu à La Mulatière. La Mulatière est sous le choc."
    found = labelled(text, [("DZ Mafia", "PER"), ("La Mulatière", "LOC"), ("La Mulatière", "PER")])
    assert [label for _, label in found] == ["ORG", "LOC", "LOC"]


def test_a_name_keeps_neither_a_glued_date_nor_a_nicknames_quotes():
    text = 'Par Sandrine Calvayrac19/12/2024 et Tommy" Recco.'
    names = [c for c, label in labelled(text, [("Sandrine Calvayrac19/12/2024", "PER"), ('Tommy" Recco', "PER")])]
    assert names == ["Sandrine Calvayrac", "Tommy Recco"]


def test_a_name_the_text_describes_as_a_person_is_not_a_place():
    text = "Le corps de Maëlle, une étudiante de 20 ans, a été retrouvé à Rouen, un suspect de 25 ans a été arrêté."
    assert labelled(text, [("Maëlle", "LOC"), ("Rouen", "LOC")]) == [("Maëlle", "PER"), ("Rouen", "LOC")]


def test_a_young_victims_name_taken_for_a_place_is_a_minor_never_named():
    text = "La collégienne Nora a disparu. Le meurtre de Nora a bouleversé Lens."
    found = labelled(text, [("Nora", "LOC"), ("Nora", "LOC"), ("Lens", "LOC")])
    assert ("Lens", "LOC") in found and all("Nora" not in name for name, _ in found)
    assert all(label != "LOC" for name, label in found if name != "Lens")


def test_a_town_whose_name_opens_with_an_article_is_a_place_not_a_person():
    text = "Le drame s'est produit en 2021 à La Ferté-Alais, dans l'Essonne."
    assert labelled(text, [("La Ferté-Alais", "PER")]) == [("La Ferté-Alais", "LOC")]


@pytest.mark.parametrize(
    "caption, name, label",
    [
        ("Un homme devant son écran, à Lille. (JEAN MARTINEZ / MAXPPP)", "JEAN MARTINEZ", "PER"),
        ("Un homme devant son écran, à Lille. (JEAN MARTINEZ / MAXPPP)", "MAXPPP", "ORG"),
        ("Le palais de justice. (Claire Dubois / Hans Lucas via AFP)", "Claire Dubois", "PER"),
    ],
)
def test_a_photo_credit_is_no_one_of_the_story(caption, name, label):
    found = labelled(caption, [(name, label)])
    assert all(n != name for n, _ in found), found
