"""``veille subscribers``: adding, checking, leaving and coming back, as an operator does it."""

from __future__ import annotations

import pytest

from reports.digest.subscribers import add, remove
from reports.mail.address import ascii_email, normalise_email
from veille.errors import VeilleError


def test_add_list_remove_through_the_cli(veille, conn):
    added = veille("subscribers", "add", "Elodie.Lefevre@Exemple.FR", "--dossier", "coco", "--name", "Élodie Lefèvre")
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == "abonné : Elodie.Lefevre@exemple.fr (Élodie Lefèvre) au résumé du dossier « coco »"
    row = conn.execute("SELECT * FROM subscribers").fetchone()
    assert row["email"] == "Elodie.Lefevre@exemple.fr" and row["name"] == "Élodie Lefèvre"
    assert len(row["token"]) >= 30 and row["unsubscribed_at"] is None

    listed = veille("subscribers", "list")
    assert "coco\tElodie.Lefevre@exemple.fr\tÉlodie Lefèvre\tdepuis le" in listed.stdout
    assert listed.stdout.strip().endswith("1 abonné(s) actif(s)")

    again = veille("subscribers", "add", "elodie.lefevre@exemple.fr", "--dossier", "coco")
    assert again.stdout.startswith("déjà abonné : Elodie.Lefevre@exemple.fr")

    removed = veille("subscribers", "remove", "Elodie.Lefevre@exemple.fr")
    assert removed.returncode == 0, removed.stderr
    assert removed.stdout.strip() == "désabonné : Elodie.Lefevre@exemple.fr du dossier « coco »"
    assert veille("subscribers", "list").stdout.strip() == "aucun abonné"
    assert "désabonné le" in veille("subscribers", "list", "--all").stdout


def test_a_bad_address_is_one_french_line_and_nothing_is_stored(veille, conn):
    result = veille("subscribers", "add", "elodie@@exemple.fr", "--dossier", "coco")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "veille : erreur : adresse électronique invalide : « elodie@@exemple.fr » : "
        "il faut exactement un « @ » — écrivez une adresse de la forme nom@domaine.fr"
    )
    assert conn.execute("SELECT count(*) AS n FROM subscribers").fetchone()["n"] == 0


def test_unknown_dossier_and_missing_arguments_are_refused_in_french(veille):
    unknown = veille("subscribers", "add", "a@exemple.fr", "--dossier", "inconnu")
    assert unknown.returncode == 1 and "dossier inconnu : « inconnu »" in unknown.stderr
    missing = veille("subscribers", "add", "a@exemple.fr")
    assert missing.returncode == 1 and "dossier manquant" in missing.stderr
    nobody = veille("subscribers", "remove", "personne@exemple.fr")
    assert nobody.returncode == 1 and "personne@exemple.fr n'est pas abonné" in nobody.stderr


@pytest.mark.parametrize(
    "address, problem",
    [
        ("", "adresse électronique vide"),
        ("elodie.exemple.fr", "il faut exactement un « @ »"),
        ("@exemple.fr", "rien avant le « @ »"),
        ("elodie@", "rien après le « @ »"),
        ("élodie@exemple.fr", "sans accents"),
        ("elo die@exemple.fr", "espace"),
        ("elodie..l@exemple.fr", "point mal placé"),
        (".elodie@exemple.fr", "point mal placé"),
        ("elodie@exemple", "le domaine doit contenir un point"),
        ("elodie@exemple..fr", "nom de domaine incorrect"),
        ("elodie@-exemple.fr", "nom de domaine incorrect"),
        ("elodie@exemple_1.fr", "nom de domaine incorrect"),
        ("elodie@192.168.1.1", "adresse IP"),
        ("elodie@exemple.fr\nBcc: x@y.fr", "caractère de contrôle"),
    ],
)
def test_address_checks(address, problem):
    with pytest.raises(VeilleError) as err:
        normalise_email(address)
    assert problem in str(err.value)


def test_international_domains_are_stored_readable_and_sent_as_idna():
    assert normalise_email("  Zoe@ÉCOLE.fr ") == "Zoe@école.fr"
    assert normalise_email("zoe@xn--cole-9oa.fr") == "zoe@école.fr"
    assert ascii_email("zoe@école.fr") == "zoe@xn--cole-9oa.fr"
    assert normalise_email("o'brien+veille@sous.exemple.fr") == "o'brien+veille@sous.exemple.fr"


def test_coming_back_reactivates_with_a_new_token(coco, veille):
    conn = coco
    first = add(conn, "marc@exemple.fr", "coco").subscriber
    remove(conn, token=first["token"])
    result = veille("subscribers", "add", "MARC@exemple.fr", "--dossier", "coco", "--name", "Marc")
    assert result.stdout.strip() == (
        "réabonné : marc@exemple.fr (Marc) au résumé du dossier « coco » (nouveau lien de désabonnement)"
    )
    rows = conn.execute("SELECT * FROM subscribers").fetchall()
    assert len(rows) == 1 and rows[0]["id"] == first["id"]
    assert rows[0]["unsubscribed_at"] is None and rows[0]["name"] == "Marc"
    assert rows[0]["token"] != first["token"]
    # The old link no longer ends the new subscription.
    stale = veille("subscribers", "remove", "--token", first["token"])
    assert stale.returncode == 1 and "aucun abonnement actif ne correspond à ce jeton" in stale.stderr
    ok = veille("subscribers", "remove", "--token", rows[0]["token"])
    assert ok.returncode == 0 and "désabonné : marc@exemple.fr" in ok.stdout


def test_names_must_be_one_line(coco):
    conn = coco
    with pytest.raises(VeilleError, match="caractère de contrôle"):
        add(conn, "a@exemple.fr", "coco", "Marc\x00")
    assert add(conn, "a@exemple.fr", "coco", "  Marc\n  Dupont ").subscriber["name"] == "Marc Dupont"


def test_every_command_and_option_has_help(veille):
    import click

    from reports.digest.cli import digest, subscribers

    for group in (subscribers, digest):
        assert group.help
        for name, command in group.commands.items():
            assert command.help, name
            for param in command.params:
                if isinstance(param, click.Option):
                    assert param.help, f"{name} {param.opts}"
    send_help = " ".join(veille("digest", "send", "--help").stdout.split())
    assert "Envoyer le résumé de la semaine à chaque abonné, une seule fois." in send_help
    assert "--resend-unknown" in send_help and "même Message-ID" in send_help
