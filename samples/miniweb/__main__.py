"""Command line: ``python -m samples.miniweb serve [--filler N] [--config-out FILE] …``,
also reached as ``veille samples serve``; its messages are in French like the rest of veille's CLI."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from samples.miniweb.server import MiniWeb


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m samples.miniweb",
        description="Mini-web d'exemple : huit sites de presse fictifs (corpus fictif), et de fausses API Judilibre et Wayback, servis sur 127.0.0.1.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="démarrer tous les serveurs et rester en service jusqu'à Ctrl-C / SIGTERM")
    serve.add_argument(
        "--filler",
        type=int,
        default=0,
        metavar="N",
        help="ajouter N articles de remplissage générés, répartis sur les sites",
    )
    serve.add_argument("--seed", type=int, default=1, help="graine du générateur de remplissage (1 par défaut)")
    serve.add_argument(
        "--on-subject",
        type=float,
        default=0.5,
        metavar="RATIO",
        help="part des articles de remplissage qui citent coco.gg (0,5 par défaut)",
    )
    serve.add_argument(
        "--config-out", metavar="FILE", help="écrire une configuration veille (TOML) dont les sources pointent ici"
    )
    serve.add_argument("--log", metavar="FILE", help="ajouter chaque requête reçue, en JSON, ligne par ligne, à FILE")
    serve.add_argument(
        "--slow", type=float, default=3.0, metavar="SECONDS", help="délai de la page lente, en secondes (3 par défaut)"
    )
    serve.add_argument("--clock", metavar="ISO", help="horloge figée des sites (2025-12-01T12:00+01:00 par défaut)")
    serve.add_argument("--testdata", action="store_true", help="servir aussi les articles de test du mini-web")
    serve.add_argument("--no-hostile", action="store_true", help="ne pas servir les pages cassées et hostiles")
    serve.add_argument("--judilibre-key", default=None, help="clé KeyId acceptée par le faux Judilibre")
    return parser


def serve(args: argparse.Namespace) -> int:
    options = {}
    if args.judilibre_key:
        options["judilibre_key"] = args.judilibre_key
    web = MiniWeb(
        filler=args.filler,
        seed=args.seed,
        on_subject=args.on_subject,
        slow=args.slow,
        clock=args.clock,
        log_path=args.log,
        include_testdata=args.testdata,
        hostile=not args.no_hostile,
        **options,
    )
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    web.start()
    try:
        for oid, url in web.outlets.items():
            count = len(web.articles(oid))
            print(f"{oid:18} {url}/  ({count} articles)")
        print(f"{'judilibre':18} {web.judilibre_url}  (KeyId : {web.judilibre_key or 'toute clé'})")
        print(f"{'wayback':18} {web.cdx_url}")
        print(f"{'gdelt':18} {web.gdelt_url}")
        if args.config_out:
            print(f"configuration écrite : {web.write_config(args.config_out)}")
        print("Ctrl-C pour arrêter.", flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        web.stop()
        print("arrêté.", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "serve":
        return serve(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
