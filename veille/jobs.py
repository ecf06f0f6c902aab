"""Units of work as procrastinate tasks, for ``veille worker`` processes on any number of
machines that reach the database (docs/operations.md).

procrastinate is a task queue kept in PostgreSQL: no server besides the database veille
already uses. Its schema is applied by veille's migrations (``migrations/0015_workers.sql``).

The tasks, their queue and their lock (jobs sharing a lock never run at the same time, on any
machine):

===========================  =========  ======================  ===================================
task                         queue      lock                    what it runs
===========================  =========  ======================  ===================================
veille.crawl_source          crawl      ``site:<site>``         ``veille crawl --source ID`` (child)
veille.import_archive        import     —                       one CC-NEWS WARC file, in-process
veille.plan_analysis         nlp        —                       batches of pending documents
veille.analyse_documents     nlp        —                       one batch, in-process (spaCy)
veille.recompute_cases       reports    ``cases``               the cases (of every dossier), in-process
veille.write_timeline        reports    ``dossier:<slug>``      ``veille timeline`` (child)
veille.send_digests          reports    ``dossier:<slug>``      ``veille digest send`` (child)
===========================  =========  ======================  ===================================

A crawl runs in a child process because Scrapy's reactor cannot be restarted in one
process; the child dies with its worker (``PR_SET_PDEATHSIG``), even one killed by SIGKILL.
Every task is safe to run again: what it writes has unique keys, and each unit is written in
its own transaction, so a job taken up again after a crash (``take_up_stalled``) stores
nothing twice. A failing job is retried with a doubling delay (``[workers] attempts``,
``retry_delay``); after the last attempt its error is recorded in ``runs``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import procrastinate
import psycopg
from procrastinate import exceptions as pexc
from psycopg.types.json import Jsonb

from veille.errors import VeilleError

QUEUES = ("crawl", "import", "nlp", "reports")


@dataclass(frozen=True)
class TaskSpec:
    name: str
    queue: str
    run_kind: str  # the kind of its `runs` row when it fails for good


TASKS = {
    spec.name: spec
    for spec in (
        TaskSpec("veille.crawl_source", "crawl", "crawl"),
        TaskSpec("veille.import_archive", "import", "import"),
        TaskSpec("veille.plan_analysis", "nlp", "nlp"),
        TaskSpec("veille.analyse_documents", "nlp", "nlp"),
        TaskSpec("veille.recompute_cases", "reports", "cases"),
        TaskSpec("veille.write_timeline", "reports", "timeline"),
        TaskSpec("veille.send_digests", "reports", "digest"),
    )
}


class Permanent(Exception):
    """A failure another attempt cannot mend (a truncated archive file): no retry."""


class WorkerLost(Exception):
    """What a job whose worker vanished during every attempt failed of (``take_up_stalled``)."""

    def __init__(self, attempts: int):
        super().__init__(
            f"son worker a disparu pendant chacune des {attempts} tentative(s) (tué, mémoire épuisée, "
            "machine perdue ?) ; elle n'est plus remise en file : cherchez dans le journal du worker ce "
            "qui l'arrête"
        )


class Backoff(procrastinate.BaseRetryStrategy):
    """``attempts`` tries in all, the n-th retry after ``delay * 2**(n-1)`` seconds."""

    def __init__(self, attempts: int, delay: float):
        self.attempts, self.delay = attempts, delay

    def get_retry_decision(self, *, exception: BaseException, job) -> procrastinate.RetryDecision | None:
        if isinstance(exception, Permanent) or job.attempts + 1 >= self.attempts:
            return None
        return procrastinate.RetryDecision(retry_in={"seconds": self.delay * 2**job.attempts})


# --------------------------------------------------------------------------- the worker's state


@dataclass
class WorkerState:
    """What a worker process's tasks share: the veille App (configuration), the database URL,
    the spaCy pipeline once loaded, and how many jobs it finished."""

    app: Any  # veille.app.App
    url: str
    pipeline: Any = None
    version: str | None = None
    done: int = 0
    running: set[int] = field(default_factory=set)  # ids of the jobs in hand: never taken up as stalled
    # spaCy's pipeline is not shared between threads: one analysis at a time in a process
    # (run more processes, not more threads, to analyse in parallel).
    nlp_lock: threading.Lock = field(default_factory=threading.Lock)


_state: WorkerState | None = None


def state() -> WorkerState:
    if _state is None:
        raise RuntimeError("veille.jobs: no worker state (tasks run inside `veille worker`)")
    return _state


def set_state(value: WorkerState | None) -> None:
    global _state
    _state = value


def _conn() -> psycopg.Connection:
    from veille.db import connect

    return connect(state().url, autocommit=True)


# --------------------------------------------------------------------------- the app


def build_app(config, url: str) -> procrastinate.App:
    """A procrastinate App on ``url`` with veille's tasks, retried as ``config.workers`` says."""
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=url))
    retry = Backoff(config.workers.attempts, config.workers.retry_delay)
    for spec in TASKS.values():
        app.task(name=spec.name, queue=spec.queue, retry=retry, pass_context=True)(_recording(spec, _BODIES[spec.name]))
    return app


def _recording(spec: TaskSpec, body: Callable[..., Any]) -> Callable[..., Any]:
    """The task's body, with its failure recorded in ``runs`` once no retry follows."""

    def task(context: procrastinate.JobContext, **kwargs: Any) -> Any:
        say = state().app.say
        what = f"{spec.name.removeprefix('veille.')} {_describe(kwargs)}".strip()
        started = time.monotonic()
        say(f"{_now()} ▶ {what} (tâche {context.job.id}, tentative {context.job.attempts + 1})")
        state().running.add(context.job.id or 0)
        try:
            result = body(context, **kwargs)
            say(f"{_now()} ✔ {what} ({time.monotonic() - started:.1f} s)")
            return result
        except pexc.JobAborted:
            say(f"{_now()} ↩ {what} : rendue à la file (arrêt du worker)")
            raise
        except Exception as exc:
            say(f"{_now()} ✖ {what} : {_error_text(exc)}")
            job = context.job
            task_ = context.task
            strategy = task_.retry_strategy if task_ is not None else None
            final = strategy is None or strategy.get_retry_decision(exception=exc, job=job) is None
            if final:
                record_failure(spec, job.id, kwargs, job.attempts + 1, exc)
            raise
        finally:
            state().done += 1
            state().running.discard(context.job.id or 0)

    task.__name__ = spec.name.split(".")[-1]
    return task


def _describe(kwargs: dict) -> str:
    """The job's arguments for a progress line, what names it first (procrastinate sorts them)."""
    first = ("source_id", "dossier", "url", "ids")
    keys = [k for k in first if k in kwargs] + [k for k in kwargs if k not in first]
    shown = [f"{len(kwargs[k])} documents" if k == "ids" else kwargs[k] for k in keys if kwargs[k] not in (None, False)]
    return " ".join(str(v) for v in shown)[:160]


def _now() -> str:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return f"{datetime.now(ZoneInfo('Europe/Paris')):%Y-%m-%d %H:%M:%S}"


def record_failure(spec: TaskSpec, job_id: int | None, args: dict, attempts: int, exc: BaseException) -> None:
    error = f"abandonnée après {attempts} tentative(s) : {_error_text(exc)}"
    with _conn() as conn:
        conn.execute(
            "INSERT INTO runs (kind, status, finished_at, params, error) VALUES (%s, 'failed', now(), %s, %s)",
            (spec.run_kind, Jsonb({"job": spec.name, "job_id": job_id, "attempts": attempts, **args}), error),
        )


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, VeilleError | Permanent | CommandFailed | WorkerLost):
        return str(exc)
    return f"{exc.__class__.__name__}: {exc}"[:2000]


# --------------------------------------------------------------------------- child commands


class CommandFailed(Exception):
    """A ``veille`` command run by a task ended with an error (its own line)."""


def run_command(context: procrastinate.JobContext, argv: list[str]) -> list[dict]:
    """Run ``veille ARGV`` in a child process, as the scheduler does; the ``runs`` rows it wrote.
    A stopping worker that must release the job stops the child first (SIGTERM: it stops at a
    document boundary)."""
    from veille.cli import DIE_WITH_PARENT
    from veille.scheduler import child_argv, error_line

    st = state()
    with _conn() as conn:
        last_run = conn.execute("SELECT coalesce(max(id), 0) AS id FROM runs").fetchone()["id"]
    env = {**os.environ, "DATABASE_URL": st.url, DIE_WITH_PARENT: str(os.getpid())}
    with tempfile.TemporaryFile("w+", encoding="utf-8") as err:
        child = subprocess.Popen(
            child_argv(st.app, argv), env=env, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True
        )
        try:
            while child.poll() is None:
                if context.should_abort():
                    child.send_signal(signal.SIGTERM)
                    try:
                        child.wait(30)
                    except subprocess.TimeoutExpired:
                        child.kill()
                        child.wait()
                    raise pexc.JobAborted()
                time.sleep(0.2)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
        err.seek(0)
        stderr = err.read()
    if child.returncode != 0:
        line = error_line(stderr).removeprefix("veille : erreur : ")
        raise CommandFailed(line or f"veille {' '.join(argv)} : code de sortie {child.returncode}")
    with _conn() as conn:
        return conn.execute(
            "SELECT id, kind, status, counts, params FROM runs WHERE id > %s ORDER BY id", (last_run,)
        ).fetchall()


def _changed(runs: list[dict], kind: str, keys: tuple[str, ...]) -> bool:
    return any(r["kind"] == kind and any(r["counts"].get(k, 0) for k in keys) for r in runs)


# --------------------------------------------------------------------------- the tasks' bodies


def _crawl_source(context: procrastinate.JobContext, source_id: str) -> dict:
    from veille.scheduler import FOLLOW_UPS

    runs = [r for r in run_command(context, ["crawl", "--source", source_id]) if r["kind"] == "crawl"]
    runs = [r for r in runs if source_id in (r["params"].get("sources") or [])]
    if _changed(runs, "crawl", FOLLOW_UPS["nlp"][1]):
        defer(context.app, "veille.plan_analysis", queueing_lock="plan-analysis")
    return {"runs": [r["id"] for r in runs]}


def _import_archive(context: procrastinate.JobContext, url: str, period: str, allow_private: bool = False) -> dict:
    from crawler.ccnews import DamagedFile, import_remote_file

    st = state()
    with _conn() as conn:
        try:
            counts = import_remote_file(conn, st.app.config, url, period, allow_private=allow_private)
        except DamagedFile as exc:  # the same bytes would fail the same way: recorded, not retried
            raise Permanent(str(exc)) from None
    if counts.get("new") or counts.get("updated"):
        defer(context.app, "veille.plan_analysis", queueing_lock="plan-analysis")
    return counts


def _pipeline() -> tuple[Any, str]:
    st = state()
    if st.pipeline is None:
        from nlp.pipeline import build_pipeline, pipeline_version

        config = st.app.config
        st.pipeline = build_pipeline(config.nlp.model, tuple(s.name for s in config.sources))
        st.version = pipeline_version(st.pipeline)
    assert st.version is not None
    return st.pipeline, st.version


def _plan_analysis(
    context: procrastinate.JobContext, dossier: str | None = None, reanalyse: bool = False, retry_errors: bool = False
) -> dict:
    with state().nlp_lock:
        _, version = _pipeline()
    with _conn() as conn:
        jobs = enqueue_analysis(context.app, conn, state().app.config, version, dossier, reanalyse, retry_errors)
    return {"jobs": jobs}


def _analyse_documents(
    context: procrastinate.JobContext, ids: list[int], reanalyse: bool = False, retry_errors: bool = False
) -> dict:
    from nlp.stage import analyse_batch

    st = state()
    with st.nlp_lock, _conn() as conn:
        pipeline, version = _pipeline()
        counts = analyse_batch(
            conn,
            pipeline,
            version,
            ids,
            batch_size=st.app.config.nlp.batch_size,
            reanalyse=reanalyse,
            retry_errors=retry_errors,
            params={"job_id": context.job.id},
        )
    if counts.get("events") or counts.get("analysed"):
        defer(context.app, "veille.recompute_cases", queueing_lock="cases")
    return counts


def _recompute_cases(context: procrastinate.JobContext) -> dict:
    """Cases are computed across dossiers (one transaction, under the cases stage's own lock);
    then each dossier's timeline is written again, as ``veille schedule`` chains it."""
    from cases.grouping import recompute_cases
    from veille.scheduler import schedule_settings

    st = state()
    with _conn() as conn:
        counts = recompute_cases(conn, st.app.config)
    base = schedule_settings(st.app).timeline_out
    slugs = list(st.app.config.dossiers)
    for slug in slugs:
        out = base if len(slugs) == 1 else os.path.join(base, slug)
        defer(context.app, "veille.write_timeline", queueing_lock=f"timeline:{slug}", dossier=slug, out=out)
    return {k: v for k, v in counts.items() if isinstance(v, int)}


def _write_timeline(context: procrastinate.JobContext, dossier: str, out: str) -> dict:
    runs = run_command(context, ["timeline", "--dossier", dossier, "--out", out])
    return {"runs": [r["id"] for r in runs]}


def _send_digests(context: procrastinate.JobContext, dossier: str) -> dict:
    runs = run_command(context, ["digest", "send", "--dossier", dossier])
    return {"runs": [r["id"] for r in runs]}


_BODIES: dict[str, Callable[..., Any]] = {
    "veille.crawl_source": _crawl_source,
    "veille.import_archive": _import_archive,
    "veille.plan_analysis": _plan_analysis,
    "veille.analyse_documents": _analyse_documents,
    "veille.recompute_cases": _recompute_cases,
    "veille.write_timeline": _write_timeline,
    "veille.send_digests": _send_digests,
}


# --------------------------------------------------------------------------- enqueueing


def lock_for(config, task_name: str, kwargs: dict) -> str | None:
    """The lock of a job: one crawl at a time per site, one computation of the cases at a time,
    one timeline or digest job at a time per dossier."""
    if task_name == "veille.crawl_source":
        return f"site:{config.source(kwargs['source_id']).site}"
    if task_name == "veille.recompute_cases":
        return "cases"
    if task_name in ("veille.write_timeline", "veille.send_digests"):
        return f"dossier:{kwargs['dossier']}"
    return None


def defer(app: procrastinate.App, task_name: str, queueing_lock: str | None = None, **kwargs: Any) -> int | None:
    """Queue one job; None when the same job (``queueing_lock``) is already waiting."""
    config = state().app.config if _state is not None else None
    return _defer(app, config, task_name, queueing_lock, kwargs)


def _defer(app: procrastinate.App, config, task_name: str, queueing_lock: str | None, kwargs: dict) -> int | None:
    lock = lock_for(config, task_name, kwargs) if config is not None else None
    task = app.tasks[task_name]
    try:
        return task.configure(lock=lock, queueing_lock=queueing_lock).defer(**kwargs)
    except pexc.AlreadyEnqueued:
        return None


def enqueue(
    app: procrastinate.App, config, task_name: str, queueing_lock: str | None = None, **kwargs: Any
) -> int | None:
    """Queue one job from outside a worker (``veille schedule``, ``veille import ccnews``)."""
    return _defer(app, config, task_name, queueing_lock, kwargs)


def enqueue_analysis(
    app: procrastinate.App,
    conn: psycopg.Connection,
    config,
    version: str,
    dossier: str | None = None,
    reanalyse: bool = False,
    retry_errors: bool = False,
) -> int:
    """One ``analyse_documents`` job per ``[workers] nlp_batch`` pending documents, leaving out
    documents a waiting or running job already holds; the number of jobs queued."""
    from nlp.stage import pending_documents

    held = {
        r["id"]
        for r in conn.execute(
            """SELECT (jsonb_array_elements_text(args -> 'ids'))::bigint AS id FROM procrastinate_jobs
                WHERE task_name = 'veille.analyse_documents' AND status IN ('todo', 'doing')"""
        ).fetchall()
    }
    size = config.workers.nlp_batch
    batch: list[int] = []
    queued = 0

    def flush() -> None:
        nonlocal queued
        if batch:
            key = f"analyse:{version}:{batch[0]}-{batch[-1]}"
            if (
                _defer(
                    app,
                    config,
                    "veille.analyse_documents",
                    key,
                    {"ids": list(batch), "reanalyse": reanalyse, "retry_errors": retry_errors},
                )
                is not None
            ):
                queued += 1
            batch.clear()

    for chunk in pending_documents(conn, version, dossier, reanalyse=reanalyse, retry_errors=retry_errors):
        for item in chunk:
            if item.id not in held:
                batch.append(item.id)
                if len(batch) >= size:
                    flush()
    flush()
    return queued


def open_app(config, url: str | None = None) -> procrastinate.App:
    """A procrastinate App opened synchronously, for enqueueing (close it after use)."""
    from veille.db import database_url

    app = build_app(config, url or database_url())
    app.open()
    return app


# --------------------------------------------------------------------------- what `veille status` shows


def queue_summary(conn: psycopg.Connection) -> list[dict]:
    """Jobs per queue: waiting, running, failed (and done), oldest waiting."""
    return conn.execute(
        """SELECT queue_name AS queue,
                  count(*) FILTER (WHERE status = 'todo') AS waiting,
                  count(*) FILTER (WHERE status = 'todo' AND attempts > 0) AS retrying,
                  count(*) FILTER (WHERE status = 'doing') AS running,
                  count(*) FILTER (WHERE status = 'failed') AS failed,
                  count(*) FILTER (WHERE status = 'succeeded') AS done,
                  min(scheduled_at) FILTER (WHERE status = 'todo') AS next_retry
             FROM procrastinate_jobs GROUP BY queue_name ORDER BY queue_name"""
    ).fetchall()


def given_up(conn: psycopg.Connection, since_hours: int = 24) -> list[dict]:
    """The jobs recorded as failed for good (``record_failure``) in the last ``since_hours``."""
    return conn.execute(
        """SELECT params ->> 'job' AS job, params ->> 'job_id' AS job_id, finished_at, error FROM runs
            WHERE status = 'failed' AND params ? 'job_id' AND finished_at > now() - make_interval(hours => %s)
            ORDER BY id DESC LIMIT 20""",
        (since_hours,),
    ).fetchall()


def workers_seen(conn: psycopg.Connection, since_hours: int = 24) -> list[dict]:
    return conn.execute(
        """SELECT host, pid, queues, concurrency, started_at, last_seen, stopped_at, jobs_done
             FROM workers WHERE coalesce(stopped_at, last_seen) > now() - make_interval(hours => %s)
            ORDER BY started_at DESC""",
        (since_hours,),
    ).fetchall()
