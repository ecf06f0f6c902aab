"""What a week's digest says, read from a real database: what is new, case by case, the
agenda, the quiet week, the operator's footer, and what must never appear."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from reports.digest.content import build_digest, render_html, render_text
from reports.digest.weeks import PARIS, french_date, last_complete_week, parse_week
from tests.reports.digest_support import add_document, add_event, add_source, index_happenings, seed_week
from veille.config import load_config
from veille.errors import VeilleError

W36 = parse_week("2024-W36")


@pytest.fixture
def week36(conn, digest_config):
    ids = seed_week(conn)
    return build_digest(conn, load_config(digest_config), "coco", W36), ids


def test_the_week_case_by_case(week36):
    digest, _ = week36
    assert [s.name for s in digest.sections] == [
        "Le meurtre de Grande-Synthe",
        "Les viols de Mazan",
        "Autres articles du dossier",
    ]
    gs, mazan, other = digest.sections
    assert gs.is_new and not mazan.is_new
    assert [(s.label, s.date_text) for s in gs.stages] == [("Mise en examen", "6 septembre 2024")]
    # One happening told by two outlets is one stage, with the first source and a count of the others.
    assert [(s.label, s.date_text, s.outlet, s.other_sources) for s in mazan.stages] == [
        ("Ouverture du procès", "2 septembre 2024", "Le Quotidien", 1)
    ]
    assert [(s.date_text, s.label) for s in mazan.new_dates] == [
        ("17 septembre 2024", "Audience"),
        ("20 décembre 2024", "Verdict"),
    ]
    assert [a.title for a in mazan.articles] == [
        "Procès de Mazan : Gisèle Pelicot refuse le huis clos",
        "Procès de Mazan : Gisèle Pelicot raconte devant la cour",
    ]
    # The wire copy is shown once, with who took it up.
    wire = other.articles[0]
    assert (wire.title, wire.outlet, wire.republished_by) == (
        "Le site Coco visé par une nouvelle enquête",
        "InfoContinu",
        ["L'Écho du Nord", "Le Quotidien"],
    )
    assert digest.article_count == 5
    assert digest.subject == (
        "Le site Coco (coco.fr, coco.gg) — semaine du 2 au 8 septembre 2024 : 5 articles, "
        "1 nouvelle affaire, 2 nouvelles étapes, 2 dates annoncées"
    )


def test_other_weeks_and_other_dossiers_stay_out(week36):
    digest, _ = week36
    text = render_text(digest)
    assert "je suis un violeur" not in text  # published on 17 September
    assert "s'ouvrira le 2 septembre" not in text  # the week before
    assert "autre dossier" not in text


def test_the_agenda_lists_the_next_30_days_known_at_the_end_of_the_week(week36):
    digest, _ = week36
    assert [(h.date_text, h.label, h.case_name) for h in digest.upcoming] == [
        ("mardi 17 septembre 2024", "Audience", "Les viols de Mazan")
    ]  # 20 December is too far
    text = render_text(digest)
    assert "Audiences des 30 prochains jours" in text
    assert "  * mardi 17 septembre 2024 — Audience (Les viols de Mazan) : Audition de Dominique Pelicot" in text
    assert "Chronologie complète du dossier : https://veille.exemple.fr/coco/" in text


def test_the_agenda_keeps_dates_that_fall_in_the_window(conn, digest_config):
    ids = seed_week(conn)
    add_event(
        conn,
        ids["told"],
        "appeal",
        "2024-10-01",
        "Procès en appel prévu en octobre",
        case_id=ids["mazan"],
        upcoming=True,
        happening=6000,
        precision="month",
    )
    add_event(
        conn,
        ids["told"],
        "hearing",
        "2024-01-01",
        "Une audience prévue en 2024",
        case_id=ids["mazan"],
        upcoming=True,
        happening=7000,
        precision="year",
    )
    add_event(
        conn,
        ids["told"],
        "hearing",
        "2024-10-10",
        "Audience du 10 octobre",
        case_id=ids["mazan"],
        upcoming=True,
        happening=8000,
    )
    index_happenings(conn)
    digest = build_digest(conn, load_config(digest_config), "coco", W36)
    # From Monday 9 September to 9 October: « octobre » begins in it, « 2024 » could be any day.
    assert [(h.date_text, h.summary) for h in digest.upcoming] == [
        ("mardi 17 septembre 2024", "Audition de Dominique Pelicot prévue le 17 septembre"),
        ("octobre 2024", "Procès en appel prévu en octobre"),
    ]


def test_minors_are_never_named_not_even_in_a_link(week36):
    digest, _ = week36
    for part in (render_text(digest, "Marc", "https://x.fr/d?jeton=t"), render_html(digest, "Marc", "https://x.fr/d")):
        assert "Kevin" not in part and "kevin" not in part and "Durand" not in part
        assert "Grande-Synthe : [mineur], 16 ans, mis en examen pour assassinat" in part
    gs = digest.sections[0]
    assert gs.articles[0].url is None and gs.stages[0].url is None


def test_scraped_markup_is_escaped_and_unsafe_links_dropped(week36):
    digest, _ = week36
    html = render_html(digest)
    assert "<script" not in html and "javascript:" not in html
    assert (
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Coco &amp; les « tchats » &lt;b&gt;anonymes&lt;/b&gt;" in html
    )
    hostile = digest.sections[2].articles[1]
    assert hostile.url is None


def test_a_quiet_week_says_so_in_one_line(conn, digest_config):
    seed_week(conn)
    digest = build_digest(conn, load_config(digest_config), "coco", parse_week("2024-W40"))
    assert digest.quiet
    assert (
        digest.subject
        == "Le site Coco (coco.fr, coco.gg) — semaine du 30 septembre au 6 octobre 2024 : rien de nouveau"
    )
    text = render_text(digest)
    assert (
        "Semaine calme : aucun nouvel article, aucune nouvelle étape ni nouvelle date d'audience sur ce dossier."
        in text
    )
    assert "==" not in text and "Articles :" not in text
    assert len(text.splitlines()) < 20


def test_flagged_sources_appear_in_the_footer_for_the_operator(conn, digest_config):
    seed_week(conn)
    conn.execute("""INSERT INTO source_health (source_id, flagged, flag_reason, flagged_at)
                    VALUES ('echodunord', true, 'aucun article trouvé depuis 3 collectes de suite', now())""")
    text = render_text(build_digest(conn, load_config(digest_config), "coco", W36))
    assert (
        "Pour l'équipe de veille — sources à vérifier :\n"
        "  * L'Écho du Nord : aucun article trouvé depuis 3 collectes de suite"
    ) in text


def test_an_article_found_late_is_not_lost_between_two_digests(conn, digest_config):
    add_source(conn, "lequotidien", "Le Quotidien")
    late = add_document(
        conn, "lequotidien", "Un article publié fin août, trouvé en septembre", "2024-08-28T10:00:00+02:00"
    )
    ancient = add_document(
        conn, "lequotidien", "Une archive de 2019, trouvée en septembre", "2019-05-01T10:00:00+02:00"
    )
    for doc in (late, ancient):
        conn.execute(
            "INSERT INTO crawl_urls (url, source_id, outcome, document_id, first_seen) "
            "VALUES (%s, 'lequotidien', 'stored', %s, '2024-09-04T10:00:00+02:00')",
            (f"https://x/{doc}", doc),
        )
    digest = build_digest(conn, load_config(digest_config), "coco", W36)
    titles = [a.title for s in digest.sections for a in s.articles]
    assert titles == ["Un article publié fin août, trouvé en septembre"]  # an archive backfill is not news
    assert digest.sections[0].articles[0].late
    assert "publié plus tôt, trouvé cette semaine" in render_text(digest)


def test_weeks_are_monday_to_sunday_in_paris():
    week = parse_week("2024-W44")  # the clocks went back on Sunday 27 October
    assert week.start == datetime(2024, 10, 28, 0, 0, tzinfo=PARIS)
    assert week.label() == "du 28 octobre au 3 novembre 2024"
    w43 = parse_week("2024-W43")
    assert (w43.end.astimezone(UTC) - w43.start.astimezone(UTC)).total_seconds() == 169 * 3600
    assert parse_week("2025-W01").label() == "du 30 décembre 2024 au 5 janvier 2025"
    assert french_date(date(2024, 10, 1)) == "1er octobre 2024"
    # Sunday 23:30 in Paris is still that week; the digest sent on Monday covers it.
    assert last_complete_week(datetime(2024, 9, 9, 8, 0, tzinfo=PARIS)).code == "2024-W36"
    assert last_complete_week(datetime(2024, 9, 8, 21, 30, tzinfo=PARIS)).code == "2024-W35"


@pytest.mark.parametrize(
    "text, problem",
    [("2024-36", "semaine mal écrite"), ("2023-W53", "semaine inexistante"), ("semaine 36", "semaine mal écrite")],
)
def test_bad_weeks_are_refused_in_french(text, problem):
    with pytest.raises(VeilleError, match=problem):
        parse_week(text)
