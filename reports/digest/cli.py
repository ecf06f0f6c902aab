"""``veille subscribers`` and ``veille digest``: who receives the weekly digest, and sending it."""

from __future__ import annotations

import contextlib
import signal
import sys
import threading

import click
import psycopg

from veille.app import App, pass_app
from veille.errors import VeilleError

DOSSIER_HELP = "Dossier concerné (son identifiant, par exemple coco)."
WEEK_HELP = "Semaine ISO, par exemple 2024-W36 (par défaut : la dernière semaine complète, heure de Paris)."


def _conn(app: App) -> psycopg.Connection:
    """The shared connection, in autocommit: each step below commits by itself."""
    conn = app.db()
    if not conn.autocommit:
        conn.commit()
        conn.autocommit = True
    return conn


def _week(text: str | None):
    from reports.digest.weeks import last_complete_week, parse_week

    return parse_week(text) if text else last_complete_week()


def _one_dossier(app: App, slug: str | None) -> str:
    if slug:
        app.config.dossier(slug)
        return slug
    if len(app.config.dossiers) == 1:
        return next(iter(app.config.dossiers))
    raise VeilleError("précisez le dossier", f"ajoutez --dossier (dossiers : {', '.join(app.config.dossiers)})")


# --------------------------------------------------------------------------- subscribers


@click.group()
def subscribers() -> None:
    """Gérer les abonnés aux résumés hebdomadaires (un abonnement par adresse et par dossier)."""


@subscribers.command("add")
@click.argument("email", required=False)
@click.option("--dossier", metavar="DOSSIER", help=DOSSIER_HELP + " Obligatoire.")
@click.option("--name", "name", metavar="NOM", help="Nom de la personne, pour la formule « Bonjour … » (facultatif).")
@pass_app
def add_subscriber(app: App, email: str | None, dossier: str | None, name: str | None) -> None:
    """Abonner l'adresse EMAIL au résumé d'un dossier (ou réactiver un abonnement résilié)."""
    from reports.digest.subscribers import add

    if not email:
        raise VeilleError("adresse électronique manquante", "veille subscribers add nom@exemple.fr --dossier coco")
    if not dossier:
        raise VeilleError("dossier manquant", "ajoutez --dossier, par exemple --dossier coco")
    app.config.dossier(dossier)
    outcome = add(_conn(app), email, dossier, name)
    who = outcome.subscriber["email"] + (f" ({outcome.subscriber['name']})" if outcome.subscriber["name"] else "")
    app.say(
        {
            "added": f"abonné : {who} au résumé du dossier « {dossier} »",
            "reactivated": f"réabonné : {who} au résumé du dossier « {dossier} » (nouveau lien de désabonnement)",
            "renamed": f"nom mis à jour : {who}, déjà abonné au dossier « {dossier} »",
            "unchanged": f"déjà abonné : {who} au dossier « {dossier} »",
        }[outcome.action]
    )


@subscribers.command("remove")
@click.argument("email", required=False)
@click.option("--dossier", metavar="DOSSIER", help=DOSSIER_HELP + " Par défaut : tous les dossiers de l'adresse.")
@click.option(
    "--token", metavar="JETON", help="Désabonner par le jeton du lien de désabonnement plutôt que par l'adresse."
)
@pass_app
def remove_subscriber(app: App, email: str | None, dossier: str | None, token: str | None) -> None:
    """Désabonner l'adresse EMAIL (ou le jeton --token) ; l'historique des envois est conservé."""
    from reports.digest.subscribers import remove

    if not email and not token:
        raise VeilleError(
            "adresse ou jeton manquant", "veille subscribers remove nom@exemple.fr [--dossier coco], ou --token JETON"
        )
    if dossier:
        app.config.dossier(dossier)
    for row in remove(_conn(app), email, dossier, token):
        app.say(f"désabonné : {row['email']} du dossier « {row['dossier_slug']} »")


@subscribers.command("list")
@click.option("--dossier", metavar="DOSSIER", help=DOSSIER_HELP + " Par défaut : tous.")
@click.option("--all", "include_gone", is_flag=True, help="Inclure les personnes désabonnées.")
@pass_app
def list_subscribers(app: App, dossier: str | None, include_gone: bool) -> None:
    """Lister les abonnés (adresse, nom, dossier, date d'abonnement)."""
    from reports.digest.subscribers import listing

    if dossier:
        app.config.dossier(dossier)
    rows = listing(_conn(app), dossier, include_gone)
    if not rows:
        app.say("aucun abonné" + (f" au dossier « {dossier} »" if dossier else ""))
        return
    for r in rows:
        state = f"désabonné le {r['unsubscribed_at']:%d/%m/%Y}" if r["unsubscribed_at"] else "actif"
        click.echo(
            f"{r['dossier_slug']}\t{r['email']}\t{r['name'] or ''}\tdepuis le {r['created_at']:%d/%m/%Y}\t{state}"
        )
    app.say(f"{sum(1 for r in rows if not r['unsubscribed_at'])} abonné(s) actif(s)")


# --------------------------------------------------------------------------- digest


@click.group()
def digest() -> None:
    """Préparer et envoyer les résumés hebdomadaires par courriel (un par abonné et par semaine)."""


COUNT_LABELS = (
    ("sent", "envoyé(s)"),
    ("resent", "renvoyé(s) après interruption"),
    ("already_sent", "déjà envoyé(s)"),
    ("written", "écrit(s) en .eml"),
    ("failed", "refusé(s) définitivement"),
    ("failed_before", "refusé(s) lors d'un envoi précédent"),
    ("deferred", "reporté(s) (échec temporaire)"),
    ("in_doubt", "en état inconnu"),
    ("in_doubt_before", "toujours en état inconnu"),
)


def _summary(dossier: str, week, counts: dict) -> str:
    if not counts.get("subscribers"):
        return f"{dossier}, semaine {week.code} ({week.label()}) : aucun abonné, rien à envoyer"
    parts = [
        f"{counts.get(key, 0)} {label}"
        for key, label in COUNT_LABELS
        if counts.get(key) or key in ("sent", "already_sent")
    ]
    quiet = " — semaine calme" if counts.get("quiet") else ""
    return (
        f"{dossier}, semaine {week.code} ({week.label()}) : {counts.get('subscribers', 0)} abonné(s) ; "
        f"{', '.join(parts)}{quiet}"
    )


@digest.command("send")
@click.option("--dossier", metavar="DOSSIER", help=DOSSIER_HELP + " Par défaut : tous les dossiers.")
@click.option("--week", metavar="AAAA-Wss", help=WEEK_HELP)
@click.option("--dry-run", is_flag=True, help="Ne rien envoyer : écrire les messages en fichiers .eml (avec --out).")
@click.option(
    "--out",
    "out_dir",
    metavar="DOSSIER",
    type=click.Path(file_okay=False),
    help="Répertoire où écrire les .eml de --dry-run.",
)
@click.option(
    "--resend-unknown",
    is_flag=True,
    help="Renvoyer aussi les résumés en état inconnu (interrompus après la fin du message), "
    "à l'identique, avec le même Message-ID.",
)
@pass_app
def send(
    app: App, dossier: str | None, week: str | None, dry_run: bool, out_dir: str | None, resend_unknown: bool
) -> None:
    """Envoyer le résumé de la semaine à chaque abonné, une seule fois.

    Relancer la commande pour la même semaine n'envoie rien de plus ; après une
    interruption, elle reprend là où l'envoi s'était arrêté (voir docs/digests.md).
    """
    from reports.digest.send import send_digests

    if dry_run and not out_dir:
        raise VeilleError("--dry-run demande --out", "ajoutez --out DOSSIER pour y écrire les fichiers .eml")
    if out_dir and not dry_run:
        raise VeilleError("--out ne sert qu'avec --dry-run", "ajoutez --dry-run, ou retirez --out pour envoyer")
    the_week = _week(week)
    slugs = [dossier] if dossier else list(app.config.dossiers)
    for slug in slugs:
        app.config.dossier(slug)
    conn = _conn(app)
    trouble = 0
    with _stop_between_messages() as asked:
        for slug in slugs:
            with app.progress(f"résumé {slug} {the_week.code}") as progress:
                counts = send_digests(
                    conn,
                    app.config,
                    slug,
                    the_week,
                    resend_unknown=resend_unknown,
                    out_dir=out_dir if dry_run else None,
                    progress=progress,
                    should_stop=asked,
                )
            trouble += _report(app, conn, slug, the_week, counts, dry_run)
    if trouble:
        raise VeilleError(
            f"{trouble} résumé(s) non remis ou en état inconnu (détail ci-dessus)",
            "voir docs/digests.md : les reportés repartent à la prochaine exécution ; un état "
            "inconnu se vérifie dans le journal du serveur SMTP (Message-ID), puis "
            "« veille digest confirm » ou « veille digest send --resend-unknown »",
        )


@digest.command("retry")
@click.option("--dossier", metavar="DOSSIER", help=DOSSIER_HELP + " Par défaut : tous les dossiers.")
@click.option(
    "--week", metavar="AAAA-Wss", required=True, help="Semaine ISO des résumés à renvoyer, par exemple 2024-W36."
)
@pass_app
def retry(app: App, dossier: str | None, week: str) -> None:
    """Renvoyer les résumés d'une semaine refusés définitivement (après avoir corrigé la cause), puis
    ceux qui restent dus."""
    from reports.digest.send import retry_failed, send_digests

    the_week = _week(week)
    slugs = [dossier] if dossier else list(app.config.dossiers)
    for slug in slugs:
        app.config.dossier(slug)
    conn = _conn(app)
    trouble = 0
    with _stop_between_messages() as asked:
        for slug in slugs:
            again = retry_failed(conn, slug, the_week)
            app.say(f"{slug}, semaine {the_week.code} : {again} résumé(s) refusé(s) remis en file")
            with app.progress(f"résumé {slug} {the_week.code}") as progress:
                counts = send_digests(conn, app.config, slug, the_week, progress=progress, should_stop=asked)
            trouble += _report(app, conn, slug, the_week, counts, False)
    if trouble:
        raise VeilleError(
            f"{trouble} résumé(s) non remis ou en état inconnu (détail ci-dessus)",
            "voir docs/digests.md et « veille digest status »",
        )


@contextlib.contextmanager
def _stop_between_messages():
    """SIGTERM or Ctrl-C: finish the message being handed over, then stop; a second one stops at once."""
    asked = threading.Event()

    def on_signal(signum, frame):
        if asked.is_set():
            raise KeyboardInterrupt
        asked.set()
        click.echo("veille : arrêt demandé — fin du message en cours, puis arrêt", err=True)

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield asked.is_set
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _report(app: App, conn, slug: str, the_week, counts: dict, dry_run: bool) -> int:
    from reports.digest.send import problems

    app.say(_summary(slug, the_week, counts))
    if dry_run:
        return 0
    for p in problems(conn, slug, the_week):
        click.echo(f"  {_problem_line(p)}", err=True)
    return sum(counts.get(k, 0) for k in ("failed", "deferred", "in_doubt", "in_doubt_before"))


def _problem_line(p: dict) -> str:
    if p["status"] == "failed":
        return f"refusé : {p['email']} — {p['error']}"
    if p["status"] == "sending" and p["dot_sent_at"] is not None:
        return (
            f"état inconnu : {p['email']} — Message-ID {p['message_id']} — message transmis en entier, "
            f"réponse du serveur jamais reçue : cherchez ce Message-ID dans le journal du serveur"
        )
    if p["status"] == "sending":
        return f"interrompu : {p['email']} — sera renvoyé à la prochaine exécution"
    return f"reporté : {p['email']} — {p['error']} (après {p['attempts']} tentative(s))"


@digest.command("preview")
@click.option("--dossier", metavar="DOSSIER", help=DOSSIER_HELP + " Facultatif s'il n'y a qu'un dossier.")
@click.option("--week", metavar="AAAA-Wss", help=WEEK_HELP)
@click.option("--html", "as_html", is_flag=True, help="Afficher la partie HTML (styles en ligne) au lieu du texte.")
@pass_app
def preview(app: App, dossier: str | None, week: str | None, as_html: bool) -> None:
    """Afficher le résumé d'une semaine tel que les abonnés le liront (partie texte), sans rien envoyer."""
    from reports.digest.content import build_digest, render_html, render_text
    from reports.mail.message import inline_css

    slug = _one_dossier(app, dossier)
    the_digest = build_digest(_conn(app), app.config, slug, _week(week))
    if as_html:
        sys.stdout.write(inline_css(render_html(the_digest)))
    else:
        click.echo(f"Objet : {the_digest.subject}\n")
        sys.stdout.write(render_text(the_digest))


@digest.command("status")
@click.option("--dossier", metavar="DOSSIER", help=DOSSIER_HELP + " Par défaut : tous.")
@click.option("--week", metavar="AAAA-Wss", help="Semaine ISO (par défaut : toutes).")
@pass_app
def status(app: App, dossier: str | None, week: str | None) -> None:
    """Lister l'état de remise des résumés : envoyé, reporté, refusé, en état inconnu."""
    from reports.digest.send import statuses
    from reports.digest.weeks import parse_week
    from veille.vocabulary import paris_time

    if dossier:
        app.config.dossier(dossier)
    rows = statuses(_conn(app), dossier, parse_week(week) if week else None)
    if not rows:
        app.say("aucun résumé enregistré")
        return
    labels = {"pending": "à envoyer", "sent": "envoyé", "failed": "refusé", "quiet": "semaine calme"}
    for r in rows:
        state = labels.get(r["status"], r["status"])
        if r["status"] == "sending":
            state = "état inconnu" if r["dot_sent_at"] else "interrompu"
        when = f"\t{paris_time(r['sent_at'])}" if r["sent_at"] else ""
        error = f"\t{r['error']}" if r["error"] and r["status"] != "sent" else ""
        click.echo(f"{r['week']}\t{r['dossier_slug']}\t{r['email']}\t{state}{when}\t{r['message_id'] or ''}{error}")


@digest.command("confirm")
@click.argument("email", required=False)
@click.option("--dossier", metavar="DOSSIER", help=DOSSIER_HELP + " Facultatif s'il n'y a qu'un dossier.")
@click.option("--week", metavar="AAAA-Wss", required=False, help="Semaine ISO du résumé, par exemple 2024-W36.")
@pass_app
def confirm(app: App, email: str | None, dossier: str | None, week: str | None) -> None:
    """Marquer comme remis un résumé en état inconnu, après l'avoir trouvé dans le journal du serveur SMTP."""
    from reports.digest.send import confirm_delivered
    from reports.digest.weeks import parse_week
    from reports.mail.address import normalise_email

    if not email or not week:
        raise VeilleError(
            "adresse ou semaine manquante", "veille digest confirm nom@exemple.fr --dossier coco --week 2024-W36"
        )
    slug = _one_dossier(app, dossier)
    row = confirm_delivered(_conn(app), slug, parse_week(week), normalise_email(email))
    app.say(f"noté comme remis : {email} ({slug}, {week}, Message-ID {row['message_id']})")
