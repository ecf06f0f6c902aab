"""``veille cases``: list the cases (affaires) grouped from the events, recomputing them when needed."""

from __future__ import annotations

import json

import click

from veille.app import App, pass_app
from veille.vocabulary import KIND_LABELS, STAGE_LABELS


def _period(start, end) -> str:
    if not start:
        return "—"
    return str(start.year) if not end or end.year == start.year else f"{start.year}–{end.year}"


@click.command(name="cases")
@click.option("--dossier", metavar="SLUG", help="N'afficher que les affaires de ce dossier.")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON (une liste d'affaires) au lieu du tableau.")
@click.option(
    "--recompute", is_flag=True, help="Recalculer les affaires même si rien n'a changé depuis le dernier calcul."
)
@pass_app
def cases(app: App, dossier: str | None, as_json: bool, recompute: bool) -> None:
    """Lister les affaires : nom, identifiant (à utiliser dans la configuration pour renommer,
    fusionner ou scinder), étape, période, lieux et nombre d'articles.

    Les affaires sont recalculées d'abord si les événements ou la configuration ont changé
    (ou toujours, avec --recompute)."""
    from cases.grouping import recompute_cases
    from cases.overrides import overrides_from_config
    from cases.store import is_current, last_warnings

    if dossier:
        app.config.dossier(dossier)
    overrides_from_config(app.config)  # a mistake in the corrections is reported before any work
    conn = app.db()
    counts = None
    if recompute or not is_current(conn, app.config):
        if not app.quiet:  # progress goes to stderr: stdout stays clean for --json
            click.echo("regroupement des événements en affaires…", err=True)
        counts = recompute_cases(conn, app.config, dossier)
    warnings = counts["warnings"] if counts else last_warnings(conn)
    rows = conn.execute(
        """SELECT c.slug, c.name, c.stage, c.period_start, c.period_end, c.places, c.courts, c.charges, c.people,
                  c.key_figures, c.first_seen_at, c.stage_changed_at, c.manual,
                  array(SELECT dossier_slug FROM case_dossiers x WHERE x.case_id = c.id ORDER BY 1) AS dossiers
             FROM cases c
            WHERE %(dossier)s::text IS NULL
               OR EXISTS (SELECT 1 FROM case_dossiers cd WHERE cd.case_id = c.id AND cd.dossier_slug = %(dossier)s)
            ORDER BY c.period_start NULLS LAST, c.slug""",
        {"dossier": dossier},
    ).fetchall()
    if as_json:
        out = [
            {
                "slug": r["slug"],
                "name": r["name"],
                "stage": r["stage"],
                "period": {
                    "start": r["period_start"] and r["period_start"].isoformat(),
                    "end": r["period_end"] and r["period_end"].isoformat(),
                },
                "places": r["places"],
                "courts": r["courts"],
                "charges": r["charges"],
                "people": r["people"],
                "dossiers": r["dossiers"],
                "key_figures": r["key_figures"],
                "corrections": r["manual"],
                "first_seen_at": r["first_seen_at"].isoformat(),
                "stage_changed_at": r["stage_changed_at"] and r["stage_changed_at"].isoformat(),
            }
            for r in rows
        ]
        click.echo(json.dumps({"cases": out, "warnings": warnings}, ensure_ascii=False, indent=2))
        return
    if counts is not None:
        app.say(
            f"affaires recalculées : {counts['cases']} affaire(s), {counts['happenings']} entrée(s) "
            f"à partir de {counts['events']} événement(s)"
        )
    if not rows:
        app.say("aucune affaire : lancez d'abord « veille nlp run » pour extraire les événements")
    for r in rows:
        figures = r["key_figures"]
        name = r["name"][:1].upper() + r["name"][1:]
        places = ", ".join(r["places"][:3]) or "—"
        app.say(f"{r['slug']:<26} {name}")
        app.say(
            f"{'':<26} {STAGE_LABELS.get(r['stage'] or '', 'étape inconnue')} · {_period(r['period_start'], r['period_end'])}"
            f" · {places} · {figures.get('documents', 0)} article(s), {figures.get('outlets', 0)} source(s)"
            + (" · corrigée dans la configuration" if r["manual"] else "")
        )
        for c in figures.get("contradictions", ()):
            app.say(
                f"{'':<26} à vérifier : {KIND_LABELS.get(c['kind'], c['kind'])} du {c['date']} après "
                f"{KIND_LABELS.get(c['after_kind'], c['after_kind'])} du {c['after_date']}"
            )
    for w in warnings:
        click.echo(f"avertissement : {w}", err=True)
