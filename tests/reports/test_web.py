"""`veille serve` over real HTTP on 127.0.0.1: logging in, the pages, the corrections and what the
static timeline then publishes; the security checks; the digests' unsubscribe links."""

from __future__ import annotations

import re

import pytest

from reports.timeline.page import write_timeline
from tests.reports.web_support import EDITOR, EDITOR2, PASSWORD, VIEWER, csrf_of, login
from veille.stages import ensure_cases_current

pytestmark = pytest.mark.slow  # each test loads the sample corpus and starts a server


def _tags(html: str) -> list[tuple[str, list]]:
    """Every element and its attributes, as a browser's parser reads the page."""
    from html.parser import HTMLParser

    found: list[tuple[str, list]] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collect().feed(html)
    return found


def verdict_key(conn) -> str:
    return conn.execute(
        """SELECT key FROM happenings WHERE current AND case_slug = 'mazan' AND kind = 'verdict'
              AND event_date = '2024-12-19'"""
    ).fetchone()["key"]


def form_of(html: str, key: str, action: str) -> dict:
    """The hidden fields of an entry's form for ``action``, as the page drew them."""
    pattern = rf'<form method="post" action="/entree/{re.escape(key)}/corriger" class="{action} inline">(.*?)</form>'
    found = re.search(pattern, html, re.S)
    assert found, f"no {action} form for {key}"
    return dict(re.findall(r'<input type="hidden" name="([a-z]+)" value="([^"]*)"', found.group(1)))


def test_an_editor_logs_in_reviews_and_the_static_timeline_shows_the_corrected_state(served, conn, tmp_path):
    anne = login(served, EDITOR)
    queue = anne.get("/relecture")
    assert queue.status_code == 200 and "Relecture" in queue.text
    assert "Anne Éditrice (éditeur)" in queue.text
    key = verdict_key(conn)
    assert f'data-key="{key}"' in queue.text
    done = anne.post(f"/entree/{key}/corriger", data=form_of(queue.text, key, "approve"))
    assert done.status_code == 303 and done.headers["location"] == "/relecture"
    assert f'data-key="{key}"' not in anne.get("/relecture").text  # approved: out of the queue
    page = anne.get(f"/entree/{key}")
    assert "vérifiée" in page.text and "Anne Éditrice" in page.text and "<mark>" in page.text
    # The static page now publishes only what was approved, and says who approved it.
    ensure_cases_current(conn, served.config)
    index = write_timeline(conn, served.config, "coco", tmp_path / "out")
    html = index.read_text(encoding="utf-8")
    assert "Chronologie vérifiée par Anne Éditrice" in html
    assert len(re.findall(r'<article class="entry', html)) == 1


def test_redate_move_hide_and_document_mark_from_the_pages(served, conn):
    anne = login(served, EDITOR)
    keys = [
        r["key"]
        for r in conn.execute(
            "SELECT key FROM happenings WHERE current AND NOT context AND case_slug = 'mazan' ORDER BY event_date, key"
        )
    ]
    redate, move, hide = keys[:3]
    queue = anne.get("/relecture").text
    fields = form_of(queue, redate, "redate") | {"date": "2020-11-02", "precision": "month"}
    assert anne.post(f"/entree/{redate}/corriger", data=fields).status_code == 303
    queue = anne.get("/relecture").text
    fields = form_of(queue, move, "move") | {"case": "valenciennes"}
    assert anne.post(f"/entree/{move}/corriger", data=fields).status_code == 303
    queue = anne.get("/relecture").text
    fields = form_of(queue, hide, "hide") | {"reason": "doublon"}
    assert anne.post(f"/entree/{hide}/corriger", data=fields).status_code == 303
    rows = {r["key"]: r for r in conn.execute("SELECT * FROM happenings WHERE key = ANY(%s)", ([redate, move, hide],))}
    assert rows[redate]["precision"] == "month" and str(rows[redate]["event_date"]) == "2020-11-01"
    assert rows[move]["case_slug"] == "valenciennes" and rows[hide]["hidden"]
    page = anne.get(f"/entree/{redate}").text
    assert "date corrigée" in page and "Anne Éditrice" in page and "novembre 2020" in page
    timeline = anne.get("/chronologie", params={"affaire": "mazan"}).text
    assert f"/entree/{hide}" not in timeline and f"/entree/{redate}" in timeline
    # A document that names the site only in passing: its other sentences leave the dossier.
    doc = served.ids["lequotidien/verdict-de-mazan-vingt-ans-pour-dominique-pelicot"]
    page = anne.get(f"/document/{doc}").text
    assert "Pourquoi ce document est dans le dossier" in page and "<mark" in page
    marked = anne.post(f"/document/{doc}/marquer", data={"csrf": csrf_of(page), "action": "passing", "reason": "x"})
    assert marked.status_code == 303
    assert "qui ne cite le sujet qu" in anne.get(f"/document/{doc}").text
    log = conn.execute("SELECT action FROM audit_log WHERE user_email = %s ORDER BY id", (EDITOR,)).fetchall()
    assert [r["action"] for r in log].count("correction") == 4


def test_a_viewer_reads_but_every_post_is_refused(served, conn):
    victor = login(served, VIEWER)
    queue = victor.get("/relecture")
    assert queue.status_code == 200 and "Valider" not in queue.text  # no forms for a viewer
    key = verdict_key(conn)
    token = csrf_of(queue.text)  # the logout form's: a valid token of the session
    refused = victor.post(f"/entree/{key}/corriger", data={"csrf": token, "action": "approve", "version": "0"})
    assert refused.status_code == 403 and "pas de corriger" in refused.text
    assert conn.execute("SELECT count(*) AS n FROM corrections").fetchone()["n"] == 0


def test_a_form_without_its_csrf_token_is_refused(served, conn):
    anne = login(served, EDITOR)
    key = verdict_key(conn)
    for data in ({"action": "approve", "version": "0"}, {"action": "approve", "version": "0", "csrf": "faux"}):
        refused = anne.post(f"/entree/{key}/corriger", data=data)
        assert refused.status_code == 403 and "Jeton de sécurité" in refused.text
    anonymous = served.client().post(f"/entree/{key}/corriger", data={"action": "approve"})
    assert anonymous.status_code == 403
    assert conn.execute("SELECT count(*) AS n FROM corrections").fetchone()["n"] == 0


def test_five_wrong_passwords_throttle_the_account(served, conn):
    client = served.client()
    page = client.get("/connexion")
    token = csrf_of(page.text)
    for _ in range(5):
        wrong = client.post("/connexion", data={"email": EDITOR, "password": "mauvais mot de passe", "csrf": token})
        assert wrong.status_code == 401 and "incorrect" in wrong.text
    blocked = client.post("/connexion", data={"email": EDITOR, "password": PASSWORD, "csrf": token})
    assert blocked.status_code == 429 and "trop de tentatives" in blocked.text
    assert "veille_session" not in blocked.cookies
    actions = [r["action"] for r in conn.execute("SELECT action FROM audit_log ORDER BY id")]
    assert actions.count("login_failed") == 5 and actions[-1] == "login_throttled"


def test_session_cookie_is_httponly_and_samesite_strict(served):
    client = served.client()
    page = client.get("/connexion")
    done = client.post("/connexion", data={"email": EDITOR, "password": PASSWORD, "csrf": csrf_of(page.text)})
    cookie = next(v for k, v in done.headers.multi_items() if k == "set-cookie" and v.startswith("veille_session="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert client.get("/relecture").status_code == 200
    anonymous = served.client().get("/relecture")
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/connexion")


def test_hostile_text_is_escaped_and_the_csp_allows_only_the_pages_own_code(served, conn):
    doc = served.ids["lequotidien/verdict-de-mazan-vingt-ans-pour-dominique-pelicot"]
    conn.execute(
        "UPDATE documents SET title = %s WHERE id = %s",
        ('<script>alert("titre")</script><img src=x onerror=alert(1)>', doc),
    )
    key = verdict_key(conn)
    conn.execute("UPDATE happenings SET summary = %s WHERE key = %s", ('<img src=x onerror="alert(2)">', key))
    anne = login(served, EDITOR)
    for path in ("/relecture", f"/entree/{key}", f"/document/{doc}", "/chronologie?affaire=mazan", "/affaire/mazan"):
        page = anne.get(path)
        assert page.status_code == 200, path
        assert "<script>alert" not in page.text and "<img src=x" not in page.text, path
        assert "&lt;img src=x onerror" in page.text or "&lt;script&gt;" in page.text, path
        csp = page.headers["content-security-policy"]
        nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
        assert "default-src 'none'" in csp and "unsafe-inline" not in csp
        scripts = re.findall(r"<script([^>]*)>", page.text)
        assert scripts and all(f'nonce="{nonce}"' in s for s in scripts), path
        tags = _tags(page.text)
        assert not [t for t in tags if t[0] == "img"], path  # the hostile <img> is text, not an element
        assert not [(t, a) for t, attrs in tags for a, _ in attrs if a.startswith("on")], path


def test_two_editors_conflicting_edits_one_applied_one_notice(served, conn):
    anne, bruno = login(served, EDITOR), login(served, EDITOR2)
    key = verdict_key(conn)
    page_a, page_b = anne.get(f"/entree/{key}").text, bruno.get(f"/entree/{key}").text
    first = anne.post(f"/entree/{key}/corriger", data=form_of(page_a, key, "rekind") | {"kind": "sentence"})
    assert first.status_code == 303
    second = bruno.post(f"/entree/{key}/corriger", data=form_of(page_b, key, "rekind") | {"kind": "appeal"})
    assert second.status_code == 409
    assert "Anne Éditrice a fait entre-temps une autre correction" in second.text and "condamnation" in second.text
    row = conn.execute("SELECT kind, version FROM happenings WHERE key = %s", (key,)).fetchone()
    assert row["kind"] == "sentence" and row["version"] == 1
    assert [r["author_email"] for r in conn.execute("SELECT author_email FROM corrections")] == [EDITOR]


def test_the_digests_unsubscribe_link_is_answered(served, conn):
    from reports.digest.subscribers import add

    sub = add(conn, "lectrice@exemple.fr", "coco").subscriber
    client = served.client()
    ask = client.get(f"/desabonnement/{sub['token']}")
    assert ask.status_code == 200 and "Me désabonner" in ask.text
    assert conn.execute("SELECT unsubscribed_at FROM subscribers").fetchone()["unsubscribed_at"] is None
    # RFC 8058 one-click: a POST with List-Unsubscribe=One-Click, no cookie, no token of a form.
    done = client.post(f"/desabonnement/{sub['token']}", data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "C’est fait" in done.text
    assert conn.execute("SELECT unsubscribed_at FROM subscribers").fetchone()["unsubscribed_at"] is not None
    again = client.post(f"/desabonnement/{sub['token']}")
    assert again.status_code == 404 and "Rien n’a été changé" in again.text
    assert client.get("/desabonnement/inconnu").status_code == 404
