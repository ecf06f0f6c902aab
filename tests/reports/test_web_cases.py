"""`veille serve`'s case pages over real HTTP on 127.0.0.1: an editor merges, splits and renames cases
through their forms, the static timeline then shows exactly that state and a re-analysis keeps it; a
viewer's POST is refused; two editors' conflicting case edits end with one notice; the case page's
coverage; and the live timeline's filters are the static page's (place, no case)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from cases.grouping import recompute_cases
from reports.timeline.page import write_timeline
from tests.cases.test_corrections import reanalyse
from tests.reports.timeline_builder import Facts
from tests.reports.web_support import EDITOR, EDITOR2, VIEWER, csrf_of, login
from veille.stages import ensure_cases_current

pytestmark = pytest.mark.slow  # each test loads the sample corpus and starts a server

APPEAL = ["mazan/appeal/2025-10-06", "mazan/sentence/2025-10-09"]


def case_form(html: str, slug: str, action: str) -> dict:
    """The hidden fields of a case page's form for ``action``, as the page drew them."""
    pattern = rf'<form method="post" action="/affaire/{re.escape(slug)}/corriger" class="{action}[ "](.*?)</form>'
    found = re.search(pattern, html, re.S)
    assert found, f"no {action} form for {slug}"
    return dict(re.findall(r'<input type="hidden" name="([a-z]+)" value="([^"]*)"', found.group(1)))


class _Entries(HTMLParser):
    """The entries of a static timeline page: anchor → (case, places), as a reader's browser has them."""

    def __init__(self):
        super().__init__()
        self.found: dict[str, tuple[str, str]] = {}
        self.cases: dict[str, str] = {}
        self._case: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "article" and "entry" in (a.get("class") or "") and a.get("id", "").startswith("e-"):
            self.found[a["id"]] = (a.get("data-case") or "", " ".join(sorted((a.get("data-places") or "").split())))
        if tag == "select":
            self._select = a.get("id")
        if tag == "option" and a.get("value") and self._select == "f-affaire":  # the case filter's choices
            self._case = a["value"]

    def handle_data(self, data):
        if self._case is not None:
            self.cases[self._case] = data.strip()
            self._case = None


def static_page(conn, config, out) -> _Entries:
    index = write_timeline(conn, config, "coco", out)
    parsed = _Entries()
    parsed.feed(index.read_text(encoding="utf-8"))
    return parsed


def anchor(key: str) -> str:
    return "e-" + re.sub(r"[^0-9A-Za-z]+", "-", key).strip("-")


def test_an_editor_merges_splits_and_renames_cases_and_the_timeline_shows_it(served, conn, tmp_path):
    anne = login(served, EDITOR)
    page = anne.get("/affaire/grande-synthe").text
    done = anne.post(
        "/affaire/grande-synthe/corriger",
        data=case_form(page, "grande-synthe", "merge") | {"with": "saint-pol-sur-mer", "reason": "même affaire"},
    )
    assert done.status_code == 303 and done.headers["location"] == "/affaire/grande-synthe"
    merged = anne.get("/affaire/grande-synthe").text
    assert "Fusionnée avec" in merged and "saint-pol-sur-mer" in merged and "affaires fusionnées" in merged
    assert "/entree/grande-synthe/arrest/2024-04-23" in merged  # Saint-Pol's arrest is now an entry of it
    gone = anne.get("/affaire/saint-pol-sur-mer")
    assert gone.status_code == 404 and "fusionnée dans « Le guet-apens de Grande-Synthe »" in gone.text

    page = anne.get("/affaire/mazan").text
    data = case_form(page, "mazan", "split") | {
        "entree": APPEAL,
        "name": "le procès en appel de Mazan",
        "slug": "mazan-appel",
        "reason": "le procès en appel est une autre affaire",
    }
    done = anne.post("/affaire/mazan/corriger", data=data)
    assert done.status_code == 303 and done.headers["location"] == "/affaire/mazan-appel"
    split = anne.get("/affaire/mazan-appel").text
    assert "Le procès en appel de Mazan" in split and "Scindée de" in split
    assert "/entree/mazan-appel/appeal/2025-10-06" in split and "/entree/mazan-appel/sentence/2025-10-09" in split
    assert "appel (6 oct. 2025)" in split  # its stage, from the entries it took
    mazan = anne.get("/affaire/mazan").text
    assert "/entree/mazan/appeal" not in mazan and "appel (" not in mazan.split("Étapes")[1].split("</dd>")[0]

    page = anne.get("/affaire/lomme").text
    done = anne.post(
        "/affaire/lomme/corriger", data=case_form(page, "lomme", "rename") | {"name": "L'embuscade de Lomme"}
    )
    assert done.status_code == 303
    renamed = anne.get("/affaire/lomme").text
    assert "<h1>L&#39;embuscade de Lomme</h1>" in renamed and "affaire renommée" in renamed
    rows = conn.execute("SELECT action, target, author_email, before, after, reason FROM corrections ORDER BY id")
    stored = rows.fetchall()
    assert [(r["action"], r["target"], r["author_email"]) for r in stored] == [
        ("merge", "grande-synthe", EDITOR),
        ("split", "mazan", EDITOR),
        ("rename", "lomme", EDITOR),
    ]
    assert stored[1]["before"]["name"] == "les viols de Mazan" and stored[1]["after"]["slug"] == "mazan-appel"
    assert stored[2]["before"] == {"name": "le guet-apens de Lomme"} and stored[0]["reason"] == "même affaire"

    def published() -> _Entries:
        return static_page(conn, served.config, tmp_path / "site")

    expected_cases = {
        r["key"]: r["case_slug"]
        for r in conn.execute("SELECT key, case_slug FROM happenings WHERE current AND NOT context AND NOT hidden")
    }
    shown = published()
    assert {a: c for a, (c, _) in shown.found.items()} == {anchor(k): c or "" for k, c in expected_cases.items()}
    assert shown.found[anchor("mazan-appel/appeal/2025-10-06")][0] == "mazan-appel"
    assert shown.found[anchor("grande-synthe/arrest/2024-04-23")][0] == "grande-synthe"
    assert "saint-pol-sur-mer" not in shown.cases and shown.cases["lomme"] == "L'embuscade de Lomme (6)"
    assert shown.cases["mazan-appel"].startswith("Le procès en appel de Mazan")

    # A re-analysis (every event id new, in the stage's order) and a full recomputation keep exactly that state.
    reanalyse(conn, "ASC")
    assert ensure_cases_current(conn, served.config) is not None
    again = published()
    assert again.found == shown.found and again.cases == shown.cases
    recompute_cases(conn, served.config)
    assert published().found == shown.found

    # Undo from the case page: the split's entries go back to Mazan.
    page = anne.get("/affaire/mazan").text
    undo = re.search(
        r'<form method="post" action="/correction/(\d+)/annuler" class="inline undo">(.*?)</form>', page, re.S
    )
    assert undo
    fields = dict(re.findall(r'<input type="hidden" name="([a-z]+)" value="([^"]*)"', undo.group(2)))
    assert anne.post(f"/correction/{undo.group(1)}/annuler", data=fields).status_code == 303
    assert anne.get("/affaire/mazan-appel").status_code == 404
    assert "/entree/mazan/appeal/2025-10-06" in anne.get("/affaire/mazan").text


def test_a_viewer_posting_a_case_form_gets_403_and_nothing_changes(served, conn):
    victor = login(served, VIEWER)
    page = victor.get("/affaire/mazan")
    assert page.status_code == 200 and "Corriger l’affaire" not in page.text and 'name="entree"' not in page.text
    token = csrf_of(page.text)  # the logout form's: a valid token of the session
    for data in (
        {"action": "rename", "name": "X"},
        {"action": "merge", "with": "valenciennes"},
        {"action": "split", "entree": APPEAL[0], "name": "X"},
    ):
        refused = victor.post("/affaire/mazan/corriger", data={"csrf": token, "version": "0", **data})
        assert refused.status_code == 403 and "pas de corriger" in refused.text
    assert conn.execute("SELECT count(*) AS n FROM corrections").fetchone()["n"] == 0
    anne = login(served, EDITOR)
    no_token = anne.post("/affaire/mazan/corriger", data={"action": "rename", "name": "X", "version": "0"})
    assert no_token.status_code == 403 and "Jeton de sécurité" in no_token.text


def test_two_editors_case_edits_the_second_gets_the_others_change(served, conn):
    anne, bruno = login(served, EDITOR), login(served, EDITOR2)
    page_b = bruno.get("/affaire/saint-pol-sur-mer").text  # drawn before Anne's merge
    page_a = anne.get("/affaire/grande-synthe").text
    merged = anne.post(
        "/affaire/grande-synthe/corriger",
        data=case_form(page_a, "grande-synthe", "merge") | {"with": "saint-pol-sur-mer"},
    )
    assert merged.status_code == 303
    refused = bruno.post(
        "/affaire/saint-pol-sur-mer/corriger",
        data=case_form(page_b, "saint-pol-sur-mer", "rename") | {"name": "Saint-Pol"},
    )
    # The case is gone into Grande-Synthe: a page that says so, and Bruno's rename is not stored.
    assert refused.status_code in (404, 409)
    assert [r["action"] for r in conn.execute("SELECT action FROM corrections")] == ["merge"]
    # Two renames of one case drawn on the same version: the second is refused with the first's change.
    page_a, page_b = anne.get("/affaire/lomme").text, bruno.get("/affaire/lomme").text
    first = anne.post("/affaire/lomme/corriger", data=case_form(page_a, "lomme", "rename") | {"name": "Lomme I"})
    assert first.status_code == 303
    second = bruno.post("/affaire/lomme/corriger", data=case_form(page_b, "lomme", "rename") | {"name": "Lomme II"})
    assert second.status_code == 409
    assert "Anne Éditrice a fait entre-temps une autre correction" in second.text and "« Lomme I »" in second.text
    assert conn.execute("SELECT name FROM cases WHERE slug = 'lomme'").fetchone()["name"] == "Lomme I"


def test_a_split_without_a_name_or_with_every_entry_is_one_french_line(served, conn):
    anne = login(served, EDITOR)
    page = anne.get("/affaire/reims").text
    fields = case_form(page, "reims", "split")
    keys = re.findall(r'name="entree" value="([^"]+)"', page)
    assert len(keys) == 2
    refused = anne.post("/affaire/reims/corriger", data=fields | {"entree": keys[:1], "name": ""})
    assert refused.status_code == 409 and "la nouvelle affaire n&#39;a pas de nom" in refused.text
    refused = anne.post("/affaire/reims/corriger", data=fields | {"entree": keys, "name": "X"})
    assert refused.status_code == 409 and "toutes les entrées de l&#39;affaire sont cochées" in refused.text
    assert conn.execute("SELECT count(*) AS n FROM corrections").fetchone()["n"] == 0


def test_the_case_page_shows_its_coverage(served, conn):
    anne = login(served, EDITOR)
    page = anne.get("/affaire/mazan").text
    months = dict(re.findall(r"<tr><td>(\d{4}-\d{2})</td><td>(\d+)</td></tr>", page))
    expected = {
        r["month"]: str(r["n"])
        for r in conn.execute(
            """SELECT to_char(date_trunc('month', d.published_at AT TIME ZONE 'Europe/Paris'), 'YYYY-MM') AS month,
                      count(*) AS n
                 FROM documents d JOIN case_documents cd ON cd.document_id = d.id JOIN cases c ON c.id = cd.case_id
                 JOIN document_dossiers dd ON dd.document_id = d.id AND dd.dossier_slug = 'coco'
                WHERE c.slug = 'mazan' AND d.kind <> 'decision' AND d.published_at IS NOT NULL GROUP BY 1"""
        )
    }
    assert months == expected and sum(map(int, months.values())) > 5
    assert '<figure class="chart">' in page and "Articles sur cette affaire publiés chaque mois" in page
    assert 'style="' not in page  # the CSP allows no style attribute: tick positions are in the nonce's style


def test_the_live_timeline_filters_by_place_and_no_case_as_the_static_page(served, conn, tmp_path):
    # An article about a happening of no case: a sentence that names no place, person or court.
    facts = Facts(conn)
    text = "Une plainte a été déposée le 3 mars 2024 contre un utilisateur du site Coco."
    facts.event(facts.document("Plainte", text, "2024-03-04T10:00:00+01:00"), "2024-03-03", "complaint", text)
    ensure_cases_current(conn, served.config)
    shown = static_page(conn, served.config, tmp_path / "site")
    assert [a for a, (c, _) in shown.found.items() if not c]
    anne = login(served, EDITOR)
    page = anne.get("/chronologie").text
    places = re.findall(r'<select name="lieu">(.*?)</select>', page, re.S)
    assert places and 'value="saint-pol-sur-mer"' in places[0] and 'value="mazan"' in places[0]
    for place in ("saint-pol-sur-mer", "mazan", "grande-synthe"):
        live = set()
        n = 1
        while True:
            html = anne.get("/chronologie", params={"lieu": place, "page": n}).text
            live |= set(re.findall(r'<article class="entry[^"]*" id="([^"]+)"', html))
            if 'rel="next"' not in html:
                break
            n += 1
        static = {a for a, (_, p) in shown.found.items() if place in p.split()}
        assert live == static and live, place
    caseless = anne.get("/chronologie", params={"affaire": "-"}).text
    live = set(re.findall(r'<article class="entry[^"]*" id="([^"]+)"', caseless))
    assert live == {a for a, (c, _) in shown.found.items() if not c}
    assert 'option value="-" selected' in caseless
