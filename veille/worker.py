"""``veille worker``: run the queued jobs (``veille.jobs``) on this machine, until SIGTERM.

Any number of workers, on any number of machines, share one database. Each registers in
``workers`` (what ``veille status`` lists) and beats a heartbeat; every few seconds it also
takes up the jobs of workers that fell silent for ``[workers] stalled_after`` seconds (killed,
machine lost): those jobs go back to the queue and run again, which stores nothing twice.

SIGTERM or Ctrl-C: no new job starts; the running ones get ``[workers] stop_timeout`` seconds
to finish, then they are released (their child command is stopped) and go back to the queue.

A database that stops answering ends the worker with one line and exit 1: at once when the
embedded server's process is gone, after ``stalled_after`` seconds of failed heartbeats otherwise
(connections cut by a restart are simply made again). Its jobs are then those of a killed worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import sys
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import click

from veille.app import App, pass_app
from veille.errors import VeilleError

PARIS = ZoneInfo("Europe/Paris")
# Once the database is lost, how long the worker lets procrastinate stop before it exits anyway:
# its jobs are then those of a killed worker (taken up elsewhere, nothing half-written).
LOST_EXIT_AFTER = 3.0


def parse_queues(text: str | None) -> list[str] | None:
    from veille.jobs import QUEUES

    if not text:
        return None
    names = [q.strip() for q in text.split(",") if q.strip()]
    unknown = [q for q in names if q not in QUEUES]
    if unknown or not names:
        raise VeilleError(
            f"file(s) inconnue(s) pour --queues : {', '.join(unknown) or text}",
            f"files possibles : {', '.join(QUEUES)} (séparées par des virgules)",
        )
    return names


async def take_up_stalled(
    papp, seconds: float, attempts: int, own: set[int] | frozenset[int] = frozenset()
) -> tuple[int, int]:
    """Put back in the queue the jobs of workers silent for ``seconds``, except this process's
    own jobs in hand (``own``: a worker whose heartbeat was late is not dead). A job whose worker
    died during its last allowed attempt (``attempts``: it kills every worker that runs it, or the
    machine loses it each time) is not put back: it ends ``failed``, recorded in ``runs`` as any
    job that failed for good. How many were put back, and how many given up."""
    from procrastinate import exceptions as pexc
    from procrastinate.jobs import Status

    from veille.jobs import TASKS, WorkerLost, record_failure

    back = given_up = 0
    for job in await papp.job_manager.get_stalled_jobs(seconds_since_heartbeat=seconds):
        if job.id in own:
            continue
        try:
            if job.attempts + 1 >= attempts and job.task_name in TASKS:
                await papp.job_manager.finish_job(job, status=Status.FAILED, delete_job=False)
                tried = job.attempts + 1
                await asyncio.to_thread(
                    record_failure, TASKS[job.task_name], job.id, dict(job.task_kwargs), tried, WorkerLost(tried)
                )
                given_up += 1
            else:
                await papp.job_manager.retry_job(job)
                back += 1
        except pexc.ConnectorException:
            pass  # another worker took it up first
    await papp.job_manager.prune_stalled_workers(seconds)
    return back, given_up


class DatabaseLost(Exception):
    """What ends a worker whose database stopped answering (``Worker._maintain``)."""


class Worker:
    def __init__(self, app: App, url: str, queues: list[str] | None, concurrency: int, burst: bool):
        from veille.jobs import WorkerState, build_app, set_state

        self.app, self.url, self.queues, self.concurrency, self.burst = app, url, queues, concurrency, burst
        self.settings = app.config.workers
        self.state = WorkerState(app=app, url=url)
        set_state(self.state)
        self.papp = build_app(app.config, url)
        self.row_id: int | None = None
        self.stopping = False
        self.unreachable_since: float | None = None  # the first failed heartbeat of the current outage
        self.lost: str | None = None  # set once the worker gives the database up: the reason

    def _register(self) -> None:
        from veille.db import connect

        with connect(self.url, autocommit=True) as conn:
            self.row_id = conn.execute(
                "INSERT INTO workers (host, pid, queues, concurrency) VALUES (%s, %s, %s, %s) RETURNING id",
                (socket.gethostname(), os.getpid(), self.queues or [], self.concurrency),
            ).fetchone()["id"]

    def _beat(self, stopped: bool = False) -> None:
        from veille.db import connect

        with connect(self.url, autocommit=True, connect_timeout=5) as conn:
            conn.execute(
                "UPDATE workers SET last_seen = now(), jobs_done = %s, stopped_at = CASE WHEN %s THEN now() END "
                "WHERE id = %s",
                (self.state.done, stopped, self.row_id),
            )

    async def _maintain(self, worker_task: asyncio.Task) -> None:
        """The heartbeat, and the take-up of dead workers' jobs. A database that stops answering
        ends the worker: at once when it is the embedded server and its process is gone, after
        ``stalled_after`` seconds otherwise (a server restarting comes back in time; past that,
        other workers would take its jobs anyway)."""
        import psycopg
        from procrastinate import exceptions as pexc

        every = max(1.0, min(self.settings.stalled_after / 3, 10.0))
        last = time.monotonic()
        while True:
            await asyncio.sleep(1.0)
            if _embedded_server_gone():  # checked every second: a look at a process, no query
                self._give_up("le PostgreSQL embarqué s'est arrêté", worker_task)
                return
            if self.unreachable_since is None and time.monotonic() - last < every:
                continue
            last = time.monotonic()
            try:
                await asyncio.to_thread(self._beat)
                taken = await take_up_stalled(
                    self.papp, self.settings.stalled_after, self.settings.attempts, set(self.state.running)
                )
            except (VeilleError, psycopg.Error, pexc.ConnectorException, OSError) as exc:
                if _embedded_server_gone():
                    self._give_up("le PostgreSQL embarqué s'est arrêté", worker_task)
                    return
                now = time.monotonic()
                if self.unreachable_since is None:
                    self.unreachable_since = now
                    self.app.say(f"{_now()} base de données injoignable ({_first_line(exc)}) : nouvel essai…")
                waited = now - self.unreachable_since
                if waited >= self.settings.stalled_after:
                    self._give_up(f"{_first_line(exc)}, depuis {waited:.0f} s", worker_task)
                    return
                continue
            if self.unreachable_since is not None:
                self.app.say(f"{_now()} base de données de nouveau joignable")
                self.unreachable_since = None
            self._say_taken(*taken)

    def _give_up(self, reason: str, worker_task: asyncio.Task) -> None:
        self.lost = reason
        self.stopping = True
        worker_task.cancel()
        # procrastinate's own stop talks to the database: bounded, then the process ends anyway.
        asyncio.get_running_loop().call_later(LOST_EXIT_AFTER, self._exit_now)

    def _exit_now(self) -> None:
        sys.stdout.flush()
        sys.stderr.write(f"veille : erreur : {_lost(self.lost or '')}\n")
        sys.stderr.flush()
        os._exit(1)

    def _say_taken(self, back: int, given_up: int) -> None:
        if back:
            self.app.say(f"{_now()} {back} tâche(s) d'un worker disparu remise(s) en file")
        if given_up:
            self.app.say(
                f"{_now()} {given_up} tâche(s) abandonnée(s) : leur worker a disparu à chacune de leurs "
                f"{self.settings.attempts} tentative(s) (voir veille status)"
            )

    def _on_signal(self, signum: int, worker_task: asyncio.Task) -> None:
        if self.stopping:
            return
        if self.unreachable_since is not None:  # no job can finish nor be given back: stop now
            self.app.say(f"{_now()} signal {signal.Signals(signum).name} reçu")
            self._give_up(f"injoignable depuis {time.monotonic() - self.unreachable_since:.0f} s", worker_task)
            return
        self.stopping = True
        self.app.say(
            f"{_now()} signal {signal.Signals(signum).name} reçu : arrêt après les tâches en cours "
            f"(au plus {self.settings.stop_timeout:g} s, puis elles sont rendues à la file)"
        )
        worker_task.cancel()  # procrastinate's worker stops gracefully when cancelled

    async def run(self) -> None:
        self._register()
        stalled = self.settings.stalled_after
        async with self.papp.open_async():
            self._say_taken(*await take_up_stalled(self.papp, stalled, self.settings.attempts))
            options: dict = {"queues": self.queues} if self.queues else {}  # none: every queue
            worker_task = asyncio.create_task(
                self.papp.run_worker_async(
                    **options,
                    concurrency=self.concurrency,
                    wait=not self.burst,
                    name=f"{socket.gethostname()}:{os.getpid()}",
                    shutdown_graceful_timeout=self.settings.stop_timeout,
                    update_heartbeat_interval=max(0.5, stalled / 4),
                    stalled_worker_timeout=stalled,
                    install_signal_handlers=False,
                    fetch_job_polling_interval=1.0 if self.burst else 5.0,
                )
            )
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, self._on_signal, sig, worker_task)
            maintenance = asyncio.create_task(self._maintain(worker_task))
            try:
                with contextlib.suppress(asyncio.CancelledError):
                    await worker_task
            except Exception:
                if self.lost is None:
                    raise
            finally:
                maintenance.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await maintenance
                for sig in (signal.SIGTERM, signal.SIGINT):
                    loop.remove_signal_handler(sig)
                if self.lost is not None:
                    raise DatabaseLost(self.lost)
        self._beat(stopped=True)


def _now() -> str:
    return f"{datetime.now(PARIS):%Y-%m-%d %H:%M:%S}"


def _first_line(exc: BaseException) -> str:
    from procrastinate import exceptions as pexc

    while isinstance(exc, pexc.ConnectorException) and exc.__cause__ is not None:
        exc = exc.__cause__  # procrastinate's wrapper says only « Database error. »
    text = exc.message if isinstance(exc, VeilleError) else str(exc).strip()
    return text.splitlines()[0][:200] if text else exc.__class__.__name__


def _lost(reason: str) -> VeilleError:
    return VeilleError(
        f"connexion à la base de données perdue, worker arrêté ({reason})",
        "vérifiez que le serveur PostgreSQL tourne (veille db info) puis relancez veille worker : les tâches "
        "en cours seront reprises, rien n'est enregistré deux fois",
    )


def _embedded_server_gone() -> bool:
    """Whether this worker runs on the embedded server and that server's process has died: it will
    not come back (the next veille command starts it again)."""
    if os.environ.get("DATABASE_URL", "").strip():
        return False
    from veille import embedded

    return embedded._handle is not None and not embedded._handle.postmaster_alive()


def _quiet_libraries(debug: bool) -> None:
    """procrastinate and psycopg's pool log every failed attempt with its traceback; the worker's
    own lines say what happened (--debug shows theirs)."""
    if debug:
        return
    for name in ("procrastinate", "psycopg.pool"):
        logger = logging.getLogger(name)
        logger.addHandler(logging.NullHandler())
        logger.propagate = False


@click.command()
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    default=None,
    metavar="N",
    help="Nombre de tâches menées à la fois (par défaut : [workers] concurrency, 1). Pour analyser en "
    "parallèle, lancez plutôt plusieurs workers : une analyse à la fois par processus.",
)
@click.option(
    "--queues",
    metavar="FILE,…",
    help="Ne prendre que les tâches de ces files : crawl, import, nlp, reports (par défaut : toutes).",
)
@click.option("--burst", is_flag=True, help="S'arrêter dès que les files sont vides (traitements par lots, essais).")
@pass_app
def worker(app: App, concurrency: int | None, queues: str | None, burst: bool) -> None:
    """Exécuter les tâches mises en file (collectes, imports, analyses, affaires, chronologies,
    résumés) sur cette machine, jusqu'à SIGTERM ou Ctrl-C.

    Autant de workers que voulu, sur autant de machines qu'il faut, partagent la base : une seule
    collecte à la fois par site, un seul calcul des affaires à la fois, une seule tâche à la fois
    par dossier pour sa chronologie et ses résumés. Une tâche en échec est réessayée avec un délai qui double, puis
    son erreur est enregistrée (veille status). Voir docs/operations.md."""
    from veille.db import database_url

    chosen = parse_queues(queues)
    app.db()  # migrated schema (procrastinate's included) and configuration synchronised
    url = database_url()
    runner = Worker(app, url, chosen, concurrency or app.config.workers.concurrency, burst)
    app.say(
        f"{_now()} worker démarré sur {socket.gethostname()} (pid {os.getpid()}) : files "
        f"{', '.join(chosen) if chosen else 'toutes'}, {runner.concurrency} tâche(s) à la fois"
        + (" ; arrêt dès que les files sont vides" if burst else " (Ctrl-C ou SIGTERM pour arrêter)")
    )
    _quiet_libraries(app.debug)
    try:
        asyncio.run(runner.run())
    except DatabaseLost as lost:
        raise _lost(str(lost)) from None
    app.say(f"{_now()} worker arrêté proprement : {runner.state.done} tâche(s) menée(s)")
