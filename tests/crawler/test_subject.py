"""The subject filter alone: a pure function of (text, title, dossier)."""

import pytest

from crawler.subject import bare_word, decide
from samples.corpus import load_articles
from veille.config import load_config

COCO = load_config().dossier("coco")


def test_the_bare_word_of_the_coco_dossier_is_coco():
    assert bare_word(tuple(COCO.terms), tuple(COCO.context_terms)) == "coco"


@pytest.mark.parametrize("article", load_articles(), ids=lambda a: a.key)
def test_every_sample_article_gets_the_decision_its_topic_calls_for(article):
    decision = decide(article.text, article.title, COCO)
    assert decision.belongs is (article.topic != "offtopic"), decision.reason
    assert decision.reason


def test_naming_the_site_in_the_title_scores_high():
    d = decide("Le site a été fermé mardi par la justice. " * 5, "La justice fait fermer coco.gg", COCO)
    assert d.belongs and d.score >= 0.5 and "coco.gg" in d.matched_terms and "dont le titre" in d.reason


def test_a_single_late_mention_is_kept_with_a_low_score_and_says_so():
    text = "Un long article sur la majorité numérique. " * 40 + "Les tchats anonymes comme coco.gg échappent à la loi."
    d = decide(text, "Majorité numérique : le casse-tête de l'âge", COCO)
    assert d.belongs and d.passing and d.score <= 0.2
    assert d.reason.startswith("mention en passant")


@pytest.mark.parametrize(
    "title,text,why",
    [
        (
            "À Saumur, Coco Chanel revient",
            "Celle que l'on appelle Coco Chanel est née à Saumur. Coco y revient.",
            "Coco Chanel",
        ),
        ("Anzin : Coco, le perroquet, retrouvé", "Le perroquet Coco s'était envolé. Coco va bien.", "perroquet"),
        ("Livraison à domicile", "Le compte « Coco Express » proposait ses services par messagerie.", "Coco Express"),
        ("« Coco » de Pixar ce soir", "Le film Coco de Pixar est diffusé ce soir.", "Pixar"),
    ],
)
def test_a_bare_coco_that_means_something_else_is_ruled_out(title, text, why):
    d = decide(text, title, COCO)
    assert not d.belongs and why in d.reason and d.score == 0


def test_lowercase_coco_is_not_the_site():
    d = decide("Des rochers à la noix de coco et de la coco râpée sur un site de recettes.", "Recette", COCO)
    assert not d.belongs and d.reason == "aucun terme du dossier"


def test_a_bare_coco_near_a_context_word_is_the_site():
    d = decide("Il avait rencontré la victime sur Coco, un tchat sans inscription.", "Lomme : guet-apens", COCO)
    assert d.belongs and "en contexte" in d.reason and "tchat" in d.reason


def test_a_bare_coco_without_context_is_not_enough():
    d = decide("Coco a marqué trois buts dimanche. Coco est le meilleur buteur du club.", "Football", COCO)
    assert not d.belongs and "sans contexte" in d.reason


def test_linked_cases_make_a_document_belong_without_naming_the_site():
    d = decide("Le procès des viols de Mazan s'ouvre à Avignon ; Dominique Pelicot comparaît.", "Mazan", COCO)
    assert d.belongs and "affaire liée" in d.reason and "Mazan" in d.matched_terms


def test_explicit_terms_count_even_when_coco_also_means_chanel():
    d = decide("Rien à voir avec Coco Chanel : le site coco.gg a été fermé.", "Fermeture", COCO)
    assert d.belongs and any("coco.gg" in t for t in d.matched_terms)


def test_a_term_whose_name_is_in_quotation_marks_still_names_the_site():
    # How court decisions write it: « le site de tchat « coco » », for the term « site de tchat Coco ».
    d = decide(
        "Les victimes avaient convenu d'un rendez-vous avec un interlocuteur rencontré sur le site de tchat « coco ».",
        "Cour d'appel, chambre de l'instruction",
        COCO,
    )
    assert d.belongs and d.matched_terms == ("site de tchat Coco",)
