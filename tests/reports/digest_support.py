"""Shared parts of the digest tests: a real SMTP server on loopback, a configuration
pointing at it, and data written into the real database (a hand-made week, or the
sample corpus with its gold events). No test lives here: the fixtures are a plugin of
tests/conftest.py, so a test names them as parameters without importing them.

The SMTP server is aiosmtpd in a thread. Its handler stores what it accepts and can
be told, per recipient, to refuse it for good (550), to answer 451 N times, to drop
the connection before or after the end of the message, or to block on it until the
test releases it (to kill the client at a chosen moment).
"""

from __future__ import annotations

import asyncio
import email
import socket
import threading
from collections import Counter
from dataclasses import dataclass
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from veille.config import load_config
from veille.db import sync_config

PUBLIC_URL = "https://veille.exemple.fr/coco/"
UNSUBSCRIBE_URL = "https://veille.exemple.fr/desabonnement?jeton={token}"
SENDER = "Veille Coco — Enfance Protégée <veille@enfance-protégée.fr>"
SENDER_ASCII_DOMAIN = "xn--enfance-protge-mkbb.fr"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.data, policy=policy.default)


class MailboxHandler:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.received: list[Received] = []
        self.refuse: dict[str, str] = {}
        self.refuse_mail: str | None = None  # an answer to MAIL FROM, for every message (530 …)
        self.refuse_all_rcpt: str | None = None  # an answer to every RCPT TO (451 …)
        self.rcpt_seen = 0
        self.temporary: Counter[str] = Counter()
        self.drop_at_rcpt: Counter[str] = Counter()
        self.drop_after_dot: Counter[str] = Counter()
        self.block: tuple[str, str] | None = None  # (address, "rcpt" | "data")
        self.keep_blocked_message = True  # data blocks: accepted first (the reply is what gets lost)
        self.blocked = threading.Event()
        self.release = threading.Event()
        self.transactions = 0

    def reset(self) -> None:
        with self.lock:
            self.__init__()

    def for_address(self, address: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if address.lower() in (a.lower() for a in r.rcpt_tos)]

    async def _wait_release(self) -> None:
        self.blocked.set()
        while not self.release.is_set():
            await asyncio.sleep(0.02)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.refuse_mail:
            return self.refuse_mail
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        key = address.lower()
        self.rcpt_seen += 1
        if self.refuse_all_rcpt:
            return self.refuse_all_rcpt
        if self.block == (key, "rcpt"):
            await self._wait_release()
        if key in self.refuse:
            return self.refuse[key]
        if self.drop_at_rcpt[key] > 0:
            self.drop_at_rcpt[key] -= 1
            server.transport.close()
            return "421 4.4.2 connexion coupée"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        self.transactions += 1
        key = envelope.rcpt_tos[0].lower()
        received = Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content))
        if self.block == (key, "data"):
            if self.keep_blocked_message:
                with self.lock:
                    self.received.append(received)
            await self._wait_release()
            return "250 2.0.0 OK (trop tard)"
        if self.temporary[key] > 0:
            self.temporary[key] -= 1
            return "451 4.3.0 Erreur temporaire, réessayez plus tard"
        if self.drop_after_dot[key] > 0:
            self.drop_after_dot[key] -= 1
            server.transport.close()
            return "250 2.0.0 OK"
        with self.lock:
            self.received.append(received)
        return "250 2.0.0 OK: mis en file"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def smtp_controller():
    handler = MailboxHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture
def smtp(smtp_controller) -> MailboxHandler:
    """The running SMTP server's handler, emptied for this test."""
    handler = smtp_controller.handler
    handler.release.set()  # a blocked handler from an earlier test lets go
    handler.reset()
    return handler


def write_config(
    path: Path,
    port: int,
    *,
    unsubscribe_url: str = UNSUBSCRIBE_URL,
    retries: int = 2,
    retry_delay: float = 0.05,
    security: str = "none",
    extra: str = "",
) -> Path:
    path.write_text(
        f"""
[reports]
public_url = "{PUBLIC_URL}"
unsubscribe_url = "{unsubscribe_url}"

[smtp]
host = "127.0.0.1"
port = {port}
security = "{security}"
sender = "{SENDER}"
timeout = 20.0
retries = {retries}
retry_delay = {retry_delay}
{extra}
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def coco(conn):
    """The database with the built-in configuration (the Coco dossier) synchronised, as any command leaves it."""
    sync_config(conn, load_config(None))
    return conn


@pytest.fixture
def digest_config(tmp_path, smtp_controller, conn):
    """Path of a configuration (built-in Coco dossier) whose SMTP server is the test's, synchronised into the database."""
    path = write_config(tmp_path / "veille.toml", smtp_controller.port)
    sync_config(conn, load_config(path))
    return path


# --------------------------------------------------------------------------- data


def add_source(conn, sid: str, name: str) -> None:
    conn.execute(
        "INSERT INTO sources (id, name, kind, urls) VALUES (%s, %s, 'feed', %s) ON CONFLICT (id) DO NOTHING",
        (sid, name, [f"https://{sid}.exemple.fr/rss.xml"]),
    )


def add_document(
    conn,
    source: str,
    title: str,
    published: str,
    *,
    url: str | None = None,
    duplicate_of: int | None = None,
    kind: str = "article",
    dossier: str = "coco",
    text: str = "Texte.",
) -> int:
    slug = "".join(c if c.isalnum() else "-" for c in title.lower())[:60]
    row = conn.execute(
        """INSERT INTO documents (canonical_url, url, source_id, kind, title, published_at, text, duplicate_of)
           VALUES (%s, %s, %s, %s, %s, %s, %s, %s) RETURNING id""",
        (
            url or f"https://{source}.exemple.fr/{slug}-{published[:10]}",
            url or f"https://{source}.exemple.fr/{slug}-{published[:10]}",
            source,
            kind,
            title,
            published,
            text,
            duplicate_of,
        ),
    ).fetchone()
    if dossier:
        conn.execute(
            "INSERT INTO document_dossiers (document_id, dossier_slug, score, reason) VALUES (%s, %s, 1, 'test')",
            (row["id"], dossier),
        )
    return row["id"]


def add_case(conn, slug: str, name: str, stage: str | None = None, dossier: str = "coco") -> int:
    row = conn.execute(
        "INSERT INTO cases (slug, name, stage) VALUES (%s, %s, %s) RETURNING id", (slug, name, stage)
    ).fetchone()
    conn.execute("INSERT INTO case_dossiers (case_id, dossier_slug) VALUES (%s, %s)", (row["id"], dossier))
    return row["id"]


def link_case(conn, case_id: int, *document_ids: int) -> None:
    for doc in document_ids:
        conn.execute(
            "INSERT INTO case_documents (case_id, document_id) VALUES (%s, %s) ON CONFLICT DO NOTHING", (case_id, doc)
        )


def add_event(
    conn,
    document_id: int,
    kind: str,
    day: str,
    summary: str,
    *,
    case_id: int | None = None,
    upcoming: bool = False,
    happening: int | None = None,
    precision: str = "day",
) -> int:
    row = conn.execute(
        """INSERT INTO events (document_id, event_date, precision, kind, summary, upcoming, evidence,
                               evidence_start, evidence_end, case_id, happening_id)
           VALUES (%s, %s, %s, %s, %s, %s, %s, 0, 1, %s, %s) RETURNING id""",
        (document_id, day, precision, kind, summary, upcoming, summary, case_id, happening),
    ).fetchone()
    return row["id"]


def add_minor(conn, name: str) -> None:
    conn.execute(
        "INSERT INTO entities (label, canonical, key, minor) VALUES ('PER', %s, %s, true)", (name, name.lower())
    )


def seed_week(conn) -> dict:
    """A week (2024-W36, 2 to 8 September 2024) with everything a digest shows, and what came before it."""
    for sid, name in (
        ("lequotidien", "Le Quotidien"),
        ("echodunord", "L'Écho du Nord"),
        ("courrierprovence", "Le Courrier de Provence"),
        ("infocontinu", "InfoContinu"),
    ):
        add_source(conn, sid, name)
    mazan = add_case(conn, "mazan", "Les viols de Mazan", "trial")
    gs = add_case(conn, "grande-synthe", "Le meurtre de Grande-Synthe", "investigation")
    # Before the week: the trial was announced, and an older article of the Mazan case.
    old = add_document(
        conn, "courrierprovence", "Viols de Mazan : le procès s'ouvrira le 2 septembre", "2024-08-29T10:00:00+02:00"
    )
    link_case(conn, mazan, old)
    add_event(
        conn,
        old,
        "trial_opening",
        "2024-09-02",
        "Ouverture annoncée du procès des viols de Mazan",
        case_id=mazan,
        upcoming=True,
        happening=2000,
    )
    # The week: the trial opened (two reports of one happening), a verdict date was announced.
    opened = add_document(
        conn, "lequotidien", "Procès de Mazan : Gisèle Pelicot refuse le huis clos", "2024-09-02T18:30:00+02:00"
    )
    told = add_document(
        conn, "courrierprovence", "Procès de Mazan : Gisèle Pelicot raconte devant la cour", "2024-09-05T19:00:00+02:00"
    )
    link_case(conn, mazan, opened, told)
    add_event(
        conn,
        opened,
        "trial_opening",
        "2024-09-02",
        "Ouverture du procès devant la cour criminelle du Vaucluse",
        case_id=mazan,
        happening=2000,
    )
    add_event(
        conn,
        told,
        "trial_opening",
        "2024-09-02",
        "Le procès s'est ouvert le 2 septembre",
        case_id=mazan,
        happening=2000,
    )
    add_event(
        conn,
        told,
        "verdict",
        "2024-12-20",
        "Verdict attendu le 20 décembre",
        case_id=mazan,
        upcoming=True,
        happening=3000,
    )
    add_event(
        conn,
        told,
        "hearing",
        "2024-09-17",
        "Audition de Dominique Pelicot prévue le 17 septembre",
        case_id=mazan,
        upcoming=True,
        happening=4000,
    )
    # A wire story taken up by two other outlets, and a hostile title and link.
    wire = add_document(conn, "infocontinu", "Le site Coco visé par une nouvelle enquête", "2024-09-03T08:00:00+02:00")
    add_document(
        conn,
        "lequotidien",
        "Le site Coco visé par une nouvelle enquête",
        "2024-09-03T09:10:00+02:00",
        duplicate_of=wire,
    )
    add_document(
        conn, "echodunord", "Le site Coco visé par une nouvelle enquête", "2024-09-03T11:00:00+02:00", duplicate_of=wire
    )
    hostile = add_document(
        conn,
        "echodunord",
        "<script>alert('x')</script> Coco & les « tchats » <b>anonymes</b>",
        "2024-09-06T12:00:00+02:00",
        url="javascript:alert(1)",
    )
    # A new case whose suspects are minors, one named in a scraped title.
    add_minor(conn, "Kevin Durand")
    gs1 = add_document(
        conn,
        "echodunord",
        "Grande-Synthe : Kevin Durand, 16 ans, mis en examen pour assassinat",
        "2024-09-07T07:45:00+02:00",
    )
    link_case(conn, gs, gs1)
    add_event(
        conn, gs1, "indictment", "2024-09-06", "Kevin Durand mis en examen pour assassinat", case_id=gs, happening=5000
    )
    # After the week: must not appear in it.
    later = add_document(
        conn, "infocontinu", "Procès de Mazan : Dominique Pelicot « je suis un violeur »", "2024-09-17T20:00:00+02:00"
    )
    link_case(conn, mazan, later)
    # Another dossier's article the same week: must not appear either.
    conn.execute(
        "INSERT INTO dossiers (slug, title, terms) VALUES ('autre', 'Autre dossier', '{autre}') ON CONFLICT DO NOTHING"
    )
    add_document(conn, "lequotidien", "Un article d'un autre dossier", "2024-09-04T10:00:00+02:00", dossier="autre")
    index_happenings(conn)
    return {"mazan": mazan, "grande_synthe": gs, "wire": wire, "hostile": hostile, "told": told}


def index_happenings(conn) -> None:
    """One ``happenings`` row per events.happening_id, as the case grouping writes them (what the
    reports' read API reads): keyed case/kind/date, dated and summarised by its earliest report."""
    conn.execute("""
        INSERT INTO happenings (key, happening_id, case_slug, event_date, precision, date_end, kind, summary,
                                upcoming, reports)
        SELECT concat_ws('/', coalesce(c.slug, 'hors-affaire'), first.kind, first.event_date::text, g.hid::text),
               g.hid, c.slug, first.event_date, first.precision, first.date_end, first.kind, first.summary,
               g.all_upcoming, g.n
          FROM (SELECT happening_id AS hid, min(id) AS first_id, bool_and(upcoming) AS all_upcoming, count(*) AS n
                  FROM events WHERE happening_id IS NOT NULL GROUP BY happening_id) g
          JOIN events first ON first.id = g.first_id
          LEFT JOIN cases c ON c.id = first.case_id
        ON CONFLICT (key) DO NOTHING""")


def add_subscribers(conn, *people: tuple[str, str | None], dossier: str = "coco") -> list[dict]:
    from reports.digest.subscribers import add

    return [add(conn, address, dossier, name).subscriber for address, name in people]


PEOPLE = (("elodie@exemple.fr", "Élodie Lefèvre"), ("marc@exemple.fr", None), ("zoe@école.fr", "Zoé Nguyễn"))


# --------------------------------------------------------------------------- the sample corpus

CASE_RULES = (  # (slug, French name, words that place an article in it)
    ("mazan", "Les viols de Mazan", ("mazan", "pelicot")),
    ("grande-synthe", "Le meurtre de Grande-Synthe", ("grande-synthe",)),
    ("valenciennes", "L'affaire de la collégienne de Valenciennes", ("valenciennes",)),
    ("guets-apens", "Les guets-apens homophobes", ("guet-apens", "guets-apens")),
    ("site-coco", "L'enquête sur le site Coco", ("fermeture", "fondateur", "steidl", "ferme")),
)


def load_sample_corpus(conn, group_cases: bool = True) -> dict:
    """The sample corpus as the NLP stage would leave it: documents (wire copies marked), the gold
    events of each article with the places and adults their sentence names. With ``group_cases``,
    cases by a few place rules and happenings indexed here; without, for ``cases.grouping`` to group.
    Returns counts."""
    from samples.corpus import load_articles, load_gold, load_outlets

    outlets = load_outlets()
    for outlet in outlets.values():
        add_source(conn, outlet.id, outlet.name)
    golds = {g.key: g for g in load_gold()}
    cases: dict[str, int] = {}
    wires: dict[str, int] = {}
    counts = Counter()
    for article in sorted(load_articles(), key=lambda a: (a.published, a.outlet)):
        if article.topic == "offtopic" or article.lang != "fr":
            continue
        original = wires.get(article.wire) if article.wire else None
        doc = add_document(
            conn,
            article.outlet,
            article.title,
            article.published.isoformat(),
            url=f"https://{article.outlet}.exemple.fr/{article.section}/{article.slug}",
            duplicate_of=original,
            kind=article.kind,
            text=article.text,
        )
        if article.wire and original is None:
            wires[article.wire] = doc
        counts["documents"] += 1
        haystack = f"{article.title} {article.summary}".lower()
        case_id = None
        for slug, name, words in CASE_RULES if group_cases else ():
            if any(w in haystack for w in words):
                if slug not in cases:
                    cases[slug] = add_case(conn, slug, name)
                case_id = cases[slug]
                link_case(conn, case_id, doc)
                break
        gold = golds.get(article.key)
        for event in gold.events if gold else ():
            day = {"day": event.date, "month": f"{event.date}-01", "year": f"{event.date}-01-01"}[event.precision]
            event_id = add_event(
                conn,
                doc,
                event.kind,
                day,
                event.evidence,
                case_id=case_id,
                upcoming=event.upcoming,
                precision=event.precision,
            )
            # What the NLP stage would find in the sentence: the article's places and adults named in it.
            conn.execute(
                "UPDATE events SET places = %s, people = %s WHERE id = %s",
                (
                    [p.name for p in gold.places if p.name in event.evidence],
                    [p.name for p in gold.people if not p.minor and p.name in event.evidence],
                    event_id,
                ),
            )
            counts["events"] += 1
        for person in gold.people if gold else ():
            if person.minor:
                add_minor(conn, person.name)
    # Reports of one happening share an id, as the case grouping leaves them.
    if group_cases:
        conn.execute("""UPDATE events e SET happening_id = g.first FROM (
                            SELECT id, min(id) OVER (PARTITION BY coalesce(case_id, -1), kind, event_date) AS first
                              FROM events) g
                         WHERE g.id = e.id""")
        index_happenings(conn)
    counts["cases"] = len(cases)
    return dict(counts)
