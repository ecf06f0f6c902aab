"""The HTML part of a delivered digest, opened in headless Chromium as a webmail would show it."""

from __future__ import annotations

import pytest

from reports.digest.send import send_digests
from reports.digest.weeks import parse_week
from tests.reports.digest_support import PEOPLE, add_subscribers, seed_week
from tests.reports.test_timeline_browser import ARGS, CHROMIUM
from veille.config import load_config

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="chromium absent (apt-get install -y chromium)",
    ),
]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield chromium
        chromium.close()


def test_the_html_part_renders_in_french_without_any_script(conn, digest_config, smtp, browser):
    seed_week(conn)
    add_subscribers(conn, *PEOPLE)
    send_digests(conn, load_config(digest_config), "coco", parse_week("2024-W36"))
    received = next(r for r in smtp.received if r.rcpt_tos == ["elodie@exemple.fr"])
    html = received.message.get_body(("html",)).get_content()

    page = browser.new_page(java_script_enabled=True)
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.set_content(html, wait_until="load")
    text = page.inner_text("body")
    assert "Bonjour Élodie Lefèvre," in text
    assert "Résumé de la semaine du 2 au 8 septembre 2024" in text
    assert "Les viols de Mazan" in text and "Ouverture du procès, 2 septembre 2024" in text
    assert "repris par L'Écho du Nord, Le Quotidien" in text
    assert "Audiences des 30 prochains jours" in text
    # The hostile title is shown as text, and nothing from it runs.
    assert "<script>alert('x')</script> Coco & les « tchats » <b>anonymes</b>" in text
    assert page.evaluate("document.querySelectorAll('script, iframe, object, embed, form').length") == 0
    assert page.evaluate("document.querySelectorAll('style').length") == 0
    assert (
        page.evaluate(
            "[...document.querySelectorAll('*')].filter(e => [...e.attributes]"
            ".some(a => a.name.startsWith('on'))).length"
        )
        == 0
    )
    # Styles arrive inline: the title is in Georgia and the page is 640 px at most, with no <style>.
    assert "Georgia" in page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
    assert page.evaluate("getComputedStyle(document.querySelector('.page')).maxWidth") == "640px"
    links = page.evaluate("[...document.querySelectorAll('a')].map(a => [a.textContent, a.href])")
    token = conn.execute("SELECT token FROM subscribers WHERE email = 'elodie@exemple.fr'").fetchone()["token"]
    assert ["Se désabonner", f"https://veille.exemple.fr/desabonnement?jeton={token}"] in links
    assert ["Consulter la chronologie complète du dossier", "https://veille.exemple.fr/coco/"] in links
    assert all(href.startswith("https://") for _, href in links)
    assert "Kevin" not in text and "Durand" not in text
    assert requests == []  # the email loads nothing from anywhere
    page.close()
