"""A crash in the middle of a batch: ``veille digest send`` killed with SIGKILL while the SMTP
server holds the second message, then run again. Nobody gets two copies, nobody is forgotten;
the message in flight is handled by the documented rule (docs/digests.md):

- killed before the end of the message: the server cannot have it, the re-run sends it;
- killed after the end of the message, before the reply: the outcome is unknown, the re-run
  does not resend it and says so; ``--resend-unknown`` sends the identical message.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.reports.digest_support import PEOPLE, add_subscribers, seed_week

ADDRESSES = ("elodie@exemple.fr", "marc@exemple.fr", "zoe@xn--cole-9oa.fr")


@pytest.fixture
def ready(conn, digest_config, smtp):
    seed_week(conn)
    add_subscribers(conn, *PEOPLE)  # marc@exemple.fr is the second one
    return str(digest_config)


def send_and_kill(db_url: str, config: str, smtp, week: str = "2024-W36") -> None:
    """Start ``veille digest send``, wait until the server holds the 2nd message, kill -9 the client."""
    env = {**os.environ, "DATABASE_URL": db_url}
    env.pop("VEILLE_CONFIG", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "veille", "--config", config, "digest", "send", "--dossier", "coco", "--week", week],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert smtp.blocked.wait(60), process.stderr.read1().decode() if process.poll() is not None else "bloqué ?"
        assert len(smtp.for_address("elodie@exemple.fr")) == 1  # the first one went through
        os.kill(process.pid, signal.SIGKILL)
        assert process.wait(10) == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()
        smtp.release.set()


def copies(smtp) -> list[int]:
    return [len(smtp.for_address(a)) for a in ADDRESSES]


def digest_state(conn, address: str) -> dict:
    return conn.execute(
        "SELECT g.status, g.dot_sent_at, g.message_id FROM digests g JOIN subscribers s "
        "ON s.id = g.subscriber_id WHERE s.email = %s",
        (address,),
    ).fetchone()


def test_killed_before_the_end_of_the_message_the_rerun_sends_it(veille, ready, smtp, conn, db_url):
    smtp.block = ("marc@exemple.fr", "rcpt")
    send_and_kill(db_url, ready, smtp)
    state = digest_state(conn, "marc@exemple.fr")
    assert state["status"] == "sending" and state["dot_sent_at"] is None
    assert copies(smtp) == [1, 0, 0]

    smtp.block = None
    rerun = veille("--config", ready, "digest", "send", "--dossier", "coco", "--week", "2024-W36")
    assert rerun.returncode == 0, rerun.stderr
    assert "3 abonné(s) ; 2 envoyé(s), 1 renvoyé(s) après interruption, 1 déjà envoyé(s)" in rerun.stdout
    assert copies(smtp) == [1, 1, 1]
    # The message sent again is the one prepared before the crash.
    [marc] = smtp.for_address("marc@exemple.fr")
    assert marc.message["Message-ID"] == state["message_id"]
    runs = conn.execute("SELECT status FROM runs WHERE kind = 'digest' ORDER BY id").fetchall()
    # The killed run is visible as such: closed as interrupted by the rerun, which found its lock gone.
    assert [r["status"] for r in runs] == ["interrupted", "ok"]


def test_killed_after_the_end_of_the_message_nobody_gets_two_copies(veille, ready, smtp, conn, db_url):
    smtp.block = ("marc@exemple.fr", "data")  # the server queues it; its reply never reaches the client
    smtp.keep_blocked_message = True
    send_and_kill(db_url, ready, smtp)
    state = digest_state(conn, "marc@exemple.fr")
    assert state["status"] == "sending" and state["dot_sent_at"] is not None

    smtp.block = None
    rerun = veille("--config", ready, "digest", "send", "--dossier", "coco", "--week", "2024-W36")
    assert copies(smtp) == [1, 1, 1]
    assert rerun.returncode == 1
    assert "1 envoyé(s), 1 déjà envoyé(s), 1 toujours en état inconnu" in rerun.stdout
    assert (
        f"  état inconnu : marc@exemple.fr — Message-ID {state['message_id']} — message transmis en entier, "
        "réponse du serveur jamais reçue"
    ) in rerun.stderr
    # Another run still does not resend it.
    veille("--config", ready, "digest", "send", "--dossier", "coco", "--week", "2024-W36")
    assert copies(smtp) == [1, 1, 1]
    # The operator finds the Message-ID in the server's log and says so.
    confirmed = veille("--config", ready, "digest", "confirm", "marc@exemple.fr", "--week", "2024-W36")
    assert confirmed.returncode == 0, confirmed.stderr
    assert digest_state(conn, "marc@exemple.fr")["status"] == "sent"
    final = veille("--config", ready, "digest", "send", "--dossier", "coco", "--week", "2024-W36")
    assert final.returncode == 0 and "0 envoyé(s), 3 déjà envoyé(s)" in final.stdout
    assert copies(smtp) == [1, 1, 1]


def test_unknown_and_lost_the_operator_resends_the_same_message(veille, ready, smtp, conn, db_url):
    smtp.block = ("marc@exemple.fr", "data")
    smtp.keep_blocked_message = False  # this time the server dropped it with the connection
    send_and_kill(db_url, ready, smtp)
    smtp.block = None
    rerun = veille("--config", ready, "digest", "send", "--dossier", "coco", "--week", "2024-W36")
    assert rerun.returncode == 1 and copies(smtp) == [1, 0, 1]
    message_id = digest_state(conn, "marc@exemple.fr")["message_id"]
    resent = veille("--config", ready, "digest", "send", "--dossier", "coco", "--week", "2024-W36", "--resend-unknown")
    assert resent.returncode == 0, resent.stderr
    assert copies(smtp) == [1, 1, 1]
    assert smtp.for_address("marc@exemple.fr")[0].message["Message-ID"] == message_id


def test_sigterm_finishes_the_message_in_flight_then_stops(veille, ready, smtp, conn, db_url):
    smtp.block = ("marc@exemple.fr", "data")
    env = {**os.environ, "DATABASE_URL": db_url}
    env.pop("VEILLE_CONFIG", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "veille", "--config", ready, "digest", "send", "--week", "2024-W36"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert smtp.blocked.wait(60)
        process.send_signal(signal.SIGTERM)  # what the scheduler sends when it stops
        smtp.release.set()  # the server answers: the message in flight completes
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130
    assert "arrêt demandé — fin du message en cours, puis arrêt" in stderr and "veille : interrompu" in stderr
    assert digest_state(conn, "marc@exemple.fr")["status"] == "sent"
    assert conn.execute("SELECT status FROM runs WHERE kind = 'digest'").fetchone()["status"] == "interrupted"
    assert copies(smtp) == [1, 1, 0]
    smtp.block = None
    rerun = veille("--config", ready, "digest", "send", "--week", "2024-W36")
    assert rerun.returncode == 0 and "1 envoyé(s), 2 déjà envoyé(s)" in rerun.stdout
    assert copies(smtp) == [1, 1, 1]
