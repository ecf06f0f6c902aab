"""From fetched page to stored document, stage by stage: extract → filter → dedup → store.

This module is the one home of the stages and of the decisions between them (too old, off
subject, TDM reservation, what kind of document a page is). The Scrapy pipelines
(``crawler/pipelines.py``) run them one by one, off the reactor thread. ``store_page``
runs the same functions in the same order for one page, for any code that has bytes from
elsewhere — a WARC file, a Wayback capture — so that every copy goes through the same
extraction, subject filter, de-duplication and storage, and is stored as the same kind:

    from crawler.ingest import configured_kind, store_page
    outcome = store_page(conn, url=..., body=..., headers={...}, fetched_at=...,
                         provenance={"via": "warc", "file": "..."}, source_id="lequotidien",
                         dossiers=list(config.dossiers.values()), tdm_policy=config.crawl.tdm_policy,
                         document_kind=configured_kind(source))
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

import psycopg

from crawler import tdm
from crawler.dedup import content_hash, fingerprint
from crawler.extract import Extracted, ExtractionError, extract_page
from crawler.listings.model import Listed
from crawler.store import PageRecord, Saved, record_url, save_page
from crawler.subject import Decision, decide_all
from crawler.urls import page_canonical


@dataclass
class FetchedPage:
    """A page as fetched, whatever fetched it."""

    url: str  # as requested
    final_url: str  # after redirects
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes
    fetched_at: datetime
    source_id: str | None = None
    provenance: dict = field(default_factory=dict)
    listed: Listed | None = None  # what the feed / sitemap / search page said
    tdm_file: tdm.Rule | None = None  # the tdmrep.json rule that covers it, if any

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")


# Why a fetched page is not stored: (crawl_urls outcome, French reason, error kind).
Rejection = tuple[str, str, "str | None"]


@dataclass(frozen=True)
class Outcome:
    """What became of a page: ``outcome`` as in crawl_urls, and the document if stored."""

    outcome: str
    reason: str | None = None
    document_id: int | None = None
    duplicate_of: int | None = None
    error_kind: str | None = None


_HTML_TYPES = re.compile(r"html|xml|text/plain", re.I)


def stage_extract(page: FetchedPage) -> Extracted:
    """Stage 1. Raises ExtractionError for pages with nothing to read."""
    ctype = page.content_type or ""
    if ctype and not _HTML_TYPES.search(ctype):
        raise ExtractionError("not_html", f"contenu non HTML ({ctype.split(';')[0].strip()})")
    hints = page.listed.hints() if page.listed else {}
    return extract_page(page.body, page.final_url, ctype or None, page.fetched_at, hints)


def stage_filter(extracted: Extracted, dossiers) -> tuple[list[Decision], str | None]:
    """Stage 2: the decision for every dossier, and the rejection reason when none wants the page."""
    decisions = decide_all(extracted.text, extracted.title, dossiers)
    if any(d.belongs for d in decisions):
        return decisions, None
    return decisions, " ; ".join(f"{d.dossier} : {d.reason}" for d in decisions) or "aucun dossier"


def too_old(extracted: Extracted, since: datetime | None) -> Rejection | None:
    """After stage 1: a page published before ``--since`` is not kept."""
    published = extracted.published_at
    if since and published and published < since:
        return "too_old", f"publié le {published:%d/%m/%Y}, avant la date --since ({since:%d/%m/%Y})", None
    return None


def off_subject_rejection(reason: str | None) -> Rejection | None:
    """After stage 2: the filter's rejection reason (``Analysed.off_subject``), as recorded."""
    return ("off_subject", f"hors sujet : {reason}", None) if reason else None


def stage_dedup(page: FetchedPage, extracted: Extracted) -> tuple[str, object, str]:
    """Stage 3: canonical URL, text fingerprint, hash of the bytes."""
    canonical = page_canonical(page.final_url, extracted.canonical_link)
    return canonical, fingerprint(extracted.text), content_hash(page.body)


@dataclass
class Analysed:
    """What stages 1–3 make of a page: everything but the storage."""

    extracted: Extracted
    decisions: list[Decision]
    off_subject: str | None  # the filter's rejection reason, None when a dossier wants the page
    canonical: str
    fingerprint: object
    content_hash: str


def analyse_page(page: FetchedPage, dossiers, since: datetime | None = None) -> Analysed:
    """Stages 1–3 in a row, CPU only. The crawl runs this in a worker process, one trip
    per page: the filter and the fingerprints cost more than the reactor thread can
    spare, and less than a second trip across processes. ``since``: a page published
    before it is not filtered (the crawl rejects it as too old)."""
    extracted = stage_extract(page)
    published = extracted.published_at
    if since and published and published < since:
        decisions: list = []
        off_subject = None
    else:
        decisions, off_subject = stage_filter(extracted, dossiers)
    canonical, fp, chash = stage_dedup(page, extracted)
    return Analysed(extracted, decisions, off_subject, canonical, fp, chash)


def tdm_refusal(page: FetchedPage, extracted: Extracted, policy: str) -> Rejection | None:
    """Before stage 4: under the ``skip`` policy, a page whose publisher reserves text and data
    mining (tdmrep.json, header or page) is not kept at all."""
    reserved = tdm.is_reserved(page.tdm_file, tdm.header_reservation(page.headers), extracted.tdm_reservation)
    if reserved and policy == "skip":
        return "tdm", "droits de fouille de textes réservés par l'éditeur, politique skip : rien n'est gardé", None
    return None


def configured_kind(source) -> str | None:
    """What a source's configuration says its pages are (``settings.document_kind``:
    « press_release »), if it says; None lets each page say (stage 4a)."""
    return source.settings.get("document_kind") if source is not None else None


def build_record(
    page: FetchedPage,
    extracted: Extracted,
    decisions: list[Decision],
    canonical: str,
    fp,
    chash: str,
    policy: str,
    kind: str | None = None,
) -> PageRecord:
    """Stage 4a: apply the TDM policy and assemble the row. ``kind``: what the source's
    configuration says its pages are (``document_kind``); else what the page says it is."""
    reserved = tdm.is_reserved(page.tdm_file, tdm.header_reservation(page.headers), extracted.tdm_reservation)
    text, withheld, applied = extracted.text, False, "full"
    if reserved:
        applied = policy
        if policy == "metadata_only":
            terms = [t for d in decisions if d.belongs for t in d.matched_terms]
            text = tdm.withheld_text(extracted.title, extracted.description, extracted.text, terms)
            withheld = True
    listed_modified = page.listed.modified if page.listed else None
    metadata = dict(extracted.metadata)
    if page.listed and page.listed.keywords:
        metadata.setdefault("listed_keywords", list(page.listed.keywords))
    if extracted.encoding_note:
        metadata["encoding_note"] = extracted.encoding_note
    return PageRecord(
        url=page.url,
        final_url=page.final_url,
        canonical_url=canonical,
        source_id=page.source_id,
        fetched_at=page.fetched_at,
        status=page.status,
        body=page.body,
        content_hash=chash,
        fingerprint=fp,
        decisions=decisions,
        title=extracted.title,
        text=text,
        authors=extracted.authors,
        published_at=extracted.published_at,
        modified_at=extracted.modified_at,
        lang=extracted.lang,
        site_name=extracted.site_name,
        kind=kind or extracted.kind or "article",
        metadata=metadata,
        provenance=page.provenance,
        tdm_reserved=reserved,
        tdm_policy=applied,
        text_withheld=withheld,
        etag=page.headers.get("etag"),
        last_modified=page.headers.get("last-modified"),
        listed_modified=listed_modified,
    )


def stage_store(
    conn: psycopg.Connection, record: PageRecord, run_id: int | None = None, *, in_batch: bool = False
) -> Outcome:
    """Stage 4b."""
    saved: Saved = save_page(conn, record, run_id, in_batch=in_batch)
    return Outcome(saved.outcome, saved.reason, saved.document_id, saved.duplicate_of)


def record_rejection(
    conn: psycopg.Connection,
    page: FetchedPage,
    outcome: str,
    reason: str,
    error_kind: str | None = None,
    canonical: str | None = None,
    run_id: int | None = None,
    *,
    in_batch: bool = False,
) -> Outcome:
    """A fetched page that is not stored (off subject, withheld by policy, unreadable): its URL row."""
    record_url(
        conn,
        in_batch=in_batch,
        url=page.url,
        source_id=page.source_id,
        kind="page",
        status=page.status,
        outcome=outcome,
        reason=reason,
        error_kind=error_kind,
        etag=page.headers.get("etag"),
        last_modified=page.headers.get("last-modified"),
        run_id=run_id,
        canonical_url=canonical,
        listed_modified=page.listed.modified if page.listed else None,
    )
    return Outcome(outcome, reason, error_kind=error_kind)


def store_page(
    conn: psycopg.Connection,
    *,
    url: str,
    body: bytes,
    headers: dict[str, str],
    fetched_at: datetime,
    provenance: dict,
    dossiers,
    source_id: str | None = None,
    final_url: str | None = None,
    status: int = 200,
    tdm_policy: str = "metadata_only",
    listed: Listed | None = None,
    run_id: int | None = None,
    document_kind: str | None = None,
) -> Outcome:
    """Run every stage on one page and store the result, in the crawl's order and with its
    decisions (see the module docstring). ``document_kind``: the source's, if it says."""
    page = FetchedPage(
        url=url,
        final_url=final_url or url,
        status=status,
        headers={k.lower(): v for k, v in headers.items()},
        body=body,
        fetched_at=fetched_at,
        source_id=source_id,
        provenance=provenance,
        listed=listed,
    )
    try:
        done = analyse_page(page, dossiers)
    except ExtractionError as exc:
        return record_rejection(conn, page, "error", exc.reason, exc.kind, run_id=run_id)
    rejection = off_subject_rejection(done.off_subject) or tdm_refusal(page, done.extracted, tdm_policy)
    if rejection:
        outcome, reason, error_kind = rejection
        return record_rejection(conn, page, outcome, reason, error_kind, canonical=done.canonical, run_id=run_id)
    record = build_record(
        page,
        done.extracted,
        done.decisions,
        done.canonical,
        done.fingerprint,
        done.content_hash,
        tdm_policy,
        document_kind,
    )
    return stage_store(conn, record, run_id)
