"""``veille samples …``: the sample mini-web from veille's own command line (also ``python -m samples.miniweb``)."""

from __future__ import annotations

import signal
import threading

import click


@click.group()
def samples() -> None:
    """Le corpus d'exemple : articles fictifs reconstituant des faits rapportés, servis en local."""


@samples.command()
@click.option("--filler", type=int, default=0, metavar="N", help="Ajouter N articles de remplissage générés.")
@click.option(
    "--seed", type=int, default=1, show_default=True, metavar="N", help="Graine du générateur de remplissage."
)
@click.option(
    "--on-subject",
    type=float,
    default=0.5,
    show_default=True,
    metavar="PART",
    help="Part des articles de remplissage qui citent coco.gg.",
)
@click.option(
    "--config-out", metavar="FICHIER", help="Écrire une configuration veille (TOML) dont les sources pointent ici."
)
@click.option("--log", metavar="FICHIER", help="Ajouter chaque requête reçue à FICHIER, en JSON, une par ligne.")
@click.option("--slow", type=float, default=3.0, show_default=True, metavar="SECONDES", help="Délai de la page lente.")
@click.option("--clock", metavar="ISO", help="Horloge figée des sites (par défaut 2025-12-01T12:00+01:00).")
@click.option("--testdata", is_flag=True, help="Servir aussi les articles de test du mini-web.")
@click.option("--no-hostile", is_flag=True, help="Ne pas servir les pages cassées et hostiles.")
@click.option("--judilibre-key", default=None, metavar="CLÉ", help="Clé KeyId acceptée par le faux Judilibre.")
def serve(
    filler: int,
    seed: int,
    on_subject: float,
    config_out: str | None,
    log: str | None,
    slow: float,
    clock: str | None,
    testdata: bool,
    no_hostile: bool,
    judilibre_key: str | None,
) -> None:
    """Servir le mini-web (huit sites fictifs, faux Judilibre, Wayback et GDELT) sur 127.0.0.1
    jusqu'à Ctrl-C ou SIGTERM ; --config-out écrit une configuration qui pointe vers lui."""
    from samples.miniweb.server import MiniWeb

    options = {"judilibre_key": judilibre_key} if judilibre_key else {}
    web = MiniWeb(
        filler=filler,
        seed=seed,
        on_subject=on_subject,
        slow=slow,
        clock=clock,
        log_path=log,
        include_testdata=testdata,
        hostile=not no_hostile,
        **options,
    )
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    web.start()
    try:
        for oid, url in web.outlets.items():
            click.echo(f"{oid:18} {url}/  ({len(web.articles(oid))} articles)")
        click.echo(f"{'judilibre':18} {web.judilibre_url}  (KeyId : {web.judilibre_key or 'toute clé'})")
        click.echo(f"{'wayback':18} {web.cdx_url}")
        click.echo(f"{'gdelt':18} {web.gdelt_url}")
        if config_out:
            click.echo(f"configuration écrite : {web.write_config(config_out)}")
        click.echo("Ctrl-C pour arrêter.")
        while not stop.wait(0.5):
            pass
    finally:
        web.stop()
        click.echo("arrêté.")
