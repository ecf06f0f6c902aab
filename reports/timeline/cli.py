"""``veille timeline``: write the HTML timeline of a dossier and its exports."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from veille.app import App, pass_app
from veille.errors import VeilleError
from veille.runs import recorded_run


def _parse_day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise VeilleError(f"date invalide : « {value} »", "écrivez-la AAAA-MM-JJ, par exemple 2024-08-30") from None


@click.command(name="timeline")
@click.option("--dossier", metavar="SLUG", help="Dossier à publier (par défaut : chaque dossier configuré).")
@click.option(
    "--out",
    "out_dir",
    metavar="DOSSIER",
    help="Où écrire index.html et les exports (par défaut : reports.out_dir de la configuration). "
    "Avec plusieurs dossiers, un sous-dossier par dossier.",
)
@click.option(
    "--date",
    "day",
    metavar="AAAA-MM-JJ",
    help="Date de référence : ce qui est daté après est « à venir », et la chronologie montre le "
    "dossier tel qu'il était à la fin de ce jour (par défaut : aujourd'hui).",
)
@pass_app
def timeline(app: App, dossier: str | None, out_dir: str | None, day: str | None) -> None:
    """Écrire la chronologie HTML (un seul fichier autonome, en français) et ses exports : timeline.json
    (TimelineJS), events.csv, events.json et audiences.ics (audiences à venir).

    Les affaires sont recalculées d'abord si les événements ou la configuration ont changé."""
    from reports.timeline.page import write_timeline
    from veille.stages import ensure_cases_current

    today = _parse_day(day)
    slugs = [dossier] if dossier else list(app.config.dossiers)
    for slug in slugs:
        app.config.dossier(slug)  # an unknown dossier is reported before any work
    if not slugs:
        raise VeilleError("aucun dossier configuré", "déclarez un dossier [[dossiers]] dans la configuration")
    base = Path(out_dir or app.config.reports.out_dir)
    conn = app.db()
    counts = ensure_cases_current(conn, app.config)  # new events or corrections since the cases were computed
    if counts is not None:
        app.say(f"affaires recalculées : {counts['cases']} affaire(s), {counts['happenings']} entrée(s)")
        for warning in counts["warnings"]:
            app.say(f"  avertissement : {warning}")
    for slug in slugs:
        target = base if len(slugs) == 1 else base / slug
        with recorded_run(
            conn, "timeline", {"dossier": slug, "out": str(target), **({"date": today.isoformat()} if today else {})}
        ) as run:
            with app.progress(f"chronologie {slug}") as progress:
                try:
                    page = write_timeline(conn, app.config, slug, target, today=today, progress=progress)
                except OSError as exc:
                    raise VeilleError(
                        f"impossible d'écrire dans {target} : {exc.strerror or exc}",
                        "choisissez un dossier de sortie accessible en écriture (--out)",
                    ) from None
            run.count("entries", progress.done)
            if not conn.autocommit:
                conn.commit()  # end the reads' transaction, so that the run's outcome is committed with it
        app.say(f"chronologie écrite : {page} ({progress.done} entrée(s))")
