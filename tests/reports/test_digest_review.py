"""The weekly digest follows `[reports] publish`: approved entries only, or every one with the
unapproved marked « non vérifié »; and its unsubscribe link defaults to `veille serve`'s address."""

from __future__ import annotations

import pytest

from cases.grouping import ensure_cases_current, recompute_cases
from reports.digest.content import build_digest, render_text
from reports.digest.weeks import parse_week
from reports.mail.message import unsubscribe_link
from tests.reports.timeline_builder import load_gold_corpus
from veille import corrections
from veille.config import load_config
from veille.db import sync_config

WEEK = "2024-W51"  # the Mazan verdict, 19 December 2024


def _config(tmp_path, text: str):
    path = tmp_path / "veille.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


@pytest.mark.slow
def test_digest_publishes_what_editors_approved(conn, tmp_path):
    load_gold_corpus(conn)
    auto = load_config()
    sync_config(conn, auto)
    recompute_cases(conn, auto)
    week = parse_week(WEEK)
    before = render_text(build_digest(conn, auto, "coco", week))
    assert "Verdict" in before and "non vérifié" not in before  # nobody reviewed: as it always was
    verdict = conn.execute(
        "SELECT key FROM happenings WHERE current AND case_slug = 'mazan' AND kind = 'verdict' AND event_date = '2024-12-19'"
    ).fetchone()["key"]
    corrections.correct_entry(
        conn, verdict, "reheadline", corrections.Author("a@b.fr", "Anne"), {"summary": "Vingt ans pour Pelicot"}
    )
    ensure_cases_current(conn, auto)
    unapproved = render_text(build_digest(conn, auto, "coco", week))
    assert "Vingt ans pour Pelicot" in unapproved  # still nobody approved anything: everything goes
    anne = corrections.Author("a@b.fr", "Anne")
    other = conn.execute(
        "SELECT key FROM happenings WHERE current AND NOT context AND case_slug = 'grande-synthe' ORDER BY key LIMIT 1"
    ).fetchone()["key"]
    corrections.approve(conn, other, anne)  # an editor has reviewed: from now on only approved entries go out
    ensure_cases_current(conn, auto)
    assert "Vingt ans pour Pelicot" not in render_text(build_digest(conn, auto, "coco", week))
    approval = corrections.approve(conn, verdict, anne)
    ensure_cases_current(conn, auto)
    approved = render_text(build_digest(conn, auto, "coco", week))
    assert "Verdict, 19 décembre 2024 : Vingt ans pour Pelicot" in approved and "non vérifié" not in approved
    every = _config(tmp_path, '[reports]\npublish = "all"\n')
    assert "(non vérifié)" not in render_text(build_digest(conn, every, "coco", week))
    corrections.undo(conn, approval["id"], anne)
    ensure_cases_current(conn, auto)
    marked = render_text(build_digest(conn, every, "coco", week))
    assert "Verdict, 19 décembre 2024 : Vingt ans pour Pelicot (non vérifié)" in marked


def test_unsubscribe_link_defaults_to_the_servers_public_url(tmp_path):
    config = _config(tmp_path, '[server]\npublic_url = "https://veille.exemple.fr/"\n')
    assert unsubscribe_link(config, "abc") == "https://veille.exemple.fr/desabonnement/abc"
    given = _config(
        tmp_path,
        '[server]\npublic_url = "https://veille.exemple.fr"\n[reports]\nunsubscribe_url = "https://x.fr/d?t={token}"\n',
    )
    assert unsubscribe_link(given, "abc") == "https://x.fr/d?t=abc"
