"""Run a crawl: the chosen sources, one spider each, in one Scrapy process.

Sources of the same site run one after the other (so the site never sees more
than ``crawl.concurrent_per_site`` requests at once); different sites run side by
side; sources whose links lead to any site (``gdelt``) run after all the others. The
run is recorded in ``runs`` (kind ``crawl``) with the counters of the summary.
"""

from __future__ import annotations

import logging
import time
import warnings
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from crawler.context import CrawlContext
from crawler.summary import summary_lines
from crawler.workers import DatabaseLost
from veille.config import Source
from veille.counts import CrawlCounts, outcome_label
from veille.errors import VeilleError
from veille.kinds import kind_of
from veille.runs import recorded_run


@dataclass
class CrawlReport:
    lines: list[str] = field(default_factory=list)
    counts: CrawlCounts = field(default_factory=CrawlCounts)
    skipped: list[str] = field(default_factory=list)
    run_id: int | None = None


def spider_of(source: Source):
    """The Scrapy spider class of a source's kind (None: collected by a client of its own)."""
    kind = kind_of(source.kind)
    return kind.load("spider") if kind.spider else None


def api_sources(config, source_ids: tuple[str, ...], dossier: str | None) -> list[Source]:
    """The sources a `veille crawl` selection includes that their own client collects (APIs:
    Judilibre, Wayback). A kind ``on_demand`` (Wayback) runs only when named with --source
    (the scheduler names each source), never as part of a plain `veille crawl`."""
    chosen = [s for s in config.sources_for(dossier) if kind_of(s.kind).client]
    if source_ids:
        return [s for s in chosen if s.id in source_ids]
    return [s for s in chosen if not kind_of(s.kind).on_demand]


def select_sources(config, source_ids: tuple[str, ...], dossier: str | None) -> tuple[list[Source], list[str]]:
    """(sources to crawl, one French line per source left out)."""
    chosen = list(config.sources_for(dossier))
    if source_ids:
        for sid in source_ids:
            config.source(sid)  # unknown id: one clear error
        chosen = [s for s in chosen if s.id in source_ids]
        if not chosen:
            raise VeilleError(
                f"aucune des sources {', '.join(source_ids)} ne suit le dossier « {dossier} »",
                "retirez --dossier ou choisissez une source de ce dossier",
            )
    crawl, skipped = [], []
    for s in chosen:
        if kind_of(s.kind).spider:
            crawl.append(s)
        elif not kind_of(s.kind).client:
            skipped.append(f"source {s.id} ignorée : le type « {s.kind} » n'est pas collecté par « veille crawl »")
        # else: collected by crawler.cli through its own client (see api_sources)
    return crawl, skipped


def _groups(sources: list[Source]) -> list[list[Source]]:
    by_site: dict[str, list[Source]] = defaultdict(list)
    for s in sources:
        by_site[s.site].append(s)
    return list(by_site.values())


def _quiet_logging(debug: bool) -> None:
    from scrapy.exceptions import ScrapyDeprecationWarning

    if not debug:
        warnings.filterwarnings("ignore", category=ScrapyDeprecationWarning)
        # Unreachable robots.txt are the spider's business (recorded per URL), not a log line.
        logging.getLogger("scrapy.downloadermiddlewares.robotstxt").setLevel(logging.CRITICAL)
        logging.getLogger("psycopg.pool").setLevel(logging.ERROR)


def run_crawl(
    app,
    source_ids: tuple[str, ...] = (),
    dossier: str | None = None,
    since: datetime | None = None,
    workers: int | None = None,
) -> CrawlReport:
    from scrapy.crawler import CrawlerProcess

    from crawler.followed import with_followed_cases
    from crawler.settings import scrapy_settings
    from crawler.workers import Workers
    from veille.db import database_url

    config = app.config
    sources, skipped = select_sources(config, source_ids, dossier)
    for line in skipped:
        app.say(line)
    report = CrawlReport(skipped=skipped)
    if not sources:
        report.lines = ["Aucune source à collecter."]
        return report
    conn = app.db()
    config = with_followed_cases(conn, config)  # the affaires already held, followed by their people
    params = {"sources": [s.id for s in sources], "dossier": dossier, "since": since.isoformat() if since else None}
    started = time.monotonic()
    with recorded_run(conn, "crawl", params) as run:
        report.run_id = run.id
        pool = Workers(database_url(), cpu_workers=workers)
        ctx = CrawlContext(config=config, workers=pool, run_id=run.id, since=since)
        closed_reasons: list[str] = []
        try:
            _quiet_logging(app.debug)
            slots = {k: v for s in sources for k, v in spider_of(s).download_slots(s).items()}
            process = CrawlerProcess(scrapy_settings(config.crawl, app.debug, slots))
            _quiet_logging(app.debug)
            pool.on_lost = lambda: _stop_at_once(process)
            # Sources that lead to any site (gdelt) run last, on their own: beside an outlet's own
            # spider, a site would see the requests of both crawlers at once (each crawler keeps
            # its own per-site limit), and the pages the others collected are then known (not asked again).
            everywhere = [s for s in sources if spider_of(s).follows_any_site]
            chains = [
                _chain(process, group, ctx, closed_reasons)
                for group in _groups([s for s in sources if s not in everywhere])
            ]
            if everywhere:
                _then(chains, lambda: _chain(process, everywhere, ctx, closed_reasons), closed_reasons)
            with app.progress("collecte") as progress:
                ctx.on_progress = lambda sid, outcome: progress.advance(detail=f"{sid} : {outcome_label(outcome)}")
                _save_counts_now_and_then(run, ctx)
                process.start()
            if pool.lost is None:
                ctx.counts.duplicates = pool.db_call(_duplicates_of_run, run.id)
        finally:
            pool.close()
            run.counts.clear()
            run.counts.update(ctx.counts.as_json())
        if pool.lost is not None:
            # The pages stored so far are kept; those in flight were stored with their URL rows or
            # not at all, so the next crawl fetches them again. The CLI says so in one line.
            raise DatabaseLost(str(pool.lost)) from pool.lost
        # A stop (SIGTERM, Ctrl-C) closes the open spiders as « shutdown », and one that came before
        # a spider even opened leaves it unclosed: either way the crawl did not run to its end.
        if len(closed_reasons) < len(sources) or any(reason != "finished" for reason in closed_reasons):
            raise KeyboardInterrupt
    report.counts = ctx.counts
    report.lines = summary_lines(ctx.counts, ctx.per_source, time.monotonic() - started)
    report.lines += [f"Liste de liens non lue — {sid} : {why}" for sid, why in sorted(ctx.listing_failures.items())]
    return report


def _duplicates_of_run(conn, run_id: int) -> int:
    """Copies stored by this run, counted at the end: a copy stored before its original is one too."""
    row = conn.execute(
        """SELECT count(*) AS n FROM crawl_urls c JOIN documents d ON d.id = c.document_id
            WHERE c.last_run_id = %s AND c.outcome IN ('stored', 'duplicate') AND d.duplicate_of IS NOT NULL""",
        (run_id,),
    ).fetchone()
    return row["n"]


def _chain(process, sources, ctx, closed_reasons):
    """Crawl ``sources`` one after the other; the Deferred fires when the last one is done."""
    from scrapy import signals

    def start(i):
        if i >= len(sources):
            return None
        crawler = process.create_crawler(spider_of(sources[i]))
        # weak=False: Scrapy's signals hold receivers weakly, and a lambda would be collected unheard.
        crawler.signals.connect(
            lambda spider, reason: closed_reasons.append(reason), signal=signals.spider_closed, weak=False
        )
        d = process.crawl(crawler, source=sources[i], ctx=ctx)
        d.addCallback(lambda _: start(i + 1) if _all_finished(closed_reasons) else None)
        return d

    return start(0)


def _then(chains: list, start, closed_reasons) -> None:
    """``start()`` once every chain is done, unless a spider was stopped."""
    from twisted.internet.defer import DeferredList

    if not chains:
        start()
        return
    DeferredList(chains).addCallback(lambda _: start() if _all_finished(closed_reasons) else None)


def _all_finished(closed_reasons: list[str]) -> bool:
    """No spider was stopped (SIGTERM, Ctrl-C): the next ones may start."""
    return all(reason == "finished" for reason in closed_reasons)


def _stop_at_once(process, grace: float = 1.0) -> None:
    """The database is gone (called from any thread): close the spiders, and stop the reactor
    after ``grace`` seconds if downloads still hold them open — nothing they bring could be stored,
    so there is no point waiting for them."""
    from twisted.internet import reactor

    def stop():
        process.stop()
        reactor.callLater(grace, lambda: reactor.stop() if reactor.running else None)

    reactor.callFromThread(stop)


def _save_counts_now_and_then(run, ctx, every: float = 5.0) -> None:
    """Counters visible in ``runs`` while the crawl goes on (the reactor thread owns the connection)."""
    import psycopg
    from twisted.internet import task

    def save():
        if ctx.workers.lost is not None:
            loop.stop()
            return
        run.counts.clear()
        run.counts.update(ctx.counts.as_json())
        try:
            run.save_counts()
        except psycopg.Error as exc:
            loop.stop()  # the run's own connection is gone: the counters are saved no more
            try:
                ctx.workers.check(exc)
            except DatabaseLost:
                pass  # the crawl is stopping (``Workers.on_lost``)

    loop = task.LoopingCall(save)
    loop.start(every, now=False)
