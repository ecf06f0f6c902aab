"""veille_roles: the part each person plays, and minors flagged and never named."""

from __future__ import annotations

import json

import pytest
from spacy.tokens import Doc

from nlp.analysis import MINOR_NAME
from tests.nlp.helpers import analyse, annotate, blank_pipeline


@pytest.mark.parametrize(
    "text, name, role",
    [
        ("La procureure de la République de Dunkerque, Charlotte Huet, a requis.", "Charlotte Huet", "magistrate"),
        ("Le président Jean Martin a lu l'arrêt.", "Jean Martin", "magistrate"),
        ("Antoine Camus, avocat de la partie civile, a plaidé.", "Antoine Camus", "lawyer"),
        ("L'avocate de la défense, Béatrice Zavarro, a plaidé.", "Béatrice Zavarro", "lawyer"),
        ("Me Antoine Camus a plaidé.", "Antoine Camus", "lawyer"),
        ("L'accusé Jean Dupont s'est tu.", "Jean Dupont", "defendant"),
        ("Le prévenu, Karim Benali, a nié.", "Karim Benali", "defendant"),
        ("Marie Durand, 22 ans, victime des faits, a témoigné.", "Marie Durand", "victim"),
        ("La partie civile, Marie Durand, a parlé.", "Marie Durand", "victim"),
        ("Le témoin Paul Martin a été entendu.", "Paul Martin", "witness"),
        ("Le commissaire Luc Morel a confirmé.", "Luc Morel", "police"),
        ("Paul Martin est venu à l'audience.", "Paul Martin", None),  # nothing says what he is
    ],
)
def test_role_from_the_words_around_the_name(text, name, role):
    doc = annotate(text, ents=[(name, "PER")])
    (person,) = [e for e in doc.ents if e.label_ == "PER"]
    assert (person.text, person._.role) == (name, role)


def test_a_role_given_once_holds_for_every_mention_of_the_person():
    text = "La procureure de Dunkerque, Charlotte Huet, a parlé. Deux hommes ont été arrêtés, a ajouté Mme Huet."
    doc = annotate(text, ents=[("Charlotte Huet", "PER"), ("Huet", "PER")])
    people = [(e.text, e._.canonical, e._.role) for e in doc.ents if e.label_ == "PER"]
    assert people == [("Charlotte Huet", "Charlotte Huet", "magistrate"), ("Huet", "Charlotte Huet", "magistrate")]


def parsed(words, heads, deps, lemmas) -> Doc:
    """A sentence as the parser would give it, the name « X Y » first."""
    nlp = blank_pipeline()
    ents = ["B-PER", "I-PER"] + ["O"] * (len(words) - 2)
    return Doc(nlp.vocab, words=words, heads=heads, deps=deps, lemmas=lemmas, ents=ents)


@pytest.mark.parametrize(
    "words, heads, deps, lemmas, role",
    [
        (
            ["Jean", "Dupont", "a", "été", "condamné", "."],
            [1, 4, 4, 4, 4, 4],
            ["flat:name", "nsubj:pass", "aux:tense", "aux:pass", "ROOT", "punct"],
            ["Jean", "Dupont", "avoir", "être", "condamner", "."],
            "defendant",
        ),
        (
            ["Marie", "Durand", "a", "été", "tuée", "."],
            [1, 4, 4, 4, 4, 4],
            ["flat:name", "nsubj:pass", "aux:tense", "aux:pass", "ROOT", "punct"],
            ["Marie", "Durand", "avoir", "être", "tuer", "."],
            "victim",
        ),
        (
            ["Paul", "Martin", "a", "témoigné", "."],
            [1, 3, 3, 3, 3],
            ["flat:name", "nsubj", "aux:tense", "ROOT", "punct"],
            ["Paul", "Martin", "avoir", "témoigner", "."],
            "witness",
        ),
        (
            ["Paul", "Martin", "a", "mangé", "."],
            [1, 3, 3, 3, 3],
            ["flat:name", "nsubj", "aux:tense", "ROOT", "punct"],
            ["Paul", "Martin", "avoir", "manger", "."],
            None,
        ),
    ],
)
def test_role_from_the_verb_of_the_parse(words, heads, deps, lemmas, role):
    doc = blank_pipeline().get_pipe("veille_roles")(parsed(words, heads, deps, lemmas))
    assert doc.ents[0]._.role == role


# -- minors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, description",
    [
        ("Une collégienne de 14 ans a été agressée.", "Une collégienne de 14 ans"),
        ("L\u2019adolescent a porté plainte.", "L\u2019adolescent"),
        ("L'adolescente a porté plainte.", "L'adolescente"),
        ("Il a violé une mineure.", "une mineure"),
        ("Deux adolescents de 14 et 15 ans ont été entendus.", "Deux adolescents de 14 et 15 ans"),
        ("La victime, une jeune fille de 15 ans, a parlé.", "une jeune fille de 15 ans"),
    ],
)
def test_descriptions_of_minors_are_kept(text, description):
    result = analyse(text)
    assert [m["text"] for m in result["minors"]] == [description]
    (minor,) = result["minors"]
    assert text[minor["start"] : minor["end"]] == description


@pytest.mark.parametrize(
    "text", ["Une femme de 45 ans a été agressée.", "L'adulte a porté plainte.", "Le jeune homme de 19 ans a parlé."]
)
def test_adults_are_not_minors(text):
    assert analyse(text)["minors"] == []


@pytest.mark.parametrize(
    "text, name, minor",
    [
        ("Léa, mineure, a été agressée.", "Léa", True),
        ("Lucas, 15 ans, a été frappé.", "Lucas", True),
        ("Lucas (14 ans) a été frappé.", "Lucas", True),
        ("Lucas, âgé de 13 ans, a été frappé.", "Lucas", True),
        ("L'adolescente Chloé a porté plainte.", "Chloé", True),
        ("Léa, une collégienne, a parlé.", "Léa", True),
        ("Marc, 45 ans, a été frappé.", "Marc", False),
        ("Paul, 18 ans, a été frappé.", "Paul", False),
    ],
)
def test_a_named_person_described_as_a_minor_is_flagged(text, name, minor):
    doc = annotate(text, ents=[(name, "PER")])
    (person,) = doc.ents
    assert (person.text, person._.minor) == (name, minor)


def test_a_minor_is_never_named_in_the_output():
    text = (
        "Lucas, 15 ans, et Jean Dupont ont été interpellés le 12 mars à Lomme. "
        "Lucas a été relâché le 13 mars, Jean Dupont a été déféré."
    )
    result = analyse(
        text,
        ents=[("Lucas", "PER"), ("Jean Dupont", "PER"), ("Lomme", "LOC"), ("Lucas", "PER"), ("Jean Dupont", "PER")],
    )
    persons = [e for e in result["entities"] if e["label"] == "PER"]
    lucas = [e for e in persons if e["text"] == "Lucas"]
    # Both mentions, even the second one that says nothing of his age.
    assert [(e["minor"], e["canonical"]) for e in lucas] == [(True, MINOR_NAME), (True, MINOR_NAME)]
    assert [e["canonical"] for e in persons if e["text"] == "Jean Dupont"] == ["Jean Dupont", "Jean Dupont"]
    assert len(result["events"]) == 2
    for event in result["events"]:
        assert event["people"] == ["Jean Dupont"]
        assert "Lucas" not in json.dumps(
            {k: v for k, v in event.items() if k not in ("evidence", "date_text")}, ensure_ascii=False
        )


@pytest.mark.parametrize(
    "text, name, role",
    [
        ("L'avocate du principal accusé, Béatrice Zavarro, a plaidé.", "Béatrice Zavarro", "lawyer"),
        ("Le président de la cour criminelle, Roger Arata, a lu le résumé.", "Roger Arata", "magistrate"),
    ],
)
def test_the_role_is_the_phrases_head_not_its_complement(text, name, role):
    (person,) = [e for e in analyse(text, ents=[(name, "PER")])["entities"] if e["label"] == "PER"]
    assert person["role"] == role
