"""Subscribers to a dossier's weekly digest, stored in ``subscribers``.

Leaving keeps the row (with ``unsubscribed_at``) so that the digests already sent
stay attached to someone; coming back re-activates it with a fresh unsubscribe
token, so that a link in an old, forwarded email cannot end the new subscription.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import psycopg

from reports.mail.address import check_display_name, normalise_email
from veille.errors import VeilleError


def new_token() -> str:
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class Outcome:
    action: str  # added | reactivated | unchanged | renamed
    subscriber: dict


def add(conn: psycopg.Connection, email: str, dossier: str, name: str | None = None) -> Outcome:
    address = normalise_email(email)
    name = check_display_name(name)
    with conn.transaction():
        row = conn.execute(
            "SELECT * FROM subscribers WHERE lower(email) = lower(%s) AND dossier_slug = %s FOR UPDATE",
            (address, dossier),
        ).fetchone()
        if row is None:
            row = conn.execute(
                """INSERT INTO subscribers (email, name, dossier_slug, token) VALUES (%s, %s, %s, %s)
                   RETURNING *""",
                (address, name, dossier, new_token()),
            ).fetchone()
            return Outcome("added", row)
        if row["unsubscribed_at"] is not None:
            row = conn.execute(
                """UPDATE subscribers SET unsubscribed_at = NULL, token = %s, name = coalesce(%s, name)
                    WHERE id = %s RETURNING *""",
                (new_token(), name, row["id"]),
            ).fetchone()
            return Outcome("reactivated", row)
        if name is not None and name != row["name"]:
            row = conn.execute(
                "UPDATE subscribers SET name = %s WHERE id = %s RETURNING *", (name, row["id"])
            ).fetchone()
            return Outcome("renamed", row)
        return Outcome("unchanged", row)


def remove(
    conn: psycopg.Connection, email: str | None = None, dossier: str | None = None, token: str | None = None
) -> list[dict]:
    """Unsubscribe by address (from one dossier, or every one) or by token; returns the rows ended."""
    with conn.transaction():
        if token:
            rows = conn.execute(
                """UPDATE subscribers SET unsubscribed_at = now() WHERE token = %s AND unsubscribed_at IS NULL
                   RETURNING *""",
                (token,),
            ).fetchall()
            if not rows:
                raise VeilleError(
                    "aucun abonnement actif ne correspond à ce jeton de désabonnement",
                    "le lien a peut-être déjà servi : vérifiez avec « veille subscribers list »",
                )
            return rows
        address = normalise_email(email or "")
        rows = conn.execute(
            """UPDATE subscribers SET unsubscribed_at = now()
                WHERE lower(email) = lower(%s) AND (%s::text IS NULL OR dossier_slug = %s) AND unsubscribed_at IS NULL
               RETURNING *""",
            (address, dossier, dossier),
        ).fetchall()
    if not rows:
        where = f" au dossier « {dossier} »" if dossier else ""
        raise VeilleError(f"{address} n'est pas abonné{where}", "voir « veille subscribers list »")
    return rows


def listing(conn: psycopg.Connection, dossier: str | None = None, include_gone: bool = False) -> list[dict]:
    return conn.execute(
        """SELECT * FROM subscribers
            WHERE (%s::text IS NULL OR dossier_slug = %s) AND (%s OR unsubscribed_at IS NULL)
            ORDER BY dossier_slug, lower(email)""",
        (dossier, dossier, include_gone),
    ).fetchall()


def active(conn: psycopg.Connection, dossier: str) -> list[dict]:
    """Who receives this dossier's digest, in a stable order."""
    return conn.execute(
        "SELECT * FROM subscribers WHERE dossier_slug = %s AND unsubscribed_at IS NULL ORDER BY id", (dossier,)
    ).fetchall()
