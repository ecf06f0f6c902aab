"""Accounts of `veille serve`: editors and viewers, their passwords, sessions and the audit log.

Passwords are hashed with Argon2id (argon2-cffi's defaults, memory-hard); a session is a random
token in an HttpOnly cookie, of which the database keeps only the SHA-256, with the CSRF token
every form of that session carries. Five wrong passwords for one address within
``THROTTLE_WINDOW`` lock it for that long (the attempts are rows, so every server process
counts the same). Every action lands in ``audit_log``; ``veille users log`` prints it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import psycopg
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from psycopg.types.json import Jsonb

from veille.errors import VeilleError
from veille.vocabulary import ROLES

SESSION_LIFETIME = timedelta(hours=12)
THROTTLE_WINDOW = timedelta(minutes=15)
THROTTLE_FAILURES = 5
MIN_PASSWORD = 10

_hasher = PasswordHasher()
# Verifying an unknown address costs as much as a known one: no timing tells which exist.
_DUMMY_HASH = _hasher.hash("veille-no-such-account")


@dataclass(frozen=True)
class User:
    id: int
    email: str
    name: str | None
    role: str

    @property
    def can_edit(self) -> bool:
        return self.role == "editor"

    @property
    def shown_name(self) -> str:
        return self.name or self.email.split("@")[0]


def _user(row: dict) -> User:
    return User(id=row["id"], email=row["email"], name=row["name"], role=row["role"])


def normalise(email: str) -> str:
    address = (email or "").strip().lower()
    if address.count("@") != 1 or not all(address.split("@")) or any(c.isspace() for c in address):
        raise VeilleError(f"adresse invalide : « {email} »", "écrivez une adresse complète, par exemple nom@journal.fr")
    return address


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise VeilleError(
            f"mot de passe trop court ({len(password)} caractères)", f"choisissez-en un d'au moins {MIN_PASSWORD}"
        )
    return password


def audit(
    conn: psycopg.Connection,
    action: str,
    user_email: str | None,
    target: str | None = None,
    detail: dict | None = None,
    address: str | None = None,
) -> None:
    conn.execute(
        "INSERT INTO audit_log (action, user_email, target, detail, address) VALUES (%s, %s, %s, %s, %s)",
        (action, user_email, target, Jsonb(detail or {}), address),
    )


def add_user(conn: psycopg.Connection, email: str, role: str, password: str, name: str | None = None) -> User:
    address = normalise(email)
    if role not in ROLES:
        raise VeilleError(f"rôle inconnu : « {role} »", "choisissez editor ou viewer")
    check_password(password)
    with conn.transaction():
        if conn.execute("SELECT 1 FROM users WHERE email = %s", (address,)).fetchone():
            raise VeilleError(
                f"le compte {address} existe déjà", "changez son mot de passe avec « veille users passwd »"
            )
        row = conn.execute(
            "INSERT INTO users (email, name, role, password_hash) VALUES (%s, %s, %s, %s) RETURNING *",
            (address, (name or "").strip() or None, role, _hasher.hash(password)),
        ).fetchone()
        audit(conn, "user_added", None, address, {"role": role})
    return _user(row)


def remove_user(conn: psycopg.Connection, email: str) -> None:
    """The account goes with its sessions; its corrections stay, with its address and name."""
    address = normalise(email)
    with conn.transaction():
        if conn.execute("DELETE FROM users WHERE email = %s RETURNING id", (address,)).fetchone() is None:
            raise VeilleError(f"aucun compte {address}", "voir « veille users list »")
        audit(conn, "user_removed", None, address)


def set_password(conn: psycopg.Connection, email: str, password: str) -> None:
    """A new password closes every session of the account."""
    address = normalise(email)
    check_password(password)
    with conn.transaction():
        row = conn.execute(
            """UPDATE users SET password_hash = %s, password_changed_at = now() WHERE email = %s RETURNING id""",
            (_hasher.hash(password), address),
        ).fetchone()
        if row is None:
            raise VeilleError(f"aucun compte {address}", "voir « veille users list »")
        conn.execute("DELETE FROM sessions WHERE user_id = %s", (row["id"],))
        audit(conn, "password_changed", None, address)


def list_users(conn: psycopg.Connection) -> list[dict]:
    return conn.execute("SELECT email, name, role, created_at FROM users ORDER BY email").fetchall()


def audit_entries(conn: psycopg.Connection, limit: int = 100) -> list[dict]:
    return conn.execute("SELECT * FROM audit_log ORDER BY id DESC LIMIT %s", (limit,)).fetchall()


# --------------------------------------------------------------------------- logging in


class Throttled(VeilleError):
    pass


def _failures(conn: psycopg.Connection, address: str) -> int:
    row = conn.execute(
        """SELECT count(*) AS n FROM login_attempts
            WHERE email = %s AND NOT ok AND at > now() - %s
              AND at > coalesce((SELECT max(at) FROM login_attempts WHERE email = %s AND ok), '-infinity')""",
        (address, THROTTLE_WINDOW, address),
    ).fetchone()
    return int(row["n"])


def authenticate(conn: psycopg.Connection, email: str, password: str, address: str | None = None) -> User | None:
    """The account if the password is right; None otherwise; :class:`Throttled` after too many failures."""
    try:
        login = normalise(email)
    except VeilleError:
        login = (email or "").strip().lower()[:200]
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 7666))", (login,))
        throttled = _failures(conn, login) >= THROTTLE_FAILURES
        if throttled:
            audit(conn, "login_throttled", None, login, address=address)
        else:
            row = conn.execute("SELECT * FROM users WHERE email = %s", (login,)).fetchone()
            try:
                ok = _hasher.verify(row["password_hash"] if row else _DUMMY_HASH, password) and row is not None
            except (VerificationError, InvalidHashError):
                ok = False
            conn.execute("INSERT INTO login_attempts (email, address, ok) VALUES (%s, %s, %s)", (login, address, ok))
            audit(conn, "login" if ok else "login_failed", login if ok else None, login, address=address)
    if throttled:  # after the transaction: the attempt stays in the audit log
        raise Throttled(
            "trop de tentatives de connexion pour ce compte",
            f"réessayez dans {int(THROTTLE_WINDOW.total_seconds() // 60)} minutes",
        )
    return _user(row) if ok and row else None


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(conn: psycopg.Connection, user: User) -> tuple[str, str]:
    """A new session: (cookie token, CSRF token)."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with conn.transaction():
        conn.execute(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, expires_at) VALUES (%s, %s, %s, now() + %s)",
            (_token_hash(token), user.id, csrf, SESSION_LIFETIME),
        )
        conn.execute("DELETE FROM sessions WHERE expires_at < now()")
    return token, csrf


def session_user(conn: psycopg.Connection, token: str | None) -> tuple[User, str] | None:
    """The account and CSRF token of a live session, or None."""
    if not token:
        return None
    row = conn.execute(
        """SELECT u.*, s.csrf_token FROM sessions s JOIN users u ON u.id = s.user_id
            WHERE s.token_hash = %s AND s.expires_at > now() AND s.created_at >= u.password_changed_at""",
        (_token_hash(token),),
    ).fetchone()
    return (_user(row), row["csrf_token"]) if row else None


def close_session(conn: psycopg.Connection, token: str | None) -> None:
    if token:
        conn.execute("DELETE FROM sessions WHERE token_hash = %s", (_token_hash(token),))
