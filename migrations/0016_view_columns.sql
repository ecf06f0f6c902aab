-- The views researchers read most, described column by column (docs/schema.md is generated from
-- these comments), and the timeline view gains the people each report names, as the page lists them.

CREATE OR REPLACE VIEW timeline AS
SELECT e.id AS event_id, e.happening_id, dd.dossier_slug, c.slug AS case_slug, c.name AS case_name,
       e.event_date, e.precision, e.date_end, e.kind, e.summary, e.upcoming, e.places, e.charges,
       e.evidence, d.id AS document_id, d.title AS document_title, d.url,
       veille_outlet_name(s.name, d.site_name, d.source_id) AS outlet, d.published_at, e.people
  FROM events e
  JOIN documents d ON d.id = e.document_id
  JOIN document_dossiers dd ON dd.document_id = d.id
  LEFT JOIN sources s ON s.id = d.source_id
  LEFT JOIN cases c ON c.id = e.case_id;

COMMENT ON COLUMN timeline.event_id IS 'The event (events.id): one report of a happening by one document.';
COMMENT ON COLUMN timeline.happening_id IS 'The happening it reports (happenings.happening_id): one timeline entry, however many documents report it; NULL until the cases are computed.';
COMMENT ON COLUMN timeline.dossier_slug IS 'A dossier the document belongs to (one row per dossier).';
COMMENT ON COLUMN timeline.case_slug IS 'The case (affaire) the event was grouped into (cases.slug); NULL when none.';
COMMENT ON COLUMN timeline.case_name IS 'That case''s name, as the timeline heads it (« les viols de Mazan »; the page capitalises its first letter).';
COMMENT ON COLUMN timeline.event_date IS 'When it happened (or is announced to), at the given precision: the first day of the month or year for a coarser one.';
COMMENT ON COLUMN timeline.precision IS 'How precise event_date is: day, month or year.';
COMMENT ON COLUMN timeline.date_end IS 'Last day, for a happening that spans a range (a trial from … to …); NULL otherwise.';
COMMENT ON COLUMN timeline.kind IS 'crime, arrest, indictment, trial_opening, hearing, verdict, sentence, appeal, site_event, complaint or other.';
COMMENT ON COLUMN timeline.summary IS 'French headline built from the evidence: what happened, to whom, where.';
COMMENT ON COLUMN timeline.upcoming IS 'True when it was still to come when the document was published (« s''ouvrira »).';
COMMENT ON COLUMN timeline.places IS 'Places named in the sentence.';
COMMENT ON COLUMN timeline.charges IS 'Canonical charges named in the sentence (nlp/patterns/charges.jsonl).';
COMMENT ON COLUMN timeline.evidence IS 'The sentence that states it, quoted from the document.';
COMMENT ON COLUMN timeline.document_id IS 'The document that reports it (documents.id).';
COMMENT ON COLUMN timeline.document_title IS 'That document''s title.';
COMMENT ON COLUMN timeline.url IS 'That document''s address (a decision''s public page for a court decision).';
COMMENT ON COLUMN timeline.published_at IS 'When the document was published (UTC in the database; the timeline shows Paris time).';
COMMENT ON COLUMN timeline.people IS 'People named in the sentence (minors excluded by the NLP stage; the research view masks any name of a minor).';

COMMENT ON COLUMN document_facts.document_id IS 'The document (documents.id).';
COMMENT ON COLUMN document_facts.title IS 'Its title.';
COMMENT ON COLUMN document_facts.url IS 'Its address.';
COMMENT ON COLUMN document_facts.published_at IS 'When it was published (UTC in the database).';
COMMENT ON COLUMN document_facts.kind IS 'article, press_release or decision (documents.kind).';
COMMENT ON COLUMN document_facts.people IS 'The people it names (canonical names of PER entities), minors left out; NULL when none.';
COMMENT ON COLUMN document_facts.places IS 'The places it names (canonical names of LOC entities); NULL when none.';
COMMENT ON COLUMN document_facts.organisations IS 'The organisations it names, courts included (canonical names of ORG entities); NULL when none.';
COMMENT ON COLUMN document_facts.charges IS 'The canonical charges it states; NULL when none.';
