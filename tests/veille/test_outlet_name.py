"""The name an outlet goes by is defined once, as the SQL function veille_outlet_name
(migrations/0013_outlet_name.sql), which the reports' queries and the researchers' views call."""

import re

from tests.conftest import ROOT

# The rule written out instead of called: a coalesce over the source's name.
WRITTEN_OUT = re.compile(r"coalesce\(\s*s\.name\s*,\s*d\.site_name", re.IGNORECASE)


def test_the_outlet_is_the_source_then_the_page_then_the_source_id(conn):
    name = "SELECT veille_outlet_name(%s, %s, %s) AS n"
    assert conn.execute(name, ("Le Quotidien", "LQ", "lequotidien")).fetchone()["n"] == "Le Quotidien"
    assert conn.execute(name, (None, "LQ", "lequotidien")).fetchone()["n"] == "LQ"
    assert conn.execute(name, (None, None, "lequotidien")).fetchone()["n"] == "lequotidien"
    assert conn.execute(name, (None, None, None)).fetchone()["n"] == ""


def test_the_views_name_the_outlet_as_the_reports_do(conn):
    conn.execute("INSERT INTO sources (id, name, kind, urls) VALUES ('lq', 'Le Quotidien', 'feed', '{}')")
    conn.execute("""INSERT INTO documents (canonical_url, url, source_id, title, site_name, text, fetched_at)
                    VALUES ('https://lq.example/a', 'https://lq.example/a', 'lq', 'A', 'LQ', 'x', now()),
                           ('https://ailleurs.example/b', 'https://ailleurs.example/b', NULL, 'B', 'Ailleurs', 'y', now())""")
    facts = conn.execute("SELECT title, outlet FROM document_facts ORDER BY title").fetchall()
    assert [(r["title"], r["outlet"]) for r in facts] == [("A", "Le Quotidien"), ("B", "Ailleurs")]
    stories = conn.execute("SELECT outlets FROM story_outlets ORDER BY title").fetchall()
    assert [r["outlets"] for r in stories] == [["Le Quotidien"], ["Ailleurs"]]


def test_no_query_writes_the_rule_out():
    # 0002 wrote story_outlets before the function existed; 0013 replaces that view.
    files = [p for p in ROOT.glob("**/*.sql") if ".venv" not in p.parts and p.name != "0002_crawler.sql"]
    assert files and [str(p.relative_to(ROOT)) for p in files if WRITTEN_OUT.search(p.read_text())] == []
