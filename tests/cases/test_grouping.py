"""The case grouping as a pure function over plain facts (no database): cases/grouping.py."""

from __future__ import annotations

import random
from datetime import date

import pytest

from cases.figures import defendant_count, french_number
from cases.grouping import DocumentFact, EventFact, group
from cases.overrides import Overrides, Split, parse_dossier_overrides
from veille.errors import VeilleError


class Corpus:
    """Documents and events written the way a reader would describe them."""

    def __init__(self):
        self.documents: list[DocumentFact] = []
        self.events: list[EventFact] = []

    def doc(
        self,
        title: str,
        published: str,
        source: str = "lequotidien",
        duplicate_of: int | None = None,
        about_site: bool = False,
        charges: tuple[str, ...] = (),
    ) -> int:
        doc_id = len(self.documents) + 1
        self.documents.append(
            DocumentFact(
                id=doc_id,
                published=date.fromisoformat(published),
                title=title,
                source=source,
                dossiers=("coco",),
                duplicate_of=duplicate_of,
                about_site=about_site,
                charges=charges,
            )
        )
        return doc_id

    def event(
        self,
        doc: int,
        when: str,
        kind: str,
        evidence: str,
        places=(),
        people=(),
        courts=(),
        charges=(),
        upcoming: bool = False,
    ) -> int:
        parts = when.split("-")
        event_id = len(self.events) + 1
        self.events.append(
            EventFact(
                id=event_id,
                document_id=doc,
                kind=kind,
                evidence=evidence,
                summary=evidence[:60],
                date=date(
                    int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, int(parts[2]) if len(parts) > 2 else 1
                ),
                precision=("year", "month", "day")[len(parts) - 1],
                places=tuple(places),
                people=tuple(people),
                courts=tuple(courts),
                charges=tuple(charges),
                upcoming=upcoming,
            )
        )
        return event_id

    def group(self, overrides: Overrides | None = None):
        return group(self.events, self.documents, overrides, {"coco": "Le site Coco"})


def case_of(result, event_id: int) -> str:
    return result.case_of_event()[event_id]


def happening_of(result, event_id: int):
    hid = result.happening_of_event()[event_id]
    return next(h for h in result.happenings if h.id == hid)


def by_slug(result, slug: str):
    return next(c for c in result.cases if c.slug == slug)


def test_six_outlets_reporting_one_verdict_make_one_case_and_one_happening():
    c = Corpus()
    outlets = ["lequotidien", "echodunord", "infocontinu", "radionord", "ledecodeur", "pretoire"]
    ids = []
    for i, outlet in enumerate(outlets):
        d = c.doc(
            f"Valenciennes : prison ferme pour les prévenus ({outlet})",
            f"2024-05-0{3 + i % 2}",
            source=outlet,
            charges=("atteinte sexuelle sur mineur",),
        )
        ids.append(
            c.event(
                d,
                "2024-05-03",
                "verdict",
                f"Le tribunal correctionnel de Valenciennes a condamné vendredi les prévenus ({outlet}).",
                places=["Valenciennes"],
                courts=["tribunal correctionnel de Valenciennes"],
            )
        )
    result = c.group()
    assert len(result.cases) == 1
    case = result.cases[0]
    assert case.slug == "valenciennes" and case.name == "le procès de Valenciennes"
    assert len(case.document_ids) == 6 and case.stage == "verdict"
    assert len(result.happenings) == 1
    h = result.happenings[0]
    assert sorted(h.event_ids) == sorted(ids) and h.date == date(2024, 5, 3) and not h.conflicts
    # Earliest report first.
    published = {d.id: d.published for d in c.documents}
    firsts = [published[c.events[e - 1].document_id] for e in h.event_ids]
    assert firsts == sorted(firsts)


def test_republications_of_one_dispatch_are_one_entry_led_by_the_original():
    c = Corpus()
    original = c.doc("Le site coco.gg fermé par la justice", "2024-06-25", "infocontinu", about_site=True)
    copies = [
        c.doc("Le site coco.gg fermé par la justice", "2024-06-25", s, duplicate_of=original, about_site=True)
        for s in ("lequotidien", "ledecodeur", "echodunord", "radionord", "courrierprovence")
    ]
    sentence = "Le site coco.gg a été fermé ce mardi 25 juin à l'initiative du parquet de Paris."
    for d in [original, *copies]:
        c.event(d, "2024-06-25", "site_event", sentence, courts=["parquet de Paris"])
    result = c.group()
    assert len(result.happenings) == 1
    h = result.happenings[0]
    assert len(h.event_ids) == 6
    assert c.events[h.event_ids[0] - 1].document_id == original
    assert result.cases[0].slug == "site-coco" and result.cases[0].name == "le site Coco"


def test_two_ambushes_in_two_towns_the_same_week_stay_two_cases():
    c = Corpus()
    a = c.doc(
        "Grande-Synthe : deux adolescents en garde à vue après la mort de Philippe",
        "2024-04-18",
        "echodunord",
        charges=("guet-apens", "meurtre"),
    )
    a1 = c.event(
        a,
        "2024-04-16",
        "crime",
        "Le jeune homme a été retrouvé inconscient sur un parking de Grande-Synthe.",
        places=["Grande-Synthe"],
    )
    a2 = c.event(
        a,
        "2024-04-17",
        "arrest",
        "Deux mineurs ont été interpellés mercredi, a indiqué le parquet de Dunkerque.",
        places=["Dunkerque"],
        courts=["parquet de Dunkerque"],
    )
    b = c.doc(
        "Saint-Pol-sur-Mer : quatre jeunes arrêtés, soupçonnés de guets-apens",
        "2024-04-23",
        "radionord",
        charges=("guet-apens", "extorsion"),
    )
    b1 = c.event(
        b,
        "2024-04-23",
        "arrest",
        "Quatre jeunes ont été interpellés ce mardi à Saint-Pol-sur-Mer, près de Dunkerque.",
        places=["Saint-Pol-sur-Mer", "Dunkerque"],
        courts=["parquet de Dunkerque"],
        charges=["guet-apens"],
    )
    b2 = c.event(
        b,
        "2024-04-23",
        "arrest",
        "Les suspects de Saint-Pol-sur-Mer ont été placés en garde à vue.",
        places=["Saint-Pol-sur-Mer"],
    )
    result = c.group()
    assert case_of(result, a1) == case_of(result, a2) == "grande-synthe"
    assert case_of(result, b1) == case_of(result, b2) == "saint-pol-sur-mer"
    assert by_slug(result, "grande-synthe").name == "le guet-apens de Grande-Synthe"


def test_an_overview_sentence_naming_two_cases_merges_neither():
    c = Corpus()
    gs = c.doc("Grande-Synthe : la mort de Philippe", "2024-04-18", "echodunord", charges=("guet-apens",))
    gs_crime = c.event(gs, "2024-04-16", "crime", "Philippe est mort mardi à Grande-Synthe.", places=["Grande-Synthe"])
    mz = [
        c.doc(f"Viols de Mazan : le procès s'ouvrira le 2 septembre ({s})", "2024-08-29", s, charges=("viol",))
        for s in ("courrierprovence", "lequotidien")
    ]
    mz_trial = [
        c.event(
            d,
            "2024-09-02",
            "trial_opening",
            "Le procès des viols de Mazan s'ouvrira le 2 septembre à Avignon.",
            places=["Mazan", "Avignon"],
            upcoming=True,
        )
        for d in mz
    ]
    overview = c.doc("La justice fait fermer coco.gg", "2024-06-25", "lequotidien", about_site=True)
    closure = c.event(overview, "2024-06-25", "site_event", "Le site coco.gg a été fermé mardi.")
    sentence = (
        "Il était apparu dans plusieurs affaires, dont la mort d'un jeune homme à Grande-Synthe en avril "
        "et les viols de Mazan, dont le procès doit s'ouvrir en septembre."
    )
    context_crime = c.event(overview, "2024-04", "crime", sentence, places=["Grande-Synthe", "Mazan"])
    context_trial = c.event(
        overview, "2024-09", "trial_opening", sentence, places=["Grande-Synthe", "Mazan"], upcoming=True
    )
    result = c.group()
    assert case_of(result, gs_crime) != case_of(result, mz_trial[0])
    assert case_of(result, closure) == "site-coco"
    assert {case_of(result, context_crime), case_of(result, context_trial)} <= {"grande-synthe", "mazan"}
    # The passing mention is one more report of the trial's opening, not an entry of its own.
    assert happening_of(result, context_trial).id == happening_of(result, mz_trial[0]).id
    assert "Grande-Synthe" not in by_slug(result, "mazan").places


def test_one_place_years_apart_is_two_cases_with_distinct_slugs_and_names():
    c = Corpus()
    old = c.doc("Valenciennes : il avait rencontré une collégienne sur un tchat", "2012-05-24", "echodunord")
    o1 = c.event(
        old,
        "2012-05-24",
        "sentence",
        "Un Denaisien a été condamné jeudi par le tribunal correctionnel de Valenciennes.",
        places=["Valenciennes"],
        courts=["tribunal correctionnel de Valenciennes"],
    )
    o2 = c.event(old, "2011-09", "crime", "Tout a commencé en septembre 2011, sur coco.fr.")
    new = [c.doc(f"Valenciennes : douze hommes jugés ({s})", "2024-04-25", s) for s in ("echodunord", "radionord")]
    n1 = [
        c.event(
            d,
            "2024-04-25",
            "hearing",
            "Douze hommes comparaissent devant le tribunal correctionnel de Valenciennes.",
            places=["Valenciennes"],
            courts=["tribunal correctionnel de Valenciennes"],
        )
        for d in new
    ]
    result = c.group()
    assert case_of(result, o1) == case_of(result, o2) == "valenciennes-2011"
    assert case_of(result, n1[0]) == case_of(result, n1[1]) == "valenciennes"
    names = {c.slug: c.name for c in result.cases}
    assert names["valenciennes"] != names["valenciennes-2011"]
    assert names["valenciennes"] == "le procès de Valenciennes (2024)"


def test_a_case_spanning_years_is_held_together_by_its_principal_person():
    c = Corpus()
    d2020 = c.doc(
        "Carpentras : un sexagénaire surpris à filmer sous les jupes de clientes", "2020-09-14", "courrierprovence"
    )
    arrest = c.event(
        d2020,
        "2020-09-12",
        "arrest",
        "Dominique Pelicot a été interpellé samedi dans un supermarché de Carpentras.",
        places=["Carpentras"],
        people=["Dominique Pelicot"],
    )
    d2024 = c.doc(
        "Verdict de Mazan : vingt ans pour Dominique Pelicot",
        "2024-12-19",
        "lequotidien",
        charges=("viol", "administration de substances nuisibles"),
    )
    verdict = c.event(
        d2024,
        "2024-12-19",
        "verdict",
        "La cour criminelle du Vaucluse a condamné Dominique Pelicot à vingt ans.",
        people=["Dominique Pelicot"],
        courts=["cour criminelle du Vaucluse"],
    )
    lawyer_doc = c.doc("Valenciennes : onze hommes jugés", "2024-04-25", "echodunord")
    other = c.event(
        lawyer_doc,
        "2024-04-25",
        "hearing",
        "Onze hommes comparaissent devant le tribunal de Valenciennes.",
        places=["Valenciennes"],
    )
    result = c.group()
    assert case_of(result, arrest) == case_of(result, verdict) != case_of(result, other)
    mazan = by_slug(result, case_of(result, verdict))
    assert mazan.stage == "verdict" and mazan.period_start == date(2020, 9, 12)


def test_lawyers_and_magistrates_do_not_link_cases():
    c = Corpus()
    a = c.doc("Lomme : guet-apens homophobe", "2023-06-15", "echodunord")
    e1 = c.event(a, "2023-06-15", "indictment", "Les suspects de Lomme ont été mis en examen.", places=["Lomme"])
    b = c.doc("Mâcon : un homme passé à tabac", "2023-09-19", "infocontinu")
    e2 = c.event(b, "2023-09-18", "indictment", "Les suspects de Mâcon ont été mis en examen.", places=["Mâcon"])
    # people reach the grouping already filtered by role: a lawyer never appears in EventFact.people
    result = c.group()
    assert case_of(result, e1) != case_of(result, e2)


def test_reports_disagreeing_on_the_date_are_one_happening_with_the_conflict_shown():
    c = Corpus()
    a = c.doc("Valenciennes : jugement des prévenus", "2024-05-03", "echodunord")
    b = c.doc("Valenciennes : les prévenus condamnés", "2024-05-04", "infocontinu")
    e1 = c.event(
        a,
        "2024-05-03",
        "verdict",
        "Le tribunal de Valenciennes a condamné vendredi les douze prévenus.",
        places=["Valenciennes"],
    )
    e2 = c.event(
        b,
        "2024-05-02",
        "verdict",
        "Le tribunal de Valenciennes a condamné jeudi les onze prévenus.",
        places=["Valenciennes"],
    )
    result = c.group()
    h = happening_of(result, e1)
    assert h.id == happening_of(result, e2).id
    fields = {x["field"]: x for x in h.conflicts}
    assert [v["value"] for v in fields["date"]["values"]] == ["2024-05-02", "2024-05-03"]
    assert {v["value"]: v["events"] for v in fields["defendants"]["values"]} == {11: [e2], 12: [e1]}


def test_one_article_giving_two_dates_tells_two_happenings():
    c = Corpus()
    a = c.doc("Grande-Synthe : un troisième adolescent mis en examen", "2024-04-24", "echodunord")
    e1 = c.event(
        a,
        "2024-04-19",
        "indictment",
        "Deux adolescents de Grande-Synthe ont été mis en examen vendredi.",
        places=["Grande-Synthe"],
    )
    e2 = c.event(
        a,
        "2024-04-20",
        "indictment",
        "Un troisième adolescent de Grande-Synthe a été mis en examen samedi.",
        places=["Grande-Synthe"],
    )
    result = c.group()
    assert happening_of(result, e1).id != happening_of(result, e2).id
    assert not happening_of(result, e1).conflicts


def test_a_month_precise_report_joins_the_day_it_can_only_mean():
    c = Corpus()
    a = c.doc("Grande-Synthe : la mort de Philippe", "2024-04-18", "echodunord")
    day = c.event(a, "2024-04-16", "crime", "Philippe est mort mardi à Grande-Synthe.", places=["Grande-Synthe"])
    b = c.doc("Carpentras : guet-apens", "2024-05-16", "courrierprovence")
    month = c.event(
        b, "2024-04", "crime", "Un jeune homme a été tué mi-avril à Grande-Synthe.", places=["Grande-Synthe"]
    )
    result = c.group()
    h = happening_of(result, day)
    assert h.id == happening_of(result, month).id and h.precision == "day" and h.date == date(2024, 4, 16)


def test_the_grouping_is_pure_and_ignores_input_order():
    c = Corpus()
    for i, town in enumerate(("Lomme", "Mâcon", "Carpentras")):
        d = c.doc(f"{town} : guet-apens", f"2023-0{i + 4}-10", "echodunord", charges=("guet-apens",))
        c.event(d, f"2023-0{i + 4}-09", "crime", f"Un homme a été frappé à {town}.", places=[town])
        c.event(d, f"2023-0{i + 4}-10", "arrest", f"Trois jeunes ont été interpellés à {town}.", places=[town])
    first = c.group()
    shuffled = list(c.events)
    random.Random(4).shuffle(shuffled)
    second = group(shuffled, list(reversed(c.documents)), None, {"coco": "Le site Coco"})
    assert [(x.slug, x.name, x.event_ids) for x in first.cases] == [(x.slug, x.name, x.event_ids) for x in second.cases]
    assert [(h.key, h.event_ids) for h in first.happenings] == [(h.key, h.event_ids) for h in second.happenings]


def _two_valenciennes_cases() -> Corpus:
    c = Corpus()
    for year, outlet in ((2016, "radionord"), (2024, "echodunord"), (2024, "infocontinu")):
        d = c.doc(f"Valenciennes : un homme condamné ({year})", f"{year}-03-17", outlet)
        c.event(
            d,
            f"{year}-03-17",
            "sentence",
            f"Un homme a été condamné par le tribunal de Valenciennes en {year}.",
            places=["Valenciennes"],
        )
    d = c.doc("Denain : une collégienne piégée", "2024-01-10", "echodunord")
    c.event(d, "2024-01-09", "crime", "Une collégienne de Denain a été piégée sur un tchat.", places=["Denain"])
    c.event(
        d,
        "2024-01-10",
        "arrest",
        "Un homme a été interpellé à Saint-Amand-les-Eaux.",
        places=["Saint-Amand-les-Eaux", "Denain"],
    )
    return c


def test_configuration_renames_merges_splits_and_sets_stages_by_slug():
    c = _two_valenciennes_cases()
    plain = c.group()
    assert {x.slug for x in plain.cases} == {"valenciennes", "valenciennes-2016", "denain"}
    overrides = Overrides(
        rename={"valenciennes": "Les procès du tchat à Valenciennes"},
        merge=(("valenciennes", "valenciennes-2016"),),
        split=(Split(case="denain", by_place="Saint-Amand-les-Eaux", name="L'interpellation"),),
        stage={"denain": "closed"},
    )
    result = c.group(overrides)
    slugs = {x.slug: x for x in result.cases}
    assert set(slugs) == {"valenciennes", "denain", "saint-amand-les-eaux"}
    assert slugs["valenciennes"].name == "Les procès du tchat à Valenciennes"
    assert len(slugs["valenciennes"].document_ids) == 3
    assert slugs["valenciennes"].manual == {
        "merged": ["valenciennes-2016"],
        "renamed": "Les procès du tchat à Valenciennes",
    }
    assert slugs["saint-amand-les-eaux"].name == "L'interpellation"
    assert slugs["denain"].stage == "closed"
    assert not result.warnings
    # Same facts, same corrections: same result (the slugs the corrections name do not depend on ids).
    again = c.group(overrides)
    assert [(x.slug, x.name, x.event_ids) for x in again.cases] == [(x.slug, x.name, x.event_ids) for x in result.cases]


def test_corrections_naming_unknown_cases_are_warnings_not_errors():
    result = _two_valenciennes_cases().group(Overrides(rename={"mazan": "Les viols de Mazan"}, merge=(("a", "b"),)))
    assert "nouveau nom demandé pour l'affaire « mazan », introuvable" in result.warnings
    assert any("« a »" in w for w in result.warnings)


@pytest.mark.parametrize(
    "raw, message",
    [
        ({"renme": {}}, "clé « cases.renme » du dossier « coco » : clé inconnue"),
        ({"merge": [["seul"]]}, "clé « cases.merge[0] »"),
        ({"merge": [["Mazan", "b"]]}, "'Mazan' n'est pas un identifiant d'affaire"),
        ({"split": [{"case": "mazan"}]}, "indiquez exactement un critère"),
        ({"split": [{"case": "mazan", "since": "hier"}]}, "écrire une date AAAA-MM-JJ"),
        (
            {"stage": {"mazan": "terminé"}},
            "« terminé » n'est pas parmi : investigation, trial, verdict, appeal, closed",
        ),
        ({"rename": {"mazan": ""}}, "doit être un texte non vide"),
    ],
)
def test_mistakes_in_the_corrections_are_one_french_line(raw, message):
    with pytest.raises(VeilleError) as err:
        parse_dossier_overrides(raw, "coco", "veille.toml")
    assert message in str(err.value)
    assert "\n" not in str(err.value) and "docs/configuration.md" in str(err.value)


def test_corrections_parse_into_a_stable_fingerprint():
    raw = {
        "rename": {"mazan": "Les viols de Mazan"},
        "merge": [["valenciennes", "valenciennes-2016"]],
        "split": [{"case": "dunkerque", "by_place": "Saint-Pol-sur-Mer"}],
        "stage": {"mazan": "closed"},
    }
    o = parse_dossier_overrides(raw, "coco")
    assert o.split[0] == Split(case="dunkerque", by_place="Saint-Pol-sur-Mer")
    assert o.fingerprint() == parse_dossier_overrides(dict(raw), "coco").fingerprint()
    assert o.fingerprint() != parse_dossier_overrides({"rename": {"mazan": "Autre"}}, "coco").fingerprint()


@pytest.mark.parametrize(
    "sentence, count",
    [
        ("Ce jeudi 25 avril, onze hommes ont comparu devant le tribunal correctionnel.", 11),
        ("Le tribunal a condamné ce vendredi les douze hommes jugés le 25 avril.", 12),
        ("La cour criminelle du Vaucluse a condamné ce jeudi les cinquante et un accusés.", 51),
        ("Quatre jeunes, deux mineurs et deux majeurs, ont été interpellés.", 4),
        ("Vingt ans pour Dominique Pelicot, les cinquante autres accusés condamnés.", None),
        ("Prison ferme pour dix des douze prévenus.", 12),
        ("Un homme de 48 ans a été passé à tabac.", None),
        ("Les 14 prévenus seront jugés en juin.", 14),
    ],
)
def test_defendants_are_counted_from_the_sentence(sentence, count):
    assert defendant_count(sentence) == count


def test_french_numbers():
    assert french_number(["soixante-dix-sept"]) == 77
    assert french_number(["quatre-vingt-douze"]) == 92
    assert french_number(["vingt", "et", "un"]) == 21
    assert french_number(["cent", "trois"]) == 103
    assert french_number(["et"]) is None


def test_a_verdict_dated_before_its_trial_opens_is_a_contradiction_not_a_stage():
    from cases.grouping import _out_of_order
    from cases.model import HappeningResult

    def h(i, kind, day):
        return HappeningResult(
            key=str(i),
            id=i,
            case_slug="x",
            event_ids=[i],
            date=date.fromisoformat(day),
            precision="day",
            date_end=None,
            kind=kind,
            summary="",
            upcoming=False,
            conflicts=[],
        )

    wrong = _out_of_order([h(1, "verdict", "2023-01-05"), h(2, "trial_opening", "2023-03-01")])
    assert wrong == [
        {"kind": "trial_opening", "date": "2023-03-01", "after_kind": "verdict", "after_date": "2023-01-05"}
    ]
    # an appeal, then the retrial and its verdict: in order
    assert (
        _out_of_order(
            [
                h(1, "trial_opening", "2024-09-02"),
                h(2, "verdict", "2024-12-19"),
                h(3, "appeal", "2024-12-30"),
                h(4, "trial_opening", "2025-10-06"),
                h(5, "verdict", "2025-10-09"),
            ]
        )
        == []
    )


def _two_city_murders(city: str, people: tuple[tuple[str, ...], tuple[str, ...]]):
    c = Corpus()
    a = c.doc(
        f"Meurtre d'une collégienne à {city} : la suspecte renvoyée aux assises", "2024-11-15", charges=("meurtre",)
    )
    a1 = c.event(
        a,
        "2024-11-15",
        "indictment",
        f"Le juge a ordonné vendredi un procès aux assises pour le meurtre commis à {city}.",
        places=[city],
        people=people[0],
        charges=["meurtre"],
    )
    b = c.doc(f"Meurtre d'une étudiante à {city} : le suspect arrêté", "2024-09-25", "radionord", charges=("meurtre",))
    b1 = c.event(
        b,
        "2024-09-24",
        "arrest",
        f"Le suspect du meurtre de l'étudiante, tuée à {city}, a été interpellé mardi.",
        places=[city],
        people=people[1],
        charges=["meurtre"],
    )
    return c.group(), a1, b1


def test_two_murders_in_a_big_city_two_months_apart_stay_two_cases():
    # Paris sees several murders a season: the city and the charge are not two pieces of evidence.
    result, a1, b1 = _two_city_murders("Paris", (("Dahlia Benkadi",), ()))
    assert case_of(result, a1) != case_of(result, b1)


def test_in_a_small_town_the_same_two_stories_are_one_scene():
    result, a1, b1 = _two_city_murders("Bouchain", ((), ()))
    assert case_of(result, a1) == case_of(result, b1)


def test_two_stories_of_one_town_about_two_different_people_stay_two_cases():
    result, a1, b1 = _two_city_murders("Bouchain", (("Dahlia Benkadi",), ("Marc Lenfant",)))
    assert case_of(result, a1) != case_of(result, b1)


def test_a_sentence_setting_two_stories_apart_does_not_tie_them():
    c = Corpus()
    a = c.doc("Grande-Synthe : un homme tué dans un guet-apens", "2024-04-17", charges=("guet-apens",))
    a1 = c.event(
        a,
        "2024-04-16",
        "crime",
        "Philippe Coopman est mort à Grande-Synthe après un guet-apens.",
        places=["Grande-Synthe"],
        people=["Philippe Coopman"],
    )
    b = c.doc("Saint-Pol-sur-Mer : quatre hommes mis en examen", "2024-04-26", "radionord", charges=("extorsion",))
    b1 = c.event(
        b,
        "2024-04-26",
        "indictment",
        "Quatre hommes ont été mis en examen à Saint-Pol-sur-Mer pour des extorsions.",
        places=["Saint-Pol-sur-Mer"],
    )
    b2 = c.event(
        b,
        "2024-04-16",
        "crime",
        "Cette procédure n'a aucun lien avec la mort à Grande-Synthe de Philippe Coopman, à Saint-Pol-sur-Mer comme ailleurs.",
        places=["Grande-Synthe", "Saint-Pol-sur-Mer"],
        people=["Philippe Coopman"],
    )
    result = c.group()
    assert case_of(result, b1) != case_of(result, a1)
    assert case_of(result, b2) == case_of(result, a1)  # it still tells the other story


def test_two_cases_of_one_town_and_year_are_named_by_their_latest_month():
    c = Corpus()
    a = c.doc("Bouchain : un homme agressé", "2023-02-10", charges=("violences",))
    a1 = c.event(a, "2023-02-08", "crime", "Un homme a été agressé à Bouchain.", places=["Bouchain"])
    a2 = c.event(a, "2023-02-09", "arrest", "Deux suspects ont été interpellés à Bouchain.", places=["Bouchain"])
    b = c.doc("Bouchain : un commerce braqué", "2023-10-20", "radionord", charges=("vol",))
    b1 = c.event(b, "2023-10-18", "crime", "Un commerce a été braqué à Bouchain.", places=["Bouchain"])
    b2 = c.event(b, "2023-10-19", "arrest", "Un suspect a été interpellé à Bouchain.", places=["Bouchain"])
    result = c.group()
    names = {case_of(result, a1): None, case_of(result, b1): None}
    assert case_of(result, a1) == case_of(result, a2) and case_of(result, b1) == case_of(result, b2)
    assert len(names) == 2
    named = sorted(by_slug(result, slug).name for slug in names)
    assert named == ["l'affaire de Bouchain (février 2023)", "l'affaire de Bouchain (octobre 2023)"], named


def test_what_happens_to_the_sites_founder_is_the_sites_story():
    c = Corpus()
    a = c.doc("Qui se cache derrière le site Coco ?", "2024-05-26", about_site=True)
    a1 = c.event(a, "2003", "site_event", "Isaac Steidl a créé le site Coco en 2003.", people=["Isaac Steidl"])
    b = c.doc("Le site Coco fermé par la justice", "2024-06-25", "radionord", about_site=True)
    b1 = c.event(b, "2024-06-25", "site_event", "Le site d'Isaac Steidl a été fermé mardi.", people=["Isaac Steidl"])
    d = c.doc("Le fondateur de Coco en garde à vue", "2025-01-08", "infocontinu")
    d1 = c.event(
        d,
        "2025-01-07",
        "arrest",
        "Après la fermeture de la plateforme, liée à l'affaire de Mazan, Isaac Steidl a été placé en garde à vue.",
        places=["Mazan"],
        people=["Isaac Steidl"],
    )
    c.event(
        d,
        "2025-01-07",
        "other",
        "Le parquet de Mazan a ouvert une enquête préliminaire.",
        places=["Mazan"],
    )
    result = c.group()
    assert case_of(result, d1) == case_of(result, a1) == case_of(result, b1)
    assert case_of(result, d1) == by_slug(result, case_of(result, a1)).slug


def test_a_sentence_comparing_with_another_town_tells_another_story():
    c = Corpus()
    a = c.doc("Dijon : quatre personnes jugées pour des guets-apens", "2023-11-20", charges=("guet-apens",))
    a1 = c.event(a, "2023-11-05", "crime", "Une série d'agressions s'est produite à Dijon.", places=["Dijon"])
    a2 = c.event(a, "2023-11-10", "arrest", "Les quatre suspects ont été interpellés à Dijon.", places=["Dijon"])
    a3 = c.event(
        a, "2023-09", "crime", "En septembre, un homme de Beaune s'est lui aussi fait piéger.", places=["Beaune"]
    )
    a4 = c.event(a, "2023-12-13", "trial_opening", "Ils seront jugés le 13 décembre à Dijon.", places=["Dijon"])
    result = c.group()
    assert case_of(result, a1) == case_of(result, a2) == case_of(result, a4)
    assert case_of(result, a3) != case_of(result, a1)


def test_what_the_sentence_of_the_sites_closure_adds_is_the_sites_story():
    c = Corpus()
    a = c.doc("Le site Coco fermé par la justice", "2024-06-25", about_site=True)
    a1 = c.event(a, "2024-06-25", "site_event", "Le site Coco a été fermé mardi par la justice.")
    b = c.doc("Le fondateur de Coco en garde à vue", "2025-01-08", "infocontinu")
    sentence = (
        "Le site « a été fermé le 25 juin 2024 et une information judiciaire avait été ouverte à ce "
        "moment-là », rappelle le parquet de Paris."
    )
    b1 = c.event(b, "2024-06-25", "site_event", sentence, courts=["parquet de Paris"])
    b2 = c.event(b, "2024-06", "other", sentence, courts=["parquet de Paris"])
    c.event(b, "2025-01-07", "arrest", "Le parquet de Paris confirme la garde à vue.", courts=["parquet de Paris"])
    result = c.group()
    assert case_of(result, b2) == case_of(result, b1) == case_of(result, a1)


def test_a_first_name_holds_one_articles_story_together_and_no_other():
    c = Corpus()
    a = c.doc("Enquête : les pièges du tchat", "2021-12-22", "tetu")
    a1 = c.event(a, "2021-01", "crime", "Un soir de janvier, Pascal est roué de coups.", people=["Pascal"])
    a2 = c.event(a, "2020", "crime", "Quelques mois plus tôt, Pascal avait déjà été victime.", people=["Pascal"])
    b = c.doc("Un autre Pascal agressé", "2021-12-23", "radionord")
    b1 = c.event(b, "2021-11", "crime", "En novembre, Pascal a été agressé.", people=["Pascal"])
    result = c.group()
    assert case_of(result, a1) == case_of(result, a2)
    assert result.case_of_event().get(b1) != case_of(result, a1)  # a first name links no two articles
