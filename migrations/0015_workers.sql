-- Distributed workers (issue 19): procrastinate's task queue, the workers veille saw, and the
-- archive files an import has done.
--
-- The line below is replaced by the runner (veille/db.py, INCLUDES) with the schema that the
-- installed procrastinate ships, read through its public API
-- (procrastinate.schema.SchemaManager.get_schema()): veille applies it in this migration's
-- transaction, recorded in schema_migrations like any other file. A later procrastinate release
-- that changes its schema comes with its own migration scripts; upgrading procrastinate in
-- pyproject.toml then takes a new numbered migration that includes them.
-- veille:include procrastinate-schema

COMMENT ON TABLE procrastinate_jobs IS 'The task queue (procrastinate): one row per job of `veille worker` (crawl of a source, import of an archive file, analysis of a batch, cases, timeline, digests of a dossier).';
COMMENT ON COLUMN procrastinate_jobs.id IS 'Job number.';
COMMENT ON COLUMN procrastinate_jobs.queue_name IS 'Queue: crawl, import, nlp or reports (`veille worker --queues`).';
COMMENT ON COLUMN procrastinate_jobs.task_name IS 'Task: veille.crawl_source, veille.import_archive, veille.analyse_documents, veille.recompute_cases, veille.write_timeline, veille.send_digests.';
COMMENT ON COLUMN procrastinate_jobs.priority IS 'Higher runs first.';
COMMENT ON COLUMN procrastinate_jobs.lock IS 'Jobs sharing a lock never run at the same time: site:<site> for crawls (politeness across machines), cases for the cases, dossier:<slug> for a dossier''s timeline and digests.';
COMMENT ON COLUMN procrastinate_jobs.queueing_lock IS 'At most one waiting job per queueing lock (the same work is never queued twice).';
COMMENT ON COLUMN procrastinate_jobs.args IS 'The task''s arguments, as JSON.';
COMMENT ON COLUMN procrastinate_jobs.status IS 'todo, doing, succeeded, failed, cancelled, aborted.';
COMMENT ON COLUMN procrastinate_jobs.scheduled_at IS 'Not before this time (a retry waits its backoff).';
COMMENT ON COLUMN procrastinate_jobs.attempts IS 'Attempts made so far.';
COMMENT ON COLUMN procrastinate_jobs.abort_requested IS 'An abort was asked for (worker stopping).';
COMMENT ON COLUMN procrastinate_jobs.worker_id IS 'The worker running it (procrastinate_workers).';

COMMENT ON TABLE procrastinate_workers IS 'Live procrastinate workers and their heartbeat; a worker silent too long is pruned and its jobs taken up again.';
COMMENT ON COLUMN procrastinate_workers.id IS 'Worker number.';
COMMENT ON COLUMN procrastinate_workers.last_heartbeat IS 'Last sign of life.';

COMMENT ON TABLE procrastinate_periodic_defers IS 'procrastinate''s record of periodic jobs already deferred (unused by veille, whose schedule enqueues).';
COMMENT ON COLUMN procrastinate_periodic_defers.id IS 'Row number.';
COMMENT ON COLUMN procrastinate_periodic_defers.task_name IS 'Task.';
COMMENT ON COLUMN procrastinate_periodic_defers.defer_timestamp IS 'Planned time, Unix seconds.';
COMMENT ON COLUMN procrastinate_periodic_defers.job_id IS 'The job deferred.';
COMMENT ON COLUMN procrastinate_periodic_defers.periodic_id IS 'Which periodic definition.';

COMMENT ON TABLE procrastinate_events IS 'Every change of a job''s status, with its time (procrastinate).';
COMMENT ON COLUMN procrastinate_events.id IS 'Event number.';
COMMENT ON COLUMN procrastinate_events.job_id IS 'The job.';
COMMENT ON COLUMN procrastinate_events.type IS 'deferred, started, deferred_for_retry, failed, succeeded, cancelled, aborted, retried …';
COMMENT ON COLUMN procrastinate_events.at IS 'When.';

CREATE TABLE workers (
    id          bigserial PRIMARY KEY,
    host        text NOT NULL,
    pid         integer NOT NULL,
    queues      text[] NOT NULL DEFAULT '{}',
    concurrency integer NOT NULL,
    started_at  timestamptz NOT NULL DEFAULT now(),
    last_seen   timestamptz NOT NULL DEFAULT now(),
    stopped_at  timestamptz,
    jobs_done   integer NOT NULL DEFAULT 0
);
COMMENT ON TABLE workers IS 'Every `veille worker` process seen, on any machine: what `veille status` lists.';
COMMENT ON COLUMN workers.id IS 'Row number.';
COMMENT ON COLUMN workers.host IS 'Machine name.';
COMMENT ON COLUMN workers.pid IS 'Process id on that machine.';
COMMENT ON COLUMN workers.queues IS 'Queues it takes jobs from (empty: all).';
COMMENT ON COLUMN workers.concurrency IS 'Jobs it runs at once.';
COMMENT ON COLUMN workers.started_at IS 'When it started.';
COMMENT ON COLUMN workers.last_seen IS 'Its last sign of life (every few seconds while it runs).';
COMMENT ON COLUMN workers.stopped_at IS 'When it stopped cleanly; NULL while it runs or if it was killed.';
COMMENT ON COLUMN workers.jobs_done IS 'Jobs it finished (succeeded or failed).';

CREATE TABLE archive_files (
    url         text PRIMARY KEY,
    collection  text NOT NULL,
    period      text NOT NULL,
    status      text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
    attempts    integer NOT NULL DEFAULT 0,
    bytes       bigint,
    counts      jsonb NOT NULL DEFAULT '{}'::jsonb,
    error       text,
    run_id      bigint REFERENCES runs(id) ON DELETE SET NULL,
    queued_at   timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);
CREATE INDEX archive_files_collection_period ON archive_files (collection, period);
COMMENT ON TABLE archive_files IS 'Remote archive files an import reads (CC-NEWS WARC files): which are done, so that a new run only does what is left.';
COMMENT ON COLUMN archive_files.url IS 'Address of the file.';
COMMENT ON COLUMN archive_files.collection IS 'The archive it belongs to: ccnews.';
COMMENT ON COLUMN archive_files.period IS 'The month of the listing it came from, YYYY-MM.';
COMMENT ON COLUMN archive_files.status IS 'queued, running, done, or failed (with the error).';
COMMENT ON COLUMN archive_files.attempts IS 'Times its import started.';
COMMENT ON COLUMN archive_files.bytes IS 'Size read, in bytes.';
COMMENT ON COLUMN archive_files.counts IS 'What its import did (records, kept by the pre-filter, new documents …), as JSON counters.';
COMMENT ON COLUMN archive_files.error IS 'Why its last import failed.';
COMMENT ON COLUMN archive_files.run_id IS 'The run (runs) that last imported it.';
COMMENT ON COLUMN archive_files.queued_at IS 'When it was first listed.';
COMMENT ON COLUMN archive_files.finished_at IS 'When its last import ended.';
