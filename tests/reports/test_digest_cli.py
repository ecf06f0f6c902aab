"""``veille digest``: sending, re-running, dry runs, preview and status, through the real command."""

from __future__ import annotations

import email
import re
from email import policy

import pytest

from tests.reports.digest_support import PEOPLE, add_subscribers, seed_week


@pytest.fixture
def ready(conn, digest_config, smtp):
    seed_week(conn)
    add_subscribers(conn, *PEOPLE)
    return str(digest_config)


def test_send_then_send_again(veille, ready, smtp, conn):
    first = veille("--config", ready, "digest", "send", "--dossier", "coco", "--week", "2024-W36")
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == (
        "coco, semaine 2024-W36 (du 2 au 8 septembre 2024) : 3 abonné(s) ; 3 envoyé(s), 0 déjà envoyé(s)"
    )
    assert len(smtp.received) == 3
    second = veille("--config", ready, "digest", "send", "--week", "2024-W36")  # every dossier: only coco
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == (
        "coco, semaine 2024-W36 (du 2 au 8 septembre 2024) : 3 abonné(s) ; 0 envoyé(s), 3 déjà envoyé(s)"
    )
    assert len(smtp.received) == 3
    status = veille("--config", ready, "digest", "status", "--week", "2024-W36")
    lines = status.stdout.strip().splitlines()
    assert len(lines) == 3 and all("\tenvoyé\t" in line for line in lines)
    assert lines[0].startswith("2024-W36\tcoco\telodie@exemple.fr\tenvoyé\t")
    assert re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d CES?T$", lines[0].split("\t")[4])  # when it was sent, Paris time


def test_refusals_are_reported_and_the_exit_status_says_so(veille, ready, smtp):
    smtp.refuse["marc@exemple.fr"] = "550 5.1.1 Boite inconnue"
    result = veille("--config", ready, "digest", "send", "--dossier", "coco", "--week", "2024-W36")
    assert result.returncode == 1
    assert "2 envoyé(s), 0 déjà envoyé(s), 1 refusé(s) définitivement" in result.stdout
    assert "  refusé : marc@exemple.fr — RCPT TO : 550 5.1.1 Boite inconnue" in result.stderr
    assert "veille : erreur : 1 résumé(s) non remis ou en état inconnu" in result.stderr


def test_dry_run_writes_eml_files_and_sends_nothing(veille, ready, smtp, conn, tmp_path):
    out = tmp_path / "brouillons"
    before = oct(tmp_path.stat().st_mode & 0o777)
    result = veille("--config", ready, "digest", "send", "--week", "2024-W36", "--dry-run", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "3 écrit(s) en .eml" in result.stdout
    files = sorted(out.glob("*.eml"))
    assert [f.name[:14] for f in files] == ["2024-W36-coco-"] * 3
    # They hold addresses and unsubscribe tokens: readable by their owner only.
    assert {oct(f.stat().st_mode & 0o777) for f in files} == {"0o600"}
    assert oct(out.stat().st_mode & 0o777) == "0o700"  # and the folder veille made for them
    assert oct(tmp_path.stat().st_mode & 0o777) == before  # the folder it did not make is left alone
    msg = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert msg.get_content_type() == "multipart/alternative"
    assert msg["To"].addresses[0].addr_spec == "elodie@exemple.fr"
    assert smtp.received == []
    assert conn.execute("SELECT count(*) AS n FROM digests").fetchone()["n"] == 0
    # A real send afterwards still sends everyone's.
    sent = veille("--config", ready, "digest", "send", "--week", "2024-W36")
    assert "3 envoyé(s)" in sent.stdout and len(smtp.received) == 3


def test_preview_prints_the_text_part(veille, ready, smtp):
    result = veille("--config", ready, "digest", "preview", "--dossier", "coco", "--week", "2024-W36")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Objet : Le site Coco (coco.fr, coco.gg) — semaine du 2 au 8 septembre 2024 : ")
    assert "== Les viols de Mazan — procès ==" in result.stdout
    assert "Bonjour,\n" in result.stdout
    html = veille("--config", ready, "digest", "preview", "--week", "2024-W36", "--html")
    assert html.stdout.startswith("<!DOCTYPE html>") and "<style" not in html.stdout
    assert smtp.received == []


@pytest.mark.parametrize(
    "args, message",
    [
        (("--dry-run",), "--dry-run demande --out"),
        (("--out", "{tmp}/apercu"), "--out ne sert qu'avec --dry-run"),
        (("--week", "2024-36"), "semaine mal écrite : « 2024-36 »"),
        (("--dossier", "inconnu"), "dossier inconnu : « inconnu »"),
    ],
)
def test_bad_arguments_are_one_french_line(veille, ready, args, message, tmp_path):
    result = veille("--config", ready, "digest", "send", *(a.format(tmp=tmp_path) for a in args))
    assert result.returncode == 1
    assert result.stderr.startswith("veille : erreur : ") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_no_subscribers_nothing_to_send_even_without_mail_settings(veille):
    result = veille("digest", "send", "--week", "2024-W36")  # built-in configuration: no SMTP, no links
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "coco, semaine 2024-W36 (du 2 au 8 septembre 2024) : aucun abonné, rien à envoyer"
