"""Done when: on the sample corpus, ``veille digest send`` against a local SMTP server delivers
one well-formed French digest per subscriber, a second run delivers nothing, and a crash in the
middle leaves no one with two copies and no one forgotten."""

from __future__ import annotations

import pytest

from tests.reports.digest_support import PEOPLE, add_subscribers, load_sample_corpus
from tests.reports.test_digest_crash import send_and_kill
from veille.config import load_config

CLOSURE_WEEK = "2024-W26"  # coco.gg closed by the courts, a wire story taken up everywhere
ADDRESSES = ("elodie@exemple.fr", "marc@exemple.fr", "zoe@xn--cole-9oa.fr", "asso@enfance.exemple.fr")


@pytest.fixture
def corpus(conn, digest_config, smtp):
    from cases.grouping import recompute_cases

    counts = load_sample_corpus(conn, group_cases=False)
    assert counts["documents"] > 50 and counts["events"] > 100
    # Cases and happenings as the pipeline computes them (the real grouping of cases/grouping.py).
    assert recompute_cases(conn, load_config(digest_config))["cases"] > 5
    add_subscribers(conn, *PEOPLE, ("asso@enfance.exemple.fr", "Association Enfance"))
    return str(digest_config)


def test_one_digest_each_then_nothing(veille, corpus, smtp):
    first = veille("--config", corpus, "digest", "send", "--week", CLOSURE_WEEK)
    assert first.returncode == 0, first.stderr
    assert "4 abonné(s) ; 4 envoyé(s), 0 déjà envoyé(s)" in first.stdout
    assert sorted(r.rcpt_tos[0] for r in smtp.received) == sorted(ADDRESSES)
    for received in smtp.received:
        msg = received.message
        assert [a.addr_spec for a in msg["To"].addresses] == received.rcpt_tos
        assert msg["Subject"].startswith("Le site Coco (coco.fr, coco.gg) — semaine du 24 au 30 juin 2024 : ")
        assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        text = msg.get_body(("plain",)).get_content()
        html = msg.get_body(("html",)).get_content()
        for part in (text, html):
            assert "Le site coco.gg fermé par la justice" in part
            assert "L'Écho du Nord, Le Courrier de Provence, Le Décodeur, Le Quotidien, Radio Nord Publique" in part
        assert "Repris par" in text and "repris par" in html
        assert "Le parquet de Paris a annoncé mardi la fermeture du site de discussion" in text
    second = veille("--config", corpus, "digest", "send", "--week", CLOSURE_WEEK)
    assert second.returncode == 0 and "0 envoyé(s), 4 déjà envoyé(s)" in second.stdout
    assert len(smtp.received) == 4


def test_a_crash_in_the_middle_leaves_everyone_with_exactly_one(veille, corpus, smtp, db_url):
    smtp.block = ("marc@exemple.fr", "rcpt")
    send_and_kill(db_url, corpus, smtp, CLOSURE_WEEK)
    smtp.block = None
    rerun = veille("--config", corpus, "digest", "send", "--week", CLOSURE_WEEK)
    assert rerun.returncode == 0, rerun.stderr
    assert [len(smtp.for_address(a)) for a in ADDRESSES] == [1, 1, 1, 1]
    assert len({r.message["Message-ID"] for r in smtp.received}) == 4
