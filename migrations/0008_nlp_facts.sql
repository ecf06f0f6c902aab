-- The NLP stage's additions: the date expressions it reads, where each event's date is
-- stated, the honorific taken off a name, and what each analysis found (and from which text).

CREATE TABLE date_mentions (
    id             bigserial PRIMARY KEY,
    document_id    bigint NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    text           text NOT NULL,
    date_value     date NOT NULL,
    precision      text NOT NULL CHECK (precision IN ('day', 'month', 'year')),
    date_end       date,
    start_char     integer NOT NULL,
    end_char       integer NOT NULL,
    sentence_start integer NOT NULL,
    sentence_end   integer NOT NULL,
    CHECK (start_char >= 0 AND end_char > start_char)
);
COMMENT ON TABLE date_mentions IS 'Every date expression of a document (« le 2 septembre prochain », « il y a six ans »), resolved against its publication date.';
COMMENT ON COLUMN date_mentions.id IS 'Date mention number.';
COMMENT ON COLUMN date_mentions.document_id IS 'The document.';
COMMENT ON COLUMN date_mentions.text IS 'The words of the expression.';
COMMENT ON COLUMN date_mentions.date_value IS 'The date it means (first day of the month or year when less precise).';
COMMENT ON COLUMN date_mentions.precision IS 'How precise date_value is: day, month or year.';
COMMENT ON COLUMN date_mentions.date_end IS 'Last day, for a range (« du 2 septembre au 20 décembre »).';
COMMENT ON COLUMN date_mentions.start_char IS 'Start offset of the expression in documents.text.';
COMMENT ON COLUMN date_mentions.end_char IS 'End offset (exclusive).';
COMMENT ON COLUMN date_mentions.sentence_start IS 'Start offset of the sentence that contains it: the evidence.';
COMMENT ON COLUMN date_mentions.sentence_end IS 'End offset of that sentence.';
CREATE INDEX date_mentions_document_idx ON date_mentions (document_id);

ALTER TABLE events ADD COLUMN date_text text;
ALTER TABLE events ADD COLUMN date_start_char integer;
ALTER TABLE events ADD COLUMN date_end_char integer;
COMMENT ON COLUMN events.date_text IS 'The date expression of the sentence the event was dated by (« lundi 2 septembre »).';
COMMENT ON COLUMN events.date_start_char IS 'Start offset of that date expression in documents.text.';
COMMENT ON COLUMN events.date_end_char IS 'End offset (exclusive) of that date expression.';

ALTER TABLE mentions ADD COLUMN honorific text;
COMMENT ON COLUMN mentions.honorific IS 'Honorific or title written before the name and not part of it (M., Mme, Me …).';

ALTER TABLE document_analyses ADD COLUMN counts jsonb NOT NULL DEFAULT '{}'::jsonb;
COMMENT ON COLUMN document_analyses.counts IS 'What the analysis found in the document: mentions, charges, dates, events, as JSON counters.';
ALTER TABLE document_analyses ADD COLUMN text_hash text;
COMMENT ON COLUMN document_analyses.text_hash IS 'Hash of the text analysed (documents.text_hash): a document whose text changed since is analysed again.';
ALTER TABLE document_analyses DROP CONSTRAINT document_analyses_status_check;
ALTER TABLE document_analyses ADD CONSTRAINT document_analyses_status_check
    CHECK (status IN ('ok', 'error', 'skipped'));
COMMENT ON COLUMN document_analyses.status IS 'ok; error when the pipeline failed on it (see error); skipped when the text is not French.';
CREATE INDEX document_analyses_version_idx ON document_analyses (pipeline_version, status);

GRANT SELECT ON date_mentions TO veille_reader;
