"""Where the crawl's blocking work runs, so that Scrapy's reactor thread only downloads.

* CPU work (text extraction) runs in worker processes: extraction is pure Python
  under the GIL, and threads would only take turns with the downloader. Workers
  are spawned (not forked: the parent holds threads and sockets) and die with
  their parent, even when it is killed with SIGKILL.
* The pages' and URLs' writes go to one writer thread, which stores whatever has arrived
  meanwhile in one transaction (``_BatchWriter``); reads run in a few threads, each with a
  pooled connection (asynchronous commits: see ``Workers.__init__``).

``VEILLE_CRAWL_WORKERS`` sets the number of worker processes (0: extraction in
threads of the crawling process, which is what the benchmark compares against).

When the database server goes away (killed, stopped, the connection cut), the first
failing call finds out — a fresh connection is tried, so that one statement's own
error is not taken for it — and every later call fails at once with ``DatabaseLost``
instead of waiting for the pool's reconnections (30 s each): the crawl then stops
(``on_lost``) and the command ends with one line.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import queue
import signal
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from crawler import grouping

DB_THREADS = 4


def default_worker_count() -> int:
    env = os.environ.get("VEILLE_CRAWL_WORKERS", "").strip()
    if env.isdigit():
        return int(env)
    return max(1, min(4, (os.cpu_count() or 2) - 1))


def _die_with_parent() -> None:
    """Linux: a worker receives SIGKILL when the crawl process goes away."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:  # the parent died before prctl: nobody will collect our work
            os._exit(0)
    except (OSError, AttributeError):
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's business


def _warm() -> int:
    import trafilatura  # noqa: F401  (import cost paid before the first page)

    from crawler import extract  # noqa: F401

    return os.getpid()


class DatabaseLost(Exception):
    """The database server is gone: nothing more can be read or stored in this crawl. Its cause
    (``__cause__``) is the first error that showed it."""


def database_answers(url: str) -> bool:
    """Whether a fresh connection to ``url`` gets an answer (a few seconds at most)."""
    try:
        with psycopg.connect(url, connect_timeout=3, autocommit=True) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error:
        return False
    return True


class Workers:
    """The executors of one crawl; ``close()`` when the crawl ends."""

    def __init__(self, db_url: str, cpu_workers: int | None = None, db_threads: int = DB_THREADS):
        self.db_url = db_url
        self.lost: BaseException | None = None  # the error that showed the database gone
        # Called once, from whichever thread found out, when the database is gone.
        self.on_lost: Callable[[], None] | None = None
        self._lost_lock = threading.Lock()
        self.cpu_workers = default_worker_count() if cpu_workers is None else cpu_workers
        self.cpu: Executor = self._cpu_pool()
        # Asynchronous commits: a page's transaction returns once committed, without waiting
        # for its WAL to reach the disk (3 ms each here, inside the grouping lock). A killed
        # crawl still loses nothing: the server holds every committed page. Only a crash of
        # the database server itself could lose the last ~0.6 s (3 × wal_writer_delay) of them,
        # URL rows included, so a next crawl fetches those again; the run's final record is a
        # synchronous commit, which flushes them all.
        self.db_pool = ConnectionPool(
            db_url,
            min_size=1,
            max_size=db_threads,
            open=True,
            kwargs={"autocommit": True, "row_factory": dict_row, "options": "-c synchronous_commit=off"},
            name="veille-crawl",
        )
        self.db_threads = ThreadPoolExecutor(max_workers=db_threads, thread_name_prefix="veille-db")
        self.writer = _BatchWriter(self)

    def _cpu_pool(self) -> Executor:
        n = self.cpu_workers
        if n <= 0:
            return ThreadPoolExecutor(max_workers=2, thread_name_prefix="veille-extract")
        pool = ProcessPoolExecutor(
            max_workers=n, mp_context=multiprocessing.get_context("spawn"), initializer=_die_with_parent
        )
        for _ in range(n):
            pool.submit(_warm)
        return pool

    async def run_cpu(self, fn, *args):
        loop = asyncio.get_running_loop()
        pool = self.cpu
        try:
            return await loop.run_in_executor(pool, partial(fn, *args))
        except BrokenProcessPool:
            # A worker died (out of memory on a monstrous page…): a new pool, and one more try.
            if self.cpu is pool:
                self.cpu = self._cpu_pool()
                pool.shutdown(wait=False, cancel_futures=True)
            return await loop.run_in_executor(self.cpu, partial(fn, *args))

    async def run_db(self, fn, *args, **kwargs):
        """``fn(conn, *args, **kwargs)`` with a pooled connection, in a database thread."""
        return await asyncio.get_running_loop().run_in_executor(
            self.db_threads, partial(self.db_call, fn, *args, **kwargs)
        )

    async def write(self, fn, *args, **kwargs):
        """``fn(conn, *args, in_batch=True, **kwargs)`` in the writer's next batch (see ``_BatchWriter``)."""
        return await asyncio.wrap_future(self.writer.submit(fn, args, kwargs))

    def db_call(self, fn, *args, **kwargs):
        """The same, synchronously (outside the reactor)."""
        self.check()
        try:
            with self.db_pool.connection() as conn:
                return fn(conn, *args, **kwargs)
        except psycopg.Error as exc:
            self.check(exc)
            raise

    def check(self, error: BaseException | None = None) -> None:
        """Raise ``DatabaseLost`` if the database is known gone, or if ``error`` (a database error just
        met) comes from a server that no longer answers."""
        if self.lost is None and isinstance(error, (psycopg.OperationalError, psycopg.InterfaceError)):
            if not database_answers(self.db_url):
                self._found_lost(error)
        if self.lost is not None:
            raise DatabaseLost(str(self.lost)) from self.lost

    def _found_lost(self, error: BaseException) -> None:
        with self._lost_lock:
            if self.lost is not None:
                return
            self.lost = error
        # Clients waiting for a connection fail now rather than after the pool's own timeout.
        threading.Thread(target=self.db_pool.close, kwargs={"timeout": 0}, daemon=True).start()
        if self.on_lost is not None:
            self.on_lost()

    def close(self) -> None:
        self.writer.close()
        self.db_threads.shutdown(wait=True)
        self.cpu.shutdown(wait=True, cancel_futures=True)
        self.db_pool.close(timeout=0 if self.lost else 5.0)


class _BatchWriter:
    """Stores pages and URL rows in batches: whatever arrived while the previous batch was being
    written goes into one transaction (at most ``MAX_BATCH`` writes), which takes the grouping
    lock once. One transaction per page cost a BEGIN, a COMMIT and a lock each: a third of the
    statements of a stored page.

    A crawl killed mid-batch loses no committed page: the batch's pages and their URL rows roll
    back together, and the next crawl fetches them again. When a write fails, the batch rolls
    back and each of its writes is made again in a transaction of its own, so that only the
    failing one fails."""

    MAX_BATCH = 64

    def __init__(self, workers: Workers):
        self.workers = workers
        self.pool = workers.db_pool
        self.jobs: queue.SimpleQueue = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._run, name="veille-writer", daemon=True)
        self.thread.start()

    def submit(self, fn, args: tuple, kwargs: dict) -> Future:
        future: Future = Future()
        self.jobs.put((fn, args, kwargs, future))
        return future

    def close(self) -> None:
        self.jobs.put(None)
        self.thread.join()

    def _run(self) -> None:
        while True:
            job = self.jobs.get()
            if job is None:
                return
            batch, last = [job], False
            while len(batch) < self.MAX_BATCH:
                try:
                    job = self.jobs.get_nowait()
                except queue.Empty:
                    break
                if job is None:
                    last = True
                    break
                batch.append(job)
            self._write(batch)
            if last:
                return

    def _write(self, batch: list) -> None:
        batch = [job for job in batch if job[3].set_running_or_notify_cancel()]
        try:
            self.workers.check()
            with self.pool.connection() as conn:
                with conn.transaction():
                    grouping.lock(conn)
                    results = [fn(conn, *args, in_batch=True, **kwargs) for fn, args, kwargs, _ in batch]
        except BaseException as exc:  # noqa: BLE001 - one at a time, so that the error is the failing write's alone
            try:
                self.workers.check(exc)
            except DatabaseLost as lost:  # the whole batch rolled back: the next crawl fetches it again
                for *_, future in batch:
                    future.set_exception(lost)
                return
            self._write_alone(batch)
            return
        for (_, _, _, future), result in zip(batch, results):
            future.set_result(result)

    def _write_alone(self, batch: list) -> None:
        for fn, args, kwargs, future in batch:
            try:
                future.set_result(self.workers.db_call(fn, *args, **kwargs))
            except BaseException as exc:  # noqa: BLE001 - handed to the awaiting pipeline
                future.set_exception(exc)
