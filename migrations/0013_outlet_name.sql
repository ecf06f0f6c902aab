-- The name an outlet goes by, defined once: the configured source's name, else the name the page
-- states (og:site_name, JSON-LD publisher), else the source's id. The reports' queries
-- (reports/queries.sql, reports/digest/data.sql, reports/timeline/header.sql) and the
-- researchers' views call it; an inlined SQL function, so it costs a query nothing.

CREATE FUNCTION veille_outlet_name(source_name text, site_name text, source_id text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN coalesce(source_name, site_name, source_id, '');
COMMENT ON FUNCTION veille_outlet_name(text, text, text) IS 'The name of a document''s outlet: veille_outlet_name(s.name, d.site_name, d.source_id) over documents d LEFT JOIN sources s ON s.id = d.source_id; '''' when nothing names it.';

CREATE OR REPLACE VIEW timeline AS
SELECT e.id AS event_id, e.happening_id, dd.dossier_slug, c.slug AS case_slug, c.name AS case_name,
       e.event_date, e.precision, e.date_end, e.kind, e.summary, e.upcoming, e.places, e.charges,
       e.evidence, d.id AS document_id, d.title AS document_title, d.url,
       veille_outlet_name(s.name, d.site_name, d.source_id) AS outlet, d.published_at
  FROM events e
  JOIN documents d ON d.id = e.document_id
  JOIN document_dossiers dd ON dd.document_id = d.id
  LEFT JOIN sources s ON s.id = d.source_id
  LEFT JOIN cases c ON c.id = e.case_id;

CREATE OR REPLACE VIEW document_facts AS
SELECT d.id AS document_id, d.title, d.url, veille_outlet_name(s.name, d.site_name, d.source_id) AS outlet,
       d.published_at, d.kind,
       (SELECT array_agg(DISTINCT en.canonical ORDER BY en.canonical)
          FROM mentions m JOIN entities en ON en.id = m.entity_id
         WHERE m.document_id = d.id AND en.label = 'PER' AND NOT en.minor) AS people,
       (SELECT array_agg(DISTINCT en.canonical ORDER BY en.canonical)
          FROM mentions m JOIN entities en ON en.id = m.entity_id
         WHERE m.document_id = d.id AND en.label = 'LOC') AS places,
       (SELECT array_agg(DISTINCT en.canonical ORDER BY en.canonical)
          FROM mentions m JOIN entities en ON en.id = m.entity_id
         WHERE m.document_id = d.id AND en.label = 'ORG') AS organisations,
       (SELECT array_agg(DISTINCT ch.canonical ORDER BY ch.canonical)
          FROM charges ch WHERE ch.document_id = d.id) AS charges
  FROM documents d LEFT JOIN sources s ON s.id = d.source_id;

CREATE OR REPLACE VIEW story_outlets AS
SELECT coalesce(d.duplicate_of, d.id) AS story_id,
       min(c.title) AS title,
       min(d.published_at) AS first_published,
       count(*) AS copies,
       array_agg(DISTINCT veille_outlet_name(s.name, d.site_name, d.source_id)) AS outlets,
       array_agg(d.id ORDER BY d.published_at, d.id) AS document_ids
  FROM documents d
  JOIN documents c ON c.id = coalesce(d.duplicate_of, d.id)
  LEFT JOIN sources s ON s.id = d.source_id
 GROUP BY coalesce(d.duplicate_of, d.id);
COMMENT ON COLUMN timeline.outlet IS 'The outlet that published the document (veille_outlet_name).';
COMMENT ON COLUMN document_facts.outlet IS 'The outlet that published it (veille_outlet_name).';
