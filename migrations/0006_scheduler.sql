-- The scheduler's memory: jobs' last and next runs (so missed runs are caught up
-- after downtime) and the health of each source (a dead feed looks like a quiet week).

CREATE TABLE scheduler_jobs (
    job_id        text PRIMARY KEY,
    kind          text NOT NULL,
    last_started  timestamptz,
    last_finished timestamptz,
    last_status   text CHECK (last_status IN ('running', 'ok', 'failed', 'interrupted')),
    last_error    text,
    next_run_at   timestamptz,
    updated_at    timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE scheduler_jobs IS 'Jobs of `veille schedule` (crawl of a source, nlp, timeline, digest) with their last and next runs.';
COMMENT ON COLUMN scheduler_jobs.job_id IS 'Job name: crawl:<source>, nlp, timeline, digest:<dossier>.';
COMMENT ON COLUMN scheduler_jobs.kind IS 'crawl, nlp, timeline or digest.';
COMMENT ON COLUMN scheduler_jobs.last_started IS 'When the job last started.';
COMMENT ON COLUMN scheduler_jobs.last_finished IS 'When it last finished.';
COMMENT ON COLUMN scheduler_jobs.last_status IS 'Outcome of its last run: running, ok, failed, interrupted.';
COMMENT ON COLUMN scheduler_jobs.last_error IS 'The error of its last failed run.';
COMMENT ON COLUMN scheduler_jobs.next_run_at IS 'Next planned run, as the running scheduler planned it.';
COMMENT ON COLUMN scheduler_jobs.updated_at IS 'Last update of this row.';

CREATE TABLE source_health (
    source_id          text PRIMARY KEY REFERENCES sources(id) ON UPDATE CASCADE ON DELETE CASCADE,
    runs               integer NOT NULL DEFAULT 0,
    consecutive_empty  integer NOT NULL DEFAULT 0,
    consecutive_failed integer NOT NULL DEFAULT 0,
    last_items         integer,
    last_errors        integer,
    error_rate_avg     real,
    flagged            boolean NOT NULL DEFAULT false,
    flag_reason        text,
    flagged_at         timestamptz,
    updated_at         timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE source_health IS 'Watch on each source: a source that yields nothing several runs in a row, or whose error rate jumps, is flagged for the operator.';
COMMENT ON COLUMN source_health.source_id IS 'The source.';
COMMENT ON COLUMN source_health.runs IS 'Crawl runs observed.';
COMMENT ON COLUMN source_health.consecutive_empty IS 'Runs in a row that yielded no item at all.';
COMMENT ON COLUMN source_health.consecutive_failed IS 'Runs in a row that failed.';
COMMENT ON COLUMN source_health.last_items IS 'Items (pages found by discovery) of the last run.';
COMMENT ON COLUMN source_health.last_errors IS 'Errors of the last run.';
COMMENT ON COLUMN source_health.error_rate_avg IS 'Moving average of the share of fetches that failed.';
COMMENT ON COLUMN source_health.flagged IS 'True while the source looks dead or broken.';
COMMENT ON COLUMN source_health.flag_reason IS 'Why it is flagged, in French, for the operator.';
COMMENT ON COLUMN source_health.flagged_at IS 'When it was flagged.';
COMMENT ON COLUMN source_health.updated_at IS 'Last update of this row.';
