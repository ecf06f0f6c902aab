"""veille_events: each dated sentence an event, with its kind, whether it is still to come, its people
(never minors), places, charges, a French summary and the sentence as evidence."""

from __future__ import annotations

import pytest

from tests.nlp.helpers import analyse

FUTURE_OPEN = {"ouvrira": {"pos": "VERB", "lemma": "ouvrir", "morph": "Mood=Ind|Tense=Fut|VerbForm=Fin"}}
MUST_BE_TRIED = {
    "doit": {"pos": "AUX", "lemma": "devoir", "morph": "Mood=Ind|Tense=Pres|VerbForm=Fin"},
    "être": {"pos": "AUX", "lemma": "être", "morph": "VerbForm=Inf"},
    "jugé": {"pos": "VERB", "lemma": "juger", "morph": "Tense=Past|VerbForm=Part"},
}
WAS_TRIED = {
    "a": {"pos": "AUX", "lemma": "avoir", "morph": "Mood=Ind|Tense=Pres|VerbForm=Fin"},
    "été": {"pos": "AUX", "lemma": "être", "morph": "Tense=Past|VerbForm=Part"},
    "jugé": {"pos": "VERB", "lemma": "juger", "morph": "Tense=Past|VerbForm=Part"},
}


def test_an_announced_trial_opening():
    text = (
        "Le dossier est hors norme. Le procès de Dominique Pelicot s\u2019ouvrira le 2 septembre devant "
        "la cour criminelle du Vaucluse. Cinquante hommes sont accusés."
    )
    result = analyse(text, ents=[("Dominique Pelicot", "PER")], words=FUTURE_OPEN)
    (event,) = result["events"]
    sentence = "Le procès de Dominique Pelicot s\u2019ouvrira le 2 septembre devant la cour criminelle du Vaucluse."
    assert event["kind"] == "trial_opening"
    assert (event["date"], event["precision"], event["date_end"], event["upcoming"]) == (
        "2024-09-02",
        "day",
        None,
        True,
    )
    assert event["summary"] == "Ouverture du procès de Dominique Pelicot devant la cour criminelle du Vaucluse"
    # The court's seat heads the summary but is not a place of the case: a trial's city is not the affaire's.
    assert (event["people"], event["places"], event["charges"]) == (["Dominique Pelicot"], [], [])
    # The evidence is the sentence, quoted from the text as given.
    assert event["evidence"] == sentence
    assert (event["start"], event["end"]) == (text.index(sentence), text.index(sentence) + len(sentence))
    assert (event["date_text"], text[event["date_text_start"] : event["date_text_end"]]) == (
        "le 2 septembre",
        "le 2 septembre",
    )


def test_upcoming_is_read_from_the_future_tense_when_the_date_does_not_tell():
    # Published on 10 April: « en avril » is neither over nor to come; « s'ouvrira » says it is to come.
    text = "Le procès s'ouvrira en avril."
    (told,) = analyse(text, published="2024-04-10", words=FUTURE_OPEN)["events"]
    (untold,) = analyse(text, published="2024-04-10")["events"]
    assert (told["date"], told["upcoming"], told["kind"]) == ("2024-04", True, "trial_opening")
    assert untold["upcoming"] is False


def test_must_be_tried_is_an_announced_trial_and_was_tried_a_past_hearing():
    ents = [("Jean Dupont", "PER"), ("Avignon", "LOC")]
    (coming,) = analyse("Jean Dupont doit être jugé en 2024 à Avignon.", ents=ents, words=MUST_BE_TRIED)["events"]
    (past,) = analyse("Jean Dupont a été jugé en 2024 à Avignon.", ents=ents, words=WAS_TRIED)["events"]
    assert (coming["kind"], coming["upcoming"], coming["summary"]) == (
        "trial_opening",
        True,
        "Ouverture du procès de Jean Dupont à Avignon",
    )
    assert (past["kind"], past["upcoming"], past["summary"]) == ("hearing", False, "Audience : Jean Dupont")


@pytest.mark.parametrize(
    "text, words, kind, summary",
    [
        ("Trois hommes ont été interpellés le 12 mars à Lomme.", {}, "arrest", "Interpellation à Lomme"),
        ("Jean Dupont a été mis en examen le 12 mars.", {}, "indictment", "Mise en examen de Jean Dupont"),
        ("Sa plainte a été déposée le 3 mars.", {}, "complaint", "Plainte"),
        ("La mort de Jean Dupont le 3 mars a choqué Lomme.", {}, "crime", "La mort de Jean Dupont a choqué Lomme."),
        ("Le site coco.gg a été fermé en juin 2023.", {}, "site_event", "Fermeture du site Coco"),
        (
            "La cour a acquitté Jean Dupont le 19 avril.",
            {"acquitté": {"lemma": "acquitter"}},
            "verdict",
            "Acquittement de Jean Dupont",
        ),
        (
            "Jean Dupont a été condamné à vingt ans de réclusion criminelle le 19 avril.",
            {},
            "sentence",
            "Jean Dupont condamné à vingt ans de réclusion criminelle",
        ),
        ("Jean Dupont a fait appel le 22 avril.", {}, "appeal", "Appel de Jean Dupont"),
        ("Jean Dupont est né le 3 mars 1970.", {}, "other", "Jean Dupont est né."),
    ],
)
def test_the_kind_comes_from_the_cue_words(text, words, kind, summary):
    ents = [(name, label) for name, label in (("Jean Dupont", "PER"), ("Lomme", "LOC")) if name in text]
    events = analyse(text, ents=ents, words=words)["events"]
    (event,) = [e for e in events if e["kind"] == kind]  # a stated penalty also makes a verdict (tested below)
    assert (event["kind"], event["summary"], event["upcoming"]) == (kind, summary, False)


def test_a_range_keeps_its_first_and_last_day_and_its_headline_names_the_court():
    text = "Le procès s'est tenu du 2 septembre au 20 décembre 2024 devant la cour criminelle du Vaucluse."
    words = {"tenu": {"pos": "VERB", "lemma": "tenir", "morph": "Tense=Past|VerbForm=Part"}}
    (event,) = analyse(text, published="2025-01-10", words=words)["events"]
    assert (event["date"], event["date_end"], event["kind"], event["upcoming"]) == (
        "2024-09-02",
        "2024-12-20",
        "hearing",
        False,
    )
    assert event["summary"] == "Audience devant la cour criminelle du Vaucluse"


def test_one_event_per_dated_sentence_with_its_own_evidence():
    text = "Il n'y a rien à dire. Jean Dupont a été interpellé le 12 mars. Puis il a été déféré le 14 mars. Fin."
    result = analyse(text, ents=[("Jean Dupont", "PER")])
    assert [(e["date"], e["evidence"]) for e in result["events"]] == [
        ("2024-03-12", "Jean Dupont a été interpellé le 12 mars."),
        ("2024-03-14", "Puis il a été déféré le 14 mars."),
    ]
    assert [e["kind"] for e in result["events"]] == ["arrest", "indictment"]


def test_the_people_of_an_event_are_never_minors():
    text = "Léa, 14 ans, et Jean Dupont ont été interpellés le 12 mars."
    (event,) = analyse(text, ents=[("Léa", "PER"), ("Jean Dupont", "PER")])["events"]
    assert event["people"] == ["Jean Dupont"]
    assert "Léa" not in event["summary"]
    assert event["summary"] == "Interpellation de Jean Dupont"


def test_lawyers_are_people_of_the_event_but_not_of_its_summary():
    text = "Jean Dupont, défendu par Me Béatrice Zavarro, a été interpellé le 12 mars."
    (event,) = analyse(text, ents=[("Jean Dupont", "PER")])["events"]
    assert event["people"] == ["Jean Dupont", "Béatrice Zavarro"]
    assert event["summary"] == "Interpellation de Jean Dupont"


def test_the_charges_of_an_event_are_only_those_held():
    text = "Jean Dupont, acquitté du chef de viol, a été condamné pour meurtre le 19 avril."
    (event,) = analyse(text, ents=[("Jean Dupont", "PER")])["events"]
    assert event["charges"] == ["meurtre"]


def test_no_date_no_event():
    assert analyse("Jean Dupont a été interpellé.", ents=[("Jean Dupont", "PER")])["events"] == []


def test_a_judgment_stating_its_penalty_is_both_the_verdict_and_the_sentence():
    text = "Jean Dupont a été condamné à vingt ans de réclusion criminelle le 19 avril."
    events = analyse(text, ents=[("Jean Dupont", "PER")])["events"]
    assert sorted((e["kind"], e["date"]) for e in events) == [("sentence", "2024-04-19"), ("verdict", "2024-04-19")]


def test_a_judgment_without_penalty_is_only_the_verdict():
    text = "La cour a acquitté Jean Dupont le 19 avril."
    events = analyse(text, ents=[("Jean Dupont", "PER")], words={"acquitté": {"lemma": "acquitter"}})["events"]
    assert [e["kind"] for e in events] == ["verdict"]


PAST = {
    "signalent": {"pos": "VERB", "lemma": "signaler", "morph": "Tense=Pres|VerbForm=Fin"},
    "examen": {"pos": "NOUN"},
    "été": {"pos": "AUX", "lemma": "être", "morph": "VerbForm=Part"},
    "ont": {"pos": "AUX", "lemma": "avoir", "morph": "Tense=Pres|VerbForm=Fin"},
    "mis": {"pos": "VERB", "lemma": "mettre", "morph": "Tense=Past|VerbForm=Part"},
}


def test_an_undated_sentence_takes_the_date_of_the_sentence_before_it_in_its_paragraph():
    opening = "Le dossier reste lourd pour tous ceux qui le suivent depuis le premier jour de l'enquête. " * 3
    text = (
        opening + "Le 14 octobre 2022, la fillette ne rentre pas du collège. Ses parents signalent sa "
        "disparition au commissariat.\n\nSes parents signalent sa disparition au commissariat."
    )
    events = analyse(text, published="2025-10-24", words=PAST)["events"]
    complaint = [e for e in events if e["kind"] == "complaint"]
    assert [(e["date"], e["date_from"], e["evidence"][:10]) for e in complaint] == [
        ("2022-10-14", "previous_sentence", "Ses parent")
    ]  # not the copy in the next paragraph


def test_an_undated_event_in_the_opening_lines_happened_on_the_day_of_publication():
    text = "Deux mineurs ont été mis en examen pour assassinat. Le dossier est lourd."
    (event,) = analyse(text, published="2024-04-19", words=PAST)["events"]
    assert (event["kind"], event["date"], event["date_from"]) == ("indictment", "2024-04-19", "publication")


def test_an_undated_retelling_of_a_dated_happening_is_one_more_source_of_it():
    text = "Deux mineurs ont été mis en examen le 19 avril. Deux mineurs ont été mis en examen pour assassinat."
    events = analyse(text, published="2024-04-19", words=PAST)["events"]
    # Same kind, same date: the cases stage makes them one happening with two quotes.
    assert [(e["kind"], e["date"], e["date_from"]) for e in events] == [
        ("indictment", "2024-04-19", "sentence"),
        ("indictment", "2024-04-19", "previous_sentence"),
    ]


def test_a_title_that_only_retells_the_body_is_not_a_source():
    text = "Deux mineurs mis en examen\n\nDeux mineurs ont été mis en examen pour assassinat. Le dossier est lourd."
    events = analyse(text, published="2024-04-19", words=PAST)["events"]
    assert [e["evidence"][:20] for e in events] == ["Deux mineurs ont été"]


@pytest.mark.parametrize(
    "text, kind",
    [
        ("Vingt ans de réclusion ont été requis le 25 novembre contre Jean Dupont.", "hearing"),  # asked, not given
        ("Le juge a ordonné le 15 novembre un procès aux assises contre Jean Dupont.", "indictment"),
    ],
)
def test_a_penalty_asked_for_is_a_hearing_and_an_order_to_stand_trial_an_indictment(text, kind):
    events = analyse(
        text,
        ents=[("Jean Dupont", "PER")],
        words={
            "requis": {"pos": "VERB", "lemma": "requérir", "morph": "Tense=Past|VerbForm=Part"},
            "ordonné": {"pos": "VERB", "lemma": "ordonner", "morph": "Tense=Past|VerbForm=Part"},
        },
    )["events"]
    assert [e["kind"] for e in events] == [kind]


def test_evidence_is_a_whole_sentence_even_when_the_model_cut_it():
    # The parser cut after « 15 ans » (emulated by « ! »): the next piece starts lower-case and continues it.
    text = "Deux mineurs de 14 et 15 ans ! ont été mis en examen le 19 avril pour assassinat."
    (event,) = analyse(text, published="2024-04-19", words=PAST)["events"]
    assert event["evidence"] == text


@pytest.mark.parametrize(
    "text, ents, headline",
    [
        ("Le parquet de Paris a annoncé la fermeture du site coco.gg le 25 juin.", [], "Fermeture du site Coco"),
        (
            "Le procès de Jean Dupont s'ouvrira le 2 septembre devant la cour criminelle du Vaucluse.",
            [("Jean Dupont", "PER")],
            "Ouverture du procès de Jean Dupont devant la cour criminelle du Vaucluse",
        ),
        (
            "Jean Dupont a été mis en examen pour meurtre le 12 mars.",
            [("Jean Dupont", "PER")],
            "Mise en examen de Jean Dupont pour meurtre",
        ),
    ],
)
def test_each_event_has_a_french_headline_saying_what_happened(text, ents, headline):
    events = analyse(text, ents=ents, words=FUTURE_OPEN)["events"]
    assert headline in [e["summary"] for e in events]
    assert not any(e["summary"].startswith(("Autre", "Événement")) for e in events)


@pytest.mark.parametrize(
    "sentence",
    [
        "Le 3 mars, Pascal avait déjà été victime du même procédé.",
        "Le 3 mars, les deux hommes sont les victimes d'un guet-apens.",
    ],
)
def test_a_sentence_saying_who_was_a_victim_tells_the_crime(sentence):
    (event,) = analyse(sentence)["events"]
    assert (event["date"], event["kind"]) == ("2024-03-03", "crime")


def test_a_penalty_without_a_named_person_heads_its_sentence():
    events = analyse("Le 3 mars, il a été condamné à trois ans d'emprisonnement.")["events"]
    assert "Condamnation à trois ans d'emprisonnement" in {e["summary"] for e in events if e["kind"] == "sentence"}


def test_insisting_is_not_holding_a_hearing():
    events = analyse(
        "Le 3 mars, elle a tenu à démentir les rumeurs.", words={"tenu": {"lemma": "tenir", "pos": "VERB"}}
    )["events"]
    assert [e["kind"] for e in events] == ["other"]


def test_a_headline_naming_only_the_kind_says_what_the_sentence_tells():
    (event,) = analyse("Le 3 mars, les accusés ont comparu libres.")["events"]
    assert (event["kind"], event["summary"]) == ("hearing", "Audience : les accusés ont comparu libres")
    # A sentence that already names the kind adds nothing to it.
    (event,) = analyse("Sa plainte a été déposée le 3 mars.")["events"]
    assert event["summary"] == "Plainte"


@pytest.mark.parametrize(
    "text, summary",
    [
        # a date completing a participle before a comma stays, or the headline would read « lancée, a »
        (
            "Une pétition, lancée le 3 mars, a réuni mille signatures.",
            "Une pétition, lancée le 3 mars, a réuni mille signatures …",
        ),
        # a dateline goes with its date
        ("Lille, 3 mars 2024 - Une pétition réunit mille signatures.", "Une pétition réunit mille signatures."),
    ],
)
def test_a_headline_from_the_sentence_keeps_its_grammar(text, summary):
    words = {"lancée": {"pos": "VERB", "lemma": "lancer", "morph": "Tense=Past|VerbForm=Part"}}
    (event,) = analyse(text, published="2024-03-10", words=words)["events"]
    assert event["summary"] == summary
