"""Sending a dossier's weekly digest to every subscriber, exactly once.

Each (subscriber, dossier, week) has one row in ``digests``, whose state is
committed before and after each step:

- ``pending``: nothing accepted yet (new, or a temporary failure used up its retries);
- ``sending``: the message (stored in the row, with its Message-ID) is being handed
  over; ``dot_sent_at`` is set, and committed, just before the final "." of DATA;
- ``sent``: the server answered 250; ``failed``: it answered 5xx (never retried).

After a crash (or a connection lost at the wrong moment) a row left in ``sending``
is resolved by one rule. Without ``dot_sent_at`` the server cannot have accepted
the message: the next run sends the stored message again, automatically. With
``dot_sent_at`` the server may have accepted it and the reply was lost: the next
run does not resend it, and reports it as « réception inconnue » with its
Message-ID; ``--resend-unknown`` resends the very same bytes (same Message-ID, so
a receiving system that de-duplicates keeps one copy). So a crash never yields two
copies by itself, and never silently forgets anyone.

One run per dossier and week at a time: a session advisory lock, released by
PostgreSQL if the process dies.

A refusal that is not about one recipient ends the run instead of being recorded against
each subscriber: a 5xx to MAIL FROM (authentication required, sender refused) leaves the
digest owed (``pending``) and fails the run; temporary refusals of several subscribers in a
row (``MAX_DEFERRED_IN_A_ROW``) stop it, the rest waiting for the next run. ``retry_failed``
puts the digests refused for good back to ``pending`` (``veille digest retry``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import psycopg

from reports.digest import subscribers as digest_subscribers
from reports.digest.content import Digest, build_digest
from reports.digest.weeks import Week, parse_week
from reports.mail.address import ascii_email
from reports.mail.message import build_message, check_mail_settings, message_bytes
from reports.mail.smtp import DeliveryError, SmtpTransport
from veille.config import Config
from veille.errors import VeilleError
from veille.files import write_private
from veille.runs import Run, recorded_run

MAX_RETRY_DELAY = 300.0
# Subscribers in a row whose digest the server kept deferring (4xx through every retry): past
# this, the server is refusing everyone for now, and walking the rest would take hours.
MAX_DEFERRED_IN_A_ROW = 3


class _Lazy:
    """The digest is built at most once per run, and only if some message still has to be made."""

    def __init__(self, make: Callable[[], Digest]):
        self._make = make
        self._digest: Digest | None = None

    def get(self) -> Digest:
        if self._digest is None:
            self._digest = self._make()
        return self._digest

    @property
    def built_quiet(self) -> bool:
        return self._digest is not None and self._digest.quiet


def send_digests(
    conn: psycopg.Connection,
    config: Config,
    dossier: str,
    week: Week | str,
    *,
    resend_unknown: bool = False,
    out_dir: str | Path | None = None,
    progress=None,
    now: datetime | None = None,
    sleep: Callable[[float], None] = time.sleep,
    should_stop: Callable[[], bool] | None = None,
) -> dict[str, int]:
    """Send (or, with ``out_dir``, write as .eml files) the digest of ``dossier`` for ``week``.

    Returns the run's counters: subscribers, sent, already_sent, resent (left in flight by an
    earlier run and sent again), failed (refused for good now), failed_before, deferred (temporary
    failures that outlasted the retries), retries, in_doubt (outcome unknown, now),
    in_doubt_before (left unknown by an earlier run, not resent), written (dry run), quiet.
    ``should_stop`` is asked between two subscribers: when it says yes, the run ends there
    (KeyboardInterrupt, recorded as interrupted) and the rest waits for the next run.
    Raises VeilleError when the settings are wrong or the SMTP server stays unreachable.
    """
    if isinstance(week, str):
        week = parse_week(week)
    config.dossier(dossier)
    autocommit = conn.autocommit
    if not autocommit:
        conn.commit()
        conn.autocommit = True
    params = {"dossier": dossier, "week": week.code, "dry_run": out_dir is not None, "resend_unknown": resend_unknown}
    try:
        with recorded_run(conn, "digest", params) as run:
            digest = _Lazy(lambda: build_digest(conn, config, dossier, week))
            if out_dir is not None:
                _write_drafts(conn, config, dossier, digest, Path(out_dir), run, now, progress)
            else:
                _deliver(conn, config, dossier, week, digest, run, resend_unknown, now, sleep, progress, should_stop)
            if digest.built_quiet:
                run.count("quiet")
            return dict(run.counts)
    finally:
        conn.autocommit = autocommit


def _write_drafts(conn, config: Config, dossier: str, digest: _Lazy, out_dir: Path, run: Run, now, progress) -> None:
    from veille.files import make_dirs

    try:
        make_dirs(out_dir, 0o700)  # the drafts hold addresses and unsubscribe tokens
    except OSError as exc:
        raise VeilleError(
            f"impossible de créer le dossier {out_dir} : {exc.strerror}",
            "choisissez un dossier accessible en écriture pour --out",
        ) from None
    subscribers = digest_subscribers.active(conn, dossier)
    run.count("subscribers", len(subscribers))
    if subscribers:
        check_mail_settings(config)
    for sub in subscribers:
        msg = build_message(digest.get(), sub, config, now)
        path = out_dir / f"{digest.get().week.code}-{dossier}-{sub['id']:05d}.eml"
        write_private(path, message_bytes(msg))  # it holds an address and an unsubscribe token
        run.count("written")
        if progress:
            progress.advance(detail=path.name)


def _lock_key(dossier: str, week: Week) -> str:
    return f"veille-digest:{dossier}:{week.code}"


def _deliver(
    conn,
    config: Config,
    dossier: str,
    week: Week,
    digest: _Lazy,
    run: Run,
    resend_unknown: bool,
    now,
    sleep,
    progress,
    should_stop,
) -> None:
    subscribers = digest_subscribers.active(conn, dossier)
    run.count("subscribers", len(subscribers))
    if not subscribers:
        return  # nobody to write to: no settings to insist on
    sender = check_mail_settings(config)
    locked = conn.execute(
        "SELECT pg_try_advisory_lock(hashtextextended(%s, 0)) AS ok", (_lock_key(dossier, week),)
    ).fetchone()["ok"]
    if not locked:
        raise VeilleError(
            f"un envoi du résumé « {dossier} » de la semaine {week.code} est déjà en cours",
            "attendez qu'il se termine (veille status), puis relancez si besoin",
        )
    transport = SmtpTransport(config.smtp)
    try:
        transport.check()
        known = {
            r["subscriber_id"]: r
            for r in conn.execute(
                "SELECT * FROM digests WHERE dossier_slug = %s AND week = %s", (dossier, week.code)
            ).fetchall()
        }
        saved = time.monotonic()
        deferred_in_a_row, last_error = 0, ""
        for sub in subscribers:
            if should_stop and should_stop():
                raise KeyboardInterrupt  # between two messages: nothing is left half-done
            row = known.get(sub["id"])
            status = row["status"] if row else None
            if status in ("sent", "quiet"):
                run.count("already_sent")
            elif status == "failed":
                run.count("failed_before")
            elif status == "sending" and row and row["dot_sent_at"] is not None and not resend_unknown:
                run.count("in_doubt_before")
            else:
                if row is None or row["message"] is None:
                    row = _store_message(conn, sub, dossier, week, build_message(digest.get(), sub, config, now), run)
                else:
                    if status == "sending":
                        run.count("resent")  # left in flight by an earlier run: the same bytes go again
                    row = _mark_sending(conn, row["id"], run)
                outcome, error = _attempt(conn, transport, config, sender.address, row, run, sleep)
                deferred_in_a_row = deferred_in_a_row + 1 if outcome == "deferred" else 0
                last_error = error or last_error
                if deferred_in_a_row >= MAX_DEFERRED_IN_A_ROW:
                    raise VeilleError(
                        f"le serveur SMTP diffère tous les envois ({deferred_in_a_row} abonnés de suite, "
                        f"dernière réponse : {last_error})",
                        "les résumés non envoyés restent dus : ils partiront à la prochaine exécution "
                        "(veille digest send)",
                    )
            if progress:
                progress.advance(detail=sub["email"])
            if time.monotonic() - saved > 2:
                run.save_counts()
                saved = time.monotonic()
    finally:
        transport.close()
        conn.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", (_lock_key(dossier, week),))


def _store_message(conn, sub: dict, dossier: str, week: Week, msg, run: Run) -> dict:
    """Record the message and its Message-ID, in state 'sending', in one commit before any byte goes out."""
    return conn.execute(
        """INSERT INTO digests (subscriber_id, dossier_slug, week, status, message, message_id, recipient, run_id,
                                attempts, started_at)
           VALUES (%s, %s, %s, 'sending', %s, %s, %s, %s, 1, now())
           ON CONFLICT (subscriber_id, dossier_slug, week) DO UPDATE
              SET status = 'sending', message = EXCLUDED.message, message_id = EXCLUDED.message_id,
                  recipient = EXCLUDED.recipient, run_id = EXCLUDED.run_id, attempts = digests.attempts + 1,
                  dot_sent_at = NULL, started_at = coalesce(digests.started_at, now())
           RETURNING *""",
        (sub["id"], dossier, week.code, message_bytes(msg), msg["Message-ID"], ascii_email(_address_of(msg)), run.id),
    ).fetchone()


def _mark_sending(conn, digest_id: int, run: Run) -> dict:
    return conn.execute(
        """UPDATE digests SET status = 'sending', attempts = attempts + 1, dot_sent_at = NULL,
                                  started_at = coalesce(started_at, now()), run_id = %s
                            WHERE id = %s RETURNING *""",
        (run.id, digest_id),
    ).fetchone()


def _address_of(msg) -> str:
    return msg["To"].addresses[0].addr_spec


def _attempt(
    conn, transport: SmtpTransport, config: Config, sender: str, row: dict, run: Run, sleep
) -> tuple[str, str | None]:
    """Deliver one stored message (already marked 'sending'), retrying temporary failures with backoff.
    Returns the outcome (sent, failed, deferred, in_doubt) and the server's last refusal."""
    retries = max(config.smtp.retries, 0)
    for attempt in range(retries + 1):
        if attempt:
            _mark_sending(conn, row["id"], run)
        try:
            transport.send(
                sender,
                row["recipient"],
                bytes(row["message"]),
                before_final_dot=lambda: conn.execute(
                    "UPDATE digests SET dot_sent_at = now() WHERE id = %s", (row["id"],)
                ),
            )
        except DeliveryError as exc:
            if exc.in_doubt:
                conn.execute("UPDATE digests SET error = %s WHERE id = %s", (str(exc), row["id"]))
                run.count("in_doubt")
                return "in_doubt", str(exc)
            if not exc.temporary and exc.server_wide:
                conn.execute(
                    "UPDATE digests SET status = 'pending', dot_sent_at = NULL, error = %s WHERE id = %s",
                    (str(exc), row["id"]),
                )
                raise VeilleError(
                    f"le serveur SMTP refuse tout envoi ({exc}) : aucun résumé n'est parti, tous restent dus",
                    "corrigez [smtp] (identifiant, mot de passe, expéditeur) puis relancez veille digest send",
                ) from None
            if not exc.temporary:
                conn.execute(
                    "UPDATE digests SET status = 'failed', dot_sent_at = NULL, error = %s WHERE id = %s",
                    (str(exc), row["id"]),
                )
                run.count("failed")
                return "failed", str(exc)
            conn.execute(
                "UPDATE digests SET status = 'pending', dot_sent_at = NULL, error = %s WHERE id = %s",
                (str(exc), row["id"]),
            )
            run.count("retries")
            if attempt == retries:
                if exc.unreachable:
                    raise VeilleError(
                        f"{exc} (après {retries + 1} tentatives)",
                        "vérifiez [smtp] host et port ; les résumés non envoyés partiront à la prochaine exécution",
                    ) from None
                run.count("deferred")
                return "deferred", str(exc)
            sleep(min(config.smtp.retry_delay * 2**attempt, MAX_RETRY_DELAY))
        else:
            conn.execute(
                "UPDATE digests SET status = 'sent', sent_at = now(), error = NULL WHERE id = %s", (row["id"],)
            )
            run.count("sent")
            return "sent", None
    raise AssertionError("unreachable: the last attempt returns or raises")


def retry_failed(conn: psycopg.Connection, dossier: str, week: Week) -> int:
    """Put the week's digests refused for good back in the queue (the stored message goes again, with
    its Message-ID); returns how many."""
    rows = conn.execute(
        """UPDATE digests SET status = 'pending', dot_sent_at = NULL
                            WHERE dossier_slug = %s AND week = %s AND status = 'failed' RETURNING id""",
        (dossier, week.code),
    ).fetchall()
    if not conn.autocommit:
        conn.commit()
    return len(rows)


def problems(conn: psycopg.Connection, dossier: str, week: Week) -> list[dict]:
    """Digests of the week that did not reach their subscriber, with why: what the operator reads."""
    return conn.execute(
        """SELECT g.status, g.error, g.message_id, g.dot_sent_at, g.attempts, s.email
             FROM digests g JOIN subscribers s ON s.id = g.subscriber_id
            WHERE g.dossier_slug = %s AND g.week = %s AND g.status IN ('pending', 'sending', 'failed')
              AND (g.status <> 'pending' OR g.error IS NOT NULL)
            ORDER BY g.status, s.email""",
        (dossier, week.code),
    ).fetchall()


def statuses(conn: psycopg.Connection, dossier: str | None, week: Week | None) -> list[dict]:
    return conn.execute(
        """SELECT g.dossier_slug, g.week, g.status, g.dot_sent_at, g.attempts, g.error, g.message_id, g.sent_at,
                  s.email
             FROM digests g JOIN subscribers s ON s.id = g.subscriber_id
            WHERE (%(dossier)s::text IS NULL OR g.dossier_slug = %(dossier)s)
              AND (%(week)s::text IS NULL OR g.week = %(week)s)
            ORDER BY g.week DESC, g.dossier_slug, s.email""",
        {"dossier": dossier, "week": week.code if week else None},
    ).fetchall()


def confirm_delivered(conn: psycopg.Connection, dossier: str, week: Week, email: str) -> dict:
    """Mark a digest of unknown outcome as delivered, once the operator found it in the server's log."""
    row = conn.execute(
        """UPDATE digests g SET status = 'sent', sent_at = coalesce(g.dot_sent_at, now()),
                  error = 'remis selon vérification de l''opérateur'
             FROM subscribers s
            WHERE s.id = g.subscriber_id AND lower(s.email) = lower(%s) AND g.dossier_slug = %s AND g.week = %s
              AND g.status = 'sending' AND g.dot_sent_at IS NOT NULL
           RETURNING g.message_id""",
        (email, dossier, week.code),
    ).fetchone()
    if row is None:
        raise VeilleError(
            f"aucun résumé en état inconnu pour {email} ({dossier}, {week.code})", "voir « veille digest status »"
        )
    return row
