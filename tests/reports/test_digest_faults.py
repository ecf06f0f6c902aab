"""Refusals that are not about one subscriber end the digest run, and leave every digest owed."""

from __future__ import annotations

import pytest

from reports.digest.send import MAX_DEFERRED_IN_A_ROW, send_digests
from reports.digest.weeks import parse_week
from tests.conftest import run_veille
from tests.reports.digest_support import PEOPLE, add_subscribers, seed_week
from veille.config import load_config
from veille.errors import VeilleError

W36 = parse_week("2024-W36")
MANY = tuple((f"abonne{n:03d}@exemple.fr", None) for n in range(20))


@pytest.fixture
def world(conn, digest_config, smtp):
    seed_week(conn)
    add_subscribers(conn, *PEOPLE)
    return load_config(digest_config)


def digest_states(conn) -> dict[str, str]:
    return {
        r["email"]: r["status"]
        for r in conn.execute("SELECT s.email, g.status FROM digests g JOIN subscribers s ON s.id = g.subscriber_id")
    }


def test_authentication_required_fails_the_run_and_the_next_run_sends_the_week(conn, world, smtp):
    smtp.refuse_mail = "530 5.7.0 Authentication required"
    with pytest.raises(VeilleError) as refused:
        send_digests(conn, world, "coco", W36)
    assert "le serveur SMTP refuse tout envoi (MAIL FROM : 530 5.7.0 Authentication required)" in str(refused.value)
    assert "tous restent dus" in str(refused.value)
    assert "failed" not in digest_states(conn).values()  # nobody is marked refused for good
    run = conn.execute("SELECT status FROM runs WHERE kind = 'digest' ORDER BY id DESC LIMIT 1").fetchone()
    assert run["status"] == "failed"
    smtp.refuse_mail = None  # the operator fixed the settings
    counts = send_digests(conn, world, "coco", W36)
    assert counts["sent"] == 3 and len(smtp.received) == 3
    assert set(digest_states(conn).values()) == {"sent"}


def test_a_server_deferring_everyone_stops_after_a_few_subscribers(conn, world, smtp):
    add_subscribers(conn, *MANY)
    smtp.refuse_all_rcpt = "451 4.7.1 Greylisted, try again later"
    with pytest.raises(VeilleError) as stopped:
        send_digests(conn, world, "coco", W36)
    assert f"diffère tous les envois ({MAX_DEFERRED_IN_A_ROW} abonnés de suite" in str(stopped.value)
    retries = world.smtp.retries
    assert smtp.rcpt_seen == MAX_DEFERRED_IN_A_ROW * (retries + 1)  # not 23 subscribers × 3 attempts
    assert set(digest_states(conn).values()) == {"pending"}
    smtp.refuse_all_rcpt = None
    assert send_digests(conn, world, "coco", W36)["sent"] == len(PEOPLE) + len(MANY)


def test_digest_retry_resends_what_was_refused_for_good(conn, world, smtp, db_url, digest_config):
    smtp.refuse["marc@exemple.fr"] = "550 5.1.1 <marc@exemple.fr>: boîte pleine"
    assert send_digests(conn, world, "coco", W36)["failed"] == 1
    smtp.refuse.clear()  # the mailbox was fixed
    result = run_veille(
        "--config",
        str(digest_config),
        "digest",
        "retry",
        "--dossier",
        "coco",
        "--week",
        "2024-W36",
        env={"DATABASE_URL": db_url},
    )
    assert result.returncode == 0, result.stderr
    assert "1 résumé(s) refusé(s) remis en file" in result.stdout
    assert digest_states(conn)["marc@exemple.fr"] == "sent"
    assert len(smtp.for_address("marc@exemple.fr")) == 1 and len(smtp.received) == 3
