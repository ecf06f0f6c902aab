"""The ``wayback`` source: backfill from the Internet Archive's Wayback Machine.

The CDX API lists the captures of the configured outlets' pages (``settings.sites``,
URL prefixes) within a date range whose URL matches the dossier (``settings.match``,
by default the dossier's terms written as URL words: ``coco``, ``mazan`` …); each
capture is fetched raw (``id_``: the page as archived, without the Wayback toolbar),
one request a second at most, and stored like a crawled page with its original
URL and capture time as provenance.

Captures already read (by digest) are remembered in ``source_sync.state``, and a
capture older than the stored copy of its page is not fetched at all, so a backfill
can be run again at no cost.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NoReturn
from urllib.parse import quote

import click
import psycopg
from psycopg.types.json import Jsonb

from crawler.captures import Capture, autocommit, source_for, store_capture, stored_since
from crawler.outbound import HttpError, PoliteClient
from crawler.subject import bare_word, fold
from veille.counts import outcome_label
from veille.errors import VeilleError
from veille.kinds import WAYBACK_CDX_PATH, WAYBACK_RATE_MAX, WAYBACK_STAMP, kind_of

CDX_PATH = WAYBACK_CDX_PATH
PAGE_LIMIT = 500
RATE_MAX = WAYBACK_RATE_MAX
STAMP = WAYBACK_STAMP
# Replay headers that are the archive's, not the page's.
_ORIGINAL_PREFIX = "x-archive-orig-"


@dataclass(frozen=True)
class WaybackSettings:
    cdx_url: str
    replay_url: str
    sites: tuple[str, ...]
    match_type: str
    match: tuple[str, ...]
    start: str | None
    end: str | None
    rate: float


def wayback_settings(config, source, start: str | None = None, end: str | None = None) -> WaybackSettings:
    """The source's settings with their defaults (each value was checked when the configuration
    was read: ``veille/kinds.py``); ``start``/``end`` (--from/--to) override ``from``/``to``."""
    s = dict(source.settings)

    def fail(key: str, problem: str) -> NoReturn:
        raise VeilleError(
            f"source « {source.id} » : {key} : {problem}", "corrigez la configuration (voir docs/court-sources.md)"
        )

    def strings(key: str) -> tuple[str, ...]:
        value = s.get(key, [])
        return tuple(v.strip() for v in ([value] if isinstance(value, str) else value))

    base = source.urls[0].rstrip("/")
    cdx = s.get("cdx_url") or (base if base.endswith(CDX_PATH) else base + CDX_PATH)
    replay = s.get("replay_url") or (cdx[: -len(CDX_PATH)] if cdx.endswith(CDX_PATH) else None)
    if not replay:
        fail("replay_url", f"obligatoire quand cdx_url ne finit pas par {CDX_PATH}")
    sites = strings("sites") + strings("targets")
    if not sites:
        sites = tuple(dict.fromkeys(_site_root(o.urls[0]) for o in config.sources if kind_of(o.kind).outlet))
    match = strings("match") or _dossier_words(config, source)
    bounds = {}
    for key, value in (
        ("from", start if start is not None else s.get("from")),
        ("to", end if end is not None else s.get("to")),
    ):
        value = str(value).strip() if value is not None else None
        if value and not STAMP.match(value):  # only --from/--to can be wrong here
            fail(f"--{key}", f"« {value} » : écrire AAAAMMJJ (20240901), AAAAMM ou AAAA")
        bounds[key] = value or None
    if bounds["from"] and bounds["to"] and bounds["from"][:8] > bounds["to"][:8]:
        fail("from/to", f"la période commence ({bounds['from']}) après sa fin ({bounds['to']})")
    return WaybackSettings(
        cdx_url=cdx,
        replay_url=replay.rstrip("/"),
        sites=sites,
        match_type=s.get("match_type", "prefix"),
        match=match,
        start=bounds["from"],
        end=bounds["to"],
        rate=float(s.get("requests_per_second", RATE_MAX)),
    )


def _site_root(url: str) -> str:
    m = re.match(r"^(https?://[^/]+)", url)
    return (m.group(1) if m else url) + "/"


def url_word(term: str) -> str:
    """A term as it appears in URLs: « site Coco » → site-coco, « coco.gg » → coco-gg."""
    return re.sub(r"[^a-z0-9]+", "-", fold(term)).strip("-")


def _dossier_words(config, source) -> tuple[str, ...]:
    words: list[str] = []
    for slug in source.dossiers or tuple(config.dossiers):
        d = config.dossiers[slug]
        bare = bare_word(tuple(d.terms), tuple(d.context_terms))
        # The bare word (« coco ») covers every term built on it; the subject filter sorts the rest.
        words += [bare] if bare else [url_word(t) for t in d.terms]
        words += [url_word(t) for t in d.linked_terms]
    return tuple(w for w in dict.fromkeys(words) if w)


@dataclass(frozen=True)
class Row:
    timestamp: str
    original: str
    mimetype: str
    statuscode: str
    digest: str

    @property
    def captured_at(self) -> datetime:
        ts = (self.timestamp + "00000101000000"[len(self.timestamp) :])[:14]
        return datetime.strptime(ts, "%Y%m%d%H%M%S").replace(tzinfo=UTC)


class WaybackError(Exception):
    pass


def list_captures(client: PoliteClient, settings: WaybackSettings, site: str) -> Iterator[Row]:
    """CDX rows of one site's HTML pages captured with status 200 in the range, whose URL
    matches; paged with ``resumeKey``. The server filters; we check again."""
    pattern = re.compile("|".join(re.escape(m.lower()) for m in settings.match)) if settings.match else None
    params = [
        ("url", site),
        ("matchType", settings.match_type),
        ("output", "json"),
        ("fl", "timestamp,original,mimetype,statuscode,digest"),
        ("filter", "statuscode:200"),
        ("filter", "mimetype:text/html"),
        ("collapse", "digest"),
        ("limit", PAGE_LIMIT),
        ("showResumeKey", "true"),
    ]
    if pattern:
        params.append(("filter", "original:(?i).*(" + "|".join(re.escape(m) for m in settings.match) + ").*"))
    params += [(k, v) for k, v in (("from", settings.start), ("to", settings.end)) if v]
    resume = None
    while True:
        try:
            answer = client.get(settings.cdx_url, params + ([("resumeKey", resume)] if resume else []))
            data = answer.json() if answer.body.strip() else []  # nothing captured: an empty body
        except HttpError as exc:
            what = f"HTTP {exc.status}" if exc.status else exc.reason
            raise WaybackError(f"Wayback : l'API CDX a répondu {what} pour {site}") from None
        except ValueError:
            raise WaybackError(f"Wayback : l'API CDX a répondu autre chose que du JSON pour {site}") from None
        if not data:
            return
        fields, rows, resume = data[0], [], None
        for i, row in enumerate(data[1:], start=1):
            if not row:  # [] then [resume key]
                resume = data[i + 1][0] if i + 1 < len(data) and data[i + 1] else None
                break
            rows.append(dict(zip(fields, row)))
        for r in rows:
            row = Row(
                r.get("timestamp", ""),
                r.get("original", ""),
                r.get("mimetype", ""),
                r.get("statuscode", ""),
                r.get("digest", ""),
            )
            if (
                row.statuscode == "200"
                and "html" in row.mimetype
                and STAMP.match(row.timestamp)
                and (pattern is None or pattern.search(row.original.lower()))
            ):
                yield row
        if not resume:
            return


def _fetch(client: PoliteClient, settings: WaybackSettings, row: Row) -> Capture:
    """The raw capture (``id_``). Wayback may redirect to the nearest capture: its time is then
    taken from ``Memento-Datetime``."""
    url = f"{settings.replay_url}/web/{row.timestamp}id_/{quote(row.original, safe=':/?&=%#;,+@!$*()~')}"
    answer = client.get(url)
    captured = row.captured_at
    memento = answer.header("memento-datetime")
    if memento:
        from email.utils import parsedate_to_datetime

        try:
            captured = parsedate_to_datetime(memento)
        except (TypeError, ValueError):
            pass
    headers = {"content-type": answer.header("content-type") or row.mimetype}
    for name, value in answer.headers.items():
        if name.startswith(_ORIGINAL_PREFIX) and name != _ORIGINAL_PREFIX + "content-type":
            headers.setdefault(name[len(_ORIGINAL_PREFIX) :], value)
    provenance = {
        "via": "wayback",
        "original_url": row.original,
        "capture_url": answer.url,
        "timestamp": row.timestamp,
        "captured_at": captured.isoformat(),
        "cdx": settings.cdx_url,
    }
    return Capture(
        url=row.original,
        status=answer.status,
        headers=headers,
        body=answer.body,
        captured_at=captured,
        provenance=provenance,
    )


def _state(conn: psycopg.Connection, source_id: str) -> dict:
    row = conn.execute("SELECT state FROM source_sync WHERE source_id = %s", (source_id,)).fetchone()
    return dict(row["state"]) if row else {}


def _save_state(conn: psycopg.Connection, source_id: str, state: dict, run_id: int) -> None:
    with conn.transaction():
        conn.execute(
            """INSERT INTO source_sync (source_id, synced_at, last_run_id, state, updated_at)
                        VALUES (%s, now(), %s, %s, now())
                        ON CONFLICT (source_id) DO UPDATE SET synced_at = now(), last_run_id = EXCLUDED.last_run_id,
                            state = EXCLUDED.state, updated_at = now()""",
            (source_id, run_id, Jsonb(state)),
        )


def backfill_wayback(
    conn: psycopg.Connection,
    config,
    source,
    progress=None,
    say: Callable[[str], None] | None = None,
    start: str | None = None,
    end: str | None = None,
) -> dict:
    """Fetch and store the matching captures of the range; returns the run's counts.
    Failures are reported one line each (through ``say``) and counted, never fatal."""
    from crawler.followed import with_followed_cases
    from veille.db import sync_config
    from veille.runs import recorded_run

    say = say or (lambda line: click.echo(line, err=True))
    settings = wayback_settings(config, source, start, end)
    config = with_followed_cases(conn, config)
    client = PoliteClient(
        user_agent=config.crawl.user_agent,
        rate=settings.rate,
        timeout=config.crawl.timeout,
        retries=max(config.crawl.retries, 2),
        allow_private=source.allow_private,
    )
    params = {
        "kind": "wayback",
        "source": source.id,
        "from": settings.start,
        "to": settings.end,
        "sites": list(settings.sites),
        "match": list(settings.match),
    }
    with autocommit(conn), recorded_run(conn, "import", params) as run:
        sync_config(conn, config)
        counts: Counter = run.counts
        state = _state(conn, source.id)
        seen = set(state.get("seen", []))
        for site in settings.sites:
            try:
                rows = sorted(list_captures(client, settings, site), key=lambda r: (r.original, r.timestamp))
            except WaybackError as exc:
                counts["errors"] += 1
                counts["sites_unread"] += 1  # every site unread: the command did nothing, and fails
                say(str(exc))
                continue
            counts["captures"] += len(rows)
            outlet = source_for(config, site)
            allowed = publisher_robots(client, site, config.crawl.user_agent)
            for row in rows:
                if not allowed(row.original):
                    counts["robots"] += 1  # the publisher's robots.txt closes that page to crawlers
                    continue
                key = f"{row.digest} {row.original}"
                stored = stored_since(conn, row.original)
                if key in seen or (stored is not None and stored >= row.captured_at):
                    counts["already_read"] += 1
                    continue
                try:
                    capture = _fetch(client, settings, row)
                except HttpError as exc:
                    counts["errors"] += 1
                    counts["fetch_errors"] += 1
                    what = f"HTTP {exc.status}" if exc.status else exc.reason
                    say(f"Wayback : capture {row.timestamp} de {row.original} : {what} — ignorée")
                    continue
                counts["fetched"] += 1
                outcome = store_capture(conn, config, capture, counts, source=outlet, run_id=run.id)
                seen.add(key)
                if progress is not None:
                    progress.advance(1, f"capture {row.timestamp} : {outcome_label(outcome)}")
            run.save_counts()
        ranges = state.get("ranges", [])
        ranges.append([settings.start, settings.end])
        _save_state(conn, source.id, {"seen": sorted(seen), "ranges": ranges[-50:]}, run.id)
        counts["requests"] += client.requests
        result = dict(counts)
    return result


def publisher_robots(client: PoliteClient, site: str, user_agent: str) -> Callable[[str], bool]:
    """Whether the publisher's own robots.txt lets veille fetch a page: an archived copy is
    still the publisher's page, so what it closes to crawlers is not backfilled either.
    No robots.txt (or none readable) means everything is allowed, as for a crawl."""
    from urllib.robotparser import RobotFileParser

    try:
        reply = client.get(_site_root(site).rstrip("/") + "/robots.txt")
    except HttpError:
        return lambda url: True
    if reply.status != 200:
        return lambda url: True
    parser = RobotFileParser()
    parser.parse(reply.body.decode("utf-8", "replace").splitlines())
    return lambda url: parser.can_fetch(user_agent, url)


def collect(app, source, progress) -> str:
    """``veille crawl --source`` (and the scheduler): one backfill; its summary line."""
    return summary(backfill_wayback(app.db(), app.config, source, progress=progress))


def summary(counts: dict) -> str:
    c = Counter(counts)
    line = (
        f"Wayback : {c['captures']} capture(s) correspondante(s), {c['fetched']} lue(s) : "
        f"{c['new']} nouveau(x) document(s), {c['updated']} mis à jour, {c['unchanged']} inchangé(s), "
        f"{c['off_subject']} hors sujet, {c['errors']} erreur(s)"
    )
    if c["already_read"] or c["older"]:
        line += f" ; {c['already_read'] + c['older']} déjà en base (copie aussi récente ou plus récente)"
    if c["robots"]:
        line += f" ; {c['robots']} non lue(s) : page fermée aux robots par le robots.txt de l'éditeur"
    return line + "."
