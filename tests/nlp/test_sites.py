"""veille_sites: the site Coco under its names and domains (label SITE), and the model's entities cleaned."""

from __future__ import annotations

import pytest

from tests.nlp.helpers import analyse, annotate


def entities(doc) -> list[tuple[str, str]]:
    return [(e.text, e.label_) for e in doc.ents]


def test_names_and_domains_of_the_site_are_the_site():
    doc = annotate("Le tchat Coco a fermé. Il était à l'adresse coco.fr, puis www.coco.gg depuis 2021.")
    assert entities(doc) == [("Coco", "SITE"), ("coco.fr", "SITE"), ("www.coco.gg", "SITE")]
    assert {e._.canonical for e in doc.ents} == {"Coco"}


def test_the_site_taken_for_a_person_or_a_place_is_the_site():
    # What the statistical model does: « Coco » a person, « coco.gg » a town.
    text = "Coco a été fermé. Les rendez-vous étaient pris sur coco.gg."
    result = analyse(text, ents=[("Coco", "PER"), ("coco.gg", "LOC")])
    assert [(e["text"], e["label"], e["canonical"]) for e in result["entities"]] == [
        ("Coco", "SITE", "Coco"),
        ("coco.gg", "SITE", "Coco"),
    ]


@pytest.mark.parametrize(
    "text",
    ["Une robe de Coco Chanel a été vendue.", "Une noix de Coco est tombée.", "Du lait de coco.", "Il a lu cocorico."],
)
def test_other_cocos_are_not_the_site(text):
    ents = [("Coco Chanel", "PER")] if "Chanel" in text else []
    doc = annotate(text, ents=ents)
    assert not [e for e in doc.ents if e.label_ == "SITE"]
    if ents:
        assert entities(doc) == [("Coco Chanel", "PER")]
        assert doc.ents[0]._.canonical == "Coco Chanel"


@pytest.mark.parametrize(
    "text, words, label",
    [
        ("Le témoin X a parlé.", "X", "PER"),  # a single letter
        ("Elle a parlé.", "Elle", "PER"),  # a stop word
        ("Le tribunal a statué.", "Le", "LOC"),
        ("Capture d\u2019écran du site.", "Capture d\u2019écran", "PER"),  # an image caption
        ("Crédit photo : Jean.", "Crédit photo", "PER"),
        ("Lundi, il a parlé.", "Lundi", "PER"),  # a weekday
        ("Interrogé, il a nié.", "Interrogé", "PER"),  # a participle opening the sentence
        ("Il a rencontré un Roubaisien.", "Roubaisien", "LOC"),  # an inhabitant, not the town
        ("Il a parlé sur internet.", "internet", "LOC"),  # no capital: not a name
        ("La Cour a statué.", "Cour", "ORG"),  # a common noun alone
    ],
)
def test_what_is_not_a_name_is_dropped(text, words, label):
    doc = annotate(text, ents=[(words, label)])
    assert entities(doc) == []


@pytest.mark.parametrize(
    "text, words, label, kept",
    [
        ("Il habite à Lille.", "à Lille", "LOC", "Lille"),
        ("Il vit en France.", "en France", "LOC", "France"),
        ("Le corps a été retrouvé à Grande-Synthe.", "Grande-Synthe.", "LOC", "Grande-Synthe"),
        ("Gisèle Pelicot a parlé.", "Gisèle Pelicot", "PER", "Gisèle Pelicot"),
        ("Il a appelé « Jean Dupont ».", "« Jean Dupont »", "PER", "Jean Dupont"),
    ],
)
def test_names_are_kept_without_the_words_around_them(text, words, label, kept):
    doc = annotate(text, ents=[(words, label)])
    assert entities(doc) == [(kept, label)]


@pytest.mark.parametrize(
    "text, words, label",
    [
        ("Le corps a été retrouvé avenue Jean-Jaurès.", "Jean-Jaurès", "PER"),  # a street's name
        ("Il a été soigné au CHU Roger-Salengro.", "Roger-Salengro", "PER"),  # a hospital's
        ("Il était élève au lycée Victor-Hugo.", "Victor-Hugo", "PER"),
        ("Ils se sont battus près du stade Pierre-Mauroy.", "stade Pierre-Mauroy", "LOC"),
        ("Le procureur de la République de Nanterre a parlé.", "procureur de la République de Nanterre", "LOC"),
    ],
)
def test_names_of_streets_and_buildings_are_neither_people_nor_places(text, words, label):
    assert entities(annotate(text, ents=[(words, label)])) == []


@pytest.mark.parametrize("town", ["Pont-Audemer", "Mont-de-Marsan", "Bois-Colombes", "Parc-Saint-Jean"])
def test_a_town_whose_name_begins_with_a_landmarks_noun_is_a_place(town):
    text = f"Un homme a été interpellé à {town}."
    assert entities(annotate(text, ents=[(town, "LOC")])) == [(town, "LOC")]


@pytest.mark.parametrize(
    "text, words",
    [
        ("La garde des Sceaux a réagi.", "Sceaux"),  # the Justice minister's title, not the town
        ("Le suspect, surnommé « le Grêlé », a avoué.", "Grêlé"),  # a nickname
    ],
)
def test_a_title_or_a_nickname_is_no_place(text, words):
    assert entities(annotate(text, ents=[(words, "LOC")])) == []


def test_the_town_of_sceaux_is_still_a_place():
    assert entities(annotate("Il habite à Sceaux.", ents=[("Sceaux", "LOC")])) == [("Sceaux", "LOC")]


def test_a_common_word_cut_at_its_hyphen_is_no_person():
    text = "Guets-apens homophobes à Montpellier : quatre jeunes condamnés"
    assert entities(annotate(text, ents=[("Guets", "PER"), ("Montpellier", "LOC")])) == [("Montpellier", "LOC")]


@pytest.mark.parametrize(
    "text, words, kept",
    [
        ("Il a été écroué à la maison d'arrêt de Fleury-Mérogis.", "Fleury-Mérogis", False),  # the prison's town
        ("Me Rose Dupont, conseil de Jean Martin, a plaidé.", "Jean Martin", True),  # « conseil »: a lawyer
    ],
)
def test_a_name_closing_an_institutions_name_is_its_town_not_a_person(text, words, kept):
    assert ((words, "PER") in entities(annotate(text, ents=[(words, "PER")]))) is kept
