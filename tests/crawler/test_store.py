"""``store_page``: the same stages and storage for any page, whatever fetched it
(the WARC importer and the Wayback source use it too)."""

import json
from datetime import UTC, datetime
from html import escape

import pytest

from crawler.ingest import store_page
from samples.corpus import load_articles
from veille.config import load_config
from veille.db import sync_config

CONFIG = load_config()
DOSSIERS = list(CONFIG.dossiers.values())
ARTICLES = load_articles()
WIRE = sorted([a for a in ARTICLES if a.wire == "afn-fermeture-coco"], key=lambda a: a.published)
NOW = datetime(2025, 12, 1, 11, 0, tzinfo=UTC)


def page(title, paragraphs, published="2024-06-25T12:00:00+02:00", extra_head=""):
    meta = json.dumps(
        {"@context": "https://schema.org", "@type": "NewsArticle", "headline": title, "datePublished": published},
        ensure_ascii=False,
    )
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f'<html lang="fr"><head><title>{escape(title)}</title>{extra_head}'
        f'<script type="application/ld+json">{meta}</script></head>'
        f"<body><article><h1>{escape(title)}</h1>{body}</article></body></html>"
    ).encode()


def store(conn, url, body, headers=None, policy="metadata_only"):
    return store_page(
        conn,
        url=url,
        body=body,
        headers=headers or {"Content-Type": "text/html; charset=utf-8"},
        fetched_at=NOW,
        provenance={"via": "test"},
        dossiers=DOSSIERS,
        tdm_policy=policy,
    )


@pytest.fixture
def db(conn):
    sync_config(conn, CONFIG)
    return conn


ON = [
    "Le site de tchat coco.gg a été fermé mardi par la justice, a annoncé le parquet de Paris.",
    "Une enquête avait été ouverte en décembre pour fourniture d'une plateforme illicite.",
]


def test_storing_the_same_page_twice_keeps_one_document(db):
    first = store(db, "https://ex.fr/a?utm_source=rss", page("La justice fait fermer coco.gg", ON))
    again = store(db, "https://ex.fr/a?utm_source=rss", page("La justice fait fermer coco.gg", ON))
    assert (first.outcome, again.outcome) == ("stored", "unchanged")
    assert first.document_id == again.document_id
    assert db.execute("SELECT count(*) AS n FROM documents").fetchone()["n"] == 1
    row = db.execute("SELECT canonical_url, published_at FROM documents").fetchone()
    assert row["canonical_url"] == "https://ex.fr/a"
    assert row["published_at"] == datetime(2024, 6, 25, 10, 0, tzinfo=UTC)
    decision = db.execute("SELECT score, reason FROM document_dossiers").fetchone()
    assert "coco.gg" in decision["reason"] and decision["score"] > 0.5


def test_an_updated_article_keeps_its_previous_version(db):
    store(db, "https://ex.fr/b", page("Coco.gg fermé", ON))
    changed = page(
        "Coco.gg fermé",
        ON + ["Mise à jour : le fondateur a été interpellé."],
        extra_head='<meta property="article:modified_time" content="2024-06-26T09:00:00+02:00">',
    )
    assert store(db, "https://ex.fr/b", changed).outcome == "updated"
    doc = db.execute("SELECT id, text, modified_at FROM documents").fetchone()
    assert "interpellé" in doc["text"] and doc["modified_at"] == datetime(2024, 6, 26, 7, 0, tzinfo=UTC)
    old = db.execute("SELECT text FROM document_versions WHERE document_id = %s", (doc["id"],)).fetchall()
    assert len(old) == 1 and "interpellé" not in old[0]["text"]


def test_an_off_subject_page_is_counted_with_its_reason_not_stored(db):
    outcome = store(
        db,
        "https://ex.fr/chanel",
        page(
            "Coco Chanel à Saumur",
            ["Une exposition consacrée à Coco Chanel ouvre à Saumur, où naquit la couturière en 1883."] * 3,
        ),
    )
    assert outcome.outcome == "off_subject" and outcome.document_id is None
    assert db.execute("SELECT count(*) AS n FROM documents").fetchone()["n"] == 0
    row = db.execute("SELECT outcome, reason FROM crawl_urls WHERE url = 'https://ex.fr/chanel'").fetchone()
    assert row["outcome"] == "off_subject" and "Coco Chanel" in row["reason"]


@pytest.mark.parametrize(
    "policy,stored,withheld", [("metadata_only", True, True), ("ignore", True, False), ("skip", False, None)]
)
def test_tdm_reservation_policies(db, policy, stored, withheld):
    long_text = ON + [
        f"Paragraphe {i} : du contexte sans rapport direct avec le dossier, assez long pour compter. " * 3
        for i in range(6)
    ]
    body = page("Fermeture de coco.gg", long_text)
    outcome = store(db, "https://ex.fr/tdm", body, {"Content-Type": "text/html", "tdm-reservation": "1"}, policy)
    row = db.execute("SELECT text, raw_html, text_withheld, tdm_reserved, tdm_policy FROM documents").fetchone()
    if not stored:
        assert outcome.outcome == "tdm" and row is None
        return
    assert row["tdm_reserved"] and row["tdm_policy"] == policy and row["text_withheld"] is withheld
    if withheld:
        assert row["raw_html"] is None and "coco.gg a été fermé" in row["text"] and len(row["text"]) < 600
    else:
        assert row["raw_html"] is not None and len(row["text"]) > 1000


def test_wire_copies_point_to_the_earliest_even_when_stored_last(db):
    for article in reversed(WIRE):  # latest first: the canonical copy arrives last
        body = page(
            article.title, article.paragraphs and [article.summary] + article.paragraphs, article.published.isoformat()
        )
        store(db, f"https://{article.outlet}.example/{article.slug}", body)
    rows = db.execute("SELECT id, canonical_url, duplicate_of FROM documents ORDER BY published_at").fetchall()
    assert len(rows) == 6
    assert rows[0]["duplicate_of"] is None and all(r["duplicate_of"] == rows[0]["id"] for r in rows[1:])
    story = db.execute("SELECT copies, outlets FROM story_outlets WHERE copies > 1").fetchall()
    assert len(story) == 1 and story[0]["copies"] == 6


def _store_article(db, article):
    body = page(article.title, [article.summary] + article.paragraphs, article.published.isoformat())
    return store(db, f"https://{article.outlet}.example/{article.slug}", body)


def test_different_articles_on_the_same_affair_are_different_stories(db):
    # Every article on Coco but the dispatch's copies, and one of these: no two are one story.
    for article in [a for a in ARTICLES if a.topic == "coco" and a.wire != "afn-fermeture-coco"] + WIRE[:1]:
        _store_article(db, article)
    counts = db.execute("SELECT count(*) AS n, count(duplicate_of) AS copies FROM documents").fetchone()
    assert counts["n"] > 20 and counts["copies"] == 0


def test_batched_writes_commit_together_and_a_failing_one_fails_alone(db, db_url):
    """The crawl's writer stores what arrives meanwhile in one transaction; a write that fails
    takes none of the others with it."""
    import asyncio
    import threading

    import psycopg

    from crawler.store import record_url
    from crawler.workers import Workers

    release = threading.Event()

    def hold(conn, *, in_batch=False):  # keeps the writer busy while the next writes queue up
        release.wait(10)

    def row(url, kind="page"):
        return dict(
            url=url,
            source_id=None,
            kind=kind,
            status=200,
            outcome="off_subject",
            reason="test",
            error_kind=None,
            etag=None,
            last_modified=None,
            run_id=None,
        )

    def queued_while_busy(rows: list[dict]) -> list:
        """The rows written while the writer is busy: they arrive together."""
        workers = Workers(db_url, cpu_workers=0)
        release.clear()

        async def crawl():
            held = asyncio.ensure_future(workers.write(hold))
            await asyncio.sleep(0.1)
            # Submitted while the writer is held (a coroutine not yet awaited submits nothing): they
            # must all be queued before it is released, or the first may make a batch of its own.
            writes = [asyncio.ensure_future(workers.write(record_url, **r)) for r in rows]
            await asyncio.sleep(0.1)
            release.set()
            await held
            return await asyncio.gather(*writes, return_exceptions=True)

        try:
            return asyncio.run(crawl())
        finally:
            workers.close()

    assert queued_while_busy([row(f"https://a.example/{i}") for i in range(4)]) == [None] * 4
    # one transaction for the four (the rows share the inserting transaction's id)
    assert db.execute("SELECT count(DISTINCT xmin::text) AS n FROM crawl_urls").fetchone()["n"] == 1

    rows = [row(f"https://b.example/{i}") for i in range(5)]
    rows.insert(2, row("https://b.example/bad", kind="nonsense"))
    results = queued_while_busy(rows)
    assert [type(r).__name__ for r in results] == ["NoneType"] * 2 + ["CheckViolation"] + ["NoneType"] * 3
    assert isinstance(results[2], psycopg.errors.CheckViolation)
    stored = {r["url"] for r in db.execute("SELECT url FROM crawl_urls WHERE url LIKE 'https://b.%'")}
    assert stored == {f"https://b.example/{i}" for i in range(5)}
