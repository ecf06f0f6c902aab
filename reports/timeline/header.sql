-- What the timeline page's header reads besides the reports' read API (reports/timeline/header.py).
-- as_of, when not null, is the moment the page shows: reports published later are left out.

-- name: event_outlets --
-- The outlet of each of these events' documents.
--   ids    the events
--   as_of  events of documents published later are left out (null: none)
SELECT e.id, veille_outlet_name(s.name, d.site_name, d.source_id) AS outlet
  FROM events e
  JOIN documents d ON d.id = e.document_id
  LEFT JOIN sources s ON s.id = d.source_id
 WHERE e.id = ANY(%(ids)s) AND (%(as_of)s::timestamptz IS NULL OR d.published_at <= %(as_of)s)

-- name: cases_as_of --
-- Each case's coverage, stages reached and period, from what the dossier had published by as_of.
--   dossier  the dossier's slug
--   as_of    the moment shown
SELECT h.case_slug, count(DISTINCT d.id) AS documents, count(DISTINCT d.source_id) AS outlets,
       min(d.published_at) AS first_report, max(d.published_at) AS last_report,
       array_agg(DISTINCT h.kind) FILTER (WHERE NOT e.upcoming) AS kinds,
       min(h.event_date) FILTER (WHERE NOT e.upcoming) AS period_start,
       max(coalesce(h.date_end, h.event_date)) FILTER (WHERE NOT e.upcoming) AS period_end
  FROM happenings h
  JOIN events e ON e.happening_id = h.happening_id
  JOIN documents d ON d.id = e.document_id
  JOIN document_dossiers dd ON dd.document_id = d.id AND dd.dossier_slug = %(dossier)s
 WHERE h.current AND NOT h.context AND NOT h.hidden AND h.case_slug IS NOT NULL AND d.published_at <= %(as_of)s
 GROUP BY h.case_slug

-- name: case_names_as_of --
-- The places and organisations (courts) each case's documents had named by as_of.
--   as_of  the moment shown
SELECT c.slug AS case_slug, array_agg(DISTINCT x.name) AS names
  FROM cases c
  JOIN case_documents cd ON cd.case_id = c.id
  JOIN documents d ON d.id = cd.document_id AND d.published_at <= %(as_of)s
  JOIN LATERAL (SELECT unnest(e.places) AS name FROM events e WHERE e.document_id = d.id
                UNION ALL
                SELECT en.canonical FROM mentions m JOIN entities en ON en.id = m.entity_id
                 WHERE m.document_id = d.id AND en.label IN ('LOC', 'ORG')) x ON true
 GROUP BY c.slug

-- name: filter_choices --
-- What the filters offer (case, kind, year, place), each choice with how many entries it keeps.
-- The events are read once (reports): which happenings the dossier shows, and the places each names.
--   dossier  the dossier's slug
--   as_of    the moment shown (null: now)
--   approved_only  only the entries editors approved (the page shows no others); hidden ones never
WITH reports AS MATERIALIZED (
     SELECT e.happening_id, e.places,
            dd.document_id IS NOT NULL
            AND (%(as_of)s::timestamptz IS NULL
                 OR EXISTS (SELECT 1 FROM documents d WHERE d.id = e.document_id AND d.published_at <= %(as_of)s))
            AS in_view  -- a report of the dossier published by as_of
       FROM events e
       LEFT JOIN document_dossiers dd ON dd.document_id = e.document_id AND dd.dossier_slug = %(dossier)s
      WHERE e.happening_id IS NOT NULL),
     shown AS MATERIALIZED (
     SELECT h.happening_id, h.case_slug, h.kind, extract(year FROM h.event_date)::int AS year
       FROM happenings h
      WHERE h.current AND NOT h.context AND NOT h.hidden
        AND (NOT %(approved_only)s::boolean OR h.review = 'approved')
        AND h.happening_id IN (SELECT r.happening_id FROM reports r WHERE r.in_view))
SELECT 'case' AS what, case_slug AS v, count(*) AS n FROM shown GROUP BY case_slug
UNION ALL SELECT 'kind', kind, count(*) FROM shown GROUP BY kind
UNION ALL SELECT 'year', year::text, count(*) FROM shown GROUP BY year
UNION ALL SELECT 'place', p, count(*)  -- each happening once per place any of its reports names
            FROM (SELECT DISTINCT s.happening_id, p
                    FROM shown s JOIN reports r ON r.happening_id = s.happening_id, unnest(r.places) AS p) named
           GROUP BY p

-- name: totals --
-- The dossier's press coverage, counted as the coverage chart counts it (reports/queries.sql's
-- coverage: dated documents, court decisions apart): its articles, the outlets that published
-- them, and the court decisions.
--   dossier  the dossier's slug
--   as_of    the moment shown (null: now)
SELECT count(*) FILTER (WHERE d.kind <> 'decision') AS documents,
       count(DISTINCT veille_outlet_name(s.name, d.site_name, d.source_id))
             FILTER (WHERE d.kind <> 'decision') AS outlets,
       count(*) FILTER (WHERE d.kind = 'decision') AS decisions
  FROM documents d
  JOIN document_dossiers dd ON dd.document_id = d.id AND dd.dossier_slug = %(dossier)s
  LEFT JOIN sources s ON s.id = d.source_id
 WHERE d.published_at IS NOT NULL
   AND (%(as_of)s::timestamptz IS NULL OR d.published_at <= %(as_of)s)
