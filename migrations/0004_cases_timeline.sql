-- Cases and happenings: what the grouping stage (nlp/cases.py) keeps across recomputations,
-- and what the timeline and the weekly digests read.
--
-- Cases are recomputed from the events as a whole, so their ids may change; everything a
-- digest needs to tell "new" from "already known" is therefore keyed by the case's slug or
-- the happening's key, which are derived from the facts (main place, kind, date), not from ids.

ALTER TABLE cases
    ADD COLUMN main_place       text,
    ADD COLUMN people           text[] NOT NULL DEFAULT '{}',
    ADD COLUMN first_seen_at    timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN stage_changed_at timestamptz,
    ADD COLUMN stage_reached_on date,
    ADD COLUMN manual           jsonb NOT NULL DEFAULT '{}'::jsonb;
COMMENT ON COLUMN cases.main_place IS 'The place most of its documents name: the source of its slug and default name.';
COMMENT ON COLUMN cases.people IS 'Principal people of the case (victims and defendants as named by the press; minors never).';
COMMENT ON COLUMN cases.first_seen_at IS 'When veille first computed a case with this slug (kept across recomputations).';
COMMENT ON COLUMN cases.stage_changed_at IS 'When veille saw the stage change last (NULL: unchanged since first seen).';
COMMENT ON COLUMN cases.stage_reached_on IS 'Date of the earliest reported happening of the current stage (the trial''s opening, the verdict …).';
COMMENT ON COLUMN cases.manual IS 'Corrections of the configuration applied to this case (renamed, merged from, split from) as JSON.';

CREATE TABLE case_stages (
    case_slug     text NOT NULL,
    stage         text NOT NULL CHECK (stage IN ('investigation', 'trial', 'verdict', 'appeal', 'closed')),
    reached_on    date,
    first_seen_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (case_slug, stage)
);
COMMENT ON TABLE case_stages IS 'Every procedural stage each case (by slug) has reached and when veille first saw it there; never deleted by recomputations, so digests can say « passe en procès ».';
COMMENT ON COLUMN case_stages.case_slug IS 'The case''s slug (cases.slug; kept even if the case later disappears).';
COMMENT ON COLUMN case_stages.stage IS 'investigation, trial, verdict, appeal or closed.';
COMMENT ON COLUMN case_stages.reached_on IS 'Date of the earliest reported happening of that stage.';
COMMENT ON COLUMN case_stages.first_seen_at IS 'When veille first saw the case at that stage.';

CREATE TABLE happenings (
    key           text PRIMARY KEY,
    happening_id  bigint,
    case_slug     text,
    event_date    date NOT NULL,
    precision     text NOT NULL CHECK (precision IN ('day', 'month', 'year')),
    date_end      date,
    kind          text NOT NULL,
    summary       text NOT NULL,
    upcoming      boolean NOT NULL DEFAULT false,
    reports       integer NOT NULL DEFAULT 0,
    conflicts     jsonb NOT NULL DEFAULT '[]'::jsonb,
    current       boolean NOT NULL DEFAULT true,
    first_seen_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE happenings IS 'One row per happening (the same event reported by several sources), keyed by a stable key; rows of happenings no longer found are kept with current = false so that first_seen_at survives.';
COMMENT ON COLUMN happenings.key IS 'Stable key: case slug, kind and date (« mazan/verdict/2024-12-19 »); also the UID stem of the calendar export.';
COMMENT ON COLUMN happenings.happening_id IS 'The events.happening_id of its reports (lowest event id of the group) in the latest computation.';
COMMENT ON COLUMN happenings.case_slug IS 'Slug of the case it belongs to, NULL when no case could be determined.';
COMMENT ON COLUMN happenings.event_date IS 'Date shown for it: the earliest of the most precise dates its reports give.';
COMMENT ON COLUMN happenings.precision IS 'day, month or year: the best precision among its reports.';
COMMENT ON COLUMN happenings.date_end IS 'Last day, for a happening that spans a range.';
COMMENT ON COLUMN happenings.kind IS 'Kind most of its reports give (same values as events.kind).';
COMMENT ON COLUMN happenings.summary IS 'One-line French summary, from its earliest report.';
COMMENT ON COLUMN happenings.upcoming IS 'True when every report announces it as still to come (« s''ouvrira le … »).';
COMMENT ON COLUMN happenings.reports IS 'Number of reports (events rows) of it.';
COMMENT ON COLUMN happenings.conflicts IS 'Where its reports disagree (dates, number of defendants), each value with the event ids that give it, as JSON.';
COMMENT ON COLUMN happenings.current IS 'False for a happening the latest computation no longer found (kept for its first_seen_at).';
COMMENT ON COLUMN happenings.first_seen_at IS 'When veille first saw this happening.';
COMMENT ON COLUMN happenings.last_seen_at IS 'When the latest computation that found it ran.';
-- The timeline reads happenings in chronological order, the digests by first_seen_at.
CREATE UNIQUE INDEX happenings_id_idx ON happenings (happening_id) WHERE current;
CREATE INDEX happenings_timeline_idx ON happenings (event_date, happening_id) WHERE current;
CREATE INDEX happenings_first_seen_idx ON happenings (first_seen_at) WHERE current;
CREATE INDEX events_happening_idx ON events (happening_id);
