"""Stored facts for the cases and timeline tests, written straight into a migrated database.

The NLP stage fills ``entities``, ``mentions``, ``charges`` and ``events``; these tests check
the stages that read them, so they write such rows themselves: by hand (:class:`Facts`), or
from the sample corpus's gold annotations (:func:`load_gold_corpus`), which gives the facts
a perfect NLP stage would store for 35 articles (and their wire republications).
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, datetime
from zoneinfo import ZoneInfo

import psycopg
from psycopg.types.json import Jsonb

PARIS = ZoneInfo("Europe/Paris")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def _key(text: str) -> str:
    import unicodedata

    d = unicodedata.normalize("NFKD", text)
    return _NON_WORD.sub(" ", "".join(c for c in d if not unicodedata.combining(c)).lower()).strip()


class Facts:
    """Writes sources, documents, entities, mentions, charges and events like the crawler and NLP would."""

    def __init__(self, conn: psycopg.Connection, dossier: str = "coco", dossier_title: str = "Le site Coco"):
        self.conn = conn
        self.dossier = dossier
        self._urls = 0
        conn.execute(
            """INSERT INTO dossiers (slug, title, terms) VALUES (%s, %s, %s)
                        ON CONFLICT (slug) DO NOTHING""",
            (dossier, dossier_title, ["coco.gg", "site Coco"]),
        )

    def source(self, source_id: str, name: str) -> str:
        self.conn.execute(
            """INSERT INTO sources (id, name, kind, urls) VALUES (%s, %s, 'feed', %s)
                             ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name""",
            (source_id, name, [f"https://{source_id}.example/rss.xml"]),
        )
        return source_id

    def document(
        self,
        title: str,
        text: str,
        published: datetime | str,
        source: str = "lequotidien",
        url: str | None = None,
        duplicate_of: int | None = None,
        dossiers: tuple[str, ...] | None = None,
    ) -> int:
        if isinstance(published, str):
            published = datetime.fromisoformat(published)
        if published.tzinfo is None:
            published = published.replace(tzinfo=PARIS)
        self._urls += 1
        url = url or f"https://{source}.example/article-{self._urls}.html"
        row = self.conn.execute(
            """INSERT INTO documents (canonical_url, url, source_id, title, published_at, text, duplicate_of, lang)
               VALUES (%s, %s, %s, %s, %s, %s, %s, 'fr') RETURNING id""",
            (url, url, source, title, published, text, duplicate_of),
        ).fetchone()
        doc_id = row["id"]
        for slug in dossiers if dossiers is not None else (self.dossier,):
            self.conn.execute(
                """INSERT INTO document_dossiers (document_id, dossier_slug, score, reason)
                                 VALUES (%s, %s, 1, 'test')""",
                (doc_id, slug),
            )
        return doc_id

    def _text(self, doc: int) -> str:
        return self.conn.execute("SELECT text FROM documents WHERE id = %s", (doc,)).fetchone()["text"]

    def event(
        self,
        doc: int,
        when: str,
        kind: str,
        evidence: str,
        summary: str | None = None,
        places: tuple[str, ...] = (),
        people: tuple[str, ...] = (),
        charges: tuple[str, ...] = (),
        upcoming: bool = False,
        date_end: date | None = None,
    ) -> int:
        """``when``: 2024-04-25, 2024-04 or 2024 (the precision follows)."""
        parts = when.split("-")
        precision = ("year", "month", "day")[len(parts) - 1]
        day = date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, int(parts[2]) if len(parts) > 2 else 1)
        text = self._text(doc)
        start = text.find(evidence)
        assert start >= 0, f"evidence not in document {doc}: {evidence!r}"
        row = self.conn.execute(
            """INSERT INTO events (document_id, event_date, precision, date_end, kind, summary, upcoming, places,
                                   people, charges, evidence, evidence_start, evidence_end)
               VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id""",
            (
                doc,
                day,
                precision,
                date_end,
                kind,
                summary or evidence[:90],
                upcoming,
                list(places),
                list(people),
                list(charges),
                evidence,
                start,
                start + len(evidence),
            ),
        ).fetchone()
        return row["id"]

    def entity(self, label: str, canonical: str, minor: bool = False, org_kind: str | None = None) -> int:
        row = self.conn.execute(
            """INSERT INTO entities (label, canonical, key, minor, org_kind) VALUES (%s, %s, %s, %s, %s)
               ON CONFLICT (label, key) DO UPDATE SET minor = entities.minor OR EXCLUDED.minor
               RETURNING id""",
            (label, canonical, _key(canonical), minor, org_kind),
        ).fetchone()
        return row["id"]

    def mention(
        self,
        doc: int,
        words: str,
        label: str,
        canonical: str | None = None,
        role: str | None = None,
        minor: bool = False,
        org_kind: str | None = None,
        every: bool = True,
    ) -> int:
        """Mentions of ``words`` in the document (every occurrence), inside their sentence."""
        entity = self.entity(label, canonical or words, minor=minor, org_kind=org_kind)
        text = self._text(doc)
        found = 0
        for m in re.finditer(re.escape(words), text):
            s, e = m.start(), m.end()
            sent_start = max(
                text.rfind(". ", 0, s) + 2 if text.rfind(". ", 0, s) >= 0 else 0, text.rfind("\n", 0, s) + 1
            )
            sent_end_candidates = [i for i in (text.find(". ", e), text.find("\n", e)) if i >= 0]
            sent_end = min(sent_end_candidates) + 1 if sent_end_candidates else len(text)
            self.conn.execute(
                """INSERT INTO mentions (document_id, entity_id, start_char, end_char, text, role, minor,
                                         sentence_start, sentence_end) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)""",
                (doc, entity, s, e, words, role, minor, sent_start, sent_end),
            )
            found += 1
            if not every:
                break
        assert found, f"{words!r} not in document {doc}"
        return entity

    def charge(self, doc: int, canonical: str) -> None:
        text = self._text(doc)
        self.conn.execute(
            """INSERT INTO charges (document_id, canonical, lemma, category, text, start_char, end_char, sentence_start,
                                    sentence_end) VALUES (%s, %s, %s, 'test', %s, 0, 1, 0, 1)""",
            (doc, canonical, canonical, text[:1] or "x"),
        )


def _within(text: str, name: str) -> bool:
    return f" {_key(name)} " in f" {_key(text)} "


def load_gold_corpus(conn: psycopg.Connection, with_minor: bool = False) -> dict[str, int]:
    """The 35 gold-annotated sample articles (and the wire copies of the one dispatch among them), stored as
    a perfect NLP stage would store them. Returns {"outlet/slug": document id}."""
    from samples.corpus import load_articles, load_gold, load_outlets

    facts = Facts(conn, "coco", "Le site Coco (coco.fr, coco.gg)")
    for outlet in load_outlets().values():
        facts.source(outlet.id, outlet.name)
    articles = {a.key: a for a in load_articles()}
    golds = {g.key: g for g in load_gold()}
    wires: dict[str, list] = defaultdict(list)
    for a in articles.values():
        if a.wire:
            wires[a.wire].append(a)
    chosen = [articles[k] for k in golds]
    for group in wires.values():  # the republications of a gold-annotated dispatch come along
        if any(a.key in golds for a in group):
            chosen += [a for a in group if a.key not in golds]
    ids: dict[str, int] = {}
    canonical_of: dict[str, int] = {}
    for a in sorted(chosen, key=lambda a: a.published):
        dup = canonical_of.get(a.wire) if a.wire else None
        ids[a.key] = facts.document(
            a.title, a.text, a.published, source=a.outlet, url=f"https://{a.outlet}.example/{a.slug}", duplicate_of=dup
        )
        if a.wire and dup is None:
            canonical_of[a.wire] = ids[a.key]
    for key, doc in ids.items():
        a = articles[key]
        gold = golds.get(key) or next(golds[b.key] for b in wires[a.wire] if b.key in golds)
        text = a.text
        people = [p for p in gold.people if p.name in text]
        for p in people:
            facts.mention(doc, p.name, "PER", role=p.role or None, minor=p.minor)
        for pl in gold.places:
            if pl.name in text:
                facts.mention(doc, pl.name, "LOC")
        for o in gold.organisations:
            if o.name in text:
                facts.mention(doc, o.name, "ORG", org_kind=o.kind)
        for c in (*gold.charges, *gold.circumstances):
            facts.charge(doc, c)
        for e in gold.events:
            if e.evidence not in text:
                continue
            facts.event(
                doc,
                e.date,
                e.kind,
                e.evidence,
                summary=_summary(e.kind, e.evidence),
                places=tuple(p.name for p in gold.places if _within(e.evidence, p.name)),
                people=tuple(p.name for p in people if not p.minor and _within(e.evidence, p.name)),
                charges=tuple(c for c in (*gold.charges, *gold.circumstances) if _within(e.evidence, c)),
                upcoming=e.upcoming,
            )
    if with_minor:
        add_named_minor(facts, ids)
    return ids


def _summary(kind: str, evidence: str) -> str:
    words = evidence.split()
    return " ".join(words[:14]) + ("…" if len(words) > 14 else "")


MINOR_NAME = "Lina Duquesne"


def add_named_minor(facts: Facts, ids: dict[str, int]) -> int:
    """A document whose text names a minor (as a careless source might): her name must never be published."""
    text = (
        "Lina Duquesne, 14 ans, a été entendue par les enquêteurs de Valenciennes le 2 mai 2024. "
        "La collégienne avait rencontré ses agresseurs sur le tchat Coco. "
        "Le tribunal de Valenciennes rendra sa décision le 3 mai."
    )
    doc = facts.document(
        f"Valenciennes : {MINOR_NAME} entendue avant le jugement",
        text,
        "2024-05-02T18:00:00+02:00",
        source="radionord",
        url="https://radionord.example/lina",
    )
    facts.mention(doc, "Lina Duquesne", "PER", role="victim", minor=True)
    facts.mention(doc, "Valenciennes", "LOC")
    facts.event(
        doc,
        "2024-05-02",
        "hearing",
        "Lina Duquesne, 14 ans, a été entendue par les enquêteurs de Valenciennes le 2 mai 2024.",
        summary="Lina Duquesne entendue par les enquêteurs",
        places=("Valenciennes",),
    )
    facts.event(
        doc,
        "2024-05-03",
        "verdict",
        "Le tribunal de Valenciennes rendra sa décision le 3 mai.",
        places=("Valenciennes",),
        upcoming=True,
    )
    ids["radionord/lina"] = doc
    return doc


__all__ = ["Facts", "load_gold_corpus", "add_named_minor", "MINOR_NAME", "Jsonb"]


HOSTILE_TITLE = "Valenciennes : <script>alert('titre')</script> & <em>procès</em>"


def add_hostile_document(facts: Facts, ids: dict[str, int]) -> int:
    """An article whose title and quoted sentence carry markup: it must stay inert text everywhere."""
    sentence = "Le délibéré <script>alert('citation')</script> sera rendu le 30 mai 2024 à Valenciennes."
    doc = facts.document(
        HOSTILE_TITLE, sentence, "2024-05-06T09:00:00+02:00", source="pretoire", url="https://pretoire.example/hostile"
    )
    facts.event(
        doc,
        "2024-05-30",
        "verdict",
        sentence,
        summary="Délibéré <b>annoncé</b> à Valenciennes",
        places=("Valenciennes",),
        upcoming=True,
    )
    ids["pretoire/hostile"] = doc
    return doc


def sample_database(pg_admin_url: str, template: str, name: str) -> str:
    """A database of its own (from the migrated template) holding the gold corpus, a named minor and a hostile
    article, with cases computed: for test modules that share one timeline between their tests."""
    from psycopg.conninfo import make_conninfo
    from psycopg.rows import dict_row

    from cases.grouping import recompute_cases
    from veille.config import load_config
    from veille.db import sync_config

    with psycopg.connect(pg_admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    url = make_conninfo(pg_admin_url, dbname=name)
    with psycopg.connect(url, row_factory=dict_row, autocommit=True) as conn:
        ids = load_gold_corpus(conn, with_minor=True)
        add_hostile_document(Facts(conn, "coco", "Le site Coco (coco.fr, coco.gg)"), ids)
        config = load_config()
        sync_config(conn, config)
        recompute_cases(conn, config)
    return url


def drop_database(pg_admin_url: str, name: str) -> None:
    with psycopg.connect(pg_admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
