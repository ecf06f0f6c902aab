-- How each event's date was worked out, and the lemma researchers count charges by.
-- Journalists check every date against its source: the timeline shows, on demand, the words
-- that gave it, what they were read against (the publication date or another date) and the
-- rule (« « mardi dernier », article du 25 avril 2024 → 23 avril 2024 »).

ALTER TABLE events ADD COLUMN date_from text NOT NULL DEFAULT 'sentence'
    CHECK (date_from IN ('sentence', 'previous_sentence', 'publication'));
ALTER TABLE events ADD COLUMN date_how jsonb;
COMMENT ON COLUMN events.date_from IS 'Where the date comes from: sentence (a date expression of the evidence itself, date_text), previous_sentence (the evidence names the event without a date; the sentence before it in the same paragraph gives it), publication (an undated event told in the article''s opening lines, dated by the publication).';
COMMENT ON COLUMN events.date_how IS 'How the date was worked out: {"expression": the words, "anchor": ISO date they were read against, "anchor_kind": "published" or "date", "rule": short rule name, "explanation": the French sentence the timeline shows}.';
COMMENT ON COLUMN events.summary IS 'French headline built from the evidence: what happened, to whom, where (« Mise en examen de deux mineurs pour assassinat »).';

ALTER TABLE events ADD COLUMN context boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN events.context IS 'True for a dated sentence that tells no event (a statistic, a law''s article, the atmosphere of a day): it helps group the case, but never makes a timeline entry by itself.';
ALTER TABLE happenings ADD COLUMN context boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN happenings.context IS 'True when every report of it is context (events.context): not shown in the timeline, the digests or the exports.';

ALTER TABLE charges ADD COLUMN lemma text;
UPDATE charges SET lemma = canonical WHERE lemma IS NULL;
ALTER TABLE charges ALTER COLUMN lemma SET NOT NULL;
COMMENT ON COLUMN charges.lemma IS 'The family researchers count by (« viol » for « viol en réunion »): the lexicon''s lemma, nlp/patterns/charges.jsonl.';
COMMENT ON COLUMN charges.category IS 'Family of the charge in the lexicon; « circonstance » for aggravating circumstances (guet-apens, soumission chimique), which are stored for case names but are not offences.';

-- A document that names the subject once, in passing (an article about another site that lists
-- coco.gg among others), belongs to the dossier but does not feed its chronology: only its
-- sentences that name the subject do (cases/store.py).
ALTER TABLE document_dossiers ADD COLUMN passing boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN document_dossiers.passing IS 'True when the document names the subject only once, in passing, far from its title and lead: its events enter the dossier''s chronology only when their own sentence names the subject.';
