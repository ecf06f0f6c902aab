"""Cases the dossier follows: an article about an affaire the dossier holds belongs to it even when
it never names the subject (crawler/followed.py and the subject filter)."""

from __future__ import annotations

from dataclasses import replace

from crawler.subject import decide
from tests.crawler.test_warc import OUTLET, write_warc
from veille.config import load_config

COCO = load_config().dossier("coco")
FOLLOWING = replace(COCO, followed=(("Karim Dervaux", "le guet-apens de Bouchain"),))
BODY = "Le procès se poursuit devant la cour criminelle. " * 8


def test_an_article_about_a_followed_case_belongs_and_says_which():
    d = decide(BODY + "Karim Dervaux a de nouveau été entendu.", "Karim Dervaux entendu par la cour", FOLLOWING)
    assert d.belongs and d.reason == "suit l'affaire « le guet-apens de Bouchain » : Karim Dervaux ×2"
    assert d.matched_terms == ("Karim Dervaux",) and 0 < d.score <= 0.5


def test_a_single_late_mention_of_a_case_person_is_not_following():
    text = "Une chronique sur la justice pénale. " * 40 + "On pense à l'affaire de Karim Dervaux."
    assert not decide(text, "La justice pénale en débat", FOLLOWING).belongs


def test_without_cases_held_the_same_article_is_off_subject():
    d = decide(BODY + "Karim Dervaux a de nouveau été entendu.", "Karim Dervaux entendu par la cour", COCO)
    assert not d.belongs


PAGE = """<!doctype html><html lang="fr"><head><meta charset="utf-8">
<title>Bouchain : Karim Dervaux de nouveau entendu</title>
<meta property="article:published_time" content="2024-10-02T10:00:00+02:00"></head>
<body><article><h1>Bouchain : Karim Dervaux de nouveau entendu</h1>
<p>Karim Dervaux a été interrogé mardi 1er octobre par les enquêteurs, à Bouchain.</p>
<p>Le principal accusé a répondu pendant plus de trois heures aux questions de la présidente.</p>
<p>Les avocats de la défense ont ensuite interrogé les enquêteurs sur les vidéos saisies en 2020.</p>
<p>Le procès doit durer jusqu'au 20 décembre, date à laquelle la cour rendra son verdict.</p>
</article></body></html>"""


def test_an_import_follows_the_cases_already_held(miniweb, tmp_path, conn, miniweb_log):
    from crawler.followed import with_followed_cases
    from crawler.warc import import_warc
    from veille.db import sync_config

    config = load_config(
        miniweb_log.write_config(
            tmp_path / "veille.toml", crawl={"download_delay": 0.0}, judilibre=False, wayback=False
        )
    )
    sync_config(conn, config)
    case = conn.execute(
        "INSERT INTO cases (slug, name, people) VALUES ('bouchain', 'le guet-apens de Bouchain', "
        "ARRAY['Karim Dervaux', 'Lina Dervaux', 'Jean Troisième']) RETURNING id"
    ).fetchone()["id"]
    conn.execute("INSERT INTO case_dossiers (case_id, dossier_slug) VALUES (%s, 'coco')", (case,))
    # The case's first two people are what it is about; the third is not followed.
    assert with_followed_cases(conn, config).dossier("coco").followed == (
        ("Karim Dervaux", "le guet-apens de Bouchain"),
        ("Lina Dervaux", "le guet-apens de Bouchain"),
    )
    url = miniweb.outlets[OUTLET] + "/2024/10/02/bouchain-dervaux-entendu.html"
    headers = [("Content-Type", "text/html; charset=utf-8")]
    path = tmp_path / "suivi.warc.gz"
    write_warc(path, [(url, 200, headers, PAGE.encode())])
    counts = import_warc(conn, config, [str(path)], say=print)
    assert counts["new"] == 1
    row = conn.execute(
        "SELECT dd.dossier_slug, dd.reason FROM document_dossiers dd JOIN documents d ON d.id = dd.document_id"
    ).fetchone()
    assert (
        row["dossier_slug"] == "coco"
        and row["reason"] == "suit l'affaire « le guet-apens de Bouchain » : Karim Dervaux ×2"
    )
