"""``veille timeline`` on the sample corpus's stored facts: the page a journalist opens, and its exports."""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
from html.parser import HTMLParser

import psycopg
import pytest
from icalendar import Calendar
from markupsafe import escape
from psycopg.rows import dict_row

from reports.french import typeset
from tests.conftest import run_veille
from tests.reports.timeline_builder import HOSTILE_TITLE, MINOR_NAME, drop_database, sample_database


@pytest.fixture(scope="module")
def sample_url(pg_admin_url, template_db):
    name = f"veille_timeline_{os.getpid()}"
    yield sample_database(pg_admin_url, template_db, name)
    drop_database(pg_admin_url, name)


def timeline(url: str, out, *args: str):
    result = run_veille("timeline", "--dossier", "coco", "--out", str(out), *args, env={"DATABASE_URL": url})
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def before_mazan_trial(sample_url, tmp_path_factory):
    """The timeline as it stood on 30 August 2024, three days before the Mazan trial opened."""
    out = tmp_path_factory.mktemp("timeline-2024-08-30")
    timeline(sample_url, out, "--date", "2024-08-30")
    return out


@pytest.fixture(scope="module")
def today(sample_url, tmp_path_factory):
    out = tmp_path_factory.mktemp("timeline-today")
    result = timeline(sample_url, out)
    return out, result


class Page(HTMLParser):
    """The page's elements, as (tag, attributes) in document order, and its visible text."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self._skip = 0
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)

    def all(self, tag: str, **attrs) -> list[dict]:
        return [a for t, a in self.elements if t == tag and all(a.get(k) == v for k, v in attrs.items())]


def entries(page_html: str) -> dict[str, str]:
    """Each entry's id and its HTML."""
    return dict(re.findall(r'<article class="entry[^"]*" id="([^"]+)".*?>(.*?)</article>', page_html, re.S))


def current_happenings(url: str, as_of: str | None = None) -> int:
    with psycopg.connect(url, row_factory=dict_row) as conn:
        return conn.execute(
            """SELECT count(DISTINCT h.key) AS n FROM happenings h JOIN events e ON e.happening_id = h.happening_id
                 JOIN documents d ON d.id = e.document_id
                WHERE h.current AND (%s::date IS NULL OR d.published_at < %s::date + 1)""",
            (as_of, as_of),
        ).fetchone()["n"]


def test_one_self_contained_french_semantic_page(today, sample_url):
    out, result = today
    text = (out / "index.html").read_text(encoding="utf-8")
    page = Page(text)
    assert page.all("html")[0]["lang"] == "fr"
    assert len(page.all("main")) == 1 and page.all("meta", charset="utf-8")
    assert len(page.all("article")) >= len(entries(text))
    # Nothing is fetched from elsewhere: no external script, style, font or image.
    assert not [
        a for t, a in page.elements if t in ("script", "img", "iframe", "link") and (a.get("src") or a.get("href"))
    ]
    assert "@import" not in text and "url(" not in text
    for a in page.all("a"):
        href = a.get("href", "")
        assert href.startswith(("#", "https://", "http://")) or href in (
            "timeline.json",
            "events.csv",
            "events.json",
            "audiences.ics",
        ), href
    # Every date is a <time datetime> at its precision; every control has a label.
    for t in page.all("time"):
        assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?(T[\d:+-]+)?", t["datetime"]), t
    for control in page.all("select") + page.all("input"):
        assert page.all("label", **{"for": control["id"]}), control
    assert len(entries(text)) == current_happenings(sample_url)
    assert "chronologie écrite" in result.stdout


def test_one_entry_per_happening_with_every_source_earliest_first(today, sample_url):
    out, _ = today
    closure = entries((out / "index.html").read_text(encoding="utf-8"))["e-site-coco-site-event-2024-06-25"]
    sources = re.findall(r'<li><a href="([^"]+)"[^>]*>([^<]+)</a>, <time datetime="([\d-]+)"', closure)
    with psycopg.connect(sample_url, row_factory=dict_row) as conn:
        reporting = [
            r["url"]
            for r in conn.execute(
                """SELECT DISTINCT ON (d.id) d.url, d.published_at FROM happenings h
                 JOIN events e ON e.happening_id = h.happening_id JOIN documents d ON d.id = e.document_id
                WHERE h.current AND h.key = 'site-coco/site_event/2024-06-25' ORDER BY d.id"""
            )
        ]
    assert len(sources) == len(reporting) >= 6
    assert {s[0] for s in sources} == set(reporting)
    assert {"Le Quotidien", "Le Courrier de Provence", "Le Décodeur", "InfoContinu"} <= {s[1] for s in sources}
    assert [s[2] for s in sources] == sorted(s[2] for s in sources)
    assert "(reprise d’une dépêche)" in closure


def test_every_entry_quotes_its_sentence_from_the_source(today, sample_url):
    out, _ = today
    text = (out / "index.html").read_text(encoding="utf-8")
    with psycopg.connect(sample_url, row_factory=dict_row) as conn:
        # as the page sets them: French no-break spaces inside « » and before : ; ? !
        stored = [typeset(html.unescape(r["t"])) for r in conn.execute("SELECT text AS t FROM documents")]
    for anchor, body in entries(text).items():
        quote = re.search(r"<blockquote[^>]*>\s*<p>«&nbsp;(.*?)&nbsp;»</p>", body, re.S).group(1)
        sentence = html.unescape(quote)
        if "[mineur]" in sentence:
            continue
        assert any(sentence in t for t in stored), (anchor, sentence)
        assert re.search(r"<summary>\d+ sources?</summary>", body), anchor


def test_dates_at_their_precision_and_kinds_in_french(today):
    out, _ = today
    text = (out / "index.html").read_text(encoding="utf-8")
    assert '<time datetime="2011">2011</time>' in text
    assert '<time datetime="2022-10">octobre 2022</time>' in text
    assert '<time datetime="2024-04-25">25 avril 2024</time>' in text
    visible = " ".join(Page(text).text)
    for label in (
        "faits",
        "interpellation",
        "mise en examen",
        "ouverture du procès",
        "audience",
        "verdict",
        "vie du site",
        "plainte",
    ):
        assert f">{label}<" in text or label in visible, label
    assert "trial_opening" not in visible and "site_event" not in visible


def test_upcoming_hearings_relative_to_the_generation_date(before_mazan_trial, today, sample_url, tmp_path):
    page = (before_mazan_trial / "index.html").read_text(encoding="utf-8")
    ahead = page.split('id="a-venir-titre"')[1].split('id="affaires-titre"')[0]
    assert "2 septembre 2024" in ahead and "Les viols de Mazan" in ahead
    assert "état du dossier au" in page
    # What had not been published by then is not there: the verdict of December 2024.
    assert "e-mazan-verdict-2024-12-19" not in entries(page)
    assert len(entries(page)) == current_happenings(sample_url, "2024-08-30")
    out, _ = today
    now = (out / "index.html").read_text(encoding="utf-8")
    assert "Aucune audience ni décision annoncée" in now.split('id="affaires-titre"')[0]
    timeline(sample_url, tmp_path, "--date", "2024-05-01")
    may = (tmp_path / "index.html").read_text(encoding="utf-8").split('id="affaires-titre"')[0]
    assert "3 mai 2024" in may and "Le procès de Valenciennes (2024)" in may


def test_conflicting_reports_are_shown_with_their_sources(today):
    out, _ = today
    hearing = entries((out / "index.html").read_text(encoding="utf-8"))["e-valenciennes-hearing-2024-04-25"]
    conflict = re.search(r'<div class="conflicts" role="note">(.*?)</div>', hearing, re.S).group(1)
    assert "Les sources divergent" in hearing and "Nombre de prévenus&nbsp;: " in conflict
    assert re.search(r"<strong>11</strong> selon L&#39;Écho du Nord \(25 avr\. 2024\)", conflict)
    assert re.search(r"<strong>12</strong> selon InfoContinu \(24 avr\. 2024\)", conflict)


def test_cases_have_their_key_figures(today):
    out, _ = today
    text = (out / "index.html").read_text(encoding="utf-8")
    mazan = re.search(r'<article class="case" id="affaire-mazan".*?</article>', text, re.S).group(0)
    assert "Les viols de Mazan" in mazan and "<dd>appel" in mazan
    assert "<dt>Prévenus</dt><dd>51</dd>" in mazan
    assert re.search(r"<dt>Documents</dt><dd>\d+ \(de \d+ sources\)</dd>", mazan)
    assert re.search(r"<dt>Couverture</dt><dd>du \d", mazan)
    chart = re.search(r'<svg viewBox="0 0 960 220" preserveAspectRatio="none" role="img".*?</svg>', text, re.S)
    assert "<title>juin 2024\u00a0: " in chart.group(0) and "articles</title>" in chart.group(0)


def test_no_minor_is_named_anywhere(today):
    out, _ = today
    for f in out.iterdir():
        content = f.read_text(encoding="utf-8-sig")
        for word in (MINOR_NAME, *MINOR_NAME.split()):
            assert word not in content, (f.name, word)
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "[mineur], 14 ans, a été entendue" in page


def test_hostile_markup_stays_text_in_the_page_and_the_exports(today):
    out, _ = today
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(" not in page and "<em>procès</em>" not in page
    assert str(escape(typeset(HOSTILE_TITLE))) in page
    assert "&lt;script&gt;alert(&#39;citation&#39;)&lt;/script&gt;" in page
    assert page.count("<script>") == 1  # the page's own
    tl = json.loads((out / "timeline.json").read_text(encoding="utf-8"))
    blob = json.dumps(tl, ensure_ascii=False)
    assert "<script>" not in blob and "&lt;script&gt;" in blob and "<b>annoncé</b>" not in blob


def test_timelinejs_export_has_what_timelinejs_needs(today):
    out, _ = today
    page = (out / "index.html").read_text(encoding="utf-8")
    data = json.loads((out / "timeline.json").read_text(encoding="utf-8"))
    assert data["title"]["text"]["headline"].startswith("Chronologie : Le site Coco")
    events = data["events"]
    assert len(events) == len(entries(page))
    assert len({e["unique_id"] for e in events}) == len(events)
    for e in events:
        assert isinstance(e["start_date"]["year"], int)
        assert set(e["start_date"]) <= {"year", "month", "day", "display_date"}
        assert e["text"]["headline"] and e["text"]["text"].startswith(("<blockquote>", "<ul>"))
        assert e["group"]
    mazan = next(e for e in events if e["unique_id"] == "e-mazan-verdict-2024-12-19")
    assert mazan["start_date"] == {"year": 2024, "month": 12, "day": 19, "display_date": "19 décembre 2024"}
    assert mazan["group"] == "Les viols de Mazan"


def test_csv_and_json_exports_list_every_source(today):
    out, _ = today
    raw = (out / "events.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM spreadsheet software needs to read UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    data = json.loads((out / "events.json").read_text(encoding="utf-8"))
    assert len(rows) == sum(len(h["sources"]) for h in data["happenings"])
    assert {"entree", "date", "date_affichee", "libelle_type", "nom_affaire", "media", "url", "citation"} <= set(
        rows[0]
    )
    hearing = [r for r in rows if r["entree"] == "valenciennes/hearing/2024-04-25"]
    assert len(hearing) >= 3 and hearing[0]["divergences"].startswith("Nombre de prévenus : ")
    assert all(r["url"].startswith("https://") for r in rows)
    assert data["dossier"]["slug"] == "coco"
    closure = next(h for h in data["happenings"] if h["key"] == "site-coco/site_event/2024-06-25")
    assert len(closure["sources"]) >= 6 and closure["case"]["name"] == "le site Coco"


def test_calendar_of_upcoming_hearings_parses_with_stable_uids(before_mazan_trial, sample_url, tmp_path):
    cal = Calendar.from_ical((before_mazan_trial / "audiences.ics").read_bytes())
    events = list(cal.walk("VEVENT"))
    assert str(cal["X-WR-CALNAME"]).startswith("Audiences à venir")
    opening = next(e for e in events if "Les viols de Mazan" in str(e["SUMMARY"]))
    assert str(opening["SUMMARY"]) == "Ouverture du procès — Les viols de Mazan"
    assert opening.decoded("DTSTART").isoformat() == "2024-09-02"  # a date: an all-day event
    assert opening["DTSTART"].params.get("VALUE") == "DATE"
    assert opening.decoded("DTEND").isoformat() == "2024-09-03"
    assert "Le Courrier de Provence" in str(opening["DESCRIPTION"])
    timeline(sample_url, tmp_path, "--date", "2024-08-30")
    again = Calendar.from_ical((tmp_path / "audiences.ics").read_bytes())
    assert {str(e["UID"]) for e in again.walk("VEVENT")} == {str(e["UID"]) for e in events}


def test_bad_input_is_one_clear_error_and_nothing_half_written(sample_url, tmp_path):
    env = {"DATABASE_URL": sample_url}
    bad_date = run_veille("timeline", "--dossier", "coco", "--out", str(tmp_path), "--date", "30/08/2024", env=env)
    assert bad_date.returncode == 1
    assert bad_date.stderr.strip() == (
        "veille : erreur : date invalide : « 30/08/2024 » — écrivez-la AAAA-MM-JJ, par exemple 2024-08-30"
    )
    unknown = run_veille("timeline", "--dossier", "nope", "--out", str(tmp_path), env=env)
    assert unknown.returncode == 1 and "dossier inconnu : « nope »" in unknown.stderr
    blocker = tmp_path / "fichier"
    blocker.write_text("pas un dossier")
    blocked = run_veille("timeline", "--dossier", "coco", "--out", str(blocker / "sortie"), env=env)
    assert blocked.returncode == 1 and len(blocked.stderr.strip().splitlines()) == 1
    assert "impossible d'écrire" in blocked.stderr or "écriture" in blocked.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fichier"]


def test_the_run_is_recorded(today, sample_url):
    with psycopg.connect(sample_url, row_factory=dict_row) as conn:
        run = conn.execute(
            "SELECT status, params, counts FROM runs WHERE kind = 'timeline' ORDER BY id LIMIT 1"
        ).fetchone()
    assert run["status"] == "ok" and run["params"]["dossier"] == "coco" and run["counts"]["entries"] > 50


def test_how_a_date_was_worked_out_is_shown_on_demand_and_exported(sample_url, tmp_path):
    how = "« mardi dernier », article du 25 avril 2024 → 23 avril 2024"
    with psycopg.connect(sample_url, autocommit=True, row_factory=dict_row) as conn:
        event = conn.execute(
            "SELECT e.id, e.evidence FROM events e JOIN happenings h ON h.happening_id = e.happening_id "
            "WHERE h.current AND NOT h.context ORDER BY e.id LIMIT 1"
        ).fetchone()
        conn.execute(
            "UPDATE events SET date_how = %s WHERE id = %s",
            (
                json.dumps(
                    {
                        "expression": "mardi dernier",
                        "anchor": "2024-04-25",
                        "anchor_kind": "published",
                        "rule": "weekday_last",
                        "explanation": how,
                    }
                ),
                event["id"],
            ),
        )
    try:
        timeline(sample_url, tmp_path)
        page = (tmp_path / "index.html").read_text(encoding="utf-8")
        assert "Comment cette date a été établie" in page and escape(typeset(how)) in page
        rows = list(
            csv.DictReader(io.StringIO((tmp_path / "events.csv").read_text(encoding="utf-8-sig")), delimiter=";")
        )
        assert how in {r["date_etablie"] for r in rows if r["citation"] == event["evidence"]}
        data = json.loads((tmp_path / "events.json").read_text(encoding="utf-8"))
        assert how in {s["how"] for h in data["happenings"] for s in h["sources"]}
    finally:
        with psycopg.connect(sample_url, autocommit=True) as conn:
            conn.execute("UPDATE events SET date_how = NULL WHERE id = %s", (event["id"],))
