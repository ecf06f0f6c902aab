"""Editorial review in a real browser: `veille serve` started as a user would, on 127.0.0.1, driven by
Debian's headless Chromium; then the static timeline shows exactly the corrected state."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from cases.grouping import recompute_cases
from tests.conftest import ROOT, run_veille
from tests.reports.test_timeline_browser import ARGS, CHROMIUM
from tests.reports.timeline_builder import load_gold_corpus
from tests.reports.web_support import free_port
from veille.config import load_config
from veille.db import sync_config

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="/usr/bin/chromium absent : installez le paquet Debian chromium (apt-get install chromium)",
    ),
]
EDITOR, PASSWORD = "anne@journal.fr", "un mot de passe assez long"


@pytest.fixture
def server(conn, db_url):
    ids = load_gold_corpus(conn)
    config = load_config()
    sync_config(conn, config)
    recompute_cases(conn, config)
    added = run_veille(
        "users", "add", EDITOR, "--role", "editor", "--name", "Anne Éditrice",
        env={"DATABASE_URL": db_url, "VEILLE_PASSWORD": PASSWORD},
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "veille", "serve", "--port", str(port)],
        env={**os.environ, "DATABASE_URL": db_url},
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(url + "/connexion", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"veille serve did not start: {proc.communicate()[0]}")
        time.sleep(0.2)
    yield url, ids
    proc.terminate()
    proc.communicate(timeout=20)


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        tab = browser.new_page(viewport={"width": 414, "height": 900})  # a phone's width
        problems: list[str] = []
        tab.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
        tab.on("pageerror", lambda e: problems.append(str(e)))
        tab.problems = problems  # type: ignore[attr-defined]
        yield tab
        browser.close()


def anchor(key: str) -> str:
    return "e-" + re.sub(r"[^0-9A-Za-z]+", "-", key).strip("-")


def entry_box(page, key: str):
    return page.locator(f'article.entry[data-key="{key}"]')


def test_review_in_the_browser_then_publish(server, page, conn, db_url, tmp_path):
    url, ids = server
    mazan = [
        r["key"]
        for r in conn.execute(
            "SELECT key FROM happenings WHERE current AND NOT context AND case_slug = 'mazan' ORDER BY event_date, key"
        )
    ]
    verdict = next(k for k in mazan if k.startswith("mazan/verdict/2024-12-19"))
    redate, move, hide = [k for k in mazan if k != verdict][:3]

    page.goto(url + "/relecture")
    assert "/connexion" in page.url  # not logged in: sent to the login page
    page.fill("#email", EDITOR)
    page.fill("#password", PASSWORD)
    page.click("form.login button[type=submit]")
    page.wait_for_url(url + "/relecture")
    assert "Anne Éditrice" in page.inner_text("nav.app")

    # One key: the first entry has the focus, « v » approves it (the page's own script, under the CSP).
    first = page.get_attribute("article.entry.focused", "data-key")
    page.keyboard.press("j")
    page.keyboard.press("k")
    assert page.get_attribute("article.entry.focused", "data-key") == first
    with page.expect_navigation():
        page.keyboard.press("v")
    assert entry_box(page, first).count() == 0

    entry_box(page, verdict).locator("form.approve button").click()
    page.wait_for_load_state("load")
    assert entry_box(page, verdict).count() == 0

    box = entry_box(page, redate)
    box.locator("details.edit summary").click()
    box.locator("form.redate input[name=date]").fill("2020-11-02")
    box.locator("form.redate select[name=precision]").select_option("month")
    box.locator("form.redate button").click()
    page.wait_for_load_state("load")
    assert "novembre 2020" in entry_box(page, redate).inner_text()
    entry_box(page, redate).locator("form.approve button").click()
    page.wait_for_load_state("load")

    box = entry_box(page, move)
    box.locator("details.edit summary").click()
    box.locator("form.move input[name=case]").fill("valenciennes")
    box.locator("form.move button").click()
    page.wait_for_load_state("load")
    # Moved into another case, it may now be past the queue's first page: approved from its own page.
    page.goto(f"{url}/entree/{move}")
    page.click("form.approve button")
    page.wait_for_load_state("load")
    assert "vérifiée" in page.inner_text("main")
    page.goto(url + "/relecture")

    box = entry_box(page, hide)
    box.locator("form.hide input[name=reason]").fill("doublon d'une autre entrée")
    box.locator("form.hide button").click()
    page.wait_for_load_state("load")
    assert entry_box(page, hide).count() == 0

    # A document that names the site only in passing (one that none of the entries above comes from).
    passing = conn.execute(
        """SELECT e.document_id FROM events e JOIN happenings h ON h.happening_id = e.happening_id AND h.current
            WHERE h.case_slug = 'grande-synthe' AND NOT h.context ORDER BY e.document_id LIMIT 1"""
    ).fetchone()["document_id"]
    before = conn.execute(
        "SELECT count(*) AS n FROM events WHERE document_id = %s AND happening_id IS NOT NULL", (passing,)
    ).fetchone()["n"]
    page.goto(f"{url}/document/{passing}")
    page.click("button[value=passing]")
    page.wait_for_load_state("load")
    assert "ne cite le sujet qu’en passant" in page.inner_text("main") or "en passant" in page.inner_text("main")
    left = conn.execute(
        "SELECT count(*) AS n FROM events WHERE document_id = %s AND happening_id IS NOT NULL", (passing,)
    ).fetchone()["n"]
    assert left < before

    page.goto(f"{url}/entree/{redate}")
    history = page.inner_text("table.history")
    assert "date corrigée" in history and "Anne Éditrice" in history and "validée" in history
    assert page.problems == []  # type: ignore[attr-defined]

    # Publish: the static timeline shows exactly the approved entries, as corrected.
    out = tmp_path / "site"
    published = run_veille("timeline", "--dossier", "coco", "--out", str(out), env={"DATABASE_URL": db_url})
    assert published.returncode == 0, published.stderr
    approved = {r["key"] for r in conn.execute("SELECT key FROM happenings WHERE current AND review = 'approved'")}
    assert {verdict, redate, move, first} <= approved and hide not in approved
    page.goto(Path(out / "index.html").as_uri())
    shown = page.eval_on_selector_all("#chronologie article.entry", "els => els.map(e => e.id)")
    assert sorted(shown) == sorted(anchor(k) for k in approved)
    assert page.inner_text(f"#{anchor(redate)} .when").startswith("novembre 2020")
    assert page.get_attribute(f"#{anchor(move)}", "data-case") == "valenciennes"
    assert "Chronologie vérifiée par Anne Éditrice" in page.inner_text("header.page")
    assert left == 0 or all(
        "coco" in r["evidence"].lower()
        for r in conn.execute(
            "SELECT evidence FROM events WHERE document_id = %s AND happening_id IS NOT NULL", (passing,)
        )
    )


def test_merge_split_and_rename_cases_in_the_browser_then_publish(server, page, conn, db_url, tmp_path):
    """An editor merges two cases, splits one (the entries checked leave into a new case) and renames one
    through the case pages' forms; the static timeline then shows exactly that state, and a re-analysis
    followed by `veille cases --recompute` keeps it."""
    from tests.cases.test_corrections import reanalyse

    url, ids = server
    page.goto(url + "/affaire/grande-synthe")
    page.fill("#email", EDITOR)
    page.fill("#password", PASSWORD)
    page.click("form.login button[type=submit]")
    page.wait_for_url(url + "/affaire/grande-synthe")

    # The case's coverage: a tap on the chart shows a month's count (the page's own script, under the CSP).
    assert page.locator("figure.chart rect.bar").count() > 0
    page.click("figure.chart svg")
    assert "article" in page.inner_text("#graph-detail")

    page.click("details.case-edit summary")
    page.fill("form.merge input[name=with]", "saint-pol-sur-mer")
    page.fill("form.merge input[name=reason]", "un seul guet-apens")
    with page.expect_navigation():
        page.click("form.merge button")
    assert "Fusionnée avec" in page.inner_text("main") and "saint-pol-sur-mer" in page.inner_text("main")
    assert "affaires fusionnées" in page.inner_text("table.case-history")

    page.goto(url + "/affaire/mazan")
    for key in ("mazan/appeal/2025-10-06", "mazan/sentence/2025-10-09"):
        page.check(f'form.split input[name=entree][value="{key}"]')
    page.fill("form.split input[name=name]", "le procès en appel de Mazan")
    page.fill("form.split input[name=slug]", "mazan-appel")
    with page.expect_navigation():
        page.click("form.split button[type=submit]")
    assert page.url == url + "/affaire/mazan-appel"
    assert page.inner_text("h1") == "Le procès en appel de Mazan"
    assert page.locator("article.entry").count() == 2 and "appel" in page.inner_text("dd.stages")

    page.goto(url + "/affaire/lomme")
    page.click("details.case-edit summary")
    page.fill("form.rename input[name=name]", "L'embuscade de Lomme")
    with page.expect_navigation():
        page.click("form.rename button")
    assert page.inner_text("h1") == "L'embuscade de Lomme"
    assert page.problems == []  # type: ignore[attr-defined]

    def published() -> dict[str, str]:
        out = tmp_path / "site"
        done = run_veille("timeline", "--dossier", "coco", "--out", str(out), env={"DATABASE_URL": db_url})
        assert done.returncode == 0, done.stderr
        page.goto(Path(out / "index.html").as_uri())
        return dict(
            page.eval_on_selector_all("#chronologie article.entry", "els => els.map(e => [e.id, e.dataset.case])")
        )

    expected = {
        anchor(r["key"]): r["case_slug"] or ""
        for r in conn.execute("SELECT key, case_slug FROM happenings WHERE current AND NOT context AND NOT hidden")
    }
    shown = published()
    assert shown == expected
    assert shown[anchor("mazan-appel/appeal/2025-10-06")] == "mazan-appel"
    assert shown[anchor("grande-synthe/arrest/2024-04-23")] == "grande-synthe"
    assert "saint-pol-sur-mer" not in shown.values()
    cases = page.eval_on_selector_all("#f-affaire option", "els => els.map(e => e.textContent)")
    assert any(c.startswith("L'embuscade de Lomme") for c in cases)
    assert any(c.startswith("Le procès en appel de Mazan") for c in cases)
    # Filtering the static page on the new case shows exactly its two entries.
    page.select_option("#f-affaire", "mazan-appel")
    assert page.locator("#chronologie article.entry:visible").count() == 2

    reanalyse(conn, "ASC")
    redone = run_veille("cases", "--recompute", env={"DATABASE_URL": db_url})
    assert redone.returncode == 0, redone.stderr
    assert published() == shown
