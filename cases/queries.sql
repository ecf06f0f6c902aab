-- The reads of the cases stage (cases/store.py): the facts the grouping works on, and what they
-- depend on. Named queries (veille/sql.py).

-- name: event_mentions --
-- Every entity named inside an event's evidence, with its role there: what the event's sentence names.
SELECT e.id AS event_id, en.label, en.canonical, en.org_kind, (en.minor OR m.minor) AS minor, m.role
  FROM events e
  JOIN mentions m ON m.document_id = e.document_id
                 AND m.start_char >= e.evidence_start AND m.end_char <= e.evidence_end
  JOIN entities en ON en.id = m.entity_id

-- name: minors --
-- People known to be minors anywhere: never a principal person of a case.
SELECT canonical FROM entities WHERE minor

-- name: passing_documents --
-- Documents that name the subject only in passing in every dossier they belong to.
SELECT document_id FROM document_dossiers GROUP BY document_id HAVING bool_and(passing)

-- name: events --
-- Every stored event, context included (it helps group; it never makes an entry on its own).
SELECT id, document_id, event_date, precision, date_end, kind, summary, evidence, upcoming,
       places, people, charges, context
  FROM events ORDER BY id

-- name: documents --
-- The documents that state events, with their dossiers and every charge they name.
SELECT d.id, d.published_at, d.duplicate_of, d.title, d.source_id,
       coalesce(array_agg(DISTINCT dd.dossier_slug) FILTER (WHERE dd.dossier_slug IS NOT NULL), '{}') AS dossiers,
       array(SELECT DISTINCT c.canonical FROM charges c WHERE c.document_id = d.id) AS charges
  FROM documents d LEFT JOIN document_dossiers dd ON dd.document_id = d.id
 WHERE d.id IN (SELECT document_id FROM events)
 GROUP BY d.id

-- name: state --
-- What the stored cases depend on: a change to any of these counts makes them stale.
SELECT (SELECT count(*) FROM events) AS e, (SELECT coalesce(max(id), 0) FROM events) AS me,
       (SELECT count(*) FROM mentions) AS m, (SELECT coalesce(max(id), 0) FROM mentions) AS mm,
       (SELECT count(*) FROM entities WHERE minor) AS minors,
       (SELECT count(*) FROM document_dossiers) AS dd,
       (SELECT count(*) FROM document_dossiers WHERE passing) AS passing,
       (SELECT count(*) FROM documents WHERE duplicate_of IS NOT NULL) AS dup,
       (SELECT count(*) FROM corrections) AS corrections
