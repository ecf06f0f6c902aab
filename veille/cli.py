"""The ``veille`` command. Stage commands live with their stage and are loaded on demand,
so ``veille --help`` stays fast and a stage's heavy imports (spaCy, Scrapy) happen
only when one of its commands runs."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import traceback

import click

from veille import __version__, click_fr
from veille.app import App, pass_app
from veille.errors import VeilleError

click_fr.install()

# command name -> "module:attribute" of a click command or group
STAGE_COMMANDS = {
    "crawl": ("crawler.cli:crawl", "Collecter les articles des sources configurées."),
    "sources": ("crawler.cli:sources", "Lister et vérifier les sources configurées."),
    "extract": ("crawler.extract_cli:extract", "Montrer ce que veille garderait de pages enregistrées, sans rien stocker."),
    "import": ("crawler.archive_cli:import_", "Importer des archives (fichiers WARC)."),
    "nlp": ("nlp.cli:nlp", "Analyser les textes : personnes, lieux, dates, chefs d'accusation, événements."),
    "cases": ("cases.cli:cases", "Lister les affaires regroupées à partir des événements."),
    "timeline": ("reports.timeline.cli:timeline", "Produire la chronologie HTML et ses exports."),
    "subscribers": ("reports.digest.cli:subscribers", "Gérer les abonnés aux résumés hebdomadaires."),
    "digest": ("reports.digest.cli:digest", "Préparer et envoyer les résumés hebdomadaires par courriel."),
    "schedule": ("veille.scheduler:schedule", "Lancer le planificateur (collecte, analyse, chronologie, résumés)."),
    "status": ("veille.scheduler:status", "État des dernières exécutions, des sources et de la base."),
    "demo": ("veille.demo:demo", "Démonstration hors ligne sur le corpus d'exemple (mini-web local)."),
    "samples": ("samples.cli:samples", "Servir le mini-web d'exemple (corpus fictif) en local."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(STAGE_COMMANDS))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in STAGE_COMMANDS:
            target, _ = STAGE_COMMANDS[name]
            module, attr = target.split(":")
            try:
                return getattr(importlib.import_module(module), attr)
            except ModuleNotFoundError as exc:
                if exc.name and module.startswith(exc.name):
                    return _unavailable(name, STAGE_COMMANDS[name][1])  # stage not built yet
                raise
            except AttributeError:
                return _unavailable(name, STAGE_COMMANDS[name][1])
        return super().get_command(ctx, name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Short help from the table: listing commands must not import every stage.
        rows = [(name, STAGE_COMMANDS[name][1]) for name in STAGE_COMMANDS]
        rows += [(name, cmd.get_short_help_str(80)) for name, cmd in self.commands.items()]
        with formatter.section("Commandes"):
            formatter.write_dl(sorted(rows))


def _unavailable(name: str, help_text: str) -> click.Command:
    @click.command(name=name, help=help_text + "\n\n(Pas encore disponible dans cette version.)")
    def command() -> None:
        raise VeilleError(f"la commande « veille {name} » n'est pas encore disponible dans cette version",
                          "voir README.md pour les commandes disponibles")

    return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--config", "config_path", envvar="VEILLE_CONFIG", metavar="FICHIER",
              help="Fichier de configuration TOML (sinon $VEILLE_CONFIG, sinon la configuration intégrée).")
@click.option("--debug", is_flag=True, help="Afficher la trace complète des erreurs.")
@click.option("-q", "--quiet", is_flag=True, help="N'afficher que les erreurs.")
@click.version_option(__version__, prog_name="veille")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, debug: bool, quiet: bool) -> None:
    """veille : revue de presse et de décisions de justice sur un dossier, en chronologie vérifiable.

    La base de données est celle de DATABASE_URL ; sans elle, veille démarre son
    PostgreSQL embarqué (données dans VEILLE_DATA_DIR ou le dossier utilisateur).
    """
    ctx.obj = App(config_path=config_path, debug=debug, quiet=quiet)


@cli.group()
def db() -> None:
    """Base de données : informations, migrations, console psql."""


@db.command()
@pass_app
def info(app: App) -> None:
    """Dire quelle base est utilisée et où sont ses données."""
    from veille import embedded
    from veille.db import describe_url, migration_status

    if os.environ.get("DATABASE_URL", "").strip():
        app.say("Base : serveur PostgreSQL désigné par DATABASE_URL")
        app.say(f"URI : {describe_url(os.environ['DATABASE_URL'].strip())}")
    else:
        server = embedded.embedded_server()
        app.say("Base : PostgreSQL embarqué (démarré par veille, arrêté quand plus aucun processus ne l'utilise)")
        app.say(f"URI : {server.uri()}")
        app.say(f"Données : {server.pgdata}")
    conn = app.db()
    version = conn.execute("SHOW server_version").fetchone()["server_version"]
    applied, pending = migration_status(conn)
    size = conn.execute("SELECT pg_size_pretty(pg_database_size(current_database())) AS s").fetchone()["s"]
    docs = conn.execute("SELECT count(*) AS n FROM documents").fetchone()["n"]
    app.say(f"PostgreSQL {version} — schéma : {len(applied)} migration(s) appliquée(s), {len(pending)} en attente")
    app.say(f"Taille : {size} — {docs} document(s)")


@db.command(context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@click.option("--reader", is_flag=True, help="Se connecter avec le rôle en lecture seule veille_reader.")
@click.argument("psql_args", nargs=-1, type=click.UNPROCESSED)
@pass_app
def shell(app: App, reader: bool, psql_args: tuple[str, ...]) -> None:
    """Ouvrir psql sur la base (arguments supplémentaires transmis à psql)."""
    import shutil

    from veille import embedded
    from veille.db import database_url

    app.db()  # the schema is migrated before a researcher looks at it
    url = database_url()
    psql = str(embedded.psql_path()) if embedded.psql_path().exists() else shutil.which("psql")
    if not psql:
        raise VeilleError("psql introuvable", "installez le client PostgreSQL (paquet postgresql-client)")
    env = dict(os.environ)
    if reader:
        env["PGOPTIONS"] = (env.get("PGOPTIONS", "") + " -c role=veille_reader").strip()
    sys.exit(subprocess.call([psql, url, *psql_args], env=env))


@db.command()
@pass_app
def migrate(app: App) -> None:
    """Appliquer les migrations en attente."""
    from veille.db import connect, migrate as apply

    conn = connect()
    applied = apply(conn, progress=lambda m: app.say(f"application de {m.path.name}…"))
    app.say(f"{len(applied)} migration(s) appliquée(s)" if applied else "schéma à jour, rien à appliquer")


@db.command()
@pass_app
def status(app: App) -> None:
    """Lister les migrations appliquées et en attente."""
    from veille.db import connect, migration_status

    applied, pending = migration_status(connect())
    for row in applied:
        app.say(f"appliquée   {row['version']:04d}_{row['name']}  ({row['applied_at']:%Y-%m-%d %H:%M})")
    for m in pending:
        app.say(f"en attente  {m.path.name}")
    if not applied and not pending:
        app.say("aucune migration")


def main(argv: list[str] | None = None) -> None:
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        cli.main(args=argv, prog_name="veille", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("veille : interrompu", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except VeilleError as exc:
        if debug:
            traceback.print_exc()
        click.echo(f"veille : erreur : {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("veille : interrompu", err=True)
        sys.exit(130)
    except Exception as exc:  # an unexpected failure: one line, the trace with --debug
        if debug:
            traceback.print_exc()
        click.echo(f"veille : erreur inattendue : {exc.__class__.__name__}: {exc} — relancez avec --debug "
                   "et signalez-la", err=True)
        sys.exit(1)
