"""veille_charges: offences from the lexicon, with their family and articles; those not held set aside."""

from __future__ import annotations

import re

import pytest

from nlp.charges import ChargeFinder
from nlp.forms import compile_forms
from nlp.patterns import load
from tests.nlp.helpers import analyse

LEXICON = load("charges.jsonl")
ARTICLE = re.compile(r"^R?\d{3}(?:-\d+)*$")  # Code pénal: « 222-23 », « 222-33-2-2 », « R625-8-1 »


def test_the_lexicon_has_forty_charges_each_with_its_family_and_articles():
    assert len(LEXICON) >= 40
    names = [row["charge"] for row in LEXICON]
    assert len(set(names)) == len(names)
    for row in LEXICON:
        assert row["charge"].strip() and row["category"].strip(), row
        assert row["articles"] and all(ARTICLE.match(a) for a in row["articles"]), row
        assert row["forms"] and compile_forms(row["forms"]).pattern, row
        assert set(row.get("implies", ())) <= set(names), row


def held(text: str, **kwargs) -> list[str]:
    return [c["charge"] for c in analyse(text, **kwargs)["charges"]]


def not_held(text: str) -> list[str]:
    return [c["charge"] for c in analyse(text)["charges_not_held"]]


@pytest.mark.parametrize(
    "text, charges",
    [
        ("Elle a été violée à plusieurs reprises.", ["viol"]),
        ("Il est accusé de viols aggravés.", ["viol"]),
        ("Ils sont accusés de viols en réunion.", ["viol en réunion", "viol"]),
        ("Il est poursuivi pour tentative de meurtre.", ["tentative de meurtre"]),  # not also « meurtre »
        (
            "Mis en examen pour vol avec violence en réunion et extorsion.",
            ["vol en réunion", "vol avec violence", "extorsion"],
        ),
        ("Il répond d'administration de substances nuisibles.", ["administration de substances nuisibles"]),
        ("Le guet-apens a été organisé sur le tchat.", []),  # a circumstance, kept apart
        ("Le tchat a été fermé.", []),
        ("Il a volé un violon.", ["vol"]),  # the offence named by its verb
        ("Deux violeurs présumés ont été interpellés.", ["viol"]),  # … or by its offender noun
        ("Il lui extorque 500 euros.", ["extorsion"]),
    ],
)
def test_charges_are_named_by_their_canonical_name(text, charges):
    assert held(text) == charges


def test_each_charge_carries_its_family_and_articles_and_its_words():
    text = "Il a été condamné pour le viol de son épouse."
    (charge,) = analyse(text)["charges"]
    start = text.index("viol")
    assert charge == {
        "text": "viol",
        "charge": "viol",
        "lemma": "viol",
        "category": "sexuelle",
        "articles": ["222-23", "222-24"],
        "start": start,
        "end": start + 4,
        "sentence_start": 0,
        "sentence_end": len(text),
    }


@pytest.mark.parametrize(
    "text, set_aside, kept",
    [
        ("Il a été acquitté du chef de viol.", ["viol"], []),
        ("Il n'est pas poursuivi pour meurtre.", ["meurtre"], []),
        ("Les juges n'ont pas retenu la tentative de meurtre.", ["tentative de meurtre"], []),
        ("La cour a prononcé la relaxe pour l'extorsion.", ["extorsion"], []),
        ("Il a été acquitté du chef de viol mais condamné pour meurtre.", ["viol"], ["meurtre"]),
        (
            "Relaxé des faits d'extorsion, il a été condamné pour vol avec violence.",
            ["extorsion"],
            ["vol avec violence"],
        ),
        ("Il a été acquitté en 2019. Il est jugé pour viol.", [], ["viol"]),  # another sentence
    ],
)
def test_a_charge_not_held_against_anyone_is_set_aside(text, set_aside, kept):
    assert not_held(text) == set_aside
    assert held(text) == kept


def test_the_finder_keeps_the_longest_of_overlapping_forms():
    text = "tentative de meurtre et meurtre"
    assert ChargeFinder().find(text) == [(0, 20, "tentative de meurtre"), (24, 31, "meurtre")]


def circumstances(text: str) -> list[str]:
    return [c["charge"] for c in analyse(text)["circumstances"]]


@pytest.mark.parametrize(
    "text, charge, circumstance",
    [
        ("Il est mis en examen pour meurtre avec guet-apens.", ["meurtre"], ["guet-apens"]),
        ("La soumission chimique a permis les viols.", ["viol"], ["soumission chimique"]),
        (
            "Le parquet a retenu comme circonstance aggravante l'administration d'une substance.",
            [],
            ["administration de substances nuisibles"],
        ),
    ],
)
def test_aggravating_circumstances_are_kept_apart_from_the_charges(text, charge, circumstance):
    assert (held(text), circumstances(text)) == (charge, circumstance)


def test_a_cause_is_not_a_charge():
    text = "Elle est devenue une figure de la lutte contre les violences faites aux femmes."
    assert held(text) == [] and not_held(text) == ["violences"]


def test_a_charge_inside_an_organisations_name_is_not_a_charge():
    text = "Selon Agir contre la prostitution des enfants, le site était connu."
    name = "Agir contre la prostitution des enfants"
    assert held(text, ents=[(name, "ORG")]) == []
    assert held("Il dénonce la prostitution des enfants.") == ["prostitution"]


@pytest.mark.parametrize(
    "text, lemma",
    [
        ("Ils sont jugés pour viols en réunion.", "viol"),
        ("Il est poursuivi pour tentative de meurtre.", "meurtre"),
        ("Il est accusé de détention d'images pédopornographiques.", "pédopornographie"),
        ("Ils ont eu recours à la prostitution d'une mineure.", "prostitution de mineur"),
    ],
)
def test_each_charge_has_the_lemma_researchers_count_by(text, lemma):
    assert [c["lemma"] for c in analyse(text)["charges"]][0] == lemma


@pytest.mark.parametrize(
    "text, named",
    [
        ("Il a été victime d'un guet-apens meurtrier à Lens.", False),  # an adjective: no offence named
        ("Une fusillade meurtrière a eu lieu à Marseille.", False),
        ("Le meurtrier présumé a été interpellé.", True),
        ("La meurtrière a été condamnée.", True),
    ],
)
def test_meurtrier_names_the_offence_only_as_the_offender(text, named):
    assert ("meurtre" in held(text)) is named


@pytest.mark.parametrize(
    "text, lemma",
    [
        # offences of French criminal news beyond the sexual and violent ones
        ("Il est poursuivi pour apologie du terrorisme après ses messages.", "apologie du terrorisme"),
        ("Le couple est mis en examen pour homicide volontaire et recel de cadavre.", "recel de cadavre"),
        ("L'ancien maire sera jugé pour prise illégale d'intérêts.", "prise illégale d'intérêts"),
        ("Elle est soupçonnée d'abus de faiblesse sur sa voisine.", "abus de faiblesse"),
        ("Un adolescent a été interpellé pour incendie volontaire.", "incendie volontaire"),
        # … and offenders named by their noun, as the press does
        ("Les deux escrocs ont été arrêtés à la gare.", "escroquerie"),
        ("Trois dealers ont été placés en garde à vue.", "trafic de stupéfiants"),
        ("Le braquage de la bijouterie a duré trois minutes.", "vol"),
        ("Il dénonce un racket organisé devant le collège.", "extorsion"),
        ("Elle a été victime de revenge porn.", "diffusion d'images sans consentement"),
        ("L'enquête pour pédopornographie est close.", "pédopornographie"),
    ],
)
def test_the_lexicon_names_offences_of_general_criminal_news(text, lemma):
    assert lemma in [c["lemma"] for c in analyse(text)["charges"]]


@pytest.mark.parametrize(
    "text",
    [
        "Le procès de la corruption de mineurs s'ouvre.",  # the longer charge, not also « corruption »
        "Un climat empoisonné règne dans la mairie.",  # a figure of speech
        "La rébellion a pris le contrôle de la ville.",  # a rebellion, not the offence
        "Il a braqué son regard sur le juge.",
    ],
)
def test_words_that_only_look_like_offences_name_none(text):
    lemmas = [c["lemma"] for c in analyse(text)["charges"]]
    assert not set(lemmas) & {"corruption", "empoisonnement", "rébellion", "vol"}, lemmas


@pytest.mark.parametrize(
    "text, named",
    [
        ("Il est soupçonné de pédophilie.", True),
        ("Un réseau pédophile a été démantelé.", True),
        ("Des thèmes à connotation pédophile apparaissent sur le site.", False),  # an adjective
        ("Ils disaient vouloir punir les pédophiles.", False),  # what attackers claimed, no offence
        ("Il est accusé d'avoir mis le feu à la voiture de son voisin.", True),
    ],
)
def test_pedophilia_and_arson_are_named_only_as_offences(text, named):
    lemmas = {c["lemma"] for c in analyse(text)["charges"]}
    assert bool(lemmas & {"pédocriminalité", "incendie volontaire"}) is named
