"""Digests delivered to a real SMTP server on loopback, parsed back from the bytes it received:
MIME structure, headers and their encoding, one recipient per message, retries and refusals."""

from __future__ import annotations

import re

import pytest

from reports.digest.send import problems, send_digests
from reports.digest.weeks import parse_week
from tests.reports.digest_support import PEOPLE, SENDER_ASCII_DOMAIN, add_subscribers, seed_week, write_config
from veille.config import load_config
from veille.errors import VeilleError

W36 = parse_week("2024-W36")


@pytest.fixture
def world(conn, digest_config, smtp):
    seed_week(conn)
    subscribers = add_subscribers(conn, *PEOPLE)
    return load_config(digest_config), subscribers


def statuses(conn) -> dict[str, str]:
    rows = conn.execute(
        "SELECT s.email, g.status FROM digests g JOIN subscribers s ON s.id = g.subscriber_id"
    ).fetchall()
    return {r["email"]: r["status"] for r in rows}


def test_one_well_formed_french_email_per_subscriber(conn, world, smtp):
    config, subscribers = world
    counts = send_digests(conn, config, "coco", W36)
    assert counts["sent"] == 3 and counts["subscribers"] == 3
    assert len(smtp.received) == 3
    by_recipient = {r.rcpt_tos[0]: r for r in smtp.received}
    assert set(by_recipient) == {"elodie@exemple.fr", "marc@exemple.fr", "zoe@xn--cole-9oa.fr"}

    zoe = by_recipient["zoe@xn--cole-9oa.fr"]
    raw_headers = zoe.data.split(b"\r\n\r\n", 1)[0]
    assert raw_headers.isascii()  # non-ASCII only as RFC 2047 encoded-words
    assert b"\r\n" in zoe.data and b"\n" not in zoe.data.replace(b"\r\n", b"")
    msg = zoe.message
    assert msg["Subject"] == (
        "Le site Coco (coco.fr, coco.gg) — semaine du 2 au 8 septembre 2024 : 5 articles, "
        "1 nouvelle affaire, 2 nouvelles étapes, 2 dates annoncées"
    )
    assert "=?utf-8?" in raw_headers.decode().lower()
    # Only the subscriber, with an accented display name, and nobody in Cc/Bcc.
    assert [(a.display_name, a.addr_spec) for a in msg["To"].addresses] == [("Zoé Nguyễn", "zoe@xn--cole-9oa.fr")]
    assert msg["Cc"] is None and msg["Bcc"] is None
    assert msg["From"].addresses[0].display_name == "Veille Coco — Enfance Protégée"
    assert msg["From"].addresses[0].addr_spec == f"veille@{SENDER_ASCII_DOMAIN}"
    assert zoe.mail_from == f"veille@{SENDER_ASCII_DOMAIN}"
    assert re.fullmatch(rf"<[^@<>\s]+@{re.escape(SENDER_ASCII_DOMAIN)}>", msg["Message-ID"])
    assert msg["Date"].datetime.utcoffset() is not None
    token = next(s["token"] for s in subscribers if s["email"] == "zoe@école.fr")
    link = f"https://veille.exemple.fr/desabonnement?jeton={token}"
    assert (
        msg["List-Unsubscribe"]
        == f"<{link}>, <mailto:veille@{SENDER_ASCII_DOMAIN}?subject=d%C3%A9sabonnement%20{token}>"
    )
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    assert msg.get_content_type() == "multipart/alternative"
    parts = list(msg.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    assert all(p.get_content_charset() == "utf-8" for p in parts)
    text, html = (p.get_content().replace("\r\n", "\n") for p in parts)
    assert text.startswith("Bonjour Zoé Nguyễn,\n\nVoici le résumé de la semaine du 2 au 8 septembre 2024")
    assert f"Se désabonner : {link}" in text
    assert "Repris par L'Écho du Nord, Le Quotidien" in text
    # CSS inlined: no <style> block left, the rules are on the elements.
    assert "<style" not in html and 'style="' in html and "<script" not in html
    assert f'<a href="{link.replace("&", "&amp;")}"' in html
    assert "Bonjour Zoé Nguyễn," in html

    # Marc has no name: a plain greeting, a bare address.
    marc = by_recipient["marc@exemple.fr"].message
    assert str(marc["To"]) == "marc@exemple.fr"
    assert marc.get_body(("plain",)).get_content().startswith("Bonjour,\r\n")
    # Each message is its own: distinct Message-IDs and unsubscribe tokens.
    assert len({r.message["Message-ID"] for r in smtp.received}) == 3
    assert statuses(conn) == {"elodie@exemple.fr": "sent", "marc@exemple.fr": "sent", "zoe@école.fr": "sent"}
    stored = conn.execute(
        "SELECT message_id, message FROM digests g JOIN subscribers s ON s.id = g.subscriber_id "
        "WHERE s.email = 'zoe@école.fr'"
    ).fetchone()
    assert stored["message_id"] == msg["Message-ID"] and bytes(stored["message"]) == zoe.data


def test_a_second_run_sends_nothing(conn, world, smtp):
    config, _ = world
    send_digests(conn, config, "coco", W36)
    again = send_digests(conn, config, "coco", W36)
    assert again.get("sent", 0) == 0 and again["already_sent"] == 3
    assert len(smtp.received) == 3
    runs = conn.execute("SELECT kind, status, params, counts FROM runs ORDER BY id").fetchall()
    assert [(r["kind"], r["status"], r["params"]["week"]) for r in runs] == [("digest", "ok", "2024-W36")] * 2
    assert runs[1]["counts"]["already_sent"] == 3


def test_a_refused_mailbox_is_recorded_and_the_others_still_get_theirs(conn, world, smtp):
    config, _ = world
    smtp.refuse["marc@exemple.fr"] = "550 5.1.1 <marc@exemple.fr>: boîte inconnue"
    counts = send_digests(conn, config, "coco", W36)
    assert counts["sent"] == 2 and counts["failed"] == 1
    assert sorted(r.rcpt_tos[0] for r in smtp.received) == ["elodie@exemple.fr", "zoe@xn--cole-9oa.fr"]
    assert statuses(conn)["marc@exemple.fr"] == "failed"
    [problem] = problems(conn, "coco", W36)
    assert problem["email"] == "marc@exemple.fr"
    assert problem["error"] == "RCPT TO : 550 5.1.1 <marc@exemple.fr>: boîte inconnue"
    # A permanent refusal is not retried by the next run.
    smtp.refuse.clear()
    again = send_digests(conn, config, "coco", W36)
    assert again["failed_before"] == 1 and again.get("sent", 0) == 0 and len(smtp.received) == 2


def test_temporary_refusals_are_retried_with_backoff(conn, world, smtp):
    config, _ = world
    smtp.temporary["elodie@exemple.fr"] = 2  # 451 twice, then accepted
    counts = send_digests(conn, config, "coco", W36)
    assert counts["sent"] == 3 and counts["retries"] == 2
    assert len(smtp.for_address("elodie@exemple.fr")) == 1
    row = conn.execute(
        "SELECT attempts, error FROM digests g JOIN subscribers s ON s.id = g.subscriber_id "
        "WHERE s.email = 'elodie@exemple.fr'"
    ).fetchone()
    assert row == {"attempts": 3, "error": None}


def test_retries_are_bounded_and_the_rest_waits_for_the_next_run(conn, world, smtp):
    config, _ = world
    smtp.temporary["elodie@exemple.fr"] = 10
    counts = send_digests(conn, config, "coco", W36)  # retries = 2 in the test configuration
    assert counts["deferred"] == 1 and counts["sent"] == 2
    assert statuses(conn)["elodie@exemple.fr"] == "pending"
    [problem] = problems(conn, "coco", W36)
    assert problem["attempts"] == 3 and "451 4.3.0" in problem["error"]
    smtp.temporary.clear()
    again = send_digests(conn, config, "coco", W36)
    assert again["sent"] == 1 and again["already_sent"] == 2
    assert len(smtp.for_address("elodie@exemple.fr")) == 1


def test_a_connection_dropped_before_the_end_is_retried(conn, world, smtp):
    config, _ = world
    smtp.drop_at_rcpt["marc@exemple.fr"] = 1
    counts = send_digests(conn, config, "coco", W36)
    assert counts["sent"] == 3 and counts["retries"] == 1
    assert [len(smtp.for_address(a)) for a in ("elodie@exemple.fr", "marc@exemple.fr", "zoe@xn--cole-9oa.fr")] == [
        1,
        1,
        1,
    ]


def test_a_connection_dropped_after_the_end_is_in_doubt_and_not_resent(conn, world, smtp):
    config, _ = world
    smtp.drop_after_dot["marc@exemple.fr"] = 1  # the server had the whole message, the reply never came
    counts = send_digests(conn, config, "coco", W36)
    assert counts["in_doubt"] == 1 and counts["sent"] == 2
    again = send_digests(conn, config, "coco", W36)
    assert again["in_doubt_before"] == 1 and again.get("sent", 0) == 0
    [problem] = problems(conn, "coco", W36)
    assert problem["email"] == "marc@exemple.fr" and problem["dot_sent_at"] is not None
    assert "réception inconnue" in problem["error"]
    # The operator checked the server's log: the message was lost. Resend it, identical.
    resent = send_digests(conn, config, "coco", W36, resend_unknown=True)
    assert resent["sent"] == 1 and resent["resent"] == 1
    [copy] = smtp.for_address("marc@exemple.fr")
    assert copy.message["Message-ID"] == problem["message_id"]


def test_an_unreachable_server_stops_the_batch_and_loses_nothing(conn, world, tmp_path, smtp_controller, smtp):
    from tests.reports.digest_support import free_port

    _, _ = world
    down = load_config(write_config(tmp_path / "down.toml", free_port(), retries=1, retry_delay=0.01))
    with pytest.raises(VeilleError) as err:
        send_digests(conn, down, "coco", W36)
    assert "serveur SMTP 127.0.0.1:" in str(err.value) and "injoignable" in str(err.value)
    assert "après 2 tentatives" in str(err.value)
    assert set(statuses(conn).values()) == {"pending"}
    run = conn.execute("SELECT status, error FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    assert run["status"] == "failed"
    counts = send_digests(conn, load_config(write_config(tmp_path / "up.toml", smtp_controller.port)), "coco", W36)
    assert counts["sent"] == 3 and len(smtp.received) == 3


def test_no_unsubscribe_link_no_email(conn, world, tmp_path, smtp_controller, smtp):
    config = load_config(write_config(tmp_path / "no-link.toml", smtp_controller.port, unsubscribe_url=""))
    with pytest.raises(VeilleError, match="lien de désabonnement non configuré"):
        send_digests(conn, config, "coco", W36)
    assert smtp.received == [] and statuses(conn) == {}


def test_unsubscribed_people_get_nothing(conn, world, smtp):
    from reports.digest.subscribers import remove

    config, subscribers = world
    remove(conn, token=subscribers[0]["token"])
    counts = send_digests(conn, config, "coco", W36)
    assert counts["sent"] == 2 and smtp.for_address("elodie@exemple.fr") == []
