"""`veille demo`, what `make demo` runs: the whole pipeline on the sample mini-web, offline,
on its own embedded PostgreSQL.

Run twice, as a user re-running `make demo` would: the second run starts again from an
empty database and gives the same timeline."""

from __future__ import annotations

import json
import re
import shutil
from email import message_from_bytes, policy

import pytest
from icalendar import Calendar

from tests.conftest import run_veille, server_folder

pytestmark = pytest.mark.slow

ENTRY = re.compile(r'<article class="entry[^"]*" id="([^"]+)"')


def demo(out):
    # No DATABASE_URL: the demo's own embedded server, with its data under --out.
    result = run_veille("demo", "--out", str(out), env={"DATABASE_URL": "", "VEILLE_DATA_DIR": ""}, timeout=1200)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


@pytest.fixture
def out():
    """The demo's folder, its embedded server's data in it (see ``tests.conftest.server_folder``)."""
    folder = server_folder("veille-demo-test-")
    yield folder / "demo"
    shutil.rmtree(folder, ignore_errors=True)


def test_the_demo_runs_end_to_end_and_can_be_run_again(out):
    first = demo(out)
    assert "Terminé en" in first.stdout and "chronologie" in first.stdout
    assert (out / "data").is_dir()
    collected = re.search(r"(\d+) nouveaux documents", first.stdout)
    assert collected and int(collected.group(1)) >= 70
    analysed = re.search(r"Analyse terminée en \d+ s : (\d+) document\(s\) analysé\(s\), (\d+) événement", first.stdout)
    assert analysed and int(analysed.group(1)) >= 70 and int(analysed.group(2)) >= 200
    assert "non français laissé(s) de côté" in first.stdout  # the sample's Spanish article
    page = (out / "timeline" / "index.html").read_text(encoding="utf-8")
    entries = ENTRY.findall(page)
    assert len(entries) >= 50 and '<html lang="fr"' in page
    for export in ("timeline.json", "events.csv", "events.json", "audiences.ics"):
        assert (out / "timeline" / export).stat().st_size > 0, export
    mails = sorted((out / "digests").glob("*.eml"))
    assert len(mails) == 2
    message = message_from_bytes(mails[0].read_bytes(), policy=policy.default)
    assert message["To"].addresses[0].addr_spec.endswith("-demo@example.org")
    assert "désabonn" in message.get_body(("plain",)).get_content().lower()
    # Every feature shows: hearings ahead (the timeline is as of the sample's last announcement), in
    # the page and in the calendar; a note and a line on keeping the mini-web up for the links; the
    # sample's decisions linked to the sample; the digests' link to the timeline.
    ahead = page.split('id="a-venir-titre"')[1].split('id="affaires-titre"')[0]
    assert "Les viols de Mazan" in ahead and "Aucune audience" not in ahead
    assert "état du dossier au" in page
    assert Calendar.from_ical((out / "timeline" / "audiences.ics").read_bytes()).walk("VEVENT")
    assert "veille demo --serve" in page and "veille demo --serve" in first.stdout
    events = json.loads((out / "timeline" / "events.json").read_text(encoding="utf-8"))
    links = {s["url"] for h in events["happenings"] for s in h["sources"]}
    decisions = {u for u in links if "/decision/" in u}
    assert decisions and all(u.startswith("http://127.0.0.1:") for u in decisions)
    assert not any("courdecassation.fr" in u for u in links)
    timeline_link = (out / "timeline" / "index.html").resolve().as_uri()
    assert f"Chronologie complète du dossier : {timeline_link}" in message.get_body(("plain",)).get_content()

    second = demo(out)
    assert re.search(r"(\d+) nouveaux documents", second.stdout).group(1) == collected.group(1)
    # The same entries (within a day, their order follows the crawl's, which concurrency varies).
    assert sorted(ENTRY.findall((out / "timeline" / "index.html").read_text("utf-8"))) == sorted(entries)
    assert len(list((out / "digests").glob("*.eml"))) == 2


def test_the_demo_never_writes_into_a_database_that_holds_documents(veille, conn, tmp_path):
    conn.execute(
        "INSERT INTO documents (canonical_url, url, text) VALUES ('https://exemple.fr/a', "
        "'https://exemple.fr/a', 'Un article.')"
    )
    result = veille("demo", "--out", str(tmp_path / "demo"))
    assert result.returncode != 0
    assert "contient déjà 1 document(s)" in result.stderr and "sans DATABASE_URL" in result.stderr
    assert conn.execute("SELECT count(*) AS n FROM documents").fetchone()["n"] == 1
