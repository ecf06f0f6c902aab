"""The command line as a user meets it: help everywhere, one clear line per error."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from tests.conftest import run_veille
from veille.cli import STAGE_COMMANDS, cli

ROOT = Path(__file__).resolve().parents[2]


def all_commands(group: click.Group, ctx: click.Context, prefix=()):
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        yield prefix + (name,), cmd
        if isinstance(cmd, click.Group):
            yield from all_commands(cmd, click.Context(cmd, parent=ctx), prefix + (name,))


COMMANDS = list(all_commands(cli, click.Context(cli)))


def test_veille_help_lists_every_command():
    result = run_veille("--help")
    assert result.returncode == 0
    for name in [*STAGE_COMMANDS, "db"]:
        assert re.search(rf"^\s+{name}\s+\S", result.stdout, re.M), f"{name} missing from veille --help"


def test_a_mistyped_stage_command_fails_as_a_mistake(monkeypatch):
    # Not « pas encore disponible »: the table of veille/cli.py is wrong, and says so.
    monkeypatch.setitem(STAGE_COMMANDS, "cases", ("cases.cli:casse", "Lister les affaires."))
    with pytest.raises(AttributeError, match="casse"):
        cli.get_command(click.Context(cli), "cases")
    monkeypatch.setitem(STAGE_COMMANDS, "cases", ("cases.clii:cases", "Lister les affaires."))
    with pytest.raises(ModuleNotFoundError, match="cases.clii"):
        cli.get_command(click.Context(cli), "cases")


@pytest.mark.parametrize("path", [" ".join(p) for p, _ in COMMANDS])
def test_every_command_has_french_help(path):
    cmd = dict((" ".join(p), c) for p, c in COMMANDS)[path]
    assert cmd.help and cmd.help.strip(), f"veille {path} has no help"
    for param in cmd.params:
        if isinstance(param, click.Option) and param.name not in ("help",):
            assert param.help, f"option {param.opts} of veille {path} has no help"


def test_click_itself_speaks_french():
    help_text = run_veille("nlp", "run", "--help")
    assert help_text.returncode == 0
    assert (
        help_text.stdout.startswith("Utilisation : veille nlp run")
        and "Afficher cette aide et quitter." in help_text.stdout
    )
    assert "Show this message" not in help_text.stdout
    wrong = run_veille("nlpp")
    assert wrong.returncode == 2
    assert wrong.stderr == "veille : erreur : Commande inconnue : 'nlpp'. — aide : veille --help\n"


def test_every_command_appears_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path, cmd in COMMANDS:
        if isinstance(cmd, click.Group):
            continue
        assert f"veille {' '.join(path)}" in readme, f"`veille {' '.join(path)}` is not documented in README.md"


def test_python_dash_m_and_version():
    result = run_veille("--version")
    assert result.returncode == 0 and "veille" in result.stdout


@pytest.mark.parametrize(
    "url, expected",
    [
        ("postgresql://nobody@127.0.0.1:1/veille", "base de données injoignable"),
        ("postgres://bad url with spaces", "DATABASE_URL mal formée"),
        ("notaurl", "DATABASE_URL mal formée"),
    ],
)
def test_bad_database_url_is_one_line_with_the_fix(url, expected):
    result = run_veille("db", "status", env={"DATABASE_URL": url})
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0] and "DATABASE_URL" in lines[0]
    assert "Traceback" not in result.stderr


def test_debug_shows_the_traceback():
    result = run_veille("--debug", "db", "status", env={"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/veille"})
    assert result.returncode == 1 and "Traceback" in result.stderr


def test_db_commands_on_a_server_given_by_database_url(veille):
    status = veille("db", "status")
    assert status.returncode == 0, status.stderr
    assert "appliquée   0001_initial" in status.stdout
    info = veille("db", "info")
    assert info.returncode == 0, info.stderr
    assert "DATABASE_URL" in info.stdout and "en attente" in info.stdout
    shell = veille("db", "shell", "-c", "SELECT count(*) AS n FROM schema_migrations")
    assert shell.returncode == 0, shell.stderr
    assert re.search(r"^\s*\d+\s*$", shell.stdout, re.M)
