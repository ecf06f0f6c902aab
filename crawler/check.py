"""``veille sources list`` and ``veille sources check``: one line per source.

The check asks each address once (User-Agent of the configuration, short
timeout, all sources at once) and reads the answer with the crawler's own parsers,
so « répond et liste 42 articles » means the crawler would find them too. It reads
the site's robots.txt first, with the crawler's parser, and does not ask an address
the file closes to veille: the crawl would not fetch it either.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import quote_plus, urlsplit

from crawler.outbound import HttpError, describe, fetch
from crawler.settings import robots_agent
from veille.kinds import KINDS, Unreadable, kind_of
from veille.vocabulary import interval_label, paris_time

MAX_CHECK_BYTES = 10_000_000
LABEL_WIDTH = max(len(k.label) for k in KINDS.values())  # the kind's column of `sources check`


@dataclass
class CheckResults:
    lines: list[str] = field(default_factory=list)
    ok: int = 0


def _fetch(url: str, user_agent: str, timeout: float, allow_private: bool) -> tuple[int, bytes]:
    """(status, body) of one GET under the outbound rule; an HTTP error status has no body."""
    try:
        reply = fetch(
            url, {"User-Agent": user_agent, "Accept-Language": "fr-FR,fr"}, timeout, allow_private, MAX_CHECK_BYTES
        )
    except HttpError as exc:
        if exc.status is None:
            raise
        return exc.status, b""
    return reply.status, reply.body


def _why(exc: BaseException, timeout: float) -> str:
    if isinstance(exc, HttpError) and exc.status is None:
        return exc.reason
    return describe(exc, timeout)


def _robots_refusal(url: str, user_agent: str, timeout: float, allow_private: bool, parsers: dict) -> str | None:
    """Why the site's robots.txt closes ``url`` to veille, or None (allowed, no file, or no answer:
    then the address itself tells)."""
    from scrapy.robotstxt import ProtegoRobotParser

    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    if origin not in parsers:
        try:
            status, body = _fetch(origin + "/robots.txt", user_agent, timeout, allow_private)
            parsers[origin] = ProtegoRobotParser(body, None) if status < 400 and body else None
        except Exception:  # noqa: BLE001 - an unreachable site is reported by the address itself
            parsers[origin] = None
    agent = robots_agent(user_agent)
    if parsers[origin] is not None and not parsers[origin].allowed(url, agent):
        return f"interdit par le robots.txt de {parts.hostname} (User-agent {agent}) : non demandé"
    return None


def check_source(source, config, timeout: float) -> tuple[bool, str]:
    """One source's line. Its kind's probe (veille/kinds.py) reads each answer; a kind without
    one (an API collected by its own client, asked without robots.txt) only has to answer."""
    kind = kind_of(source.kind)
    probe = kind.load("probe") if kind.probe else None
    address = kind.load("probe_url") if kind.probe_url else None
    query = next((q for d in config.dossiers.values() for q in d.search_queries), "coco")
    label = f"{source.id:<20} {kind.label:<{LABEL_WIDTH}}"
    found, answered, problems = 0, 0, []
    says, empty_ok = "", False
    robots: dict = {}
    for template in source.urls:
        if address:
            url = address(source, config, template)
        else:
            url = template.replace("{query}", quote_plus(query)).replace("{page}", "1")
        if kind.spider:  # the crawl asks its addresses under robots.txt; the APIs' clients do not
            refusal = _robots_refusal(url, config.crawl.user_agent, timeout, source.allow_private, robots)
            if refusal:
                problems.append(refusal)
                continue
        try:
            status, body = _fetch(url, config.crawl.user_agent, timeout, source.allow_private)
        except Exception as exc:  # noqa: BLE001 - each failure becomes the source's line
            problems.append(f"injoignable : {_why(exc, timeout)}")
            continue
        answered += 1
        if status >= 400:
            problems.append(f"répond HTTP {status}")
            continue
        if probe is None:
            continue
        try:
            probed = probe(source, url, body)
        except Unreadable as exc:
            problems.append(str(exc))
            continue
        found += probed.count
        says, empty_ok = probed.says, probed.empty_is_an_answer
        if not probed.count and not empty_ok:
            problems.append(f"répond (HTTP {status}) mais ne liste rien")
    if probe is None and answered:
        return True, f"{label} répond ({answered}/{len(source.urls)} adresse(s)) ; éléments non vérifiés ici"
    if found or (empty_ok and not problems):
        extra = f" ; {problems[0]}" if problems else ""
        return True, f"{label} répond et {says.format(n=found)}{extra}"
    return False, f"{label} {problems[0] if problems else 'aucune adresse'}"


def check_sources(sources, config, timeout: float = 10.0) -> CheckResults:
    results = CheckResults()
    for kind in {kind_of(s.kind) for s in sources if kind_of(s.kind).probe}:
        kind.load("probe")  # imported here once, not by eight threads at the same time
    with ThreadPoolExecutor(max_workers=8) as pool:
        for ok, line in pool.map(lambda s: check_source(s, config, timeout), sources):
            results.lines.append(line)
            results.ok += ok
    return results


def source_states(conn) -> dict[str, dict]:
    """Each source's documents, URL errors and last collection: the latest of a page fetched, a
    document stored (an API's decisions, an archive's captures) and an API sync."""
    rows = conn.execute(
        """SELECT s.id,
                  (SELECT count(*) FROM documents d WHERE d.source_id = s.id) AS documents,
                  greatest((SELECT max(last_fetched) FROM crawl_urls c WHERE c.source_id = s.id),
                           (SELECT max(fetched_at) FROM documents d WHERE d.source_id = s.id),
                           (SELECT updated_at FROM source_sync y WHERE y.source_id = s.id)) AS last_fetched,
                  (SELECT count(*) FROM crawl_urls c WHERE c.source_id = s.id AND c.outcome = 'error') AS errors
             FROM sources s"""
    ).fetchall()
    return {r["id"]: r for r in rows}


def source_row(source, states: dict | None = None) -> tuple[str, ...]:
    """One source as the cells of ``veille sources list`` (with ``states``: its state in the database)."""
    kind = kind_of(source.kind)
    row: tuple[str, ...] = (
        source.id,
        kind.label,
        source.name,
        interval_label(source.interval or kind.interval),
        str(len(source.urls)),
        ", ".join(source.dossiers) if source.dossiers else "tous",
    )
    if states is not None:
        st = states.get(source.id) or {}
        last = st.get("last_fetched")
        row += (
            str(st.get("documents", 0)),
            paris_time(last) if last else "jamais collectée",
            str(st.get("errors") or ""),
        )
    return row


SOURCE_HEADERS = ("source", "type", "nom", "collecte", "adresses", "dossiers")
STATE_HEADERS = ("documents", "dernière collecte", "URL en erreur")
