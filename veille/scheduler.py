"""``veille schedule``: one long-running process that crawls, analyses, rebuilds the
timeline and sends the weekly digests by itself; ``veille status``: what it did.

Each job runs the ordinary ``veille`` command in a child process. Scrapy's reactor
cannot be restarted inside one process, and a child that crashes or leaks cannot
take the scheduler down with it; each child records its own run in ``runs``.

Safety rules:
- one scheduler per database: a session advisory lock, held for the whole life of
  the process; a second scheduler says so and exits;
- jobs of the same kind never overlap (one lock per kind; a second trigger waits);
- a job's failure is recorded (``scheduler_jobs``, and ``runs`` when the child died
  before it could record it) and never stops the scheduler or the other jobs;
- missed runs after downtime are caught up once (coalesced) when within the grace
  time, and skipped otherwise; a job a stop cut short runs again at start, and so does a
  follow-up (nlp, timeline) the stop left owed, as told by ``runs``;
- SIGTERM/SIGINT: no new job starts, the running ones get ``stop_timeout`` seconds
  to finish, then SIGTERM (they stop at a document boundary), then the process exits.
"""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import click
import psycopg
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from psycopg import sql
from psycopg.types.json import Jsonb

from veille.app import App, pass_app, table
from veille.config import SCHEDULE_SETTINGS as SETTINGS, duration
from veille.counts import counts_text
from veille.errors import VeilleError
from veille.kinds import kind_of
from veille.vocabulary import paris_time

PARIS = ZoneInfo("Europe/Paris")
SCHEDULER_LOCK = 0x7665696C6C66  # distinct from the migration lock
DEFAULT_DIGEST_CRON = "0 8 * * mon"  # Monday 08:00, Europe/Paris
# A follow-up runs after a run of its upstream kind that changed one of these counters.
FOLLOW_UPS = {
    "nlp": ("crawl", ("new", "updated", "stored", "deleted")),
    "timeline": ("nlp", ("events", "documents", "analysed")),
}
# The kinds of `runs` rows a job's child writes (``veille timeline`` recomputes the cases first).
RUN_KINDS = {"crawl": ("crawl",), "nlp": ("nlp",), "timeline": ("timeline", "cases"), "digest": ("digest",)}


def parse_duration(text: str, key: str) -> timedelta:
    period = duration(text)
    if period is None:
        raise VeilleError(
            f"configuration invalide : clé « {key} » : « {text} » n'est pas une durée",
            "écrivez par exemple 30s, 15m, 6h ou 2d",
        )
    return period


def cron_trigger(expr: str, key: str) -> CronTrigger:
    try:
        return CronTrigger.from_crontab(expr, timezone=PARIS)
    except ValueError as exc:
        raise VeilleError(
            f"configuration invalide : clé « {key} » : « {expr} » n'est pas une expression cron ({exc})",
            "cinq champs : minute heure jour mois jour-de-semaine, par exemple « 0 8 * * mon »",
        ) from None


@dataclass(frozen=True)
class JobSpec:
    job_id: str
    kind: str  # crawl | nlp | timeline | digest
    argv: tuple[str, ...]  # arguments of `veille`
    trigger: BaseTrigger | None  # None: only run when chained after another job
    period: timedelta | None = None  # for interval jobs: to find missed runs
    source_id: str | None = None


@dataclass(frozen=True)
class ScheduleSettings:
    grace_time: timedelta
    stop_timeout: timedelta
    empty_runs: int
    timeline_out: str
    digest: str
    overrides: dict = field(default_factory=dict, hash=False)


def schedule_settings(app: App) -> ScheduleSettings:
    raw = app.config.schedule
    for key, value in raw.items():
        if key not in SETTINGS:
            raise VeilleError(
                f"configuration invalide : clé « schedule.{key} » : clé inconnue",
                f"clés possibles : {', '.join(sorted(SETTINGS))}",
            )
        if not isinstance(value, SETTINGS[key]):
            raise VeilleError(
                f"configuration invalide : clé « schedule.{key} » : type incorrect ({value!r})",
                "voir docs/operations.md",
            )
    return ScheduleSettings(
        grace_time=parse_duration(raw.get("grace_time", "6h"), "schedule.grace_time"),
        stop_timeout=parse_duration(raw.get("stop_timeout", "5m"), "schedule.stop_timeout"),
        empty_runs=raw.get("empty_runs", 3),
        timeline_out=raw.get("timeline_out", app.config.reports.out_dir),
        digest=raw.get("digest", DEFAULT_DIGEST_CRON),
        overrides=raw.get("jobs", {}),
    )


def _trigger(
    job_id: str, default_interval: str | None, default_cron: str | None, settings: ScheduleSettings
) -> tuple[BaseTrigger | None, timedelta | None]:
    override = settings.overrides.get(job_id, {})
    cron = override.get("cron", default_cron if "interval" not in override else None)
    interval = override.get("interval", default_interval)
    key = f'schedule.jobs."{job_id}"'
    if cron:
        return cron_trigger(cron, f"{key}.cron"), None
    if interval:
        period = parse_duration(interval, f"{key}.interval")
        return IntervalTrigger(seconds=period.total_seconds(), timezone=PARIS), period
    return None, None


def plan_jobs(app: App, settings: ScheduleSettings) -> list[JobSpec]:
    """Every job the configuration asks for, with its trigger."""
    jobs = []
    for source in app.config.sources:
        job_id = f"crawl:{source.id}"
        trigger, period = _trigger(job_id, source.interval or kind_of(source.kind).interval, source.cron, settings)
        jobs.append(JobSpec(job_id, "crawl", ("crawl", "--source", source.id), trigger, period, source.id))
    for job_id, kind, argv in (
        ("nlp", "nlp", ("nlp", "run")),
        ("timeline", "timeline", ("timeline", "--out", settings.timeline_out)),
    ):
        trigger, period = _trigger(job_id, None, None, settings)  # chained; a trigger only if configured
        jobs.append(JobSpec(job_id, kind, argv, trigger, period))
    for slug in app.config.dossiers:
        job_id = f"digest:{slug}"
        trigger, period = _trigger(job_id, None, settings.digest, settings)
        jobs.append(JobSpec(job_id, "digest", ("digest", "send", "--dossier", slug), trigger, period))
    return jobs


def child_argv(app: App, argv: list[str]) -> list[str]:
    """The command line of ``veille ARGV`` run as a child of this process, quiet, same configuration."""
    return [sys.executable, "-m", "veille", "-q", *(["--config", app.config_path] if app.config_path else []), *argv]


def error_line(stderr: str) -> str:
    """The line that says why a child ``veille`` failed: the CLI's own error line when there is
    one (a warning printed at exit is not the error), else its last line."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return next((line for line in reversed(lines) if line.startswith("veille : ")), lines[-1] if lines else "")


def missed_run(spec: JobSpec, last_started: datetime | None, now: datetime, grace: timedelta) -> str:
    """'run' when a run was missed within the grace time, 'skip' when beyond it, 'none' otherwise."""
    if spec.trigger is None:
        return "none"
    if last_started is None:
        # A job that never ran: crawls start at once; a digest waits for its day.
        return "run" if spec.kind == "crawl" else "none"
    if spec.period is not None:
        due = last_started + spec.period
    else:
        due = spec.trigger.get_next_fire_time(None, last_started + timedelta(seconds=1))
    if due is None or due > now:
        return "none"
    return "run" if now - due <= grace else "skip"


class Scheduler:
    def __init__(self, app: App, settings: ScheduleSettings):
        from veille.db import database_url

        self.app, self.settings = app, settings
        self.url = database_url()  # children use the same database (and keep the embedded one alive through us)
        self.jobs = {spec.job_id: spec for spec in plan_jobs(app, settings)}
        self.kind_locks = {kind: threading.Lock() for kind in ("crawl", "nlp", "timeline", "digest")}
        self.children: dict[str, subprocess.Popen] = {}
        self.stopping = threading.Event()
        self._pending: set[str] = set()  # follow-ups queued and not started yet
        self._pending_lock = threading.Lock()
        self._chained = itertools.count(1)
        self.aps = BlockingScheduler(
            timezone=PARIS,
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": int(settings.grace_time.total_seconds()),
            },
        )
        self._lock_conn: psycopg.Connection | None = None
        self.queue: Any = None  # a procrastinate App when [workers] enabled: jobs are queued, not run here

    # -- the lock -----------------------------------------------------------------------
    def acquire_lock(self) -> None:
        from veille.db import connect

        conn = connect(self.url, autocommit=True)
        got = conn.execute("SELECT pg_try_advisory_lock(%s) AS ok", (SCHEDULER_LOCK,)).fetchone()["ok"]
        if not got:
            holder = conn.execute(
                """SELECT a.pid, a.application_name, a.client_addr, a.backend_start FROM pg_locks l
                   JOIN pg_stat_activity a ON a.pid = l.pid
                   WHERE l.locktype = 'advisory' AND l.granted
                     AND ((l.classid::bigint << 32) | l.objid::bigint) = %s""",
                (SCHEDULER_LOCK,),
            ).fetchone()
            conn.close()
            since = f" depuis {paris_time(holder['backend_start'])}" if holder else ""
            raise VeilleError(
                f"un planificateur tourne déjà sur cette base{since}",
                "arrêtez-le d'abord (un seul planificateur par base)",
            )
        conn.execute("SET application_name = 'veille schedule'")
        self._lock_conn = conn

    # -- bookkeeping ---------------------------------------------------------------------
    def db(self) -> psycopg.Connection:
        from veille.db import connect

        return connect(self.url, autocommit=True)

    def _record_job(self, conn, spec: JobSpec, **fields) -> None:
        """Upsert the job's row with ``fields`` (column names of scheduler_jobs)."""
        names = [sql.Identifier(c) for c in fields]
        conn.execute(
            sql.SQL("""INSERT INTO scheduler_jobs (job_id, kind, {cols}, updated_at) VALUES (%s, %s, {values}, now())
                       ON CONFLICT (job_id) DO UPDATE SET {updates}, updated_at = now()""").format(
                cols=sql.SQL(", ").join(names),
                values=sql.SQL(", ").join(sql.Placeholder() * len(names)),
                updates=sql.SQL(", ").join(sql.SQL("{c} = EXCLUDED.{c}").format(c=c) for c in names),
            ),
            (spec.job_id, spec.kind, *fields.values()),
        )

    def _save_next_runs(self) -> None:
        planned: dict[str, datetime] = {}
        for job in self.aps.get_jobs():
            job_id = job.id.split("#")[0]
            if job_id in self.jobs and job.next_run_time:
                planned[job_id] = min(job.next_run_time, planned.get(job_id, job.next_run_time))
        with self.db() as conn:
            for job_id, spec in self.jobs.items():
                if job_id in planned:
                    self._record_job(conn, spec, next_run_at=planned[job_id])
                else:  # a follow-up that already ran: no stale date in `veille status`
                    conn.execute(
                        "UPDATE scheduler_jobs SET next_run_at = NULL WHERE job_id = %s AND next_run_at IS NOT NULL",
                        (job_id,),
                    )

    # -- running a job ---------------------------------------------------------------------
    def run_job(self, job_id: str, follow_up: bool = False) -> None:
        spec = self.jobs[job_id]
        with self.kind_locks[spec.kind]:  # same-kind jobs queue instead of overlapping
            if follow_up:
                with self._pending_lock:  # from now on, new work needs a new run
                    self._pending.discard(job_id)
            if self.stopping.is_set():
                return
            if self.queue is not None:
                self._enqueue(spec)
            else:
                self._run_child(spec)
        self._save_next_runs()

    def _enqueue(self, spec: JobSpec) -> None:
        """``[workers] enabled``: the job goes to the queue for ``veille worker`` (which chains the
        follow-ups itself), unless the same job is still waiting there."""
        from veille.jobs import enqueue

        assert self.queue is not None
        config = self.app.config
        if spec.kind == "crawl":
            planned = [("veille.crawl_source", f"crawl:{spec.source_id}", {"source_id": spec.source_id})]
        elif spec.kind == "nlp":
            planned = [("veille.plan_analysis", "plan-analysis", {})]
        elif spec.kind == "timeline":
            slugs = list(config.dossiers)
            planned = [
                (
                    "veille.write_timeline",
                    f"timeline:{slug}",
                    {
                        "dossier": slug,
                        "out": self.settings.timeline_out
                        if len(slugs) == 1
                        else os.path.join(self.settings.timeline_out, slug),
                    },
                )
                for slug in slugs
            ]
        else:
            slug = spec.job_id.split(":", 1)[1]
            planned = [("veille.send_digests", f"digest:{slug}", {"dossier": slug})]
        queued = [enqueue(self.queue, config, task, key, **kwargs) for task, key, kwargs in planned]
        with self.db() as conn:
            self._record_job(conn, spec, last_started=datetime.now(UTC))
        fresh = sum(job is not None for job in queued)
        self.app.say(
            f"{datetime.now(PARIS):%Y-%m-%d %H:%M:%S} ⇢ {spec.job_id} mise en file pour les workers"
            + ("" if fresh == len(queued) else f" ({len(queued) - fresh} déjà en attente)")
        )

    def _run_child(self, spec: JobSpec) -> None:
        argv = child_argv(self.app, list(spec.argv))
        from veille.cli import DIE_WITH_PARENT

        env = {**os.environ, "DATABASE_URL": self.url, DIE_WITH_PARENT: str(os.getpid())}
        with self.db() as conn:
            last_run = conn.execute("SELECT coalesce(max(id), 0) AS id FROM runs").fetchone()["id"]
            self._record_job(conn, spec, last_started=datetime.now(UTC), last_status="running", last_error=None)
        self.app.say(f"{datetime.now(PARIS):%Y-%m-%d %H:%M:%S %Z} ▶ {spec.job_id}")
        started = time.monotonic()
        child = subprocess.Popen(
            argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True
        )  # our SIGINT (Ctrl-C) must not reach it directly
        self.children[spec.job_id] = child
        try:
            _, stderr = child.communicate()
        finally:
            self.children.pop(spec.job_id, None)
        status = "ok" if child.returncode == 0 else ("interrupted" if self.stopping.is_set() else "failed")
        error = None if status == "ok" else (error_line(stderr) or f"code de sortie {child.returncode}")
        with self.db() as conn:
            # Only this job's rows: jobs of other kinds run at the same time and write theirs.
            runs = conn.execute(
                "SELECT id, kind, status, counts FROM runs WHERE id > %s AND kind = ANY(%s) ORDER BY id",
                (last_run, list(RUN_KINDS[spec.kind])),
            ).fetchall()
            if status != "ok" and not any(r["status"] in ("failed", "interrupted") for r in runs):
                # The child died before it could record its failure: record it for it.
                conn.execute(
                    "INSERT INTO runs (kind, status, finished_at, params, error) VALUES (%s, %s, now(), %s, %s)",
                    (
                        spec.kind,
                        status,
                        Jsonb(
                            {
                                "job": spec.job_id,
                                "argv": list(spec.argv),
                                **({"sources": [spec.source_id]} if spec.source_id else {}),
                            }
                        ),
                        error,
                    ),
                )
            self._record_job(conn, spec, last_finished=datetime.now(UTC), last_status=status, last_error=error)
            if spec.kind == "crawl" and spec.source_id:
                from veille.health import record_crawl_runs

                reason = record_crawl_runs(conn, spec.source_id, runs, status == "failed", self.settings.empty_runs)
                if reason:
                    self.app.say(f"  ⚠ source {spec.source_id} signalée : {reason}")
        elapsed = time.monotonic() - started
        mark = "✔" if status == "ok" else "✖"
        self.app.say(
            f"{datetime.now(PARIS):%Y-%m-%d %H:%M:%S %Z} {mark} {spec.job_id} ({elapsed:.1f} s)"
            + (f" : {error}" if error else "")
        )
        if status == "ok" and not self.stopping.is_set():
            self._chain(spec, runs)

    def _chain(self, spec: JobSpec, runs: list[dict]) -> None:
        """crawl that stored something → nlp; nlp that changed events → timeline."""
        for follow, (upstream, keys) in FOLLOW_UPS.items():
            if spec.kind == upstream and any(
                r["kind"] == upstream and any(r["counts"].get(k, 0) for k in keys) for r in runs
            ):
                self._follow_up(follow)

    def _follow_up(self, job_id: str) -> None:
        """Queue one run of ``job_id``, unless one is queued and not started yet (it will see the new
        work). Each run gets its own APScheduler id: a follow-up requested while the previous one
        is still running would otherwise be dropped as a second instance of a running job."""
        with self._pending_lock:
            if job_id in self._pending:
                return
            self._pending.add(job_id)
        self.aps.add_job(
            self.run_job,
            args=[job_id],
            kwargs={"follow_up": True},
            id=f"{job_id}#chained-{next(self._chained)}",
            next_run_time=datetime.now(PARIS),
        )

    def owed_follow_ups(self, conn) -> list[str]:
        """Follow-ups a stopped scheduler left undone: an upstream run changed something after the
        last successful run of the follow-up started (it was stopped before it could chain)."""
        owed = []
        for follow, (upstream, keys) in FOLLOW_UPS.items():
            row = conn.execute(
                """SELECT EXISTS (
                       SELECT 1 FROM runs u
                        WHERE u.kind = %(up)s AND u.finished_at IS NOT NULL
                          AND u.finished_at > coalesce((SELECT max(d.started_at) FROM runs d
                                                         WHERE d.kind = %(down)s AND d.status = 'ok'), '-infinity')
                          AND EXISTS (SELECT 1 FROM unnest(%(keys)s::text[]) k
                                       WHERE jsonb_typeof(u.counts -> k) = 'number'
                                         AND (u.counts ->> k)::numeric > 0)) AS owed""",
                {"up": upstream, "down": follow, "keys": list(keys)},
            ).fetchone()
            if row["owed"]:
                owed.append(follow)
        return owed

    # -- life cycle -------------------------------------------------------------------------
    def _on_signal(self, signum, frame) -> None:
        if self.stopping.is_set():
            return
        self.stopping.set()
        self.app.say(f"signal {signal.Signals(signum).name} reçu : arrêt après les tâches en cours…")
        threading.Thread(target=self.aps.shutdown, kwargs={"wait": False}, daemon=True).start()

    def start(self, run_for: float | None = None) -> None:
        self.acquire_lock()
        if self.app.config.workers.enabled:
            from veille.jobs import open_app

            self.queue = open_app(self.app.config, self.url)
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        now = datetime.now(UTC)
        with self.db() as conn:
            rows = conn.execute("SELECT job_id, last_started, last_status FROM scheduler_jobs").fetchall()
            last = {r["job_id"]: r["last_started"] for r in rows}
            # Cut short by a stop (or left 'running' by a scheduler that was killed): run again now,
            # the stages resume where they stopped.
            resume = {r["job_id"] for r in rows if r["last_status"] in ("running", "interrupted")}
            conn.execute("UPDATE scheduler_jobs SET last_status = 'interrupted' WHERE last_status = 'running'")
            owed = self.owed_follow_ups(conn)
        for spec in self.jobs.values():
            if spec.trigger is not None:
                self.aps.add_job(self.run_job, spec.trigger, args=[spec.job_id], id=spec.job_id)
            decision = missed_run(spec, last.get(spec.job_id), now, self.settings.grace_time)
            if spec.job_id in owed or (spec.job_id in resume and spec.kind in FOLLOW_UPS):
                self.app.say(f"{spec.job_id} : reprise du travail laissé en suspens à l'arrêt précédent")
                self._follow_up(spec.job_id)
                continue
            if spec.job_id in resume:
                self.app.say(f"{spec.job_id} : interrompue à l'arrêt précédent, relancée")
                decision = "run"
            if decision == "run":
                self.aps.add_job(
                    self.run_job, args=[spec.job_id], id=f"{spec.job_id}#catch-up", next_run_time=datetime.now(PARIS)
                )
            elif decision == "skip":
                self.app.say(
                    f"{spec.job_id} : exécution manquée au-delà du délai de grâce, reprise au prochain créneau"
                )
        if run_for is not None:
            timer = threading.Timer(run_for, lambda: self._on_signal(signal.SIGTERM, None))
            timer.daemon = True  # after an earlier SIGTERM it must not keep the process alive
            timer.start()
        self.app.say(f"planificateur démarré : {len(self.jobs)} tâches (Ctrl-C ou SIGTERM pour arrêter)")
        self._save_next_runs_later()
        self.aps.start()  # blocks until shutdown
        self._wait_for_children()
        if self.queue is not None:
            self.queue.close()
        if self._lock_conn is not None:
            self._lock_conn.close()
        self.app.say("planificateur arrêté proprement")

    def _save_next_runs_later(self) -> None:
        self.aps.add_job(self._save_next_runs, id="_save_next_runs", next_run_time=datetime.now(PARIS))

    def _wait_for_children(self) -> None:
        deadline = time.monotonic() + self.settings.stop_timeout.total_seconds()
        while self.children and time.monotonic() < deadline:
            time.sleep(0.2)
        for child in list(self.children.values()):
            child.send_signal(signal.SIGTERM)  # the stages stop at a document boundary
        deadline = time.monotonic() + 30
        while self.children and time.monotonic() < deadline:
            time.sleep(0.2)
        for child in list(self.children.values()):
            child.kill()
        # Let the job threads record the outcome of what was interrupted.
        deadline = time.monotonic() + 10
        while any(lock.locked() for lock in self.kind_locks.values()) and time.monotonic() < deadline:
            time.sleep(0.1)


@click.command()
@click.option(
    "--for",
    "run_for",
    type=float,
    metavar="SECONDES",
    help="S'arrêter proprement après ce nombre de secondes (essais, tests).",
)
@pass_app
def schedule(app: App, run_for: float | None) -> None:
    """Tourner en continu : collecte de chaque source à son rythme, analyse après chaque collecte
    utile, chronologie après chaque analyse, résumés hebdomadaires le lundi à 8 h (Europe/Paris).

    Un seul planificateur par base. SIGTERM ou Ctrl-C : les tâches en cours se terminent, puis arrêt."""
    app.db()  # migrated schema and configuration synchronised before anything runs
    Scheduler(app, schedule_settings(app)).start(run_for)


OUTCOMES = {"ok": "réussie", "failed": "échec", "running": "en cours", "interrupted": "interrompue"}


def _counts(counts: dict) -> str:
    return counts_text(counts)[:70] or "—"


def _when(value: datetime | None) -> str:
    return paris_time(value) if value else "—"


def _queue_and_workers(conn, enabled: bool, stalled_after: float) -> None:
    """The task queue per queue, and the workers seen in the last 24 hours (``veille worker``)."""
    from veille.jobs import given_up, queue_summary, workers_seen

    queues, seen = queue_summary(conn), workers_seen(conn)
    if not (enabled or queues or seen):
        return  # in-process scheduling, never used the queue: nothing to say
    click.echo("\nFiles de tâches (veille worker)")
    if queues:
        rows = [
            (q["queue"], q["waiting"], q["retrying"], q["running"], q["failed"], q["done"], _when(q["next_retry"]))
            for q in queues
        ]
        click.echo(table(rows, ("file", "en attente", "dont réessais", "en cours", "en échec", "faites", "prochaine")))
    else:
        click.echo("  aucune tâche en file")
    failed = given_up(conn)
    if failed:
        click.echo("\nTâches abandonnées (24 h)")
        for f in failed:  # whole: the runs table above cuts errors short
            click.echo(
                f"  {_when(f['finished_at'])} tâche {f['job_id']} {f['job'].removeprefix('veille.')} {f['error']}"
            )
    click.echo("\nWorkers vus (24 h)")
    if seen:
        rows = []
        for w in seen:
            if w["stopped_at"]:
                state = f"arrêté {_when(w['stopped_at'])}"
            elif (datetime.now(UTC) - w["last_seen"]).total_seconds() <= stalled_after:
                state = "actif"
            else:
                state = f"muet depuis {_when(w['last_seen'])}"
            queues_text = ",".join(w["queues"]) or "toutes"
            rows.append(
                (w["host"], w["pid"], queues_text, w["concurrency"], _when(w["started_at"]), state, w["jobs_done"])
            )
        click.echo(table(rows, ("machine", "pid", "files", "à la fois", "démarré", "état", "tâches")))
    else:
        click.echo("  aucun worker vu : lancez « veille worker » sur une ou plusieurs machines")


@click.command()
@pass_app
def status(app: App) -> None:
    """Afficher les dernières exécutions de chaque tâche, les prochaines prévues, les sources
    signalées et la taille de la base."""
    from veille.health import flagged_sources

    conn = app.db()
    recent = conn.execute(
        "SELECT id, kind, status, started_at, finished_at, counts, error, params FROM runs ORDER BY id DESC LIMIT 500"
    ).fetchall()
    latest: dict[tuple[str, str], dict] = {}
    for r in recent:  # the newest run of each job (kind and scope)
        scope = r["params"].get("job") or r["params"].get("source") or ",".join(r["params"].get("sources") or [])
        latest.setdefault((r["kind"], scope), {**r, "scope": scope})
    click.echo("Dernières exécutions")
    if latest:
        rows = []
        for r in sorted(latest.values(), key=lambda r: r["started_at"], reverse=True):
            took = f"{(r['finished_at'] - r['started_at']).total_seconds():.0f} s" if r["finished_at"] else "—"
            outcome = OUTCOMES[r["status"]]
            rows.append(
                (
                    r["kind"],
                    r["scope"][:30],
                    _when(r["started_at"]),
                    took,
                    outcome,
                    (r["error"] or _counts(r["counts"]))[:70],
                )
            )
        click.echo(table(rows, ("tâche", "portée", "début", "durée", "issue", "compteurs / erreur")))
    else:
        click.echo("  aucune exécution enregistrée")
    click.echo("\nProchaines exécutions")
    planned = conn.execute(
        "SELECT job_id, next_run_at, last_status FROM scheduler_jobs "
        "WHERE next_run_at IS NOT NULL ORDER BY next_run_at, job_id"
    ).fetchall()
    holder = conn.execute(
        "SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND granted "
        "AND ((classid::bigint << 32) | objid::bigint) = %s",
        (SCHEDULER_LOCK,),
    ).fetchone()["n"]
    if not holder:
        click.echo("  le planificateur ne tourne pas (lancez « veille schedule »)")
    if planned:
        click.echo(
            table(
                [(p["job_id"], _when(p["next_run_at"]), OUTCOMES.get(p["last_status"], "—")) for p in planned],
                ("tâche", "prévue", "dernière issue"),
            )
        )
    _queue_and_workers(conn, app.config.workers.enabled, app.config.workers.stalled_after)
    click.echo("\nSources signalées")
    flagged = flagged_sources(conn)
    if flagged:
        click.echo(
            table(
                [(f["source_id"], f["name"], _when(f["since"]), f["reason"]) for f in flagged],
                ("source", "nom", "depuis", "raison"),
            )
        )
    else:
        click.echo("  aucune")
    size = conn.execute(
        "SELECT pg_size_pretty(pg_database_size(current_database())) AS size, "
        "(SELECT count(*) FROM documents) AS documents, (SELECT count(*) FROM events) AS events"
    ).fetchone()
    click.echo(f"\nBase : {size['size']} — {size['documents']} document(s), {size['events']} événement(s)")
