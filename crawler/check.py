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

from crawler.listings.feeds import parse_feed
from crawler.listings.gdelt import parse_gdelt
from crawler.listings.search import parse_search
from crawler.listings.sitemaps import parse_sitemap
from crawler.outbound import HttpError, describe, fetch
from crawler.settings import robots_agent

MAX_CHECK_BYTES = 10_000_000
KIND_LABELS = {"feed": "flux", "sitemap": "sitemap", "search": "recherche", "gdelt": "API GDELT",
               "judilibre": "API Judilibre",
               "wayback": "Wayback Machine"}


@dataclass
class CheckResults:
    lines: list[str] = field(default_factory=list)
    ok: int = 0


class _Unreadable(Exception):
    """An answer the crawler could not read: the reason is the source's line."""


def _fetch(url: str, user_agent: str, timeout: float, allow_private: bool) -> tuple[int, bytes]:
    """(status, body) of one GET under the outbound rule; an HTTP error status has no body."""
    try:
        reply = fetch(url, {"User-Agent": user_agent, "Accept-Language": "fr-FR,fr"}, timeout, allow_private,
                      MAX_CHECK_BYTES)
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


def _count(source, url: str, body: bytes) -> tuple[int, str]:
    if source.kind == "feed":
        listing = parse_feed(body, url)
        return len(listing.items), "article(s)"
    if source.kind == "sitemap":
        listing = parse_sitemap(body, url)
        if listing.kind == "sitemap_index":
            return len(listing.children), "sitemap(s)"
        return len(listing.items), "article(s)"
    if source.kind == "gdelt":
        listing = parse_gdelt(body, url)
        if listing.kind == "unknown":
            raise _Unreadable(listing.problems[0])
        return len(listing.items), "article(s) proposé(s)"
    if source.kind == "search":
        s = source.settings
        listing = parse_search(body, url, s.get("result_selector"), s.get("next_selector"))
        return len(listing.items), "résultat(s)"
    return 0, ""


def _gdelt_url(source, config, base: str) -> str:
    """The crawl's own first question to the API (one request: no splitting of its window)."""
    from datetime import datetime, timezone

    from crawler.listings.gdelt import api_url
    from crawler.spiders.gdelt import LOOKBACK, source_query

    end = datetime.now(timezone.utc).replace(microsecond=0)
    return api_url(base, source_query(source, config.dossiers_for(source)), end - LOOKBACK, end)


def check_source(source, config, timeout: float) -> tuple[bool, str]:
    query = next((q for d in config.dossiers.values() for q in d.search_queries), "coco")
    label = f"{source.id:<20} {KIND_LABELS.get(source.kind, source.kind):<10}"
    found, answered, problems = 0, 0, []
    unit = ""
    robots: dict = {}
    for template in source.urls:
        if source.kind == "gdelt":
            url = _gdelt_url(source, config, template)
        else:
            url = template.replace("{query}", quote_plus(query)).replace("{page}", "1")
        if source.kind not in ("judilibre", "wayback"):  # APIs, which the crawl asks without robots.txt
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
        if source.kind in ("judilibre", "wayback"):
            continue
        try:
            n, unit = _count(source, url, body)
        except _Unreadable as exc:
            problems.append(str(exc))
            continue
        found += n
        if not n and source.kind != "gdelt":  # no article for three months is an answer too
            problems.append(f"répond (HTTP {status}) mais ne liste rien")
    if source.kind in ("judilibre", "wayback") and answered:
        return True, f"{label} répond ({answered}/{len(source.urls)} adresse(s)) ; éléments non vérifiés ici"
    if source.kind == "gdelt" and answered and not problems:
        return True, f"{label} répond et propose {found} article(s) des trois derniers mois"
    if found:
        extra = f" ; {problems[0]}" if problems else ""
        return True, f"{label} répond et liste {found} {unit}{extra}"
    return False, f"{label} {problems[0] if problems else 'aucune adresse'}"


def check_sources(sources, config, timeout: float = 10.0) -> CheckResults:
    results = CheckResults()
    with ThreadPoolExecutor(max_workers=8) as pool:
        for ok, line in pool.map(lambda s: check_source(s, config, timeout), sources):
            results.lines.append(line)
            results.ok += ok
    return results


def source_states(conn) -> dict[str, dict]:
    rows = conn.execute(
        """SELECT s.id,
                  (SELECT count(*) FROM documents d WHERE d.source_id = s.id) AS documents,
                  (SELECT max(last_fetched) FROM crawl_urls c WHERE c.source_id = s.id) AS last_fetched,
                  (SELECT count(*) FROM crawl_urls c WHERE c.source_id = s.id AND c.outcome = 'error') AS errors
             FROM sources s""").fetchall()
    return {r["id"]: r for r in rows}


def source_line(source, states: dict | None = None) -> str:
    dossiers = ", ".join(source.dossiers) if source.dossiers else "tous les dossiers"
    line = (f"{source.id:<20} {KIND_LABELS.get(source.kind, source.kind):<10} {source.name} — "
            f"{len(source.urls)} adresse(s), {dossiers}"
            + (f", toutes les {source.interval}" if source.interval else ""))
    if states is not None:
        st = states.get(source.id) or {}
        last = st.get("last_fetched")
        line += (f" — {st.get('documents', 0)} document(s), "
                 + (f"dernière collecte {last:%Y-%m-%d %H:%M}" if last else "jamais collectée")
                 + (f", {st['errors']} URL en erreur" if st.get("errors") else ""))
    return line
