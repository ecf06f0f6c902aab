"""Editors' corrections, kept forever: what `veille serve` records and the cases stage applies.

A correction is one row of ``corrections`` (who, when, what, before, after, why), never deleted;
an undo is another row that points at the one it cancels. The cases stage applies every
correction in force at each recomputation (``cases/corrections.py``), so re-crawling and
re-analysis never lose one; a correction whose target it cannot find is marked ``orphan`` and
listed (:func:`orphans`), never dropped.

Targets are named by what survives a recomputation, not by database ids: an entry by its
happening's key as the grouping computed it (``mazan/verdict/2024-12-19``) and by the reports it
was made on (document canonical URL, sentence and kind: its *anchors*, to find it again if its key
moves), a document by its canonical URL, a case by its slug.

Two editors at once: each correction carries the version of its target it was made on (how many
corrections that target had then). :func:`record` refuses one made on an older version with
:class:`StaleEdit`, which names the other editor's change; nothing is written then.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import NoReturn

import psycopg
from psycopg.types.json import Jsonb

from veille.errors import VeilleError
from veille.vocabulary import (
    CASE_ACTIONS,
    CORRECTION_ACTIONS,
    DOCUMENT_ACTIONS,
    ENTRY_ACTIONS,
    EVENT_KINDS,
    PRECISIONS,
)

TARGET_ACTIONS = {"entry": ENTRY_ACTIONS, "document": DOCUMENT_ACTIONS, "case": CASE_ACTIONS}
MAX_HEADLINE = 300
ANCHORS = 5  # reports remembered per entry correction: enough to find the entry again


@dataclass(frozen=True)
class Author:
    email: str
    name: str | None = None


class StaleEdit(VeilleError):
    """The target changed since the editor's page was drawn: ``latest`` is the other editor's correction."""

    def __init__(self, latest: dict | None):
        self.latest = latest
        who = (latest or {}).get("author_name") or (latest or {}).get("author_email") or "un autre éditeur"
        what = CORRECTION_ACTIONS.get((latest or {}).get("action", ""), "une correction")
        super().__init__(
            f"modification refusée : {who} a fait entre-temps une autre correction ({what})",
            "relisez l'entrée telle qu'elle est maintenant, puis corrigez-la de nouveau si besoin",
        )


def fingerprint(state: dict) -> str:
    """What an approval covers: the entry as shown (case, date at its precision, kind, headline)."""
    parts = [state.get(k) for k in ("case_slug", "date", "precision", "date_end", "kind", "summary")]
    text = json.dumps([p.isoformat() if isinstance(p, date) else p for p in parts], ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _fail(message: str, fix: str) -> NoReturn:
    raise VeilleError(message, fix)


def check_values(action: str, after: dict | None, reason: str | None) -> dict:
    """The values of a correction, checked: every mistake is one French line naming the field."""
    after = dict(after or {})
    if action == "redate":
        try:
            day = date.fromisoformat(str(after.get("date", "")))
        except ValueError:
            _fail(f"date invalide : « {after.get('date', '')} »", "écrivez-la AAAA-MM-JJ, par exemple 2024-09-02")
        precision = after.get("precision") or "day"
        if precision not in PRECISIONS:
            _fail(f"précision inconnue : « {precision} »", "choisissez jour, mois ou année")
        end = after.get("date_end") or None
        if end is not None:
            try:
                end_day = date.fromisoformat(str(end))
            except ValueError:
                _fail(f"date de fin invalide : « {end} »", "écrivez-la AAAA-MM-JJ ou laissez-la vide")
            if end_day < day:
                _fail("la date de fin précède la date de début", "corrigez l'une des deux dates")
        # A month- or year-precise date is stored as its first day, as the NLP stage stores it.
        if precision == "month":
            day = day.replace(day=1)
        elif precision == "year":
            day = day.replace(month=1, day=1)
        return {"date": day.isoformat(), "precision": precision, "date_end": end}
    if action == "rekind":
        if after.get("kind") not in EVENT_KINDS:
            _fail(f"type d'événement inconnu : « {after.get('kind', '')} »", "choisissez un type de la liste")
        return {"kind": after["kind"]}
    if action in ("reheadline", "rename"):
        field = "summary" if action == "reheadline" else "name"
        text = " ".join(str(after.get(field) or "").split())
        if not text:
            _fail("le nouveau titre est vide" if field == "summary" else "le nouveau nom est vide", "écrivez-le")
        if len(text) > MAX_HEADLINE:
            _fail(f"texte trop long ({len(text)} caractères)", f"raccourcissez-le à {MAX_HEADLINE} caractères")
        return {field: text}
    if action == "move":
        slug = str(after.get("case") or "").strip()
        if not slug:
            _fail("aucune affaire choisie pour le déplacement", "choisissez l'affaire de destination")
        return {"case": slug}
    if action == "merge":
        others = list(dict.fromkeys(str(s).strip() for s in after.get("with", []) if str(s).strip()))
        if not others:
            _fail("aucune affaire à fusionner", "choisissez au moins une autre affaire")
        return {"with": others}
    if action == "split":
        entries = list(dict.fromkeys(str(k) for k in after.get("entries", []) if k))
        if not entries:
            _fail("aucune entrée choisie pour la nouvelle affaire", "cochez les entrées qui la forment")
        name = " ".join(str(after.get("name") or "").split())
        if not name:
            _fail(
                "la nouvelle affaire n'a pas de nom", "écrivez son nom, par exemple « le guet-apens de Lomme (2024) »"
            )
        if len(name) > MAX_HEADLINE:
            _fail(f"nom trop long ({len(name)} caractères)", f"raccourcissez-le à {MAX_HEADLINE} caractères")
        from cases.naming import slugify  # the cases' own slugs, as the grouping makes them
        from cases.overrides import SLUG

        slug = str(after.get("slug") or "").strip() or slugify(name)
        if not SLUG.match(slug):
            _fail(
                f"identifiant d'affaire invalide : « {slug} »",
                "lettres minuscules, chiffres, - et _ (laissez vide : il est tiré du nom)",
            )
        return {"entries": entries, "name": name, "slug": slug}
    if action == "hide" and not (reason or "").strip():
        _fail("masquer une entrée demande une raison", "écrivez pourquoi elle ne doit pas être publiée")
    return after


def _lock(conn: psycopg.Connection, target_kind: str, target: str) -> None:
    conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 7665))", (f"{target_kind}:{target}",))


# The case corrections that concern a case: made on it, merging it into another, or naming it as a split's new case.
_OF_CASE = """target_kind = 'case' AND (target = %(slug)s OR (action = 'merge' AND after->'with' ? %(slug)s)
                OR (action = 'split' AND after->>'slug' = %(slug)s))"""


def version(conn: psycopg.Connection, target_kind: str, target: str) -> int:
    """How many corrections the target has had: the version the next one is made on. A case counts
    every correction that concerns it (a merge of another case into it or of it into another), so
    that an editor's form drawn before another's merge is refused."""
    if target_kind == "case":
        row = conn.execute(f"SELECT count(*) AS n FROM corrections WHERE {_OF_CASE}", {"slug": target}).fetchone()
    else:
        row = conn.execute(
            "SELECT count(*) AS n FROM corrections WHERE target_kind = %s AND target = %s", (target_kind, target)
        ).fetchone()
    return int(row["n"])


def _targets(target_kind: str, target: str, values: dict) -> list[str]:
    """Every target a correction changes, to lock (in one order, so that two editors never deadlock)."""
    if target_kind == "case":
        return sorted({target, *values.get("with", []), *([values["slug"]] if values.get("slug") else [])})
    return [target]


def entry_anchors(conn: psycopg.Connection, key: str) -> list[dict]:
    """The reports of an entry (earliest first) by what survives re-analysis: URL and sentence."""
    rows = conn.execute(
        """SELECT d.canonical_url AS url, e.evidence, e.kind
             FROM happenings h JOIN events e ON e.happening_id = h.happening_id
             JOIN documents d ON d.id = e.document_id
            WHERE h.key = %s AND h.current
            ORDER BY d.published_at NULLS LAST, e.id LIMIT %s""",
        (key, ANCHORS),
    ).fetchall()
    return [{"url": r["url"], "evidence": r["evidence"], "kind": r["kind"]} for r in rows]


def record(
    conn: psycopg.Connection,
    *,
    target_kind: str,
    target: str,
    action: str,
    author: Author,
    after: dict | None = None,
    before: dict | None = None,
    reason: str | None = None,
    base_version: int | None = None,
    anchors: list[dict] | None = None,
    address: str | None = None,
) -> dict:
    """Store one correction (and its line of the audit log) in one transaction; returns its row.

    ``base_version``: the target's version the editor saw; another correction made since makes
    this one :class:`StaleEdit`. None: no check (the command line, a script)."""
    from veille.accounts import audit

    if action not in TARGET_ACTIONS.get(target_kind, ()):
        _fail(f"correction « {action} » impossible sur : {target_kind}", "choisissez une action proposée par la page")
    values = check_values(action, after, reason)
    if target_kind == "entry" and anchors is None:
        anchors = entry_anchors(conn, target)
    with conn.transaction():
        for locked in _targets(target_kind, target, values):
            _lock(conn, target_kind, locked)
        _check_version(conn, target_kind, target, base_version)
        row = conn.execute(
            """INSERT INTO corrections (target_kind, target, anchors, action, before, after, reason, author_email,
                                        author_name, base_version)
               VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING *""",
            (
                target_kind,
                target,
                Jsonb(anchors or []),
                action,
                Jsonb(before) if before is not None else None,
                Jsonb(values),
                (reason or "").strip() or None,
                author.email,
                author.name,
                version(conn, target_kind, target),
            ),
        ).fetchone()
        audit(conn, "correction", author.email, f"{target_kind}:{target}", {"id": row["id"], "action": action}, address)
    return row


def _check_version(conn: psycopg.Connection, target_kind: str, target: str, base_version: int | None) -> None:
    if base_version is None:
        return
    if version(conn, target_kind, target) != base_version:
        if target_kind == "case":
            latest = conn.execute(
                f"SELECT * FROM corrections WHERE {_OF_CASE} ORDER BY id DESC LIMIT 1", {"slug": target}
            ).fetchone()
        else:
            latest = conn.execute(
                "SELECT * FROM corrections WHERE target_kind = %s AND target = %s ORDER BY id DESC LIMIT 1",
                (target_kind, target),
            ).fetchone()
        raise StaleEdit(latest)


def undo(
    conn: psycopg.Connection,
    correction_id: int,
    author: Author,
    base_version: int | None = None,
    reason: str | None = None,
    address: str | None = None,
) -> dict:
    """Cancel a correction: a new row says so, and the cancelled one points at it; returns the new row."""
    from veille.accounts import audit

    with conn.transaction():
        old = conn.execute("SELECT * FROM corrections WHERE id = %s", (correction_id,)).fetchone()
        if old is None or old["action"] == "undo":
            _fail(f"correction n° {correction_id} introuvable", "choisissez-la dans l'historique de l'entrée")
        for locked in _targets(old["target_kind"], old["target"], old["after"] or {}):
            _lock(conn, old["target_kind"], locked)
        if old["undone_by"] is not None:
            _fail(f"la correction n° {correction_id} est déjà annulée", "rechargez la page")
        _check_version(conn, old["target_kind"], old["target"], base_version)
        row = conn.execute(
            """INSERT INTO corrections (target_kind, target, anchors, action, before, after, reason, author_email,
                                        author_name, base_version, undoes)
               VALUES (%s, %s, %s, 'undo', %s, NULL, %s, %s, %s, %s, %s) RETURNING *""",
            (
                old["target_kind"],
                old["target"],
                Jsonb(old["anchors"]),
                Jsonb({"action": old["action"], "after": old["after"]}),
                (reason or "").strip() or None,
                author.email,
                author.name,
                version(conn, old["target_kind"], old["target"]),
                correction_id,
            ),
        ).fetchone()
        conn.execute("UPDATE corrections SET undone_by = %s WHERE id = %s", (row["id"], correction_id))
        audit(conn, "undo", author.email, f"{old['target_kind']}:{old['target']}", {"id": correction_id}, address)
    return row


def in_force(conn: psycopg.Connection) -> list[dict]:
    """Every correction not undone (undos themselves apart), in the order they were made."""
    return conn.execute("SELECT * FROM corrections WHERE undone_by IS NULL AND action <> 'undo' ORDER BY id").fetchall()


def history(conn: psycopg.Connection, target_kind: str, target: str) -> list[dict]:
    """Every correction of a target, undone ones and undos included, oldest first."""
    return conn.execute(
        "SELECT * FROM corrections WHERE target_kind = %s AND target = %s ORDER BY id", (target_kind, target)
    ).fetchall()


def case_history(conn: psycopg.Connection, slug: str) -> list[dict]:
    """Every correction that concerns a case (see :func:`version`), undone ones and undos included, oldest first."""
    return conn.execute(
        f"""SELECT * FROM corrections WHERE {_OF_CASE}
               OR (action = 'undo' AND undoes IN (SELECT id FROM corrections WHERE {_OF_CASE}))
             ORDER BY id""",
        {"slug": slug},
    ).fetchall()


def orphans(conn: psycopg.Connection) -> list[dict]:
    """Corrections in force whose target the latest recomputation did not find."""
    return conn.execute(
        """SELECT * FROM corrections WHERE status = 'orphan' AND undone_by IS NULL AND action <> 'undo'
            ORDER BY id"""
    ).fetchall()


def entry_state(conn: psycopg.Connection, key: str) -> dict | None:
    """An entry as it stands (corrections applied): what an editor sees, approves and corrects."""
    row = conn.execute(
        """SELECT key, case_slug, event_date AS date, precision, date_end, kind, summary, version, review, hidden
             FROM happenings WHERE key = %s AND current""",
        (key,),
    ).fetchone()
    return dict(row) if row else None


def _entry_before(conn: psycopg.Connection, key: str) -> tuple[dict, dict]:
    """The entry as it stands, and its values as a correction's ``before`` (dates as ISO text)."""
    state = entry_state(conn, key)
    if state is None:
        _fail(f"entrée introuvable : « {key} »", "rechargez la file de relecture")
    before = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in state.items() if k not in ("version", "key")}
    return state, before


def approve(
    conn: psycopg.Connection, key: str, author: Author, base_version: int | None = None, address: str | None = None
) -> dict:
    """Approve an entry as it stands now: the approval holds until the entry changes."""
    state, before = _entry_before(conn, key)
    return record(
        conn,
        target_kind="entry",
        target=key,
        action="approve",
        author=author,
        after={"fingerprint": fingerprint(state)},
        before=before,
        base_version=base_version,
        address=address,
    )


def correct_entry(
    conn: psycopg.Connection,
    key: str,
    action: str,
    author: Author,
    after: dict | None = None,
    reason: str | None = None,
    base_version: int | None = None,
    address: str | None = None,
) -> dict:
    """Hide, re-date, re-kind, re-headline or move an entry, its current values kept as ``before``."""
    _, before = _entry_before(conn, key)
    return record(
        conn,
        target_kind="entry",
        target=key,
        action=action,
        author=author,
        after=after,
        before=before,
        reason=reason,
        base_version=base_version,
        address=address,
    )


def case_anchors(conn: psycopg.Connection, keys: list[str]) -> list[dict]:
    """Every report of these entries by what survives re-analysis (URL, sentence, kind): how a split
    finds again, at every recomputation, the entries an editor chose to take out."""
    rows = conn.execute(
        """SELECT DISTINCT d.canonical_url AS url, e.evidence, e.kind
             FROM happenings h JOIN events e ON e.happening_id = h.happening_id
             JOIN documents d ON d.id = e.document_id
            WHERE h.key = ANY(%s) AND h.current
            ORDER BY 1, 2, 3""",
        (keys,),
    ).fetchall()
    return [{"url": r["url"], "evidence": r["evidence"], "kind": r["kind"]} for r in rows]


def correct_case(
    conn: psycopg.Connection,
    slug: str,
    action: str,
    author: Author,
    after: dict,
    reason: str | None = None,
    base_version: int | None = None,
    address: str | None = None,
) -> dict:
    """Rename a case, merge others into it (``after["with"]``), or split it: the entries
    ``after["entries"]`` (keys) leave into a new case ``after["name"]`` (slug ``after["slug"]``,
    else made from the name). The same corrections as the TOML tables (``cases/overrides.py``),
    stored as rows; the cases stage applies them at every recomputation."""
    case = conn.execute("SELECT slug, name FROM cases WHERE slug = %s", (slug,)).fetchone()
    if case is None:
        _fail(f"affaire introuvable : « {slug} »", "rechargez la page de l'affaire")
    values = check_values(action, after, reason) if action in CASE_ACTIONS else after
    before: dict = {"name": case["name"]}
    anchors = None
    if action == "merge":
        if slug in values["with"]:
            _fail("une affaire ne peut être fusionnée avec elle-même", "choisissez une autre affaire")
        known = {
            r["slug"]: r["name"]
            for r in conn.execute("SELECT slug, name FROM cases WHERE slug = ANY(%s)", (values["with"],))
        }
        for other in values["with"]:
            if other not in known:
                _fail(f"affaire inconnue : « {other} »", "choisissez un identifiant de la liste")
        before["with"] = [{"slug": s, "name": known[s]} for s in values["with"]]
    elif action == "split":
        if conn.execute("SELECT 1 FROM cases WHERE slug = %s", (values["slug"],)).fetchone():
            _fail(f"l'identifiant « {values['slug']} » est déjà celui d'une affaire", "choisissez-en un autre")
        mine = {
            r["key"]
            for r in conn.execute(
                "SELECT key FROM happenings WHERE current AND case_slug = %s AND key = ANY(%s)",
                (slug, values["entries"]),
            )
        }
        strangers = [k for k in values["entries"] if k not in mine]
        if strangers:
            _fail(f"entrée hors de cette affaire : « {strangers[0]} »", "rechargez la page de l'affaire")
        total = conn.execute(  # its entries, as its page lists them (context never is an entry)
            "SELECT count(*) AS n FROM happenings WHERE current AND NOT context AND case_slug = %s", (slug,)
        ).fetchone()["n"]
        if len(mine) >= total:
            _fail("toutes les entrées de l'affaire sont cochées", "laissez-en au moins une dans l'affaire d'origine")
        anchors = case_anchors(conn, values["entries"])
        before["entries"] = total
    return record(
        conn,
        target_kind="case",
        target=slug,
        action=action,
        author=author,
        after=values,
        before=before,
        reason=reason,
        base_version=base_version,
        anchors=anchors,
        address=address,
    )
