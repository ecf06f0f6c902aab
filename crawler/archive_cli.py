"""``veille import``: archives (WARC/ARC files, the Wayback Machine) and court decisions
(Judilibre) brought into the database through the crawler's own stages."""

from __future__ import annotations

import os

import click

from veille.app import App, pass_app
from veille.errors import VeilleError


def _sources_of_kind(app: App, kind: str, source_id: str | None) -> list:
    if source_id:
        source = app.config.source(source_id)
        if source.kind != kind:
            raise VeilleError(
                f"la source « {source_id} » est de type « {source.kind} », pas « {kind} »",
                f"choisissez une source de type {kind} (veille sources list)",
            )
        return [source]
    chosen = [s for s in app.config.sources if s.kind == kind]
    if not chosen:
        raise VeilleError(
            f"aucune source de type « {kind} » dans la configuration", "ajoutez-en une (voir docs/court-sources.md)"
        )
    return chosen


def _set_variables() -> set[str]:
    return {name for name, value in os.environ.items() if value.strip()}


def _say_err(line: str) -> None:
    click.echo(line, err=True)


@click.group(name="import")
def import_() -> None:
    """Importer des archives (fichiers WARC, Wayback Machine) et des décisions de justice (Judilibre)."""


@import_.command(name="warc")
@click.argument("files", nargs=-1, metavar="FICHIER…")
@click.option(
    "--source",
    "source_id",
    metavar="ID",
    help="Rattacher les pages à cette source (par défaut : la source du même site, s'il y en a une).",
)
@pass_app
def warc(app: App, files: tuple[str, ...], source_id: str | None) -> None:
    """Importer les pages HTML de fichiers WARC ou ARC (compressés ou non).

    Chaque page passe par l'extraction, le filtre de sujet et la déduplication de la
    collecte ; la date de capture et l'archive sont notées comme provenance. Un
    enregistrement illisible est signalé sur une ligne et ignoré.
    """
    from crawler.warc import check_files, import_warc, summary

    check_files(list(files))
    conn = app.db()
    with app.progress("import WARC") as progress:
        counts = import_warc(conn, app.config, list(files), progress=progress, say=_say_err, source_id=source_id)
    app.say(summary(counts))
    if counts.get("unreadable_files"):
        raise VeilleError(
            f"{counts['unreadable_files']} fichier(s) sans aucun enregistrement lisible (détail ci-dessus)",
            "vérifiez qu'il s'agit bien d'archives WARC ou ARC, compressées ou non",
        )


@import_.command(name="ccnews")
@click.option("--from", "start", required=True, metavar="AAAA-MM", help="Premier mois à importer.")
@click.option("--to", "end", required=True, metavar="AAAA-MM", help="Dernier mois à importer (compris).")
@click.option(
    "--base-url",
    default=None,
    metavar="URL",
    help="Racine de l'archive CC-NEWS ou d'un miroir de même structure (par défaut : celle de Common Crawl).",
)
@click.option(
    "--allow-private", is_flag=True, help="Autoriser une adresse privée ou locale pour --base-url (miroir local)."
)
@pass_app
def ccnews(app: App, start: str, end: str, base_url: str | None, allow_private: bool) -> None:
    """Rattraper la presse française dans CC-NEWS (Common Crawl) mois par mois.

    Lit la liste warc.paths.gz de chaque mois, puis chaque fichier WARC : un pré-filtre sur les
    octets bruts (mots des dossiers, français) écarte l'essentiel avant toute extraction ; le
    reste passe par l'extraction, le filtre de sujet, la déduplication et le stockage de la
    collecte. Avec [workers] enabled = true, chaque fichier devient une tâche pour les workers
    (veille worker) ; sinon ils sont importés ici, l'un après l'autre. Les fichiers terminés
    sont notés : relancer ne fait que ce qui reste."""
    from collections import Counter

    from crawler.ccnews import (
        DEFAULT_BASE_URL,
        DamagedFile,
        import_remote_file,
        list_files,
        months,
        register_files,
        summary as ccnews_summary,
    )

    wanted = months(start, end)
    base = base_url or DEFAULT_BASE_URL
    conn = app.db()
    todo: list[tuple[str, str]] = []
    for month in wanted:
        urls = list_files(base, month, app.config, allow_private)
        left = register_files(conn, urls, month)
        app.say(f"{month} : {len(urls)} fichier(s) WARC, {len(urls) - len(left)} déjà importé(s), {len(left)} à faire")
        todo += [(u, month) for u in left]
    if app.config.workers.enabled:
        from veille.jobs import enqueue, open_app

        papp = open_app(app.config)
        try:
            queued = sum(
                enqueue(
                    papp,
                    app.config,
                    "veille.import_archive",
                    queueing_lock=f"archive:{u}",
                    url=u,
                    period=m,
                    allow_private=allow_private,
                )
                is not None
                for u, m in todo
            )
        finally:
            papp.close()
        app.say(
            f"{queued} fichier(s) mis en file pour les workers ({len(todo) - queued} déjà en file) : "
            "veille status pour suivre, veille worker pour les traiter"
        )
        return
    total: Counter = Counter()
    failed = []
    with app.progress("import CC-NEWS", total=None) as progress:
        for url, month in todo:
            try:
                total.update(
                    import_remote_file(
                        conn, app.config, url, month, allow_private=allow_private, say=_say_err, progress=progress
                    )
                )
            except (DamagedFile, VeilleError) as exc:
                failed.append(url)
                _say_err(f"erreur : {exc}")
    total["failed_files"] = len(failed)
    app.say(ccnews_summary(total))
    if failed:
        raise VeilleError(
            f"{len(failed)} fichier(s) CC-NEWS en échec, enregistré(s) (détail ci-dessus)",
            "relancez la même commande : elle ne refait que ces fichiers et ceux qui restent",
        )


@import_.command(name="wayback")
@click.option("--source", "source_id", metavar="ID", help="Source de type wayback (par défaut : toutes).")
@click.option("--from", "start", metavar="AAAAMMJJ", help="Début de la période (remplace settings.from).")
@click.option("--to", "end", metavar="AAAAMMJJ", help="Fin de la période (remplace settings.to).")
@pass_app
def wayback(app: App, source_id: str | None, start: str | None, end: str | None) -> None:
    """Rattraper l'historique depuis la Wayback Machine (Internet Archive).

    Les captures des sites configurés dont l'adresse correspond au dossier sont lues
    une par seconde au plus et stockées comme des pages collectées, avec leur date de
    capture. Relancer ne relit pas les captures déjà lues.
    """
    from crawler.wayback import backfill_wayback, summary, wayback_settings

    sources = _sources_of_kind(app, "wayback", source_id)
    for source in sources:
        wayback_settings(app.config, source, start, end)  # a bad --from/--to: one line before any work
    conn = app.db()
    for source in sources:
        with app.progress(f"wayback {source.id}") as progress:
            counts = backfill_wayback(conn, app.config, source, progress=progress, say=_say_err, start=start, end=end)
        app.say(summary(counts))
        sites = wayback_settings(app.config, source, start, end).sites
        if sites and counts.get("sites_unread", 0) >= len(sites):
            raise VeilleError(
                f"Wayback : aucune des {len(sites)} adresse(s) de la source « {source.id} » n'a pu être lue "
                "dans l'archive (détail ci-dessus) : rien n'a été importé",
                "vérifiez l'accès à l'archive (cdx_url) et relancez : ce qui était importé est gardé",
            )


@import_.command(name="judilibre")
@click.option("--source", "source_id", metavar="ID", help="Source de type judilibre (par défaut : toutes).")
@pass_app
def judilibre(app: App, source_id: str | None) -> None:
    """Synchroniser les décisions de justice (Judilibre, Cour de cassation).

    La première synchronisation lit toutes les décisions que trouvent les requêtes de
    la source ; les suivantes n'appliquent que les décisions ajoutées, modifiées ou
    retirées depuis. La clé API est lue dans la variable nommée par settings.key_env.
    """
    from crawler.judilibre import judilibre_settings, summary, sync_judilibre

    sources = _sources_of_kind(app, "judilibre", source_id)  # their settings were checked with the configuration
    keyless = sorted({judilibre_settings(app.config, s).key_env for s in sources} - _set_variables())
    if len(keyless) == len({judilibre_settings(app.config, s).key_env for s in sources}):
        # Asked to import and unable to: a failure, said once, before any connection.
        raise VeilleError(
            f"pas de clé API Judilibre (variable {', '.join(keyless)} vide) : rien n'a été synchronisé",
            "créez une application sur piste.gouv.fr et exportez sa clé (KeyId) dans cette variable",
        )
    conn = app.db()
    refused = []
    for source in sources:
        with app.progress(f"judilibre {source.id}") as progress:
            counts = sync_judilibre(conn, app.config, source, progress=progress, say=_say_err)
        if not counts.get("skipped"):
            app.say(summary(counts))
        if counts.get("key_refused"):
            refused.append(source)
    if refused:
        raise VeilleError(
            f"Judilibre a refusé la clé API de {', '.join(s.id for s in refused)} (détail ci-dessus)",
            "vérifiez la clé PISTE (KeyId) dans la variable "
            f"{', '.join(sorted({s.settings.get('key_env', 'JUDILIBRE_KEY_ID') for s in refused}))}, "
            "puis relancez",
        )
