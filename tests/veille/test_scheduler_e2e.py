"""`veille schedule` left running by itself against the mini-web and a real SMTP server.

Short triggers come from the configuration, as an operator would write them: sources every
hour (so they run once, at start, as never crawled), the digest every few seconds
(``[schedule.jobs."digest:coco"] interval``). Each test runs the real command in a subprocess
and reads what it did in the database, the timeline folder, the mailbox and ``veille status``.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from psycopg.rows import dict_row

from samples.miniweb.config import dumps, sources as miniweb_sources
from tests.conftest import ROOT, run_veille
from tests.reports.digest_support import PUBLIC_URL, SENDER, UNSUBSCRIBE_URL, free_port

pytestmark = pytest.mark.slow

SOURCES = ("lequotidien", "echodunord")  # a feed and a sitemap
SUBSCRIBER = "lea.martin@exemple.fr"
TITLE = "Le site Coco (coco.fr, coco.gg)"  # the built-in dossier's title


def write_config(
    path: Path,
    web,
    *,
    smtp_port: int | None = None,
    timeline_out: Path,
    digest_interval: str | None = None,
    stop_timeout: str = "20s",
    extra_sources: list[dict] = (),
    schedule: str = "",
) -> Path:
    chosen = [s for s in miniweb_sources(web, judilibre=False, wayback=False, interval="1h") if s["id"] in SOURCES]
    text = dumps({"crawl": {"download_delay": 0.0}, "sources": chosen + list(extra_sources)})
    text += f"""
[schedule]
stop_timeout = "{stop_timeout}"
grace_time = "1h"
timeline_out = "{timeline_out}"
{schedule}
"""
    if digest_interval:
        text += f'\n[schedule.jobs."digest:coco"]\ninterval = "{digest_interval}"\n'
    if smtp_port:
        text += f"""
[reports]
public_url = "{PUBLIC_URL}"
unsubscribe_url = "{UNSUBSCRIBE_URL}"

[smtp]
host = "127.0.0.1"
port = {smtp_port}
security = "none"
sender = "{SENDER}"
timeout = 20.0
retries = 1
retry_delay = 0.05
"""
    path.write_text(text, encoding="utf-8")
    return path


class Scheduler:
    """A `veille schedule` subprocess; its output goes to a file (no pipe to keep drained)."""

    def __init__(self, config: Path, db_url: str, log: Path):
        self.log, self.db_url = log, db_url
        env = {**os.environ, "DATABASE_URL": db_url, "PYTHONUNBUFFERED": "1"}
        env.pop("VEILLE_CONFIG", None)
        self.out = open(log, "w", encoding="utf-8")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "veille", "--config", str(config), "schedule"],
            cwd=ROOT,
            env=env,
            stdout=self.out,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def context(self) -> str:
        """Earlier schedulers' output and the bookkeeping, for a failure message."""
        logs = "\n".join(
            f"--- {p.name}\n{p.read_text(encoding='utf-8')}"
            for p in sorted(self.log.parent.glob("schedule-*.log"))
            if p != self.log
        )
        with psycopg.connect(self.db_url, row_factory=dict_row) as conn:
            rows = conn.execute(
                "SELECT id, kind, status, started_at, finished_at, counts, error FROM runs ORDER BY id"
            ).fetchall()
            job_rows = conn.execute("SELECT * FROM scheduler_jobs ORDER BY job_id").fetchall()
        return "\n".join([logs, "--- runs", *map(str, rows), "--- scheduler_jobs", *map(str, job_rows)])

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8")

    def wait_until(self, what: str, predicate, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if predicate():
                return
            if self.proc.poll() is not None:
                raise AssertionError(f"the scheduler exited ({self.proc.returncode}) before {what}:\n{self.output()}")
            time.sleep(0.3)
        raise AssertionError(f"timed out waiting for {what}:\n{self.output()}\n{self.context()}")

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=90)
        finally:
            self.out.close()

    def kill(self) -> None:
        """After a failed test: SIGTERM first, so the scheduler stops its own children too."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.out.close()


@pytest.fixture
def db(db_url):
    with psycopg.connect(db_url, row_factory=dict_row, autocommit=True) as conn:
        yield conn


@pytest.fixture
def started(db_url, tmp_path):
    """``started(config)`` starts a scheduler; any left running is killed at the end of the test."""
    procs: list[Scheduler] = []

    def start(config: Path) -> Scheduler:
        proc = Scheduler(config, db_url, tmp_path / f"schedule-{len(procs) + 1}.log")
        procs.append(proc)
        return proc

    yield start
    for proc in procs:
        proc.kill()


def jobs(db) -> dict[str, dict]:
    return {r["job_id"]: r for r in db.execute("SELECT * FROM scheduler_jobs")}


def changed(run: dict) -> bool:
    return any(run["counts"].get(k) for k in ("analysed", "documents", "events"))


def settled(db, sources=SOURCES, timeline: str = "ok", digest: bool = False) -> bool:
    """Every source crawled, then analysed, then the timeline written (or failed), nothing running."""
    j = jobs(db)
    crawls = [j.get(f"crawl:{s}") for s in sources]
    if any(c is None or c["last_status"] not in ("ok", "failed") for c in crawls):
        return False
    if any(r["last_status"] == "running" for r in j.values()):
        return False
    # The last analysis started after the last crawl, the last timeline after the last analysis
    # that changed something (an analysis may find its work already done by the one before).
    nlps, crawl_runs = runs(db, "nlp"), runs(db, "crawl")
    if not nlps or nlps[-1]["status"] != "ok" or nlps[-1]["started_at"] < crawl_runs[-1]["finished_at"]:
        return False
    analysed = [r for r in nlps if changed(r)]
    timelines = runs(db, "timeline")
    if not analysed or not timelines or timelines[-1]["status"] != timeline:
        return False
    if timelines[-1]["started_at"] < analysed[-1]["finished_at"]:
        return False
    return not digest or (j.get("digest:coco") or {}).get("last_status") == "ok"


def runs(db, *kinds: str) -> list[dict]:
    return db.execute("SELECT * FROM runs WHERE kind = ANY(%s) ORDER BY id", (list(kinds),)).fetchall()


def analyses(db) -> set[tuple]:
    return {
        (r["document_id"], r["run_id"], r["analysed_at"])
        for r in db.execute("SELECT document_id, run_id, analysed_at FROM document_analyses")
    }


def unanalysed(db) -> int:
    return db.execute("""SELECT count(*) AS n FROM documents d WHERE d.text <> '' AND NOT EXISTS (
                             SELECT 1 FROM document_analyses a WHERE a.document_id = d.id)""").fetchone()["n"]


def timeline_entries(out: Path) -> int:
    return len(re.findall(r'<article class="entry', (out / "index.html").read_text(encoding="utf-8")))


def status(db_url: str, config: Path) -> str:
    result = run_veille("--config", str(config), "status", env={"DATABASE_URL": db_url}, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_left_running_it_crawls_analyses_publishes_and_mails_then_a_restart_repeats_nothing(
    miniweb, smtp_controller, smtp, db, db_url, tmp_path, started
):
    out = tmp_path / "chronologie"
    config = write_config(
        tmp_path / "veille.toml", miniweb, smtp_port=smtp_controller.port, timeline_out=out, digest_interval="15s"
    )
    added = run_veille(
        "--config",
        str(config),
        "subscribers",
        "add",
        SUBSCRIBER,
        "--dossier",
        "coco",
        "--name",
        "Léa Martin",
        env={"DATABASE_URL": db_url},
    )
    assert added.returncode == 0, added.stderr

    first = started(config)
    first.wait_until(
        "crawl → nlp → timeline and the digest",
        lambda: settled(db, digest=True) and len(smtp.received) == 1,
        seconds=150,
    )

    # The chain, in order: each source crawled once, then analysed, then the timeline written.
    crawls, nlps, timelines = runs(db, "crawl"), runs(db, "nlp"), runs(db, "timeline")
    assert sorted(r["params"]["sources"][0] for r in crawls) == sorted(SOURCES)
    assert all(r["status"] == "ok" for r in crawls + nlps + timelines), (crawls, nlps, timelines)
    assert all(r["counts"].get("new", 0) > 0 for r in crawls)
    assert nlps and timelines
    assert nlps[0]["started_at"] > crawls[0]["finished_at"]
    assert timelines[0]["started_at"] > nlps[0]["finished_at"]
    assert nlps[-1]["started_at"] > crawls[-1]["finished_at"]  # the last analysis saw every crawl
    assert timelines[-1]["started_at"] > [r for r in nlps if changed(r)][-1]["finished_at"]
    assert unanalysed(db) == 0
    assert timeline_entries(out) > 0 and timelines[-1]["counts"]["entries"] == timeline_entries(out)

    # The weekly digest, delivered to the subscriber, in French.
    [mail] = smtp.received
    assert mail.rcpt_tos == [SUBSCRIBER]
    msg = mail.message
    assert [(a.display_name, a.addr_spec) for a in msg["To"].addresses] == [("Léa Martin", SUBSCRIBER)]
    assert msg["Subject"].startswith(f"{TITLE} — semaine du ")
    assert msg.get_body(("plain",)).get_content().startswith("Bonjour Léa Martin,")
    [digest_row] = db.execute("SELECT status, week FROM digests").fetchall()
    assert digest_row["status"] == "sent"

    # `veille status` shows what it did while it runs.
    shown = status(db_url, config)
    recent = shown.split("Prochaines exécutions")[0]
    for kind, scope in (
        ("crawl", "lequotidien"),
        ("crawl", "echodunord"),
        ("nlp", ""),
        ("timeline", ""),
        ("digest", ""),
    ):
        assert re.search(rf"^{kind}\s+{scope}.*réussie", recent, re.M), (kind, shown)
    assert "le planificateur ne tourne pas" not in shown
    planned = shown.split("Prochaines exécutions")[1].split("Sources signalées")[0]
    assert "crawl:lequotidien" in planned and "digest:coco" in planned
    assert not re.search(r"^(nlp|timeline)\s", planned, re.M)  # follow-ups done: nothing stale planned

    assert first.stop() == 0, first.output()
    assert "planificateur arrêté proprement" in first.output()

    before = {
        "documents": db.execute("SELECT count(*) AS n FROM documents").fetchone()["n"],
        "analyses": analyses(db),
        "runs": [(r["id"], r["status"]) for r in runs(db, "crawl", "nlp", "timeline", "cases")],
        "last_run": db.execute("SELECT max(id) AS id FROM runs").fetchone()["id"],
        "timeline": (out / "index.html").stat().st_mtime_ns,
    }

    # Restarted: the digest job fires again (catch-up or its next slot), finds the week sent, and
    # nothing else has anything to do.
    second = started(config)
    second.wait_until(
        "the digest job after the restart",
        lambda: (
            db.execute(
                "SELECT count(*) AS n FROM runs WHERE kind = 'digest' AND id > %s AND status <> 'running'",
                (before["last_run"],),
            ).fetchone()["n"]
            > 0
        ),
        seconds=60,
    )
    time.sleep(2)  # time enough for a wrongly planned follow-up to start
    assert second.stop() == 0, second.output()

    assert [(r["id"], r["status"]) for r in runs(db, "crawl", "nlp", "timeline", "cases")] == before["runs"]
    assert db.execute("SELECT count(*) AS n FROM documents").fetchone()["n"] == before["documents"]
    assert analyses(db) == before["analyses"]  # no re-analysis
    assert (out / "index.html").stat().st_mtime_ns == before["timeline"]
    again = [r for r in runs(db, "digest") if r["id"] > before["last_run"]]
    assert again and all(
        r["status"] == "ok" and r["counts"].get("already_sent") == 1 and not r["counts"].get("sent") for r in again
    ), again
    assert len(smtp.received) == 1  # no second digest for the same week
    assert db.execute("SELECT count(*) AS n FROM digests").fetchone()["n"] == 1
    log = second.output()
    assert not re.search(r"▶ (crawl|nlp|timeline)", log), log

    assert "le planificateur ne tourne pas" in status(db_url, config)


def test_stopped_midway_a_restart_finishes_the_work_and_loses_nothing(miniweb, db, db_url, tmp_path, started):
    out = tmp_path / "chronologie"
    # Running jobs get one second after SIGTERM, then are stopped themselves (at a document boundary).
    config = write_config(tmp_path / "veille.toml", miniweb, timeline_out=out, stop_timeout="1s")

    first = started(config)
    # Stop as soon as the first crawl is done: its follow-up (nlp) and the other crawl are pending
    # or cut short.
    first.wait_until("the first crawl", lambda: "✔ crawl:" in first.output(), seconds=90)
    assert first.stop() == 0, first.output()
    crawled_first = re.search(r"✔ crawl:(\w+)", first.output()).group(1)
    assert db.execute("SELECT count(*) AS n FROM documents").fetchone()["n"] > 0

    second = started(config)
    second.wait_until("the work left undone", lambda: settled(db), seconds=120)
    assert second.stop() == 0, second.output()

    # Nothing lost: every source crawled, every document analysed, the timeline written.
    by_source = {
        r["source_id"]: r["n"] for r in db.execute("SELECT source_id, count(*) AS n FROM documents GROUP BY source_id")
    }
    assert set(by_source) == set(SOURCES) and all(by_source.values()), (
        by_source,
        runs(db, "crawl"),
        first.output(),
        second.output(),
    )
    assert unanalysed(db) == 0
    assert timeline_entries(out) > 0
    # Nothing repeated: the finished crawl was not run again, each document analysed once.
    crawled = [r["params"]["sources"][0] for r in runs(db, "crawl")]
    assert crawled.count(crawled_first) == 1, crawled
    # What the stop cut short was taken up again at start.
    assert re.search(
        r"reprise du travail laissé en suspens|interrompue à l'arrêt précédent, relancée", second.output()
    ), second.output()
    assert (
        sum(r["counts"].get("analysed", 0) for r in runs(db, "nlp"))
        == db.execute("SELECT count(*) AS n FROM document_analyses WHERE status = 'ok'").fetchone()["n"]
    )


def test_a_failing_job_is_recorded_and_the_others_go_on(miniweb, smtp_controller, smtp, db, db_url, tmp_path, started):
    blocker = tmp_path / "un-fichier"
    blocker.write_text("pas un dossier", encoding="utf-8")
    out = blocker / "chronologie"  # cannot be created: its parent is a file
    dead = {
        "id": "mort",
        "name": "Flux mort",
        "kind": "feed",
        "urls": [f"http://127.0.0.1:{free_port()}/rss.xml"],
        "dossiers": ["coco"],
        "allow_private": True,
        "interval": "1h",
    }
    config = write_config(
        tmp_path / "veille.toml",
        miniweb,
        smtp_port=smtp_controller.port,
        timeline_out=out,
        digest_interval="10s",
        extra_sources=[dead],
        schedule="empty_runs = 1",
    )
    added = run_veille(
        "--config", str(config), "subscribers", "add", SUBSCRIBER, "--dossier", "coco", env={"DATABASE_URL": db_url}
    )
    assert added.returncode == 0, added.stderr

    sched = started(config)
    sched.wait_until(
        "the failed timeline and the digest after it",
        lambda: settled(db, (*SOURCES, "mort"), timeline="failed", digest=True),
        seconds=150,
    )

    failed = next(r for r in runs(db, "timeline") if r["status"] == "failed")
    assert "impossible d'écrire" in failed["error"] and str(out) in failed["error"]
    job = jobs(db)["timeline"]
    assert job["last_status"] == "failed" and "impossible d'écrire" in job["last_error"]
    # The others went on: both good sources crawled and analysed, the digest sent, the scheduler alive.
    assert {r["params"]["sources"][0] for r in runs(db, "crawl") if r["status"] == "ok"} >= set(SOURCES)
    assert runs(db, "nlp")[-1]["status"] == "ok" and unanalysed(db) == 0
    assert len(smtp.received) == 1 and smtp.received[0].rcpt_tos == [SUBSCRIBER]
    assert sched.proc.poll() is None

    shown = status(db_url, config)
    assert re.search(r"^timeline\s.*échec\s+VeilleError: impossible d'écrire", shown, re.M), shown
    flagged = shown.split("Sources signalées")[1]
    assert "mort" in flagged and "en échec" in flagged  # the unreachable feed is flagged for the operator
    assert sched.stop() == 0, sched.output()
    assert "✖ timeline" in sched.output()


def test_killed_by_sigkill_it_leaves_no_crawl_behind_and_the_next_one_runs_it_once(
    miniweb, db, db_url, tmp_path, started
):
    """The real ``veille schedule`` killed by SIGKILL in the middle of a crawl: its crawl dies
    with it, the run left `running` is closed as `interrupted` by the next scheduler, which crawls
    again with no second copy of the first crawl alongside."""
    import psutil

    config = write_config(tmp_path / "veille.toml", miniweb, timeline_out=tmp_path / "chronologie")
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("download_delay = 0.0", "download_delay = 1.0", 1), encoding="utf-8")
    assert "download_delay = 1.0" in config.read_text(encoding="utf-8")  # slow: still crawling when killed

    first = started(config)
    first.wait_until(
        "a crawl under way",
        lambda: db.execute("SELECT 1 FROM runs WHERE kind = 'crawl' AND status = 'running'").fetchone(),
        seconds=90,
    )
    crawls = [p for p in psutil.Process(first.proc.pid).children(recursive=True) if "crawl" in " ".join(p.cmdline())]
    assert crawls, first.output()
    first.proc.send_signal(signal.SIGKILL)
    first.proc.wait(10)
    gone, alive = psutil.wait_procs(crawls, timeout=10)
    assert alive == [], "a crawl outlived the scheduler killed by SIGKILL"
    killed_runs = {r["id"] for r in runs(db, "crawl") if r["status"] == "running"}
    assert killed_runs  # left running by the killed process…

    second = started(config)
    second.wait_until("the work left undone", lambda: settled(db), seconds=150)
    assert second.stop() == 0, second.output()
    assert "interrompue à l'arrêt précédent, relancée" in second.output() or "reprise du travail" in second.output()
    crawl_runs = runs(db, "crawl")
    assert {r["status"] for r in crawl_runs if r["id"] in killed_runs} == {"interrupted"}  # …closed at the next start
    # Never two crawls of one source at once: each later run started after the killed ones ended.
    for source in SOURCES:
        mine = [r for r in crawl_runs if source in (r["params"].get("sources") or [])]
        for earlier, later in zip(mine, mine[1:]):
            assert earlier["finished_at"] is not None and later["started_at"] >= earlier["finished_at"], mine
    same = db.execute(
        "SELECT count(*) AS n FROM (SELECT canonical_url FROM documents GROUP BY 1 HAVING count(*) > 1) d"
    ).fetchone()["n"]
    assert same == 0
