"""``veille samples …``: the sample mini-web from veille's own command line."""

from __future__ import annotations

import sys

import click


@click.group()
def samples() -> None:
    """Le corpus d'exemple : articles fictifs reconstituant des faits rapportés, servis en local."""


@samples.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True}, add_help_option=False)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def serve(args: tuple[str, ...]) -> None:
    """Servir le mini-web (huit sites fictifs, faux Judilibre et Wayback) sur 127.0.0.1
    jusqu'à Ctrl-C ; --config-out FICHIER écrit une configuration qui pointe vers lui.
    Options : voir « veille samples serve --help »."""
    from samples.miniweb.__main__ import main

    sys.exit(main(["serve", *args]))
