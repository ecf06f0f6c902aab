"""``veille crawl`` and ``veille sources``: collecting articles, listing and checking sources."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import click

from veille.app import App, pass_app
from veille.errors import VeilleError
from veille.kinds import kind_of

PARIS = ZoneInfo("Europe/Paris")


def parse_since(value: str | None) -> datetime | None:
    """--since: AAAA-MM-JJ or JJ/MM/AAAA, midnight Paris time."""
    if not value:
        return None
    text = value.strip()
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    try:
        day = datetime(int(m[3]), int(m[2]), int(m[1])) if m else datetime.fromisoformat(text)
    except ValueError:
        raise VeilleError(
            f"date invalide pour --since : « {value} »", "écrivez AAAA-MM-JJ (2024-06-25) ou JJ/MM/AAAA (25/06/2024)"
        ) from None
    return day if day.tzinfo else day.replace(tzinfo=PARIS)


@click.command(name="crawl")
@click.option(
    "--source",
    "source_ids",
    multiple=True,
    metavar="ID",
    help="Ne collecter que cette source (répétable). Par défaut : toutes les sources.",
)
@click.option("--dossier", metavar="SLUG", help="Ne collecter que les sources qui suivent ce dossier.")
@click.option(
    "--since", metavar="DATE", help="Ignorer les articles publiés avant cette date (AAAA-MM-JJ ou JJ/MM/AAAA)."
)
@pass_app
def crawl(app: App, source_ids: tuple[str, ...], dossier: str | None, since: str | None) -> None:
    """Collecter les articles des sources configurées (flux, sitemaps, pages de recherche).

    Seuls les articles qui concernent un dossier sont gardés ; les autres pages
    sont comptées et leur raison notée dans la table crawl_urls. Une seconde
    collecte ne retélécharge que ce qui a changé.
    """
    from crawler.run import api_sources, run_crawl

    since_date = parse_since(since)
    apis = api_sources(app.config, source_ids, dossier)
    if not source_ids or any(not kind_of(app.config.source(s).kind).client for s in source_ids):
        report = run_crawl(app, source_ids, dossier, since_date)
        for line in report.lines:
            app.say(line)
    failed = []
    for source in apis:  # one source's failure does not keep the others from being collected
        try:
            _collect_api_source(app, source)
        except VeilleError as exc:
            failed.append(exc)
    if failed:  # the crawl did not do all it was asked: it says why and exits 1
        raise (
            failed[0]
            if len(failed) == 1
            else VeilleError("; ".join(str(e) for e in failed), "corrigez chaque source nommée, puis relancez")
        )


def _collect_api_source(app: App, source) -> None:
    """Sources of an API (Judilibre, Wayback): their own clients, the same storage."""
    collect = kind_of(source.kind).load("client")
    with app.progress(f"{source.kind} {source.id}") as progress:
        line = collect(app, source, progress)
        if line:
            app.say(line)


@click.group(name="sources")
def sources() -> None:
    """Lister et vérifier les sources configurées."""


@sources.command(name="list")
@click.option(
    "--etat",
    "with_state",
    is_flag=True,
    help="Ajouter, pour chaque source, ses documents et sa dernière collecte, heure de Paris (lit la base).",
)
@pass_app
def list_sources(app: App, with_state: bool) -> None:
    """Lister les sources : identifiant, type, nom, fréquence de collecte, adresses, dossiers suivis."""
    from crawler.check import SOURCE_HEADERS, STATE_HEADERS, source_row, source_states
    from veille.app import table

    states = source_states(app.db()) if with_state else None
    headers = SOURCE_HEADERS + (STATE_HEADERS if with_state else ())
    app.say(table([source_row(s, states) for s in app.config.sources], headers))
    app.say(f"{len(app.config.sources)} source(s) configurée(s).")


@sources.command(name="check")
@click.option("--source", "source_ids", multiple=True, metavar="ID", help="Ne vérifier que cette source (répétable).")
@click.option(
    "--timeout", default=10.0, show_default=True, metavar="SECONDES", help="Délai d'attente de chaque adresse."
)
@pass_app
def check(app: App, source_ids: tuple[str, ...], timeout: float) -> None:
    """Vérifier que chaque source répond et liste des articles (une ligne par source)."""
    from crawler.check import check_sources

    chosen = [app.config.source(sid) for sid in source_ids] if source_ids else list(app.config.sources)
    results = check_sources(chosen, app.config, timeout)
    for line in results.lines:
        app.say(line)
    app.say(f"{results.ok}/{len(chosen)} source(s) répondent et listent des articles.")
