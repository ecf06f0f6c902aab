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
    "extract": (
        "crawler.extract_cli:extract",
        "Montrer ce que veille garderait de pages enregistrées, sans rien stocker.",
    ),
    "import": (
        "crawler.archive_cli:import_",
        "Importer des archives (fichiers WARC, Wayback Machine) et des décisions de justice (Judilibre).",
    ),
    "nlp": (
        "nlp.cli:nlp",
        "Analyser les textes (personnes, lieux, dates, chefs d'accusation, événements) et mesurer la précision.",
    ),
    "cases": ("cases.cli:cases", "Lister les affaires regroupées à partir des événements."),
    "timeline": ("reports.timeline.cli:timeline", "Écrire la chronologie HTML et ses exports (JSON, CSV, iCalendar)."),
    "subscribers": ("reports.digest.cli:subscribers", "Gérer les abonnés aux résumés hebdomadaires."),
    "digest": ("reports.digest.cli:digest", "Préparer et envoyer les résumés hebdomadaires par courriel."),
    "schedule": ("veille.scheduler:schedule", "Lancer le planificateur (collecte, analyse, chronologie, résumés)."),
    "worker": ("veille.worker:worker", "Exécuter les tâches mises en file, sur une ou plusieurs machines."),
    "status": ("veille.scheduler:status", "État des dernières exécutions, des sources et de la base."),
    "export": ("reports.export:export", "Exporter les tables d'un dossier (CSV, Parquet) pour la recherche."),
    "serve": ("reports.web.cli:serve", "Servir l'application de relecture (corriger, valider, publier)."),
    "users": ("reports.web.cli:users", "Gérer les comptes de l'application de relecture."),
    "demo": ("veille.demo:demo", "Démonstration hors ligne sur le corpus d'exemple (mini-web local)."),
    "samples": (
        "samples.cli:samples",
        "Servir le mini-web d'exemple (corpus fictif, faux Judilibre et Wayback) en local.",
    ),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(STAGE_COMMANDS))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in STAGE_COMMANDS:
            # Imported when used, so that `veille --help` imports no stage. A target that does not
            # resolve is a mistake in the table above, and fails here as one.
            module, attr = STAGE_COMMANDS[name][0].split(":")
            return getattr(importlib.import_module(module), attr)
        return super().get_command(ctx, name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Short help from the table: listing commands must not import every stage.
        rows = [(name, STAGE_COMMANDS[name][1]) for name in STAGE_COMMANDS]
        rows += [(name, cmd.get_short_help_str(80)) for name, cmd in self.commands.items()]
        with formatter.section("Commandes"):
            formatter.write_dl(sorted(rows))


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--config",
    "config_path",
    envvar="VEILLE_CONFIG",
    metavar="FICHIER",
    help="Fichier de configuration TOML (sinon $VEILLE_CONFIG, sinon la configuration intégrée).",
)
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
    """Dire quelle base est utilisée, où sont ses données et si son serveur tourne."""
    from veille import embedded, reader
    from veille.db import describe_url, migration_status

    _ = app.config  # a bad or missing configuration is reported before the server is looked at
    if os.environ.get("DATABASE_URL", "").strip():
        app.say("Base : serveur PostgreSQL désigné par DATABASE_URL")
        app.say(f"URI : {describe_url(os.environ['DATABASE_URL'].strip())}")
    else:
        served = embedded.serving()
        running = embedded.running_info()
        if served:
            address = f"127.0.0.1:{served['port']} et socket" if served.get("port") else "socket seulement"
            app.say(f"Serveur : en marche, servi par veille db serve (pid {served['pid']}, {address})")
        elif running:
            app.say(
                f"Serveur : en marche le temps d'une commande veille (pid {running.pid}) ; "
                "il s'arrêtera avec elle — pour le garder ouvert : veille db serve"
            )
        else:
            app.say(
                "Serveur : arrêté — il ne tourne que pendant une commande veille, l'adresse ci-dessous ne "
                "répond qu'alors ; pour y connecter psql, pandas, R ou DBeaver : veille db serve"
            )
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
    logins = reader.reader_logins(conn)
    locks = (
        "verrous de veille fermés aux lecteurs"
        if reader.advisory_locks_closed(conn)
        else "attention : les lecteurs peuvent prendre les verrous de veille (migrez en superutilisateur)"
    )
    app.say(f"Lecteurs : {', '.join(logins) if logins else 'aucun (veille db reader-password en crée un)'} — {locks}")


@db.command(context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@click.option("--reader", is_flag=True, help="Se connecter avec un rôle lecteur (lecture seule, données expurgées).")
@click.option(
    "--user",
    "login",
    default=None,
    metavar="ROLE",
    help="Rôle lecteur à utiliser avec --reader (par défaut veille_researcher).",
)
@click.argument("psql_args", nargs=-1, type=click.UNPROCESSED)
@pass_app
def shell(app: App, reader: bool, login: str | None, psql_args: tuple[str, ...]) -> None:
    """Ouvrir psql sur la base (arguments supplémentaires transmis à psql)."""
    import shutil

    from veille import embedded, reader as readers
    from veille.db import database_url

    conn = app.db()  # the schema is migrated before a researcher looks at it
    url = database_url()
    psql = str(embedded.psql_path()) if embedded.psql_path().exists() else shutil.which("psql")
    if not psql:
        raise VeilleError("psql introuvable", "installez le client PostgreSQL (paquet postgresql-client)")
    env = dict(os.environ)
    if login and not reader:
        raise VeilleError("--user ne sert qu'avec --reader", "ajoutez --reader, ou retirez --user")
    if reader:
        # The reader's own login, never the operator's session with a role switched.
        login = readers.check_login_name(login or readers.DEFAULT_LOGIN)
        if login not in readers.reader_logins(conn):
            raise VeilleError(
                f"le rôle lecteur {login} n'existe pas", f"créez-le avec veille db reader-password --user {login}"
            )
        url = readers.reader_url(url, login)
        env = readers.reader_env(env)
    sys.exit(subprocess.call([psql, url, *psql_args], env=env))


@db.command("reader-password")
@click.option(
    "--user",
    "login",
    default="veille_researcher",
    show_default=True,
    metavar="ROLE",
    help="Rôle lecteur à créer ou modifier (membre de veille_reader).",
)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Lire le mot de passe sur l'entrée standard (sinon il est généré et affiché une fois).",
)
@click.option(
    "--statement-timeout",
    default="5min",
    show_default=True,
    metavar="DURÉE",
    help="Durée maximale d'une requête du lecteur (30s, 5min, 1h).",
)
@click.option(
    "--idle-timeout",
    default="10min",
    show_default=True,
    metavar="DURÉE",
    help="Durée maximale d'une transaction du lecteur laissée ouverte sans requête.",
)
@pass_app
def reader_password(app: App, login: str, password_stdin: bool, statement_timeout: str, idle_timeout: str) -> None:
    """Créer le rôle de connexion en lecture seule des chercheurs, ou changer son mot de passe."""
    import psycopg

    from veille import reader

    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if len(password) < 8:
            raise VeilleError("mot de passe trop court", "donnez-en un d'au moins 8 caractères")
    conn = app.db()
    try:
        password = reader.set_reader_password(conn, login, password, statement_timeout, idle_timeout)
    except (psycopg.errors.InvalidParameterValue, psycopg.errors.InvalidDatetimeFormat) as exc:
        raise VeilleError(
            f"durée invalide : {str(exc).strip().splitlines()[0]}", "écrivez une durée comme 30s, 5min ou 1h"
        ) from None
    if not password_stdin:
        app.say(f"mot de passe de {login} (affiché une seule fois) : {password}")
    app.say(f"rôle lecteur {login} prêt ; mot de passe gardé pour veille db shell --reader dans {reader.pgpass_path()}")


@db.command()
@click.option(
    "--port", type=click.IntRange(1, 65535), default=5433, show_default=True, help="Port TCP, sur 127.0.0.1 seulement."
)
@click.option("--socket", "socket_only", is_flag=True, help="N'écouter que sur le socket local, pas en TCP.")
@pass_app
def serve(app: App, port: int, socket_only: bool) -> None:
    """Garder le PostgreSQL embarqué ouvert (pour psql, pandas, R, DBeaver) jusqu'à Ctrl-C ou SIGTERM."""
    import json
    import signal
    import threading

    from veille import embedded, reader
    from veille.files import write_private

    if os.environ.get("DATABASE_URL", "").strip():
        raise VeilleError(
            "veille db serve sert le PostgreSQL embarqué, or DATABASE_URL désigne déjà un serveur",
            "connectez-vous directement à ce serveur, ou retirez DATABASE_URL",
        )
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    server = embedded.serve_server(None if socket_only else port)
    watchdog = None
    try:
        conn = app.db()
        info = embedded.running_info()
        tcp = info.port if info is not None and info.hostname else None
        write_private(embedded.serve_file(), json.dumps({"pid": os.getpid(), "port": tcp}))
        logins = reader.reader_logins(conn)
        login = logins[0] if logins else reader.DEFAULT_LOGIN
        app.say("PostgreSQL embarqué en service (Ctrl-C ou SIGTERM pour l'arrêter)")
        app.say(f"Opérateur (socket, sans mot de passe) : {server.uri()}")
        if tcp:
            app.say(f"Lecteur (TCP, mot de passe) : postgresql://{login}@127.0.0.1:{tcp}/{embedded.DATABASE_NAME}")
        app.say(f"Lecteur (socket, mot de passe) : {reader.reader_url(server.uri(), login)}")
        if not logins:
            app.say("Aucun rôle lecteur pour l'instant : créez-le avec veille db reader-password")
        app.say("Exemples psql, pandas, R et DBeaver : docs/research.md")
        watchdog = reader.Watchdog(server.uri())
        watchdog.start()
        conn.close()
        while not stop.wait(0.5):
            pass
    finally:
        if watchdog is not None:
            watchdog.stop()
        try:
            if json.loads(embedded.serve_file().read_text()).get("pid") == os.getpid():
                embedded.serve_file().unlink()
        except (OSError, ValueError):
            pass
        others = [pid for pid in embedded.live_handles() if pid != os.getpid()]
        server.release()
        app.say(
            "serveur arrêté"
            if not others
            else f"service terminé ; le serveur reste en marche pour {len(others)} autre(s) commande(s) veille"
        )


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
    from veille.vocabulary import paris_time

    applied, pending = migration_status(connect())
    for row in applied:
        app.say(f"appliquée   {row['version']:04d}_{row['name']}  ({paris_time(row['applied_at'])})")
    for m in pending:
        app.say(f"en attente  {m.path.name}")
    if not applied and not pending:
        app.say("aucune migration")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else exc.__class__.__name__


def _connection_lost(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or what caused it) says the database server went away: killed, stopped,
    or the connection cut. A failed *first* connection is a VeilleError raised by veille.db.connect."""
    import psycopg

    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, (psycopg.OperationalError, psycopg.InterfaceError)):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


# Set by the scheduler for the commands it starts: the command dies with the scheduler (even one
# killed by SIGKILL), so that the next scheduler, resuming the job, never runs a second copy of it.
DIE_WITH_PARENT = "VEILLE_DIE_WITH_PARENT"


def _die_with_parent() -> None:
    parent = os.environ.pop(DIE_WITH_PARENT, None)  # popped: our own helpers are ours to stop
    if not parent or not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if str(os.getppid()) != parent:  # the scheduler died before the request was in place
        os._exit(1)


def main(argv: list[str] | None = None) -> None:
    _die_with_parent()
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        cli.main(args=argv, prog_name="veille", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("veille : interrompu", err=True)
        sys.exit(130)
    except click.ClickException as exc:  # a usage mistake: one French line, and where the help is
        click.echo(click_fr.one_line(exc), err=True)
        sys.exit(exc.exit_code)
    except VeilleError as exc:
        if debug:
            traceback.print_exc()
        click.echo(f"veille : erreur : {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("veille : interrompu", err=True)
        sys.exit(130)
    except Exception as exc:  # an unexpected failure, or the database gone in the middle of the work
        if _connection_lost(exc):
            if debug:
                traceback.print_exc()
            click.echo(
                "veille : erreur : connexion à la base de données perdue en cours de route "
                f"({_first_line(exc)}) — vérifiez que le serveur PostgreSQL tourne (veille db info) puis "
                "relancez la commande : ce qui était enregistré est gardé",
                err=True,
            )
            sys.exit(1)
        if debug:  # one line, the trace with --debug
            traceback.print_exc()
        click.echo(
            f"veille : erreur inattendue : {exc.__class__.__name__}: {exc} — relancez avec --debug et signalez-la",
            err=True,
        )
        sys.exit(1)
