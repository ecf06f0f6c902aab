"""``veille demo``: the whole pipeline, offline, on the bundled sample corpus.

It serves the sample mini-web on 127.0.0.1, writes a configuration pointing at it,
then runs the ordinary commands one after the other, exactly as a user would:
crawl → nlp run → cases → timeline → digest (written as .eml files, not sent).
Its database is the embedded PostgreSQL with its data under ``<out>/data`` (unless
``DATABASE_URL`` is set), so the demo never mixes with a real installation.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import click

from veille.app import App, pass_app
from veille.errors import VeilleError
from veille.vocabulary import day_label

DEMO_SUBSCRIBERS = (
    ("redaction-demo@example.org", "Rédaction démo"),
    ("association-demo@example.org", "Association Enfance Protégée (démo)"),
)
DEMO_WEEK = "2024-W26"  # the week coco.gg was closed: a busy week of the sample corpus
# The timeline as of the sample's last announcement: Prétoire, 3 October 2025, announces the Mazan
# appeal trial from the 6th, so « À venir » and audiences.ics show a hearing, as they would on a
# live dossier (written as of today, a fictional corpus that ends in 2025 has nothing ahead).
DEMO_DAY = "2025-10-03"


def _steps(out: Path) -> list[tuple[str, list[str]]]:
    steps = [
        ("Collecte du mini-web (flux, sitemaps, recherche, Judilibre)", ["crawl"]),
        ("Analyse des textes (spaCy)", ["nlp", "run"]),
        ("Regroupement en affaires", ["cases"]),
        (
            f"Chronologie HTML et exports, au {day_label(date.fromisoformat(DEMO_DAY))}",
            ["timeline", "--dossier", "coco", "--out", str(out / "timeline"), "--date", DEMO_DAY],
        ),
    ]
    for email, name in DEMO_SUBSCRIBERS:
        steps.append((f"Abonnement de {email}", ["subscribers", "add", email, "--dossier", "coco", "--name", name]))
    steps.append(
        (
            "Résumés hebdomadaires (fichiers .eml, rien n'est envoyé)",
            ["digest", "send", "--dossier", "coco", "--week", DEMO_WEEK, "--dry-run", "--out", str(out / "digests")],
        )
    )
    return steps


@click.command()
@click.option(
    "--out",
    default="demo",
    show_default=True,
    metavar="DOSSIER",
    help="Où écrire la configuration, la base embarquée, la chronologie et les résumés.",
)
@click.option(
    "--serve/--no-serve", default=False, help="Laisser le mini-web en service à la fin (Ctrl-C pour arrêter)."
)
@pass_app
def demo(app: App, out: str, serve: bool) -> None:
    """Démonstration hors ligne : sert le mini-web d'exemple (corpus fictif) sur 127.0.0.1, puis
    collecte, analyse, regroupe en affaires, écrit la chronologie et les résumés hebdomadaires."""
    from samples.miniweb import MiniWeb

    out_dir = Path(out).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    own_database = not os.environ.get("DATABASE_URL", "").strip()
    if own_database:
        os.environ["VEILLE_DATA_DIR"] = str(out_dir / "data")
    from veille.db import database_url, describe_url

    url = database_url()  # this process holds the embedded server for every step
    # The mini-web gets new ports at every run, so its pages get new addresses: a second demo
    # on the same data would store every article again. The demo starts from an empty database.
    if own_database:
        _empty_embedded_database()
    else:
        _require_empty(url)
    app.say(f"Base : {describe_url(url)}")
    started = time.monotonic()
    with MiniWeb() as web:
        # The digests are written as files, never sent: their unsubscribe link points at an example address.
        config = web.write_config(
            out_dir / "veille.toml",
            extra={
                "reports": {
                    "public_url": (out_dir / "timeline" / "index.html").as_uri(),
                    "unsubscribe_url": "https://exemple.fr/desabonnement?jeton={token}",
                }
            },
        )
        app.say(f"Mini-web : {len(web.outlets)} sites fictifs servis sur 127.0.0.1 ; configuration : {config}")
        env = {**os.environ, "DATABASE_URL": url, "JUDILIBRE_KEY_ID": web.judilibre_key or "demo"}
        for label, args in _steps(out_dir):
            app.say(f"→ {label}")
            result = subprocess.run([sys.executable, "-m", "veille", "--config", str(config), *args], env=env)
            if result.returncode != 0:
                raise VeilleError(
                    f"l'étape « {label} » a échoué (veille {' '.join(args)})",
                    "le message ci-dessus dit pourquoi ; relancez avec --debug pour la trace",
                )
        app.say("")
        app.say(f"Terminé en {time.monotonic() - started:.0f} s. Résultats :")
        timeline = out_dir / "timeline" / "index.html"
        if timeline.exists():
            app.say(f"  chronologie      : {timeline}")
            app.say(
                f"  exports          : {out_dir / 'timeline'} (timeline.json, events.csv, events.json, audiences.ics)"
            )
        digests = sorted((out_dir / "digests").glob("**/*.eml"))
        if digests:
            app.say(f"  résumés (.eml)   : {len(digests)} fichier(s) dans {out_dir / 'digests'}")
        app.say(
            f"  base de données  : VEILLE_DATA_DIR={out_dir / 'data'} veille db shell"
            if "VEILLE_DATA_DIR" in os.environ and not os.environ.get("DATABASE_URL")
            else f"  base de données  : {describe_url(url)}"
        )
        app.say(f"  configuration    : {config}")
        if serve:
            app.say("Mini-web toujours en service, les liens des sources répondent (Ctrl-C pour arrêter) :")
            for outlet, base in web.outlets.items():
                app.say(f"  {outlet:18} {base}")
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                pass
        else:
            app.say(
                "Le mini-web s'arrête avec la démo : les liens de la chronologie vers les articles ne "
                "répondent plus. Pour les suivre, relancez en le gardant en service : veille demo --serve "
                "(ou make demo DEMO_ARGS=--serve)."
            )


def _empty_embedded_database() -> None:
    """Recreate the embedded database under the demo's own data folder (nothing else lives there)."""
    import psycopg
    from psycopg import sql

    from veille.embedded import DATABASE_NAME, embedded_server

    name = sql.Identifier(DATABASE_NAME)
    with psycopg.connect(embedded_server().uri("postgres"), autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(name))


def _require_empty(url: str) -> None:
    """With DATABASE_URL, the demo never mixes its fictional corpus into a database that holds documents."""
    import psycopg

    from veille.db import describe_url

    with psycopg.connect(url) as conn:
        exists = conn.execute("SELECT to_regclass('documents') IS NOT NULL").fetchone()[0]
        count = conn.execute("SELECT count(*) FROM documents").fetchone()[0] if exists else 0
    if count:
        raise VeilleError(
            f"la base {describe_url(url)} contient déjà {count} document(s) : la démo ne mélange pas "
            f"son corpus fictif à des données",
            "lancez la démo sans DATABASE_URL (elle a alors sa "
            "propre base embarquée, dans son dossier) ou donnez une base vide",
        )
