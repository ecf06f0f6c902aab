"""`veille users`: accounts of `veille serve` from the command line, and the audit log."""

from __future__ import annotations

import pytest

from veille import accounts

PASSWORD = "un mot de passe assez long"


def test_add_list_passwd_remove_and_log(conn, veille):
    env = {"VEILLE_PASSWORD": PASSWORD}
    added = veille("users", "add", "Anne@Journal.fr", "--role", "editor", "--name", "Anne Éditrice", env=env)
    assert added.returncode == 0, added.stderr
    assert "compte créé : anne@journal.fr (éditeur)" in added.stdout
    row = conn.execute("SELECT * FROM users").fetchone()
    assert row["password_hash"].startswith("$argon2id$") and PASSWORD not in row["password_hash"]
    assert accounts.authenticate(conn, "anne@journal.fr", PASSWORD) is not None
    again = veille("users", "add", "anne@journal.fr", env=env)
    assert again.returncode == 1 and "le compte anne@journal.fr existe déjà" in again.stderr
    listed = veille("users", "list")
    assert "anne@journal.fr" in listed.stdout and "éditeur" in listed.stdout and "1 compte(s)" in listed.stdout
    changed = veille("users", "passwd", "anne@journal.fr", env={"VEILLE_PASSWORD": "un tout autre secret"})
    assert changed.returncode == 0, changed.stderr
    assert accounts.authenticate(conn, "anne@journal.fr", PASSWORD) is None
    assert accounts.authenticate(conn, "anne@journal.fr", "un tout autre secret") is not None
    removed = veille("users", "remove", "anne@journal.fr")
    assert removed.returncode == 0 and conn.execute("SELECT count(*) AS n FROM users").fetchone()["n"] == 0
    log = veille("users", "log")
    assert log.returncode == 0
    lines = log.stdout.splitlines()
    for action in ("user_added", "password_changed", "user_removed", "login_failed", "login"):
        assert any(f" {action} " in line or line.endswith(action) for line in lines), action


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (("users", "add", "pas-une-adresse"), {"VEILLE_PASSWORD": PASSWORD}, "adresse invalide : « pas-une-adresse »"),
        (("users", "add", "a@b.fr"), {"VEILLE_PASSWORD": "court"}, "mot de passe trop court (5 caractères)"),
        (("users", "remove", "x@b.fr"), {}, "aucun compte x@b.fr"),
    ],
)
def test_mistakes_are_one_french_line(conn, veille, args, env, message):
    out = veille(*args, env=env)
    assert out.returncode == 1
    assert out.stderr.strip().splitlines() == [out.stderr.strip()] and message in out.stderr
    assert conn.execute("SELECT count(*) AS n FROM users").fetchone()["n"] == 0


def test_every_users_command_and_serve_have_french_help(veille):
    for args in (("serve",), ("users",), ("users", "add"), ("users", "log"), ("users", "passwd")):
        out = veille(*args, "--help")
        assert out.returncode == 0 and "Show this message" not in out.stdout, args
    assert "--role" in veille("users", "add", "--help").stdout
    assert "127.0.0.1" in veille("serve", "--help").stdout
