"""``veille serve`` (the editors' web application) and ``veille users`` (its accounts)."""

from __future__ import annotations

import os
from typing import Any

import click

from veille.app import App, pass_app
from veille.vocabulary import ROLE_LABELS, ROLES


@click.command(name="serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Adresse d'écoute.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port d'écoute.")
@click.option("--dossier", metavar="SLUG", help="Dossier relu (par défaut : le premier configuré).")
@click.option(
    "--workers", default=8, show_default=True, type=click.IntRange(1, 64), help="Connexions à la base par processus."
)
@click.option(
    "--processes",
    default=1,
    show_default=True,
    type=click.IntRange(1, 32),
    help="Processus serveurs (un par cœur pour de nombreux utilisateurs simultanés).",
)
@pass_app
def serve(app: App, host: str, port: int, dossier: str | None, workers: int, processes: int) -> None:
    """Servir l'application de relecture : chronologie en direct, pages des affaires, des entrées et
    des documents, file de relecture (valider, masquer, corriger la date, le type, le titre,
    déplacer dans une autre affaire, marquer un document hors sujet), liens de désabonnement des
    résumés. Comptes : « veille users add ». Même base que les autres commandes ; peut tourner à
    côté de « veille schedule ». Derrière un proxy HTTPS, les cookies sont marqués Secure."""
    import uvicorn

    from reports.web.app import create_app

    if dossier:
        app.config.dossier(dossier)
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": "warning" if app.quiet else "info",
        "proxy_headers": True,
        "server_header": False,
    }
    if processes == 1:
        application = create_app(app.config, dossier=dossier, pool_size=workers)
        app.say(f"veille serve : http://{host}:{port}/ (Ctrl-C pour arrêter)")
        uvicorn.run(application, **options)
        return
    # Several processes: uvicorn starts each one, which builds the application from the environment.
    app.db()  # migrated once, before the processes start
    if app.config_path:
        os.environ["VEILLE_CONFIG"] = str(app.config_path)
    os.environ["VEILLE_SERVE_DOSSIER"] = dossier or ""
    os.environ["VEILLE_SERVE_POOL"] = str(workers)
    app.say(f"veille serve : http://{host}:{port}/ ({processes} processus ; Ctrl-C pour arrêter)")
    uvicorn.run("reports.web.app:from_environment", factory=True, workers=processes, **options)


def _password(ask: bool) -> str:
    """From $VEILLE_PASSWORD (scripts, tests), else asked twice without echo."""
    given = os.environ.get("VEILLE_PASSWORD")
    if given:
        return given
    if not ask:
        raise click.UsageError("mot de passe requis : définissez VEILLE_PASSWORD")
    return click.prompt("Mot de passe", hide_input=True, confirmation_prompt="Confirmez le mot de passe")


@click.group(name="users")
def users() -> None:
    """Gérer les comptes de « veille serve » : éditeurs (corrigent et valident) et lecteurs (lisent)."""


@users.command(name="add")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), default="viewer", show_default=True, help="editor ou viewer.")
@click.option("--name", help="Nom affiché (« chronologie vérifiée par … »).")
@pass_app
def users_add(app: App, email: str, role: str, name: str | None) -> None:
    """Créer un compte. Le mot de passe (10 caractères au moins) est demandé, ou lu dans VEILLE_PASSWORD."""
    from veille.accounts import add_user, check_password

    password = check_password(_password(True))
    user = add_user(app.db(), email, role, password, name)
    app.say(f"compte créé : {user.email} ({ROLE_LABELS[user.role]})")


@users.command(name="remove")
@click.argument("email")
@pass_app
def users_remove(app: App, email: str) -> None:
    """Supprimer un compte et fermer ses sessions ; ses corrections restent, à son nom."""
    from veille.accounts import remove_user

    remove_user(app.db(), email)
    app.say(f"compte supprimé : {email.strip().lower()}")


@users.command(name="passwd")
@click.argument("email")
@pass_app
def users_passwd(app: App, email: str) -> None:
    """Changer le mot de passe d'un compte (demandé, ou lu dans VEILLE_PASSWORD) ; ses sessions sont fermées."""
    from veille.accounts import check_password, set_password

    set_password(app.db(), email, check_password(_password(True)))
    app.say(f"mot de passe changé : {email.strip().lower()}")


@users.command(name="list")
@pass_app
def users_list(app: App) -> None:
    """Lister les comptes."""
    from veille.accounts import list_users

    rows = list_users(app.db())
    for r in rows:
        app.say(f"{r['email']:<36} {ROLE_LABELS[r['role']]:<8} {r['name'] or ''}")
    app.say(f"{len(rows)} compte(s)")


@users.command(name="log")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 100_000), help="Nombre de lignes.")
@pass_app
def users_log(app: App, limit: int) -> None:
    """Le journal des actions : connexions, corrections, comptes, désabonnements (le plus récent d'abord)."""
    from veille.accounts import audit_entries

    for r in audit_entries(app.db(), limit):
        who = r["user_email"] or "—"
        detail = " ".join(f"{k}={v}" for k, v in (r["detail"] or {}).items())
        app.say(f"{r['at']:%Y-%m-%d %H:%M:%S} {who:<28} {r['action']:<16} {r['target'] or ''} {detail}".rstrip())
