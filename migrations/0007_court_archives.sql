-- Court decisions (Judilibre) and archives (WARC files, Wayback Machine):
-- the sync state of API sources, the appeal numbers of stored decisions, and the
-- views that link press documents to the decisions whose numbers they cite.
-- Decisions are pseudonymised, so press and decisions meet on numbers, never on names.

CREATE TABLE source_sync (
    source_id   text PRIMARY KEY REFERENCES sources(id) ON UPDATE CASCADE ON DELETE CASCADE,
    synced_at   timestamptz,
    last_run_id bigint REFERENCES runs(id) ON DELETE SET NULL,
    state       jsonb NOT NULL DEFAULT '{}'::jsonb,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE source_sync IS 'Where each API source (Judilibre, Wayback) stands: the next incremental sync asks only for what changed since.';
COMMENT ON COLUMN source_sync.source_id IS 'The source (judilibre …).';
COMMENT ON COLUMN source_sync.synced_at IS 'Start time of the last complete sync: the next one asks for changes since then. NULL: never completed, the next sync is a full one.';
COMMENT ON COLUMN source_sync.last_run_id IS 'The run that completed that sync.';
COMMENT ON COLUMN source_sync.state IS 'Kind-specific bookkeeping as JSON (Wayback: ranges already backfilled …).';
COMMENT ON COLUMN source_sync.updated_at IS 'When the row last changed.';

-- One normalisation for the numbers the courts give and the numbers the press
-- writes: « 24-85.123 », « 24-85 123 », « 2485123 » are one pourvoi; « 22/01234 »
-- is a cour d'appel's RG number.
CREATE FUNCTION veille_decision_number_key(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN CASE
        WHEN regexp_replace($1, '[^0-9/]', '', 'g') ~ '^[0-9]{2}/[0-9]{5}$'
            THEN regexp_replace($1, '[^0-9/]', '', 'g')
        WHEN regexp_replace($1, '[^0-9]', '', 'g') ~ '^[0-9]{7}$'
            THEN substr(regexp_replace($1, '[^0-9]', '', 'g'), 1, 2) || '-' || substr(regexp_replace($1, '[^0-9]', '', 'g'), 3)
        ELSE lower(regexp_replace($1, '\s', '', 'g'))
    END;
COMMENT ON FUNCTION veille_decision_number_key(text) IS 'Matching key of a decision number: 24-85123 for a pourvoi (« n° 24-85.123 »), 22/01234 for an RG number.';

CREATE TABLE decision_numbers (
    document_id bigint NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    number      text NOT NULL,
    key         text NOT NULL,
    PRIMARY KEY (document_id, key)
);
COMMENT ON TABLE decision_numbers IS 'Appeal (pourvoi) and docket numbers of stored court decisions, one row per number: what press articles cite.';
COMMENT ON COLUMN decision_numbers.document_id IS 'The decision (documents.kind = decision).';
COMMENT ON COLUMN decision_numbers.number IS 'The number as the court gives it (24-85.123, 22/01234).';
COMMENT ON COLUMN decision_numbers.key IS 'The number normalised by veille_decision_number_key(): join on it.';
CREATE INDEX decision_numbers_key_idx ON decision_numbers (key);

-- Pourvoi numbers (NN-NN.NNN, with any dash, dot, space or none) and RG numbers
-- (NN/NNNNN), not glued to other digits. Non-breaking spaces are listed because
-- French typography puts them after « n° ».
CREATE VIEW document_cited_numbers AS
SELECT d.id AS document_id,
       m.hit[1] AS cited_as,
       veille_decision_number_key(m.hit[1]) AS key
  FROM documents d
 CROSS JOIN LATERAL regexp_matches(
        d.text,
        '(?<![0-9/.])([0-9]{2}[ \u00a0\u202f]?[-\u2010\u2011\u2013][ \u00a0\u202f]?[0-9]{2}[. \u00a0\u202f]?[0-9]{3}|[0-9]{2}[ \u00a0\u202f]?/[ \u00a0\u202f]?[0-9]{5})(?![0-9])',
        'g') AS m(hit)
 WHERE d.kind <> 'decision' AND d.text IS NOT NULL;
COMMENT ON VIEW document_cited_numbers IS 'Decision numbers (pourvoi NN-NN.NNN, RG NN/NNNNN) written in the text of press articles and releases.';
COMMENT ON COLUMN document_cited_numbers.document_id IS 'The press document.';
COMMENT ON COLUMN document_cited_numbers.cited_as IS 'The number as the text writes it.';
COMMENT ON COLUMN document_cited_numbers.key IS 'Its matching key (veille_decision_number_key), to join decision_numbers.key.';

CREATE VIEW press_decision_links AS
SELECT DISTINCT ON (c.document_id, n.document_id)
       c.document_id AS press_document_id,
       p.title AS press_title,
       p.url AS press_url,
       p.published_at AS press_published_at,
       n.document_id AS decision_document_id,
       dec.title AS decision_title,
       dec.metadata->>'jurisdiction' AS jurisdiction,
       dec.metadata->>'chamber' AS chamber,
       (dec.metadata->>'decision_date')::date AS decision_date,
       n.number,
       c.cited_as
  FROM document_cited_numbers c
  JOIN decision_numbers n ON n.key = c.key
  JOIN documents p ON p.id = c.document_id
  JOIN documents dec ON dec.id = n.document_id
 ORDER BY c.document_id, n.document_id, n.number;
COMMENT ON VIEW press_decision_links IS 'Press documents that cite the number of a stored court decision: how pseudonymised decisions are tied to the cases the press reports.';
COMMENT ON COLUMN press_decision_links.press_document_id IS 'The press article or release.';
COMMENT ON COLUMN press_decision_links.press_title IS 'Its title.';
COMMENT ON COLUMN press_decision_links.press_url IS 'Its URL.';
COMMENT ON COLUMN press_decision_links.press_published_at IS 'Its publication time.';
COMMENT ON COLUMN press_decision_links.decision_document_id IS 'The decision it cites.';
COMMENT ON COLUMN press_decision_links.decision_title IS 'Title of the decision (court, chamber, date, number).';
COMMENT ON COLUMN press_decision_links.jurisdiction IS 'Judilibre jurisdiction code of the decision (cc: Cour de cassation, ca: cour d''appel …).';
COMMENT ON COLUMN press_decision_links.chamber IS 'Judilibre chamber code (cr: chambre criminelle …).';
COMMENT ON COLUMN press_decision_links.decision_date IS 'Date of the decision.';
COMMENT ON COLUMN press_decision_links.number IS 'The decision number that matched, as the court gives it.';
COMMENT ON COLUMN press_decision_links.cited_as IS 'The number as the press wrote it.';
