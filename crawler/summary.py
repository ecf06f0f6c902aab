"""The French summary that ends ``veille crawl``, from the run's counters."""

from __future__ import annotations

from crawler.failures import ERROR_LABELS
from veille.counts import CrawlCounts


def _n(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


def summary_lines(counts: CrawlCounts, per_source: dict[str, CrawlCounts], elapsed: float) -> list[str]:
    new, dup = counts.new, counts.duplicates
    same = counts.unchanged + counts.not_modified
    head = (
        f"Collecte terminée en {elapsed:.0f} s : {_n(counts.fetched, 'page récupérée', 'pages récupérées')}"
        f" ({_n(counts.listings_fetched, 'liste de liens lue', 'listes de liens lues')} : flux, sitemaps, "
        "recherches), "
        f"{_n(new, 'nouveau document', 'nouveaux documents')}"
    )
    if dup:
        head += f" (dont {_n(dup, 'reprise', 'reprises')} d'une même dépêche)"
    head += (
        f", {_n(counts.updated, 'mis à jour', 'mis à jour')}, {_n(same, 'inchangé')}, "
        f"{counts.off_subject} hors sujet, {_n(counts.errors, 'erreur')}."
    )
    lines = [head]
    errors = [(kind, v) for kind, v in counts.error_kinds.items() if v]
    if errors:
        parts = [f"{v} × {ERROR_LABELS.get(kind, kind)}" for kind, v in sorted(errors, key=lambda e: -e[1])]
        lines.append("Erreurs par type : " + ", ".join(parts) + " (détail : table crawl_urls).")
    refused = [
        (counts.robots, "interdites par robots.txt"),
        (counts.offsite, "hors du site de la source"),
        (counts.refused, "adresses refusées"),
        (counts.tdm, "réservées (TDM, politique skip)"),
        (counts.too_old, "antérieures à --since"),
        (counts.skipped, "déjà connues, sans changement signalé"),
    ]
    said = [f"{n} {label}" for n, label in refused if n]
    if said:
        lines.append("Non collectées : " + ", ".join(said) + ".")
    if counts.withheld:
        lines.append(
            f"Texte intégral non conservé (réservation TDM) : {_n(counts.withheld, 'document')} "
            "(titre, chapeau et courtes citations gardés)."
        )
    for source_id in sorted(per_source):
        c = per_source[source_id]
        if not (c.new or c.updated or c.off_subject or c.errors or c.listing_errors):
            continue
        parts = [f"{c.new} nouveaux", f"{c.updated} mis à jour", f"{c.off_subject} hors sujet", f"{c.errors} erreurs"]
        if c.listing_errors:
            parts.append(f"{_n(c.listing_errors, 'liste de liens')} en erreur")
        lines.append(f"  {source_id} : " + ", ".join(parts))
    return lines
