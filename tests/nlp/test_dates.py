"""French date expressions resolved to ISO dates: nlp.dates.find_dates as a pure function, then the component.

Every expected date is worked out by hand from the publication date PUBLISHED, Friday
26 April 2024 (so « jeudi » is Thursday 25 April, the day before).
"""

from __future__ import annotations

from datetime import date

import pytest

from nlp.dates import find_dates
from tests.nlp.helpers import analyse, annotate

PUBLISHED = date(2024, 4, 26)  # a Friday
assert PUBLISHED.weekday() == 4


def one(text: str, tense: str | None = None, published: date = PUBLISHED, known=()):
    """The single date expression of ``text``, read in a clause of that tense."""
    mentions = find_dates(text, published, lambda start, end: tense, known)
    assert len(mentions) == 1, mentions
    (mention,) = mentions
    assert text[mention.start : mention.end] == mention.text
    return mention


@pytest.mark.parametrize(
    "text, tense, words, iso, precision",
    [
        # the examples of the issue
        ("Le verdict est tombé ce jeudi 25 avril.", "past", "ce jeudi 25 avril", "2024-04-25", "day"),
        ("Il a été interpellé jeudi dernier.", "past", "jeudi dernier", "2024-04-25", "day"),
        ("Le procès s'ouvrira le 2 septembre prochain.", "future", "le 2 septembre prochain", "2024-09-02", "day"),
        ("Les faits remontent à 2018.", "present", "2018", "2018", "year"),
        ("Il a été arrêté en 2018.", "past", "2018", "2018", "year"),
        ("Elle a porté plainte en octobre 2023.", "past", "octobre 2023", "2023-10", "month"),
        ("Les faits ont commencé il y a six ans.", "past", "il y a six ans", "2018", "year"),
        ("Le verdict est attendu mi-juin.", "present", "mi-juin", "2024-06", "month"),
        ("Le site existait depuis 2003.", "past", "2003", "2003", "year"),
        # without a year: the tense decides between the last one and the next one
        ("Il a été jugé le 2 septembre.", "past", "le 2 septembre", "2023-09-02", "day"),
        ("Il sera jugé le 2 septembre.", "future", "le 2 septembre", "2024-09-02", "day"),
        ("Il a été jugé le 20 mars.", "past", "le 20 mars", "2024-03-20", "day"),
        ("Il sera jugé le 20 mars.", "future", "le 20 mars", "2025-03-20", "day"),
        ("Il est jugé le 20 mars.", None, "le 20 mars", "2024-03-20", "day"),  # the nearest one
        ("Il a été arrêté mi-juin.", "past", "mi-juin", "2023-06", "month"),
        ("Il a été arrêté en mars.", "past", "mars", "2024-03", "month"),
        ("Il sera jugé en mars.", "future", "mars", "2025-03", "month"),
        # « prochain » and « dernier » win over the tense
        ("Il devait être jugé le 2 septembre prochain.", "past", "le 2 septembre prochain", "2024-09-02", "day"),
        ("Il sera jugé jeudi.", "future", "jeudi", "2024-05-02", "day"),
        ("Il a été entendu jeudi.", "past", "jeudi", "2024-04-25", "day"),
        ("Il est arrivé hier.", "past", "hier", "2024-04-25", "day"),
        ("Il a été condamné l'an dernier.", "past", "l'an dernier", "2023", "year"),
        ("Il sera jugé le mois prochain.", "future", "le mois prochain", "2024-05", "month"),
        ("Le tchat existe depuis deux ans.", "present", "depuis deux ans", "2022", "year"),
        ("Il a été arrêté le 1er janvier 2020.", "past", "le 1er janvier 2020", "2020-01-01", "day"),
    ],
)
def test_expressions_resolve_to_a_date_and_a_precision(text, tense, words, iso, precision):
    mention = one(text, tense)
    assert (mention.text, mention.iso, mention.precision, mention.end_date) == (words, iso, precision, None)


def test_the_weekday_given_with_the_date_picks_the_year():
    # In January 2025 the nearest 25 April is in 2025, but 25 April 2025 is a Friday: the Thursday was in 2024.
    assert one("jeudi 25 avril", published=date(2025, 1, 10)).iso == "2024-04-25"
    assert one("le 25 avril", published=date(2025, 1, 10)).iso == "2025-04-25"


def test_last_thursday_is_the_one_the_text_states_elsewhere():
    assert one("jeudi dernier", "past", known=[date(2024, 4, 18)]).iso == "2024-04-18"
    assert one("jeudi dernier", "past", known=[date(2024, 3, 1)]).iso == "2024-04-25"


@pytest.mark.parametrize(
    "text, tense, words, start, precision, end, end_precision",
    [
        (
            "Le procès se tiendra du 2 septembre au 20 décembre.",
            "future",
            "2 septembre au 20 décembre",
            "2024-09-02",
            "day",
            date(2024, 12, 20),
            "day",
        ),
        # read without a tense, each end alone would be the nearest: 2 September 2024, 20 December 2023
        (
            "Le procès, du 2 septembre au 20 décembre, est hors norme.",
            None,
            "2 septembre au 20 décembre",
            "2024-09-02",
            "day",
            date(2024, 12, 20),
            "day",
        ),
        (
            "Le procès s'est tenu du 2 septembre au 20 décembre.",
            "past",
            "2 septembre au 20 décembre",
            "2023-09-02",
            "day",
            date(2023, 12, 20),
            "day",
        ),
        (
            "Le procès s'est tenu du 2 septembre au 20 décembre 2024.",
            "past",
            "2 septembre au 20 décembre 2024",
            "2024-09-02",
            "day",
            date(2024, 12, 20),
            "day",
        ),
        (
            "Les faits ont eu lieu entre octobre 2022 et avril 2023.",
            "past",
            "octobre 2022 et avril 2023",
            "2022-10",
            "month",
            date(2023, 4, 30),
            "month",
        ),
        ("Le site a prospéré entre 2011 et 2020.", "past", "2011 et 2020", "2011", "year", date(2020, 12, 31), "year"),
    ],
)
def test_ranges_give_the_first_date_and_the_last_day(text, tense, words, start, precision, end, end_precision):
    mention = one(text, tense)
    assert (mention.text, mention.kind, mention.iso, mention.precision, mention.end_date, mention.end_precision) == (
        words,
        "range",
        start,
        precision,
        end,
        end_precision,
    )
    assert mention.end_date >= mention.date


def test_a_range_across_the_new_year_told_in_the_past_starts_the_year_before():
    mention = one("Il a été détenu du 20 novembre au 5 janvier.", "past", published=date(2024, 12, 1))
    assert (mention.iso, mention.end_date) == ("2023-11-20", date(2024, 1, 5))


def test_anaphoric_dates_count_from_the_date_before_them():
    text = "Le 12 mars 2020, il est mort. Le lendemain, il a été arrêté. Trois jours plus tard, il a avoué."
    mentions = find_dates(text, PUBLISHED)
    assert [(m.text, m.iso, m.anaphoric) for m in mentions] == [
        ("Le 12 mars 2020", "2020-03-12", False),
        ("Le lendemain", "2020-03-13", True),
        ("Trois jours plus tard", "2020-03-16", True),
    ]


def test_the_tense_is_asked_for_each_expression():
    text = "Jugé le 2 septembre. Rejugé le 2 septembre."
    second = text.rindex("le 2")
    mentions = find_dates(text, PUBLISHED, lambda start, end: "future" if start >= second else "past")
    assert [m.iso for m in mentions] == ["2023-09-02", "2024-09-02"]


@pytest.mark.parametrize(
    "text",
    ["Il y a quelques années, il a parlé.", "2018 personnes ont signé.", "Il a payé 2020 euros.", "Le tchat a fermé."],
)
def test_no_date_where_none_can_be_told(text):
    assert find_dates(text, PUBLISHED) == []


# -- the component -------------------------------------------------------------------------


def test_the_component_resolves_against_the_publication_date():
    text = "Trois hommes ont été interpellés jeudi dernier. Le procès s'ouvrira en octobre 2024."
    result = analyse(text, published="2024-04-26T09:30:00+02:00")
    assert result["published"] == "2024-04-26"
    assert [(d["text"], d["date"], d["precision"]) for d in result["dates"]] == [
        ("jeudi dernier", "2024-04-25", "day"),
        ("octobre 2024", "2024-10", "month"),
    ]
    assert all(text[d["start"] : d["end"]] == d["text"] for d in result["dates"])


def test_the_component_sets_the_span_attributes():
    doc = annotate("Le procès s'est tenu entre octobre 2022 et avril 2023.")
    (span,) = doc.spans["dates"]
    assert (span.text, span._.date, span._.precision, span._.date_end, span._.date_end_precision, span._.date_kind) == (
        "octobre 2022 et avril 2023",
        "2022-10-01",
        "month",
        "2023-04-30",
        "month",
        "range",
    )


def test_the_component_reads_last_thursday_as_the_thursday_the_text_states():
    text = "Trois hommes ont été mis en examen jeudi dernier. Ils avaient été interpellés le jeudi 18 avril."
    result = analyse(text, published="2024-04-26")
    assert [(d["text"], d["date"]) for d in result["dates"]] == [
        ("jeudi dernier", "2024-04-18"),
        ("le jeudi 18 avril", "2024-04-18"),
    ]


PARTICIPLE = {"pos": "VERB", "lemma": "juger", "morph": "Tense=Past|VerbForm=Part"}
PAST = {
    "a": {"pos": "AUX", "lemma": "avoir", "morph": "Mood=Ind|Tense=Pres|VerbForm=Fin"},
    "été": {"pos": "AUX", "lemma": "être", "morph": "Tense=Past|VerbForm=Part"},
    "jugé": PARTICIPLE,
}
FUTURE = {"sera": {"pos": "AUX", "lemma": "être", "morph": "Mood=Ind|Tense=Fut|VerbForm=Fin"}, "jugé": PARTICIPLE}


@pytest.mark.parametrize(
    "text, words, iso",
    [
        ("Il a été jugé le 2 septembre.", PAST, "2023-09-02"),
        ("Il a été jugé le 2 septembre.", {}, "2023-09-02"),  # no parse: the cue words (« a été jugé »)
        ("Il sera jugé le 20 mars.", FUTURE, "2025-03-20"),
        ("Il sera jugé le 20 mars.", {}, "2025-03-20"),  # « sera »
        ("Audience le 2 septembre.", {}, "2024-09-02"),  # no verb, no cue: the nearest one
    ],
)
def test_the_component_reads_the_tense_from_the_verbs(text, words, iso):
    result = analyse(text, words=words)
    assert [d["date"] for d in result["dates"]] == [iso]


@pytest.mark.parametrize(
    "text",
    [
        "Le concept est celui des tchats de la fin des années 1990.",  # a decade is no date
        "Neuf ans plus tard, rien n'a changé.",  # nothing earlier to count from
        "Trois mois plus tard, le site fermait.",
    ],
)
def test_what_cannot_be_dated_is_not_dated(text):
    assert find_dates(text, PUBLISHED, lambda start, end: "past") == []


def test_n_months_after_a_happening_counts_back_from_publication():
    mention = one(
        "Neuf mois après l'arrêt de la cour criminelle, l'affaire revient.", "present", published=date(2025, 10, 3)
    )
    assert (mention.date, mention.precision) == (date(2025, 1, 1), "month")


def test_n_days_later_counts_from_the_date_before_it():
    mentions = find_dates(
        "Le 2 mars 2015, il est arrêté. Trois jours plus tard, il est mis en examen.",
        PUBLISHED,
        lambda start, end: "past",
    )
    assert [(m.date, m.precision) for m in mentions] == [(date(2015, 3, 2), "day"), (date(2015, 3, 5), "day")]


@pytest.mark.parametrize(
    "text, tense, start, end",
    [
        ("Le procès se tiendra du 2 au 20 septembre.", "future", date(2024, 9, 2), date(2024, 9, 20)),
        ("Il a été jugé du 2 au 5 mars 2023.", "past", date(2023, 3, 2), date(2023, 3, 5)),
        ("Les audiences auront lieu entre le 3 et le 7 juin.", "future", date(2024, 6, 3), date(2024, 6, 7)),
    ],
)
def test_a_range_of_days_in_one_month(text, tense, start, end):
    mention = one(text, tense)
    assert (mention.date, mention.precision, mention.end_date) == (start, "day", end)


def test_a_narrative_present_stays_in_the_year_its_story_opened():
    text = (
        "Elle raconte d'abord ce 3 mars 2019, quand tout bascule. Elle part chez sa sœur. "
        "A son retour, le 21 octobre, son mari l'attend."
    )
    mentions = find_dates(text, date(2024, 9, 5), lambda start, end: "present")
    assert [(m.text, m.date.isoformat()) for m in mentions] == [
        ("ce 3 mars 2019", "2019-03-03"),
        ("le 21 octobre", "2019-10-21"),
    ]


def test_a_court_agenda_in_the_present_is_still_to_come():
    text = "Le 3 mars 2019, il avait été interpellé. Son procès s'ouvre le 21 octobre devant la cour d'assises."
    mentions = find_dates(text, date(2024, 9, 5), lambda start, end: "present")
    assert mentions[-1].date == date(2024, 10, 21)


@pytest.mark.parametrize(
    "text, words, iso, precision, end",
    [
        ("Il a été arrêté au début du mois.", "au début du mois", "2024-04", "month", None),
        ("L'audience a été renvoyée à la fin du mois dernier.", "à la fin du mois dernier", "2024-03", "month", None),
        ("Le verdict est attendu d'ici la fin de l'année.", "d'ici la fin de l'année", "2024", "year", None),
        ("Il sera jugé au début de l'année prochaine.", "au début de l'année prochaine", "2025", "year", None),
        # « fin du mois de mars » is March, not the current month
        ("Il sera jugé à la fin du mois de mars.", "la fin du mois de mars", "2025-03", "month", None),
        (
            "Les faits datent du premier trimestre 2023.",
            "premier trimestre 2023",
            "2023-01",
            "month",
            date(2023, 3, 31),
        ),
        ("Le procès aura lieu au second semestre.", "second semestre", "2024-07", "month", date(2024, 12, 31)),
        (
            "Il sera rejugé au dernier quadrimestre 2025.",
            "dernier quadrimestre 2025",
            "2025-09",
            "month",
            date(2025, 12, 31),
        ),
    ],
)
def test_parts_of_the_current_month_year_and_quarters(text, words, iso, precision, end):
    mention = one(text, "future" if " sera " in text else "past")
    assert (mention.text, mention.iso, mention.precision, mention.end_date) == (words, iso, precision, end)


@pytest.mark.parametrize(
    "text, tense, months",
    [
        (
            "Les faits remontent à l'été 2022 : entre juin et septembre, neuf hommes ont été piégés.",
            "past",
            [("à l'été 2022", "2022-06"), ("juin et septembre", "2022-06")],
        ),
        ("En 2019, en mars, il a été arrêté.", "past", [("2019", "2019"), ("mars", "2019-03")]),
        # told in the future, the month is the coming one, not that of the year before
        ("Condamné en 2019, il sera rejugé en juin.", "future", [("2019", "2019"), ("juin", "2024-06")]),
    ],
)
def test_a_month_right_after_a_written_year_is_in_that_year(text, tense, months):
    mentions = find_dates(text, PUBLISHED, lambda start, end: tense)
    assert [(m.text, m.iso) for m in mentions] == months
    assert all(m.end_date is None or m.end_date.year == m.date.year for m in mentions)


@pytest.mark.parametrize(
    "text, tense, words, iso, end",
    [
        ("Il a été arrêté à la rentrée.", "past", "à la rentrée", "2023-09", None),
        ("Il sera jugé dès la rentrée 2025.", "future", "dès la rentrée 2025", "2025-09", None),
        ("Voici deux ans, il a été arrêté.", "past", "Voici deux ans", "2022", None),
        (
            "Il a été arrêté en fin de semaine dernière.",
            "past",
            "en fin de semaine dernière",
            "2024-04-19",
            date(2024, 4, 21),
        ),
        (
            "Il sera jugé en milieu de semaine prochaine.",
            "future",
            "en milieu de semaine prochaine",
            "2024-04-30",
            date(2024, 5, 2),
        ),
        ("Il a été jugé en 2019-2020.", "past", "2019-2020", "2019", date(2020, 12, 31)),
    ],
)
def test_the_rentree_parts_of_a_week_and_two_years_in_a_row(text, tense, words, iso, end):
    mention = one(text, tense)
    assert (mention.text, mention.iso, mention.end_date) == (words, iso, end)


def test_two_years_joined_before_a_unit_are_an_amount():
    assert find_dates("Il a payé 2019-2020 euros.", PUBLISHED) == []
