"""The timeline in a real browser (Debian's headless Chromium): filters, search, safety, phone, keyboard, print."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from reports.french import typeset
from tests.conftest import run_veille
from tests.reports.timeline_builder import HOSTILE_TITLE, MINOR_NAME, drop_database, sample_database

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="/usr/bin/chromium absent : installez le paquet Debian chromium (apt-get install chromium)",
    ),
]


@pytest.fixture(scope="module")
def page_path(pg_admin_url, template_db, tmp_path_factory):
    name = f"veille_timeline_browser_{os.getpid()}"
    url = sample_database(pg_admin_url, template_db, name)
    out = tmp_path_factory.mktemp("timeline-browser")
    result = run_veille(
        "timeline", "--dossier", "coco", "--out", str(out), "--date", "2024-08-30", env={"DATABASE_URL": url}
    )
    assert result.returncode == 0, result.stderr
    later = tmp_path_factory.mktemp("timeline-browser-today")
    result = run_veille("timeline", "--dossier", "coco", "--out", str(later), env={"DATABASE_URL": url})
    assert result.returncode == 0, result.stderr
    drop_database(pg_admin_url, name)
    return {"before_trial": out / "index.html", "today": later / "index.html"}


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


class Opened:
    def __init__(self, browser, path: Path, width: int = 1280, height: int = 900, hash_: str = ""):
        self.page = browser.new_page(viewport={"width": width, "height": height})
        self.problems: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.problems.append(m.text) if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.problems.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(path.as_uri() + hash_)
        self.page.wait_for_load_state("load")

    def visible(self) -> list[str]:
        return self.page.eval_on_selector_all("#chronologie article.entry:not([hidden])", "els => els.map(e => e.id)")

    def status(self) -> str:
        return self.page.inner_text("#compte")


def test_page_opens_from_disk_without_errors_or_outside_requests(browser, page_path, tmp_path):
    view = Opened(browser, page_path["today"])
    assert view.problems == [] and view.dialogs == []
    assert all(u.startswith("file://") for u in view.requests), view.requests
    total = len(view.visible())
    assert total > 50 and view.status() == f"{total} entrées affichées sur {total}"
    shot = tmp_path / "chronologie.png"
    view.page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 20_000
    view.page.close()


def test_filters_by_case_kind_place_and_year_change_what_is_shown(browser, page_path):
    view = Opened(browser, page_path["today"])
    total = len(view.visible())
    view.page.select_option("#f-affaire", "valenciennes")
    shown = view.visible()
    assert 0 < len(shown) < total
    assert all(view.page.get_attribute(f"#{i}", "data-case") == "valenciennes" for i in shown)
    assert view.status() == f"{len(shown)} entrées affichées sur {total}"
    view.page.select_option("#f-type", "verdict")
    verdicts = view.visible()
    assert 0 < len(verdicts) < len(shown)
    assert all(view.page.inner_text(f"#{i} .kind") == "verdict" for i in verdicts)
    # Years with nothing left to show lose their heading.
    assert view.page.eval_on_selector_all("section.year:not([hidden])", "els => els.map(e => e.dataset.year)") == [
        "2024"
    ]
    assert "affaire=valenciennes" in view.page.evaluate("location.hash")
    view.page.click("button[type=reset]")
    view.page.wait_for_function(
        f"document.querySelectorAll('#chronologie article.entry:not([hidden])').length == {total}"
    )
    view.page.select_option("#f-lieu", "carpentras")
    assert all("carpentras" in view.page.get_attribute(f"#{i}", "data-places").split() for i in view.visible())
    view.page.select_option("#f-annee", "2023")
    assert view.visible() and all(view.page.get_attribute(f"#{i}", "data-year") == "2023" for i in view.visible())
    view.page.select_option("#f-annee", "2011")
    view.page.select_option("#f-lieu", "grande-synthe")
    assert view.visible() == [] and view.page.is_visible("#aucune")
    assert view.problems == []
    view.page.close()


def test_search_ignores_accents_and_case_and_needs_every_word(browser, page_path):
    view = Opened(browser, page_path["today"])
    view.page.fill("#f-q", "GUET APENS Grande synthe")
    view.page.wait_for_function(
        "document.getElementById('compte').textContent.indexOf(' sur ') > 0 && "
        "document.querySelectorAll('#chronologie article.entry[hidden]').length > 0"
    )
    found = view.visible()
    assert found and all(view.page.get_attribute(f"#{i}", "data-case") == "grande-synthe" for i in found)
    view.page.fill("#f-q", "proces valenciennes")  # « procès » typed without its accent
    view.page.wait_for_timeout(400)
    assert any("valenciennes" in i for i in view.visible())
    view.page.fill("#f-q", "zzzz introuvable")
    view.page.wait_for_timeout(400)
    assert (
        view.visible() == []
        and view.status() == f"0 entrée affichée sur {len(view.page.query_selector_all('article.entry'))}"
    )
    view.page.close()


def test_a_shared_link_reopens_the_same_filters(browser, page_path):
    view = Opened(browser, page_path["today"], hash_="#filtres?affaire=mazan&type=verdict")
    assert view.page.input_value("#f-affaire") == "mazan" and view.page.input_value("#f-type") == "verdict"
    assert view.visible() and all("mazan" in i for i in view.visible())
    view.page.close()


def test_case_button_shows_the_case_entries(browser, page_path):
    view = Opened(browser, page_path["today"])
    view.page.click("#affaire-grande-synthe button.show")
    assert view.page.input_value("#f-affaire") == "grande-synthe"
    assert view.visible() and all(
        view.page.get_attribute(f"#{i}", "data-case") == "grande-synthe" for i in view.visible()
    )
    view.page.close()


def test_hostile_title_is_inert_text_and_no_minor_is_named(browser, page_path):
    view = Opened(browser, page_path["today"])
    view.page.wait_for_timeout(200)
    assert view.dialogs == []  # no alert() ran
    body = view.page.inner_text("body")
    entry = view.page.locator("article.entry", has_text="alert('titre')")
    entry.locator("summary").click()
    assert typeset(HOSTILE_TITLE) in entry.inner_text()  # as written, with French no-break spaces
    assert view.page.evaluate("document.querySelectorAll('script').length") == 1
    assert view.page.evaluate("document.querySelectorAll('article em').length") == 0
    for word in MINOR_NAME.split():
        assert word not in body
    view.page.close()


def test_upcoming_section_before_the_trial(browser, page_path, tmp_path):
    view = Opened(browser, page_path["before_trial"])
    ahead = view.page.inner_text("#a-venir")
    assert "2 septembre 2024" in ahead and "Les viols de Mazan" in ahead
    view.page.click("#a-venir a:has-text('Voir l’entrée')")
    assert view.page.evaluate("location.hash").startswith("#e-mazan-trial-opening-2024-09-02")
    view.page.screenshot(path=str(tmp_path / "a-venir.png"))
    view.page.close()


def test_readable_on_a_phone(browser, page_path, tmp_path):
    view = Opened(browser, page_path["today"], width=390, height=844)
    overflow = view.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1
    size = view.page.evaluate("parseFloat(getComputedStyle(document.querySelector('article.entry h4')).fontSize)")
    assert size >= 15
    view.page.locator("#chronologie").scroll_into_view_if_needed()
    view.page.screenshot(path=str(tmp_path / "telephone.png"))
    assert view.problems == []
    view.page.close()


def test_keyboard_reaches_the_timeline_and_the_filters(browser, page_path):
    view = Opened(browser, page_path["today"])
    view.page.keyboard.press("Tab")
    assert view.page.evaluate("document.activeElement.className") == "skip"
    assert view.page.evaluate("getComputedStyle(document.activeElement).left") != "-999px"
    view.page.keyboard.press("Enter")
    assert view.page.evaluate("location.hash") == "#chronologie"
    for _ in range(8):
        view.page.keyboard.press("Tab")
        if view.page.evaluate("document.activeElement.id") == "f-affaire":
            break
    assert view.page.evaluate("document.activeElement.id") == "f-affaire"
    view.page.keyboard.press("Tab")
    assert view.page.evaluate("document.activeElement.id") == "f-type"
    view.page.close()


def test_print_shows_sources_and_hides_the_controls(browser, page_path, tmp_path):
    view = Opened(browser, page_path["today"])
    view.page.emulate_media(media="print")
    assert view.page.evaluate("getComputedStyle(document.getElementById('filtres')).display") == "none"
    view.page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert view.page.evaluate("[...document.querySelectorAll('details.sources')].every(d => d.open)")
    pdf = view.page.pdf(path=str(tmp_path / "chronologie.pdf"))
    assert len(pdf) > 10_000
    view.page.close()


# --------------------------------------------------------------------------- what a reader sees, phone and desktop

WIDTHS = [pytest.param(390, id="telephone-390"), pytest.param(1400, id="ordinateur-1400")]


def _open_all_details(view: Opened) -> None:
    view.page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")


@pytest.mark.parametrize("width", WIDTHS)
def test_french_spacing_never_lets_a_quote_mark_or_a_colon_wrap_alone(browser, page_path, width):
    view = Opened(browser, page_path["today"], width=width)
    _open_all_details(view)
    text = view.page.evaluate("document.body.innerText")
    # A plain (breakable) space inside « » or before : ; ? ! is where a line may break.
    loose = [m.group(0) for m in re.finditer(r".{0,20}(«[ \t\n]|[ \t\n][»:;?!]).{0,20}", text)]
    assert loose == []
    assert "«\u00a0" in text and "\u00a0»" in text and "\u00a0:" in text
    # Laid out: the closing « » » of every quote sits on the line of the word before it.
    wrapped = view.page.evaluate(
        """() => [...document.querySelectorAll('article.entry blockquote p')].filter(p => {
             const node = p.lastChild, range = document.createRange();
             range.setStart(node, Math.max(0, node.length - 3)); range.setEnd(node, node.length);
             const rects = [...range.getClientRects()].filter(r => r.width > 0);
             return new Set(rects.map(r => Math.round(r.top))).size > 1;
           }).map(p => p.textContent.slice(-40))"""
    )
    assert wrapped == []
    view.page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_quoted_outlet_links_to_its_article(browser, page_path, width):
    view = Opened(browser, page_path["today"], width=width)
    quotes = view.page.eval_on_selector_all(
        "article.entry blockquote[cite]",
        "els => els.map(b => [b.getAttribute('cite'), b.querySelector('footer cite a')?.getAttribute('href')])",
    )
    assert len(quotes) > 50 and all(cite == href for cite, href in quotes), quotes[:3]
    first = view.page.locator("article.entry blockquote[cite] footer cite a").first
    assert first.get_attribute("rel") == "noopener noreferrer" and first.inner_text().strip()
    view.page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_header_and_the_chart_count_the_same_articles_and_no_court_is_a_media(browser, page_path, width):
    view = Opened(browser, page_path["today"], width=width)
    header = view.page.inner_text("#totaux")
    caption = view.page.inner_text("figure.chart figcaption")
    articles = int(re.match(r"(\d+) articles? de \d+ médias?", header).group(1))
    assert re.search(rf"\({articles} articles?\b", caption), (header, caption)
    monthly = view.page.eval_on_selector_all("table.data tbody td:last-child", "tds => tds.map(t => +t.textContent)")
    assert sum(monthly) == articles
    cards = view.page.inner_text("#affaires")
    assert "média" not in cards and re.search(r"Documents\s+\d+ \(de \d+ sources?\)", cards)
    view.page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_coverage_chart_is_readable_and_answers_a_tap_or_the_pointer(browser, page_path, width):
    page_file = page_path["today"]
    page = browser.new_page(viewport={"width": width, "height": 900}, has_touch=True, is_mobile=width < 600)
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(page_file.as_uri())
    page.locator("#couverture").scroll_into_view_if_needed()
    labels = page.evaluate(
        """() => [...document.querySelectorAll('figure.chart .ticks span, figure.chart .axis, figure.chart .detail')]
             .filter(e => e.getClientRects().length)
             .map(e => { const r = e.getBoundingClientRect();
                         return {text: e.textContent, size: parseFloat(getComputedStyle(e).fontSize),
                                 left: r.left, right: r.right, top: r.top}; })"""
    )
    assert labels and min(label["size"] for label in labels) >= 11, labels
    years = sorted((label for label in labels if re.fullmatch(r"\d{4}", label["text"])), key=lambda x: x["left"])
    assert len(years) >= 2
    assert all(a["right"] <= b["left"] for a, b in zip(years, years[1:])), years  # no label over another
    assert all(y["left"] >= 0 and y["right"] <= width for y in years)
    # The month with the most articles, reached by a tap on a phone and by the pointer on a desktop.
    peak = page.evaluate(
        """() => { const bars = [...document.querySelectorAll('figure.chart rect.bar')];
                   const b = bars.reduce((a, c) => +c.getAttribute('height') > +a.getAttribute('height') ? c : a);
                   const r = b.getBoundingClientRect();
                   return {x: r.left + r.width / 2, y: r.top + r.height / 2, label: b.querySelector('title').textContent}; }"""
    )
    if width < 600:
        page.touchscreen.tap(peak["x"], peak["y"])
    else:
        page.mouse.move(peak["x"], peak["y"])
    assert page.inner_text("#graph-detail") == peak["label"]
    assert re.fullmatch(r"\S+ \d{4} : \d+ articles?", peak["label"].replace("\u00a0", " "))
    page.focus("figure.chart svg")
    page.keyboard.press("ArrowLeft")
    assert page.inner_text("#graph-detail") != peak["label"]
    assert problems == []
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_search_treats_guet_apens_with_or_without_its_hyphen_alike(browser, page_path, width):
    view = Opened(browser, page_path["today"], width=width)
    found = {}
    for query in ("guet-apens", "guet apens", "guet–apens", "Guet-Apens"):
        view.page.fill("#f-q", query)
        view.page.wait_for_timeout(400)
        found[query] = view.visible()
    assert found["guet-apens"] and all(v == found["guet-apens"] for v in found.values()), {
        k: len(v) for k, v in found.items()
    }
    view.page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_disagreements_and_labels_read_as_correct_french(browser, page_path, width):
    view = Opened(browser, page_path["today"], width=width)
    _open_all_details(view)
    text = view.page.evaluate("document.body.innerText")
    assert "Les sources divergent" in text and "Nombre de prévenus\u00a0: " in text
    assert "prévenus divergent" not in text and "Dates divergentes" not in text
    assert "(heure de Paris)" in view.page.inner_text("header.page")
    assert "mini-web" not in text  # links to real addresses: no word about a local sample
    view.page.close()
