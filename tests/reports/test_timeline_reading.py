"""How the reports read happenings (a COPY stream of JSON lines), find minors' names in them, and
publish files: what reaches the reader is exactly what is stored, and nothing is lost on the way."""

from __future__ import annotations

import random
import re
import threading
from datetime import date, timedelta

import psycopg
import pytest

from cases.grouping import recompute_cases
from reports import queries
from reports.minors import Redactor
from reports.timeline.page import write_timeline
from reports.timeline.publish import publish, temporary
from tests.reports.timeline_builder import Facts
from veille.config import load_config
from veille.db import sync_config

# Strings COPY's text format and JSON each escape in their own way.
AWKWARD = [
    "back\\slash \\N and \\\\ two",
    'say "hi" \\"',
    "tab\there",
    "line\nbreak\r\n",
    "emoji 🙂 and \u2028",
    "ctrl\x01\x1f",
    "<script>alert('x')</script>",
    "guillemets « » et apostrophe ’",
]


def _stored(conn, texts: list[str]) -> None:
    facts = Facts(conn)
    facts.source("lequotidien", "Le Quotidien \\ « sud »")
    for i, text in enumerate(texts):
        day = date(2024, 1, 1) + timedelta(days=3 * i)
        evidence = f"À Lille, le {day.day} {day.month}, l'audience s'est tenue : {text}"
        doc = facts.document(f"Titre {i} : {text}", evidence, f"{day.isoformat()}T20:00:00+01:00")
        facts.event(
            doc,
            day.isoformat(),
            "hearing",
            evidence,
            summary=f"Audience : {text}",
            places=("Lille",),
            people=(f"Personne {text}",),
        )
    sync_config(conn, load_config())
    recompute_cases(conn, load_config())


def test_awkward_strings_come_back_exactly_as_stored(conn):
    _stored(conn, AWKWARD)
    found = queries.happenings(conn, "coco")
    stored = conn.execute("""SELECT d.title, e.evidence FROM events e JOIN documents d ON d.id = e.document_id
                              ORDER BY e.event_date""").fetchall()
    assert [h.sources[0].title for h in found] == [r["title"] for r in stored]
    assert [h.sources[0].evidence for h in found] == [r["evidence"] for r in stored]
    assert {h.sources[0].outlet for h in found} == {"Le Quotidien \\ « sud »"}
    assert sorted(p for h in found for p in h.people) == sorted(f"Personne {t}" for t in AWKWARD)


def test_stopping_early_cancels_the_stream_and_leaves_the_connection_usable(conn):
    _stored(conn, [f"numéro {i}" for i in range(30)])
    stream = queries.HappeningLines(conn, "coco", batch=5, ahead=1)
    first = next(iter(stream))
    assert len(first) == 5
    stream.close()
    assert conn.execute("SELECT count(*) AS n FROM happenings WHERE current").fetchone()["n"] == 30
    assert len(queries.happenings(conn, "coco")) == 30  # and the next reading starts afresh


def test_a_failing_query_is_raised_to_the_reader(conn):
    stream = queries.HappeningLines(conn, "coco", kinds=("hearing",))
    conn.execute("SELECT 1")  # the reading thread owns the connection; this waits its turn
    assert list(stream) == []
    with psycopg.connect(conn.info.dsn) as other:
        other.execute("ALTER TABLE happenings RENAME TO happenings_old")
        other.commit()
    with pytest.raises(psycopg.errors.UndefinedTable):
        list(queries.HappeningLines(conn, "coco"))


NAMES = ["Lina Duquesne", "Inès Carpentier", "Kévin Sassi", "Zoé", "Ìsïs", "Noah N'Diaye"]


def _casings(name: str, rng: random.Random) -> list[str]:
    """Ways a text may write ``name`` that the redaction pattern matches (it ignores case)."""
    exotic = {"s": "ſ", "S": "ſ", "k": "\u212a", "K": "\u212a", "i": "ı", "I": "ı"}  # long s, Kelvin, dotless i
    out = [name, name.upper(), name.lower(), name.title()]
    out.append("".join(c.upper() if rng.random() < 0.5 else c.lower() for c in name))
    out.append("".join(exotic.get(c, c) for c in name))
    return out


def test_the_quick_minor_check_never_misses_a_name_the_redaction_would_replace():
    redactor = Redactor(NAMES)
    rng = random.Random(3)
    for name in NAMES:
        for written in _casings(name, rng):
            text = f'["Le témoin", "{written}, 14 ans, a été entendue", "Lille"]'
            assert "[mineur]" in redactor.text(text), written  # the redaction replaces it…
            assert redactor.may_name(text.encode()), written  # …so the quick check must let it through
    plain = [f'["À Lille, le {d} mars, l\'audience s\'est tenue.", "Le Quotidien"]' for d in range(1, 29)]
    assert all(redactor.may_name(t.encode()) for t in plain)  # « Ìsïs » has no plain ASCII run to look for
    usual = Redactor([n for n in NAMES if n != "Ìsïs"])
    assert not any(usual.may_name(t.encode()) for t in plain)  # the usual line costs no full check
    assert not Redactor([]).may_name(b"Lina Duquesne")


def test_publishing_swaps_each_file_whole(tmp_path):
    for name, old in (("index.html", b"ancienne page"), ("events.csv", b"ancien tableau")):
        (tmp_path / name).write_bytes(old)
    reader = (tmp_path / "index.html").open("rb")  # a web server in the middle of sending the old page
    temporary(tmp_path / "index.html").write_bytes(b"nouvelle page")
    temporary(tmp_path / "events.csv").write_bytes(b"nouveau tableau")
    temporary(tmp_path / "events.json").write_bytes(b"{}")  # no previous version
    publish(tmp_path, ["index.html", "events.csv", "events.json"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.csv", "events.json", "index.html"]
    assert (tmp_path / "index.html").read_bytes() == b"nouvelle page"
    assert (tmp_path / "events.csv").read_bytes() == b"nouveau tableau"
    assert reader.read() == b"ancienne page"
    reader.close()


def test_publishing_never_shows_a_missing_page(tmp_path):
    page = tmp_path / "index.html"
    page.write_bytes(b"version 0")
    seen: set[bytes] = set()
    missing = []
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            try:
                seen.add(page.read_bytes())
            except FileNotFoundError:
                missing.append(1)

    watcher = threading.Thread(target=watch)
    watcher.start()
    for i in range(1, 200):
        temporary(page).write_bytes(f"version {i}".encode())
        publish(tmp_path, ["index.html"])
    done.set()
    watcher.join()
    assert not missing and page.read_bytes() == b"version 199"
    assert seen <= {f"version {i}".encode() for i in range(200)}


@pytest.fixture
def gold_timeline(conn, tmp_path):
    """The gold corpus with its cases, and a timeline already published from it."""
    from tests.reports.timeline_builder import load_gold_corpus

    load_gold_corpus(conn, with_minor=True)
    sync_config(conn, load_config())
    recompute_cases(conn, load_config())
    out = tmp_path / "chronologie"
    write_timeline(conn, load_config(), "coco", out)
    return out, {p.name: p.read_bytes() for p in out.iterdir()}


def test_a_failure_midway_leaves_the_published_timeline_as_it_was(conn, gold_timeline):
    out, before = gold_timeline
    (out / "index.html.tmp").mkdir()  # the page cannot be written, after the calendar and the exports began
    with pytest.raises(OSError):
        write_timeline(conn, load_config(), "coco", out)
    (out / "index.html.tmp").rmdir()
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # no half-written or temporary file
    assert conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE  # its transaction rolled back


def test_the_timeline_is_read_in_one_transaction_its_own_or_the_callers(conn, gold_timeline):
    out, before = gold_timeline
    write_timeline(conn, load_config(), "coco", out)  # autocommit: a transaction of its own
    assert conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    assert _entries(out) == _entries_of(before) > 20
    with conn.transaction():  # inside the caller's transaction: read there, through a savepoint
        conn.execute("SELECT 1")
        write_timeline(conn, load_config(), "coco", out)
        assert conn.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS
    assert _entries(out) == _entries_of(before)


def _entries_of(files: dict[str, bytes]) -> int:
    return len(re.findall(rb'<article class="entry', files["index.html"]))


def _entries(out) -> int:
    return _entries_of({"index.html": (out / "index.html").read_bytes()})


def test_each_filter_of_the_happenings_query_keeps_what_it_says(conn):
    """The read query is fixed text whose filters are null or not: each one, alone and together."""
    _stored(conn, [f"numéro {i}" for i in range(12)])  # hearings every three days from 2024-01-01
    conn.execute("UPDATE happenings SET kind = 'verdict' WHERE event_date >= '2024-01-19'")
    everything = queries.happenings(conn, "coco")
    assert len(everything) == 12
    published = {h.key: h.sources[0].published_at for h in everything}
    day = {h.key: h.date for h in everything}

    def keys(**filters):
        return [h.key for h in queries.happenings(conn, "coco", **filters)]

    since, until = published[everything[3].key], published[everything[7].key]
    assert keys(since=since) == [k for k in day if published[k] >= since]
    assert keys(until=until) == [k for k in day if published[k] < until]
    assert keys(since=since, until=until) == [h.key for h in everything[3:7]]
    assert keys(as_of=until) == [k for k in day if published[k] <= until]
    assert keys(kinds=("verdict",)) == [k for k in day if day[k] >= date(2024, 1, 19)]
    assert keys(kinds=("verdict", "hearing")) == list(day)
    assert keys(first=date(2024, 1, 10)) == [k for k in day if day[k] >= date(2024, 1, 10)]
    assert keys(last=date(2024, 1, 10)) == [k for k in day if day[k] <= date(2024, 1, 10)]
    assert keys(kinds=("hearing",), first=date(2024, 1, 7), last=date(2024, 1, 30), since=since) == [
        k for k in day if date(2024, 1, 7) <= day[k] < date(2024, 1, 19) and published[k] >= since
    ]
    assert keys(since=until, until=since) == []


def test_null_filters_cost_the_timeline_nothing(conn):
    """COPY binds the parameters in the text, so a null filter is a constant the planner drops: the
    timeline's plan is the one of a query without it, in the order of ``happenings_timeline_idx``."""
    _stored(conn, [f"numéro {i}" for i in range(5)])
    text = psycopg.ClientCursor(conn).mogrify(queries.QUERIES["happenings"], queries.happenings_params("coco"))
    conn.execute("SET enable_seqscan = off")  # tiny tables: make the planner show it can use the index
    conn.execute("SET enable_sort = off")
    plan = "\n".join(r["QUERY PLAN"] for r in conn.execute("EXPLAIN " + text).fetchall())
    assert "happenings_timeline_idx" in plan
    assert "IS NULL" not in plan and "published_at <=" not in plan and "ANY" not in plan, plan
