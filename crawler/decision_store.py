"""Court decisions as documents: kind ``decision``, keyed by the Cour de cassation's
public URL (``https://www.courdecassation.fr/decision/<id>``), structured fields in
``metadata``, numbers in ``decision_numbers``.

The text is stored exactly as served, so that the ``zones`` offsets (introduction,
exposé, moyens, motivations, dispositif, annexes) index into ``documents.text``.
Decisions get no SimHash: their shared boilerplate would make them look like
republications of one another.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import psycopg
from psycopg.types.json import Jsonb

from crawler.dedup import fingerprint
from crawler.frdates import MONTHS
from crawler.subject import fold
from veille.vocabulary import day_label

DECISION_URL = "https://www.courdecassation.fr/decision/{id}"
PARIS = ZoneInfo("Europe/Paris")
JURISDICTIONS = {
    "cc": "Cour de cassation",
    "ca": "Cour d'appel",
    "tj": "Tribunal judiciaire",
    "tcom": "Tribunal de commerce",
}
CHAMBERS = {
    "cr": "chambre criminelle",
    "civ1": "première chambre civile",
    "civ2": "deuxième chambre civile",
    "civ3": "troisième chambre civile",
    "comm": "chambre commerciale",
    "soc": "chambre sociale",
    "mi": "chambre mixte",
    "pl": "assemblée plénière",
    "ordo": "première présidence",
    "allciv": "toutes chambres civiles",
    "creun": "chambres réunies",
    "avis": "avis",
    "chambre_instruction": "chambre de l'instruction",
    "chambre_correctionnelle": "chambre correctionnelle",
}
_SMALL_WORDS = {"en", "de", "sur", "la", "le", "les", "et"}


def decision_url(decision_id: str, template: str = DECISION_URL) -> str:
    """The decision's public page: the Cour de cassation's, or the source's ``decision_url`` setting."""
    return template.format(id=decision_id)


def decision_numbers(record: dict) -> list[str]:
    numbers = [record.get("number"), *(record.get("numbers") or [])]
    return list(dict.fromkeys(str(n).strip() for n in numbers if n and str(n).strip()))


def court_name(record: dict) -> str:
    jurisdiction = str(record.get("jurisdiction") or "").lower()
    location = str(record.get("location") or "")
    if jurisdiction == "ca" and location:
        words = location.split("_", 1)[-1].replace("_", "-").split("-")
        town = "-".join(w if w in _SMALL_WORDS else w.capitalize() for w in words)
        town = {"Nimes": "Nîmes"}.get(town, town)
        return f"Cour d'appel d'{town}" if town[:1].lower() in "aeiouyh" else f"Cour d'appel de {town}"
    return JURISDICTIONS.get(jurisdiction, jurisdiction or "Juridiction")


def decision_title(record: dict) -> str:
    """« Cour de cassation, chambre criminelle, 18 décembre 2024, n° 24-85.123 »."""
    parts = [court_name(record)]
    chamber = str(record.get("chamber") or "")
    if chamber:
        parts.append(CHAMBERS.get(chamber.lower(), chamber.replace("_", " ")))
    day = decision_day(record)
    if day:
        parts.append(day_label(day))
    numbers = decision_numbers(record)
    if numbers:
        parts.append("n° " + ", ".join(numbers))
    return ", ".join(parts)


def decision_day(record: dict) -> date | None:
    try:
        return date.fromisoformat(str(record.get("decision_date") or "")[:10])
    except ValueError:
        return None


_LONG_DATE = re.compile(
    r"(?<!\d)(\d{1,2})(?:er)?\s+(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?\s+(\d{4})"
)
_COURT_PART = (
    r"(?:appel|criminelle|d[ée]partementale|correctionnelle|correctionnel|judiciaire|instruction|"
    r"assises|cassation|commerce|mineurs|pour\s+enfants|[A-ZÀ-Ý][\w'-]+)"
)
# « cour criminelle départementale du Vaucluse », « chambre de l'instruction de la cour d'appel de Douai »
_COURT = re.compile(
    r"\b(?:[Cc]our|[Tt]ribunal|[Cc]hambre)(?:\s+(?:de\s+la\s+|de\s+l'|d'|du\s+|de\s+|des\s+|la\s+)?"
    r"(?:cour\b|tribunal\b|" + _COURT_PART + r"))+"
)
_COURT_WORDS = {
    "cour",
    "tribunal",
    "chambre",
    "appel",
    "d'appel",
    "criminelle",
    "departementale",
    "correctionnelle",
    "judiciaire",
    "instruction",
    "l'instruction",
    "assises",
    "d'assises",
    "cassation",
    "de",
    "du",
    "des",
    "la",
    "le",
    "l",
    "d",
    "et",
    "a",
    "en",
    "sa",
    "son",
    "qui",
    "date",
}
_SENTENCE = re.compile(r"(?<=[.;!?])\s+|\n+")


def _court_key(phrase: str) -> str | None:
    """The word that tells one court from another: its town or département (« Vaucluse »,
    « Nîmes »), folded; « cassation » for the Cour de cassation."""
    words = re.findall(r"[^\W\d_][\w'-]*", phrase)
    places = [w for w in words if w[:1].isupper() and fold(w).split("'")[-1] not in _COURT_WORDS]
    if places:
        return fold(places[-1].split("'")[-1])
    return "cassation" if "cassation" in fold(phrase) else None


def decision_anchors(record: dict) -> list[dict]:
    """The dated court rulings a decision names — its own, the one it reviews (``contested``),
    and each sentence that puts a court next to a date (« Par arrêt du 19 décembre 2024, la
    cour criminelle départementale du Vaucluse a condamné … »): how press reports of the same
    ruling find it (the view ``decision_case_links``), since names are pseudonymised."""
    anchors: dict[tuple[str, str], dict] = {}

    def add(day: date | None, court: str, evidence: str) -> None:
        key = _court_key(court)
        if day is not None and key and (day.isoformat(), key) not in anchors:
            anchors[(day.isoformat(), key)] = {
                "date": day.isoformat(),
                "court": " ".join(court.split()),
                "key": key,
                "evidence": " ".join(evidence.split())[:400],
            }

    own = decision_day(record)
    add(own, court_name(record), decision_title(record))
    contested = record.get("contested")
    if isinstance(contested, dict):
        try:
            add(
                date.fromisoformat(str(contested.get("date") or "")[:10]),
                str(contested.get("title") or ""),
                str(contested.get("title") or ""),
            )
        except ValueError:
            pass
    for sentence in _SENTENCE.split(str(record.get("text") or "")):
        if sentence.isupper():
            continue  # the heading repeats the decision's own court and date
        folded = fold(sentence)
        for m in _LONG_DATE.finditer(folded):
            court = _COURT.search(sentence)
            if court is None:
                continue
            try:
                day = date(int(m[3]), MONTHS[m[2]], int(m[1]))
            except ValueError:
                continue
            add(day, court.group(), sentence)
    return list(anchors.values())


def _timestamp(value) -> datetime | None:
    text = str(value or "")
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(0), PARIS)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return moment if moment.tzinfo else moment.replace(tzinfo=PARIS)
    except ValueError:
        return None


def store_decision(
    conn: psycopg.Connection,
    source_id: str,
    record: dict,
    decisions,
    provenance: dict,
    url_template: str = DECISION_URL,
) -> tuple[str, int]:
    """Insert or update one decision in its own transaction; returns (``new``, ``updated`` or
    ``unchanged``, document id).

    ``decisions`` are the subject filter's verdicts (``crawler.subject.Decision``): the
    decision joins the dossiers that want it, and never leaves one it was attached to
    another way (a press article of the dossier citing its number).
    """
    decision_id = str(record["id"])
    text = str(record.get("text") or "").replace("\x00", " ")  # PostgreSQL refuses NUL; same length
    metadata = {k: v for k, v in record.items() if k not in ("text", "to_be_deleted")}
    metadata["judilibre_id"] = decision_id
    served = json.dumps(metadata | {"text": text}, sort_keys=True, ensure_ascii=False).encode()
    metadata["anchors"] = decision_anchors(record)  # veille's reading, not the court's: outside the hash
    values = dict(
        url=decision_url(decision_id, url_template),
        source=source_id,
        title=decision_title(record),
        published=_timestamp(record.get("decision_date")),
        modified=_timestamp(record.get("update_datetime") or record.get("update_date")),
        site=court_name(record),
        text=text,
        content_hash=hashlib.sha256(served).hexdigest(),
        text_hash=fingerprint(text).text_hash,
        metadata=Jsonb(metadata),
        provenance=Jsonb(provenance),
    )
    with conn.transaction():
        old = conn.execute(
            """SELECT id, title, text, text_hash, modified_at, fetched_at, content_hash
                                FROM documents WHERE canonical_url = %s FOR UPDATE""",
            (values["url"],),
        ).fetchone()
        if old is None:
            document_id = conn.execute(
                """INSERT INTO documents (canonical_url, url, source_id, kind, title, published_at, modified_at,
                                          lang, site_name, text, content_hash, text_hash, metadata, provenance)
                   VALUES (%(url)s, %(url)s, %(source)s, 'decision', %(title)s, %(published)s, %(modified)s,
                           'fr', %(site)s, %(text)s, %(content_hash)s, %(text_hash)s, %(metadata)s, %(provenance)s)
                   RETURNING id""",
                values,
            ).fetchone()["id"]
            outcome = "new"
        elif old["content_hash"] == values["content_hash"]:
            conn.execute("UPDATE documents SET fetched_at = now() WHERE id = %s", (old["id"],))
            document_id, outcome = old["id"], "unchanged"
        else:
            document_id, outcome = old["id"], "updated"
            if old["text_hash"] != values["text_hash"]:
                conn.execute(
                    """INSERT INTO document_versions (document_id, title, text, text_hash, modified_at,
                                                               fetched_at)
                                VALUES (%s, %s, %s, %s, %s, %s)""",
                    (document_id, old["title"], old["text"], old["text_hash"], old["modified_at"], old["fetched_at"]),
                )
            conn.execute(
                """UPDATE documents SET url = %(url)s, source_id = %(source)s, title = %(title)s,
                          published_at = %(published)s, modified_at = %(modified)s, fetched_at = now(),
                          site_name = %(site)s, text = %(text)s, content_hash = %(content_hash)s,
                          text_hash = %(text_hash)s, metadata = %(metadata)s, provenance = %(provenance)s
                    WHERE id = %(id)s""",
                {**values, "id": document_id},
            )
        if outcome != "unchanged":
            conn.execute("DELETE FROM decision_numbers WHERE document_id = %s", (document_id,))
            for number in decision_numbers(record):
                conn.execute(
                    """INSERT INTO decision_numbers (document_id, number, key)
                                VALUES (%s, %s, veille_decision_number_key(%s)) ON CONFLICT DO NOTHING""",
                    (document_id, number, number),
                )
        for d in decisions:
            if d.belongs:
                attach(conn, document_id, d.dossier, d.score, list(d.matched_terms), d.reason)
    return outcome, document_id


def attach(
    conn: psycopg.Connection, document_id: int, dossier: str, score: float, terms: list[str], reason: str
) -> None:
    conn.execute(
        """INSERT INTO document_dossiers (document_id, dossier_slug, score, matched_terms, reason)
                    VALUES (%s, %s, %s, %s, %s)
                    ON CONFLICT (document_id, dossier_slug) DO UPDATE SET score = greatest(document_dossiers.score,
                        EXCLUDED.score), matched_terms = EXCLUDED.matched_terms, reason = EXCLUDED.reason,
                        decided_at = now()""",
        (document_id, dossier, score, terms, reason),
    )


def delete_decision(conn: psycopg.Connection, decision_id: str) -> bool:
    """Remove a decision withdrawn from open data (its numbers and analyses go with it)."""
    with conn.transaction():
        row = conn.execute(
            "DELETE FROM documents WHERE kind = 'decision' AND metadata->>'judilibre_id' = %s RETURNING id",
            (decision_id,),
        ).fetchone()
    return row is not None


def stored_decision_ids(conn: psycopg.Connection) -> set[str]:
    rows = conn.execute("SELECT metadata->>'judilibre_id' AS id FROM documents WHERE kind = 'decision'").fetchall()
    return {r["id"] for r in rows if r["id"]}


def uncited_numbers(conn: psycopg.Connection, dossiers: list[str]) -> list[str]:
    """Decision numbers that the dossiers' press documents cite and no stored decision carries."""
    rows = conn.execute(
        """SELECT DISTINCT c.key FROM document_cited_numbers c
             JOIN document_dossiers dd ON dd.document_id = c.document_id AND dd.dossier_slug = ANY(%s)
            WHERE NOT EXISTS (SELECT 1 FROM decision_numbers n WHERE n.key = c.key)
            ORDER BY c.key""",
        (dossiers,),
    ).fetchall()
    return [r["key"] for r in rows]


def number_query(key: str) -> str:
    """The number as Judilibre writes it, from its key: 24-85123 → 24-85.123."""
    if len(key) == 8 and key[2] == "-" and key.replace("-", "").isdigit():
        return f"{key[:5]}.{key[5:]}"
    return key


def reporting_dossiers(conn: psycopg.Connection, document_id: int) -> list[tuple[str, str]]:
    """(dossier, « court, date ») for the dossiers whose press documents report a ruling this
    decision names (``decision_case_links``)."""
    rows = conn.execute(
        """SELECT DISTINCT ON (dd.dossier_slug) dd.dossier_slug, l.court, l.anchor_date
             FROM decision_case_links l JOIN document_dossiers dd ON dd.document_id = l.press_document_id
            WHERE l.decision_document_id = %s ORDER BY dd.dossier_slug, l.anchor_date""",
        (document_id,),
    ).fetchall()
    return [(r["dossier_slug"], f"{r['court']}, {day_label(r['anchor_date'])}") for r in rows]


def citing_dossiers(conn: psycopg.Connection, document_id: int) -> list[tuple[str, str]]:
    """(dossier, cited number) for the dossiers whose press documents cite this decision."""
    rows = conn.execute(
        """SELECT DISTINCT dd.dossier_slug, n.number FROM decision_numbers n
             JOIN document_cited_numbers c ON c.key = n.key
             JOIN document_dossiers dd ON dd.document_id = c.document_id
            WHERE n.document_id = %s ORDER BY 1, 2""",
        (document_id,),
    ).fetchall()
    return [(r["dossier_slug"], r["number"]) for r in rows]
