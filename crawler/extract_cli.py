"""``veille extract``: what veille would store of saved pages, stored nowhere.

Saved pages (``.html``, ``.htm``, gzipped or not) and archives (``.warc``, ``.arc``,
gzipped or not: every HTML response record, with its own address and capture date) go
through the crawl's stages 1–3 and its record assembly (``crawler.ingest``), so what is
printed is what a crawl of the same bytes would store: the tool an operator runs when
adding an outlet, and the path the tests take.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import click

from veille.app import App, pass_app
from veille.errors import VeilleError

_ARCHIVE_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
_PAGE_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz", ".xhtml")


@dataclass
class SavedPage:
    """Bytes to extract, wherever they were saved."""

    label: str  # what the operator recognises: the file, or the file and the record
    url: str
    body: bytes
    headers: dict[str, str]
    fetched_at: datetime
    status: int = 200


@dataclass
class Unreadable:
    label: str
    problem: str


def _is_archive(path: Path) -> bool:
    return path.name.lower().endswith(_ARCHIVE_SUFFIXES)


def saved_pages(paths: list[Path], url: str | None, fetched: datetime | None) -> Iterator[SavedPage | Unreadable]:
    """Every page of the files: a saved page is one page; an archive, each of its HTML responses."""
    from crawler.warc import BadRecord, Ignored, read_archive

    for path in paths:
        if _is_archive(path):
            for item in read_archive(path):
                if isinstance(item, BadRecord):
                    yield Unreadable(f"{path.name} @{item.offset}", f"enregistrement illisible ({item.problem})")
                elif not isinstance(item, Ignored):
                    yield SavedPage(
                        f"{path.name} @{item.provenance.get('offset', 0)}",
                        item.url,
                        item.body,
                        item.headers,
                        item.captured_at,
                        item.status,
                    )
            continue
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            try:
                raw = gzip.decompress(raw)
            except (OSError, EOFError) as exc:
                yield Unreadable(path.name, f"fichier gzip illisible ({exc})")
                continue
        moment = fetched or datetime.fromtimestamp(path.stat().st_mtime, UTC)
        yield SavedPage(path.name, url or path.resolve().as_uri(), raw, {"content-type": "text/html"}, moment)


def describe(page: SavedPage, config, dossier_slugs: tuple[str, ...] = ()) -> dict:
    """What veille would store of one page, as a JSON-ready dict (``error`` when nothing)."""
    from crawler.captures import source_for
    from crawler.extract import ExtractionError
    from crawler.ingest import (
        FetchedPage,
        analyse_page,
        build_record,
        configured_kind,
        off_subject_rejection,
        tdm_refusal,
    )

    source = source_for(config, page.url) if page.url.startswith(("http://", "https://")) else None
    dossiers = [config.dossier(s) for s in dossier_slugs] if dossier_slugs else list(config.dossiers.values())
    fetched = FetchedPage(
        url=page.url,
        final_url=page.url,
        status=page.status,
        headers=page.headers,
        body=page.body,
        fetched_at=page.fetched_at,
        source_id=source.id if source else None,
    )
    out: dict = {"file": page.label, "url": page.url, "source": fetched.source_id}
    try:
        done = analyse_page(fetched, dossiers)
    except ExtractionError as exc:
        return out | {"stored": False, "error": exc.kind, "reason": exc.reason}
    found = done.extracted
    policy = config.crawl.tdm_policy
    rejection = off_subject_rejection(done.off_subject) or tdm_refusal(fetched, found, policy)
    record = build_record(
        fetched,
        found,
        done.decisions,
        done.canonical,
        done.fingerprint,
        done.content_hash,
        policy,
        configured_kind(source),
    )
    return out | {
        "stored": rejection is None,
        "reason": rejection[1] if rejection else None,
        "canonical_url": record.canonical_url,
        "title": record.title,
        "authors": record.authors,
        "wire": found.metadata.get("wire"),
        "published": record.published_at.isoformat() if record.published_at else None,
        "modified": record.modified_at.isoformat() if record.modified_at else None,
        "date_source": found.metadata.get("date_source"),
        "lang": record.lang,
        "declared_lang": found.metadata.get("declared_lang"),
        "site_name": record.site_name,
        "kind": record.kind,
        "description": found.description,
        "tdm_policy": record.tdm_policy,
        "text_withheld": record.text_withheld,
        "decisions": [
            {
                "dossier": d.dossier,
                "belongs": d.belongs,
                "score": d.score,
                "matched_terms": list(d.matched_terms),
                "reason": d.reason,
            }
            for d in done.decisions
        ],
        "text": record.text,
    }


_KINDS = {"article": "article", "press_release": "communiqué de presse", "decision": "décision de justice"}


def as_text(item: dict) -> list[str]:
    """The French lines an operator reads for one page."""
    lines = [f"== {item['file']} — {item['url']}"]
    if item.get("error"):
        return lines + [f"   rien à garder : {item['reason']}"]
    authors = " ; ".join(item["authors"]) or "—"
    wire = item.get("wire")
    if wire:
        authors += f" (agence : {', '.join(wire) if isinstance(wire, list) else wire})"
    lang = item["lang"] or "—"
    if item.get("declared_lang"):
        lang += f" (la page déclare « {item['declared_lang']} »)"
    lines += [
        f"   titre : {item['title'] or '—'}",
        f"   auteurs : {authors}",
        f"   publié : {item['published'] or '—'}"
        + (f" (d'après : {item['date_source']})" if item["date_source"] else ""),
        f"   modifié : {item['modified'] or '—'}",
        f"   langue : {lang}",
        f"   site : {item['site_name'] or '—'}" + (f" (source {item['source']})" if item["source"] else ""),
        f"   type : {_KINDS.get(item['kind'], item['kind'])}",
        f"   adresse canonique : {item['canonical_url']}",
    ]
    for d in item["decisions"]:
        verdict = f"retenu (score {d['score']:.2f})" if d["belongs"] else "écarté"
        lines.append(f"   dossier {d['dossier']} : {verdict} — {d['reason']}")
    lines.append("   serait gardée" if item["stored"] else f"   ne serait pas gardée : {item['reason']}")
    withheld = " (réduit : fouille de textes réservée par l'éditeur)" if item["text_withheld"] else ""
    lines.append(f"   texte ({len(item['text'])} caractères){withheld} :")
    lines += [f"   | {line}" for line in item["text"].splitlines()]
    return lines


def _parse_fetched(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise VeilleError(
            f"date invalide pour --fetched : « {value} »",
            "écrivez une date ISO 8601, par exemple 2024-06-25T14:00:00+02:00",
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def check_paths(files: tuple[str, ...], url: str | None) -> list[Path]:
    if not files:
        raise VeilleError("aucune page à lire", "veille extract PAGE.html --url https://… (ou FICHIER.warc.gz)")
    missing = [f for f in files if not Path(f).is_file()]
    if missing:
        raise VeilleError(f"fichier(s) introuvable(s) : {', '.join(missing)}", "vérifiez les chemins")
    paths = [Path(f) for f in files]
    unknown = [p.name for p in paths if not p.name.lower().endswith(_ARCHIVE_SUFFIXES + _PAGE_SUFFIXES)]
    if unknown:
        raise VeilleError(
            f"type de fichier inconnu : {', '.join(unknown)}",
            "donnez des pages .html ou .html.gz, ou des archives .warc / .warc.gz",
        )
    if url:
        pages = [p for p in paths if not _is_archive(p)]
        if len(pages) != 1 or len(paths) != 1:
            raise VeilleError(
                "--url ne vaut que pour une seule page enregistrée",
                "lancez veille extract une fois par page avec son --url (les archives WARC "
                "donnent l'adresse de chaque page)",
            )
        if not url.startswith(("http://", "https://")):
            raise VeilleError(f"adresse invalide pour --url : « {url} »", "donnez l'adresse http(s) de la page")
    return paths


@click.command(name="extract")
@click.argument("files", nargs=-1, metavar="PAGE…")
@click.option(
    "--url",
    metavar="URL",
    help="Adresse de la page enregistrée (une seule page) : liens, dates relatives et source en dépendent.",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Une ligne JSON par page (url, title, authors, published, lang, text, decisions …).",
)
@click.option(
    "--dossier",
    "dossier_slugs",
    multiple=True,
    metavar="SLUG",
    help="Ne montrer que la décision de ce dossier (répétable). Par défaut : tous.",
)
@click.option(
    "--fetched",
    metavar="DATE",
    help="Date de collecte des pages enregistrées (ISO 8601 ; par "
    "défaut, la date du fichier). Les archives WARC donnent la leur.",
)
@pass_app
def extract(
    app: App,
    files: tuple[str, ...],
    url: str | None,
    as_json: bool,
    dossier_slugs: tuple[str, ...],
    fetched: str | None,
) -> None:
    """Montrer ce que veille garderait de pages enregistrées, sans rien stocker.

    Pour chaque page (fichier .html ou .html.gz, ou chaque réponse HTML d'une archive
    .warc / .warc.gz) : titre, auteurs, dates de publication et de modification, langue,
    site, texte, type de document et décision du filtre de sujet pour chaque dossier,
    avec sa raison. Rien n'est écrit dans la base.
    """
    paths = check_paths(files, url)
    moment = _parse_fetched(fetched)
    config = app.config
    for slug in dossier_slugs:
        config.dossier(slug)  # an unknown dossier: one line before any work
    failed = 0
    for page in saved_pages(paths, url, moment):
        if isinstance(page, Unreadable):
            failed += 1
            click.echo(f"{page.label} : {page.problem} — ignoré", err=True)
            continue
        item = describe(page, config, dossier_slugs)
        failed += bool(item.get("error"))
        if as_json:
            click.echo(json.dumps(item, ensure_ascii=False))
        else:
            click.echo("\n".join(as_text(item)))
    if failed:
        raise SystemExit(1)
