-- What the digest reads besides the reports' read API (reports/digest/data.py).
-- A document's news time is its publication time, or its fetch time when the page gave none.

-- name: new_documents --
-- The dossier's documents new in the week [start, end): published (or fetched) in it, or
-- published up to the late window before it and first met by the crawler during it.
--   dossier     the dossier's slug
--   start, end  the week
--   late_from   how far back a document found late may have been published
WITH found_late AS (
     SELECT document_id FROM crawl_urls WHERE document_id IS NOT NULL
      GROUP BY document_id HAVING min(first_seen) >= %(start)s AND min(first_seen) < %(end)s)
SELECT d.id, d.title, d.url, d.kind, d.published_at, d.duplicate_of, d.source_id,
       veille_outlet_name(s.name, d.site_name, d.source_id) AS outlet,
       coalesce(d.published_at, d.fetched_at) AS news_at,
       (coalesce(d.published_at, d.fetched_at) < %(start)s) AS late
  FROM documents d
  JOIN document_dossiers dd ON dd.document_id = d.id AND dd.dossier_slug = %(dossier)s
  LEFT JOIN sources s ON s.id = d.source_id
 WHERE (coalesce(d.published_at, d.fetched_at) >= %(start)s AND coalesce(d.published_at, d.fetched_at) < %(end)s)
    OR (d.published_at >= %(late_from)s AND d.published_at < %(start)s
        AND d.id IN (SELECT document_id FROM found_late))
 ORDER BY coalesce(d.published_at, d.fetched_at), d.id

-- name: document_cases --
-- For each document, the cases it reports on, the one it says most about first (an event
-- weighs more than a mere mention).
--   ids  the documents
SELECT link.document_id, c.id, c.slug, c.name, c.stage, sum(link.weight) AS weight
  FROM (SELECT document_id, case_id, 1 AS weight FROM case_documents WHERE document_id = ANY(%(ids)s)
        UNION ALL
        SELECT document_id, case_id, 2 FROM events WHERE document_id = ANY(%(ids)s) AND case_id IS NOT NULL
       ) link
  JOIN cases c ON c.id = link.case_id
 GROUP BY link.document_id, c.id
 ORDER BY link.document_id, weight DESC, c.id

-- name: dossier_cases --
-- Cases that touch the dossier, with the documents (known before end) that report on them.
--   dossier  the dossier's slug
--   end      the end of the week
SELECT c.id, c.slug, c.name, c.stage, c.places, c.charges, array_agg(DISTINCT d.id) AS document_ids
  FROM cases c
  JOIN (SELECT case_id, document_id FROM case_documents
        UNION SELECT case_id, document_id FROM events WHERE case_id IS NOT NULL) link ON link.case_id = c.id
  JOIN documents d ON d.id = link.document_id AND coalesce(d.published_at, d.fetched_at) < %(end)s
  JOIN document_dossiers dd ON dd.document_id = d.id AND dd.dossier_slug = %(dossier)s
 GROUP BY c.id
 ORDER BY c.id

-- name: cases_by_slug --
--   slugs  the cases' slugs
SELECT id, slug, name, stage FROM cases WHERE slug = ANY(%(slugs)s)
