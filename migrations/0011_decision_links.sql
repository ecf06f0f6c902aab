-- Court decisions tied to the press that reports them by the rulings they name (a court
-- and a day), not only by the appeal numbers the press cites: pseudonymised decisions
-- name no one, but « la cour criminelle départementale du Vaucluse, le 19 décembre
-- 2024 » is the verdict the press reported that day. veille stores what each decision
-- names in documents.metadata->'anchors'; the events of the NLP stage say what the press
-- reports, and when.

CREATE VIEW decision_anchors AS
SELECT d.id AS decision_document_id,
       (a->>'date')::date AS anchor_date,
       a->>'court' AS court,
       a->>'key' AS court_key,
       a->>'evidence' AS evidence
  FROM documents d
 CROSS JOIN LATERAL jsonb_array_elements(
        CASE WHEN jsonb_typeof(d.metadata->'anchors') = 'array' THEN d.metadata->'anchors' ELSE '[]'::jsonb END) AS a
 WHERE d.kind = 'decision';
COMMENT ON VIEW decision_anchors IS 'The dated rulings a stored court decision names: its own, the one it reviews, and each sentence that puts a court next to a date.';
COMMENT ON COLUMN decision_anchors.decision_document_id IS 'The decision (documents.kind = decision).';
COMMENT ON COLUMN decision_anchors.anchor_date IS 'Day of the ruling named.';
COMMENT ON COLUMN decision_anchors.court IS 'The court as the decision names it (« cour criminelle départementale du Vaucluse »).';
COMMENT ON COLUMN decision_anchors.court_key IS 'The word that tells that court from others, folded (vaucluse, douai, cassation): what a press text must contain.';
COMMENT ON COLUMN decision_anchors.evidence IS 'The words of the decision that name the ruling.';

CREATE VIEW decision_case_links AS
SELECT DISTINCT ON (an.decision_document_id, e.document_id)
       an.decision_document_id,
       e.document_id AS press_document_id,
       e.case_id,
       c.slug AS case_slug,
       e.id AS event_id,
       an.anchor_date,
       an.court,
       an.evidence AS decision_evidence,
       e.evidence AS press_evidence
  FROM decision_anchors an
  JOIN events e ON e.event_date = an.anchor_date AND e.precision = 'day'
  JOIN documents p ON p.id = e.document_id AND p.kind <> 'decision'
  LEFT JOIN cases c ON c.id = e.case_id
 WHERE veille_unaccent(lower(p.text)) LIKE '%' || an.court_key || '%'
 ORDER BY an.decision_document_id, e.document_id,
          (veille_unaccent(lower(e.evidence)) LIKE '%' || an.court_key || '%') DESC, e.id;
COMMENT ON VIEW decision_case_links IS 'Press documents that report a ruling a court decision names (an event of that day in a text naming that court), and the case of that event: how decisions join the cases the press follows.';
COMMENT ON COLUMN decision_case_links.decision_document_id IS 'The decision.';
COMMENT ON COLUMN decision_case_links.press_document_id IS 'The press document that reports the ruling.';
COMMENT ON COLUMN decision_case_links.case_id IS 'The case of the press event, once cases are computed.';
COMMENT ON COLUMN decision_case_links.case_slug IS 'Its stable identifier.';
COMMENT ON COLUMN decision_case_links.event_id IS 'The press event of that day (one per press document: preferably one whose sentence names the court).';
COMMENT ON COLUMN decision_case_links.anchor_date IS 'Day of the ruling.';
COMMENT ON COLUMN decision_case_links.court IS 'The court, as the decision names it.';
COMMENT ON COLUMN decision_case_links.decision_evidence IS 'The words of the decision that name the ruling.';
COMMENT ON COLUMN decision_case_links.press_evidence IS 'The sentence of the press document that states the event.';

-- press_decision_links keeps its columns and adds how each link was made.
CREATE OR REPLACE VIEW press_decision_links AS
SELECT DISTINCT ON (l.press_document_id, l.decision_document_id)
       l.press_document_id,
       p.title AS press_title,
       p.url AS press_url,
       p.published_at AS press_published_at,
       l.decision_document_id,
       dec.title AS decision_title,
       dec.metadata->>'jurisdiction' AS jurisdiction,
       dec.metadata->>'chamber' AS chamber,
       (dec.metadata->>'decision_date')::date AS decision_date,
       l.number,
       l.cited_as,
       l.matched_by,
       l.ruling
  FROM (SELECT c.document_id AS press_document_id, n.document_id AS decision_document_id, n.number, c.cited_as,
               'number'::text AS matched_by, NULL::text AS ruling, 0 AS rank
          FROM document_cited_numbers c
          JOIN decision_numbers n ON n.key = c.key
        UNION ALL
        SELECT k.press_document_id, k.decision_document_id, NULL, NULL, 'ruling',
               k.court || ', ' || to_char(k.anchor_date, 'YYYY-MM-DD'), 1
          FROM decision_case_links k) AS l
  JOIN documents p ON p.id = l.press_document_id
  JOIN documents dec ON dec.id = l.decision_document_id
 ORDER BY l.press_document_id, l.decision_document_id, l.rank, l.number, l.ruling;
COMMENT ON VIEW press_decision_links IS 'Press documents tied to a stored court decision: by the decision number they cite, or by reporting a ruling the decision names (court and day).';
COMMENT ON COLUMN press_decision_links.number IS 'The decision number that matched, as the court gives it (NULL for a link by ruling).';
COMMENT ON COLUMN press_decision_links.cited_as IS 'The number as the press wrote it (NULL for a link by ruling).';
COMMENT ON COLUMN press_decision_links.matched_by IS 'number: the press cites the decision''s number; ruling: the press reports a ruling the decision names.';
COMMENT ON COLUMN press_decision_links.ruling IS 'For a link by ruling: the court and the day (« cour criminelle départementale du Vaucluse, 2024-12-19 »).';

GRANT SELECT ON decision_anchors, decision_case_links TO veille_reader;
