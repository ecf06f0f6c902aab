"""The ``judilibre`` source: court decisions from the Cour de cassation's open-data
API (Judilibre, behind the PISTE gateway), stored as documents of kind ``decision``.

A sync runs these passes, each counted in the run:

1. **search**: ``/search`` for each query of the source (without any: each spelling of
   the dossiers' subject, ``dossier_queries``), and for each decision number
   cited by the dossiers' press documents that no stored decision carries yet;
   decisions not yet stored are fetched with ``/decision`` and stored. Every decision
   a search returns is stored (the query is the user's filter); it joins a dossier
   when the subject filter accepts its text, when the dossier's press reports a ruling
   it names (a court and a day: ``decision_case_links``), or when a press document of the dossier
   cites its number;
2. **updates** (once a sync has completed): ``/export`` (or ``/scan``) with
   ``date_type=update`` since then refreshes the stored decisions that changed and
   removes those flagged ``to_be_deleted``;
3. **history** (idem): ``/transactionalhistory`` since then removes the stored
   decisions deleted upstream and refetches those updated that pass 2 did not bring.

« Since then » is read on Judilibre's clock (the newest ``update_date`` it serves,
asked at the start of each sync), never on ours: the two need not agree.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

import click
import psycopg

from crawler import decision_store as store
from crawler.captures import autocommit
from crawler.judilibre_api import JudilibreApi, JudilibreError, SearchLimit
from crawler.outbound import PoliteClient
from crawler.subject import Decision, bare_word, decide_all, fold
from veille.counts import outcome_label
from veille.errors import VeilleError
from veille.kinds import JUDILIBRE_PAGE_SIZE_MAX

DEFAULT_BASE_URL = "https://api.piste.gouv.fr/cassation/judilibre/v1.0"
SANDBOX_BASE_URL = "https://sandbox-api.piste.gouv.fr/cassation/judilibre/v1.0"
PAGE_SIZE_MAX = JUDILIBRE_PAGE_SIZE_MAX
BATCH_SIZE_MAX = 1000

Say = Callable[[str], None]


@dataclass(frozen=True)
class JudilibreSettings:
    base_url: str
    key_env: str
    queries: tuple[str, ...]
    operator: str
    fields: tuple[str, ...]
    jurisdictions: tuple[str, ...]
    chambers: tuple[str, ...]
    date_start: str | None
    date_end: str | None
    page_size: int
    rate: float
    incremental: str
    cited_numbers: bool
    decision_url: str  # a decision's public page, {id} its Judilibre id


def dossier_queries(dossiers) -> tuple[str, ...]:
    """Every spelling of each dossier's subject, one exact search each: its terms (« coco.fr »,
    « site Coco » …), its search queries, and the word they share (« coco »: decisions write
    « le site de discussion dénommé « coco » », which no term matches). A decision a search
    brings is stored; the subject filter and the press's rulings decide its dossiers."""
    queries: dict[str, str] = {}
    for dossier in dossiers:
        bare = bare_word(tuple(dossier.terms), tuple(dossier.context_terms))
        for query in (*dossier.terms, *dossier.search_queries, *([bare] if bare else [])):
            queries.setdefault(" ".join(fold(query).split()), query.strip())
    return tuple(queries.values())


def judilibre_settings(config, source) -> JudilibreSettings:
    """The source's ``settings``, with their defaults (each value was checked when the
    configuration was read: ``veille/kinds.py``)."""
    s = dict(source.settings)

    def strings(key: str, default=()) -> tuple[str, ...]:
        value = s.get(key, list(default))
        return tuple(v.strip() for v in ([value] if isinstance(value, str) else value))

    own_queries = strings("query") + strings("queries")
    queries = own_queries or dossier_queries(
        config.dossiers[slug] for slug in source.dossiers or tuple(config.dossiers)
    )
    return JudilibreSettings(
        base_url=source.urls[0].rstrip("/"),
        key_env=s.get("key_env", "JUDILIBRE_KEY_ID").strip(),
        queries=tuple(dict.fromkeys(queries)),
        operator=s.get("operator", "or" if own_queries else "exact"),
        fields=strings("fields"),
        # Without jurisdiction[], the API answers for the Cour de cassation only.
        jurisdictions=strings("jurisdictions", ("cc",)),
        chambers=strings("chambers"),
        date_start=str(s["date_start"]) if "date_start" in s else None,
        date_end=str(s["date_end"]) if "date_end" in s else None,
        page_size=s.get("page_size", PAGE_SIZE_MAX),
        rate=float(s.get("requests_per_second", 1.0)),
        incremental=s.get("incremental", "export"),
        cited_numbers=s.get("cited_numbers", True),
        decision_url=s.get("decision_url", store.DECISION_URL).strip(),
    )


def _echo_err(line: str) -> None:
    click.echo(line, err=True)


def sync_judilibre(conn: psycopg.Connection, config, source, progress=None, say: Say | None = None) -> dict:
    """Bring the source's decisions up to date; returns the run's counts.

    Without an API key the source is skipped with one line (``{"skipped": 1}``). API
    failures are reported one line each (through ``say``, stderr by default) and counted
    under ``errors``; the sync point is then not moved, so the next sync asks again.
    """
    from veille.db import sync_config
    from veille.runs import recorded_run

    say = say or _echo_err
    settings = judilibre_settings(config, source)
    key = os.environ.get(settings.key_env, "").strip()
    if not key:
        say(
            f"judilibre : source « {source.id} » ignorée : pas de clé API (variable {settings.key_env} "
            "vide) — créez une application sur piste.gouv.fr et exportez sa clé (KeyId)"
        )
        return {"skipped": 1}
    client = PoliteClient(
        user_agent=config.crawl.user_agent,
        rate=settings.rate,
        timeout=config.crawl.timeout,
        retries=max(config.crawl.retries, 2),
        allow_private=source.allow_private,
        headers={"KeyId": key, "Accept": "application/json"},
    )
    with autocommit(conn), recorded_run(conn, "judilibre", {"source": source.id}) as run:
        sync_config(conn, config)  # documents.source_id must find its source
        sync = _Sync(conn, JudilibreApi(settings.base_url, client), settings, source, config, run, progress, say)
        sync.run()
        run.count("requests", client.requests)
        counts = dict(run.counts)
    return counts


def last_sync(conn: psycopg.Connection, source_id: str) -> datetime | None:
    row = conn.execute("SELECT synced_at FROM source_sync WHERE source_id = %s", (source_id,)).fetchone()
    return row["synced_at"] if row else None


def _record_sync(conn: psycopg.Connection, source_id: str, point: datetime, run_id: int) -> None:
    with conn.transaction():
        conn.execute(
            """INSERT INTO source_sync (source_id, synced_at, last_run_id, updated_at)
                        VALUES (%s, %s, %s, now())
                        ON CONFLICT (source_id) DO UPDATE SET synced_at = EXCLUDED.synced_at,
                            last_run_id = EXCLUDED.last_run_id, updated_at = now()""",
            (source_id, point, run_id),
        )


class _KeyRefused(Exception):
    """The API refused the key: the sync stops after saying so once."""


class _Sync:
    """One sync's passes, sharing the run's counters."""

    def __init__(self, conn, api: JudilibreApi, settings: JudilibreSettings, source, config, run, progress, say: Say):
        self.conn, self.api, self.settings, self.source = conn, api, settings, source
        self.run_, self.progress, self.say = run, progress, say
        slugs = source.dossiers or tuple(config.dossiers)
        self.dossiers = [config.dossiers[s] for s in slugs if s in config.dossiers]
        self.known = store.stored_decision_ids(conn)
        self.refreshed: set[str] = set()
        self.complete = True

    def run(self) -> None:
        since = last_sync(self.conn, self.source.id)
        try:
            point = self._sync_point()
            self.search_pass()
            if since is not None:
                self.update_pass(since)
                self.history_pass(since)
        except _KeyRefused:
            self._count("key_refused")  # the command fails on it (crawler/archive_cli.py)
            return
        if self.complete and point is not None:
            _record_sync(self.conn, self.source.id, point, self.run_.id)

    # -- helpers

    def _count(self, key: str, n: int = 1) -> None:
        self.run_.count(key, n)

    def _failed(self, exc: JudilibreError, detail: str = "") -> None:
        self.complete = False
        self._count("errors")
        self.say(f"{exc}{detail}")
        if exc.status in (401, 403):
            raise _KeyRefused  # every other call would be refused too

    def _filters(self) -> list[tuple[str, str]]:
        return [("jurisdiction[]", j) for j in self.settings.jurisdictions] + [
            ("chamber[]", c) for c in self.settings.chambers
        ]

    def _sync_point(self) -> datetime | None:
        """Start of the day of Judilibre's newest update: changes after it are asked for next time."""
        try:
            newest = self.api.newest_update(self._filters())
        except JudilibreError as exc:
            self._failed(exc)
            return None
        day = date.fromisoformat(newest) if newest else datetime.now(UTC).date()
        return datetime(day.year, day.month, day.day, tzinfo=UTC)

    def _fetch(self, decision_id: str) -> dict | None:
        """The full decision; None when it failed (reported) or is gone (then removed here too)."""
        try:
            record = self.api.decision(decision_id)
        except JudilibreError as exc:
            if exc.status == 404:
                self._delete(decision_id)
            else:
                self._failed(exc, f" — décision {decision_id}")
            return None
        if record.get("to_be_deleted"):
            self._delete(decision_id)
            return None
        return record

    def _store(self, record: dict, route: str) -> None:
        decision_id = str(record["id"])
        provenance = {
            "via": "judilibre",
            "api": self.settings.base_url,
            "route": route,
            "retrieved_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        verdicts = decide_all(str(record.get("text") or ""), store.decision_title(record), self.dossiers)
        outcome, document_id = store.store_decision(
            self.conn, self.source.id, record, verdicts, provenance, self.settings.decision_url
        )
        wanted: dict[str, Decision | None] = {v.dossier: v for v in verdicts if v.belongs}
        ours = {d.slug for d in self.dossiers}
        with self.conn.transaction():
            # Cited by the dossier's press: the strongest tie a pseudonymised decision can have.
            cited = set()
            for slug, number in store.citing_dossiers(self.conn, document_id):
                if slug in ours:
                    verdict = wanted.get(slug)
                    reason = f"décision citée par un document du dossier (n° {number})"
                    terms = [number, *(verdict.matched_terms if verdict else ())]
                    store.attach(
                        self.conn, document_id, slug, 1.0, terms, f"{reason} ; {verdict.reason}" if verdict else reason
                    )
                    wanted[slug] = verdict
                    cited.add(slug)
            # Reported by the dossier's press: a ruling it names (court and day) is one they report,
            # which says more than a passing mention of the site.
            for slug, ruling in store.reporting_dossiers(self.conn, document_id):
                if slug in ours and slug not in cited:
                    verdict = wanted.get(slug)
                    reason = f"décision liée à une affaire du dossier : la presse rapporte {ruling}"
                    store.attach(
                        self.conn,
                        document_id,
                        slug,
                        0.8,
                        list(verdict.matched_terms) if verdict else [],
                        f"{reason} ; {verdict.reason}" if verdict else reason,
                    )
                    wanted[slug] = verdict
        self.known.add(decision_id)
        self.refreshed.add(decision_id)
        self._count(outcome)
        if not wanted and outcome == "new":
            self._count("no_dossier")
        if self.progress is not None:
            self.progress.advance(1, f"décision {decision_id} : {outcome_label(outcome)}")

    def _delete(self, decision_id: str) -> None:
        if store.delete_decision(self.conn, decision_id):
            self._count("deleted")
            if self.progress is not None:
                self.progress.advance(1, f"décision {decision_id} : supprimée")
        self.known.discard(decision_id)

    # -- passes

    def _searches(self) -> list[tuple[str, str, tuple[str, ...], tuple[str, ...]]]:
        """(query, operator, jurisdictions, chambers) of this sync: the configured queries, then the
        numbers cited by the dossiers' press documents."""
        s = self.settings
        searches = [(q, s.operator, s.jurisdictions, s.chambers) for q in s.queries]
        if s.cited_numbers:
            for key in store.uncited_numbers(self.conn, [d.slug for d in self.dossiers]):
                # RG numbers (NN/NNNNN) belong to the cours d'appel, pourvois to the Cour de cassation.
                searches.append((store.number_query(key), "exact", ("ca",) if "/" in key else ("cc",), ()))
        return searches

    def search_pass(self) -> None:
        found: dict[str, str] = {}
        for query, operator, jurisdictions, chambers in self._searches():
            params = [
                ("query", query),
                ("operator", operator),
                *[("field[]", f) for f in self.settings.fields],
                *[("jurisdiction[]", j) for j in jurisdictions],
                *[("chamber[]", c) for c in chambers],
                ("sort", "date"),
                ("order", "desc"),
                ("page_size", self.settings.page_size),
                ("page", 0),
            ]
            params += [
                (k, v) for k, v in (("date_start", self.settings.date_start), ("date_end", self.settings.date_end)) if v
            ]
            try:
                for result in self.api.search(params):
                    found.setdefault(str(result["id"]), query)
            except SearchLimit:
                self._count("search_truncated")
                self.say(
                    f"judilibre : la recherche « {query} » dépasse les 10 000 résultats que l'API sert "
                    "(HTTP 416) : les suivants sont ignorés — précisez la requête ou settings.date_start"
                )
            except JudilibreError as exc:
                self._failed(exc)
        self._count("found", len(found))
        for decision_id in found:
            if decision_id not in self.known:
                record = self._fetch(decision_id)
                if record is not None:
                    self._store(record, "/decision")

    def update_pass(self, since: datetime) -> None:
        route = "/" + self.settings.incremental
        params = [
            *self._filters(),
            ("date_type", "update"),
            ("date_start", since.date().isoformat()),
            ("order", "asc"),
            ("batch_size", BATCH_SIZE_MAX),
        ]
        if route == "/export":
            params.append(("batch", 0))
        try:
            for batch in self.api.batches(route, params):
                for record in batch:
                    decision_id = str(record.get("id") or "")
                    if decision_id not in self.known:
                        continue  # not one of ours: new decisions come through the searches
                    if record.get("to_be_deleted"):
                        self._delete(decision_id)
                    elif record.get("text") is not None and decision_id not in self.refreshed:
                        self._store(record, route)
        except JudilibreError as exc:
            self._failed(exc)

    def history_pass(self, since: datetime) -> None:
        try:
            transactions = list(self.api.transactions(since))
        except JudilibreError as exc:
            self._failed(exc)
            return
        last_action = {}  # transactions come oldest first: the last one says where a decision stands
        for item in transactions:
            last_action[str(item.get("id") or "")] = str(item.get("action") or "").lower()
        for decision_id, action in last_action.items():
            if decision_id not in self.known:
                continue
            if action.startswith("delete") or action == "to_be_deleted":
                self._delete(decision_id)
            elif decision_id not in self.refreshed:
                record = self._fetch(decision_id)
                if record is not None:
                    self._store(record, "/decision")


def collect(app, source, progress) -> str | None:
    """``veille crawl`` (and the scheduler): one sync; its summary line, None when skipped."""
    counts = sync_judilibre(app.db(), app.config, source, progress=progress)
    if counts.get("key_refused"):  # the crawl goes on with its other sources, then exits 1 on it
        raise VeilleError(
            f"Judilibre a refusé la clé API de {source.id} (détail ci-dessus) : {summary(counts)}",
            f"vérifiez la clé PISTE (KeyId) dans la variable {judilibre_settings(app.config, source).key_env}, "
            "puis relancez",
        )
    return None if counts.get("skipped") else summary(counts)


def summary(counts: dict) -> str:
    """The French line that ends a sync."""
    c = {k: counts.get(k, 0) for k in ("found", "new", "updated", "unchanged", "deleted", "no_dossier", "errors")}
    line = (
        f"Judilibre : {c['found']} décision(s) trouvée(s), {c['new']} nouvelle(s), {c['updated']} mise(s) à jour, "
        f"{c['deleted']} retirée(s) de l'open data (supprimées), {c['errors']} erreur(s)"
    )
    if c["no_dossier"]:
        line += f" ; {c['no_dossier']} sans lien établi avec un dossier (gardées, reliables par leur numéro)"
    return line + "."
