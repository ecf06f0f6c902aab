-- What the pages of `veille serve` read besides the reports' read API (reports/web/pages.py).
-- Named queries (veille/sql.py). Everything here is scraped or derived from scraped text:
-- the pages redact minors' names and escape it.

-- name: queue --
-- The review queue: entries of the dossier new or changed since they were last approved, not
-- hidden, grouped by case (the case with the most entries to check first), then chronological;
-- each with its earliest report (read for the page's entries only). The waiting entries are
-- ranked on their narrow columns alone (the cases by their count, then the first cases' entries),
-- and only the page's entries are read whole: sorting every waiting entry with its headline
-- cost several times more.
--   dossier   the dossier's slug
--   lim       how many entries
WITH waiting AS MATERIALIZED (
     SELECT h.happening_id, h.case_slug, h.event_date, h.key
       FROM happenings h
      WHERE h.current AND NOT h.context AND NOT h.hidden AND h.review <> 'approved'
        AND %(dossier)s = ANY(h.dossiers)),
     ranked AS (
     SELECT w.case_slug, count(*) AS waiting_in_case FROM waiting w
      GROUP BY w.case_slug
      ORDER BY waiting_in_case DESC, w.case_slug NULLS LAST
      LIMIT %(lim)s),
     page AS (
     SELECT w.happening_id, r.waiting_in_case
       FROM waiting w
       JOIN ranked r ON (r.case_slug IS NULL) = (w.case_slug IS NULL)   -- a hash join: one case's
                    AND coalesce(r.case_slug, '') = coalesce(w.case_slug, '')   -- entries, none apart
      ORDER BY r.waiting_in_case DESC, w.case_slug NULLS LAST, w.event_date, w.key
      LIMIT %(lim)s)
SELECT h.key, h.happening_id, h.case_slug, h.event_date, h.precision, h.date_end, h.kind, h.summary,
       h.review, h.version, h.approved_by, h.upcoming, h.reports, p.waiting_in_case, c.name AS case_name, lead.lead
  FROM page p
  JOIN happenings h ON h.happening_id = p.happening_id AND h.current
  LEFT JOIN cases c ON c.slug = h.case_slug
  LEFT JOIN LATERAL (
       SELECT json_build_object('event_id', e.id, 'document_id', d.id, 'evidence', e.evidence,
                                'outlet', veille_outlet_name(s.name, d.site_name, d.source_id),
                                'title', d.title, 'published_at', d.published_at) AS lead
         FROM events e JOIN documents d ON d.id = e.document_id LEFT JOIN sources s ON s.id = d.source_id
        WHERE e.happening_id = p.happening_id
        ORDER BY d.published_at NULLS LAST, e.id LIMIT 1) lead ON true
 ORDER BY p.waiting_in_case DESC, h.case_slug NULLS LAST, h.event_date, h.key

-- name: queue_counts --
-- How many entries wait for review, how many are approved, how many hidden.
--   dossier   the dossier's slug
SELECT count(*) FILTER (WHERE NOT h.hidden AND h.review <> 'approved') AS waiting,
       count(*) FILTER (WHERE NOT h.hidden AND h.review = 'approved') AS approved,
       count(*) FILTER (WHERE h.hidden) AS hidden
  FROM happenings h
 WHERE h.current AND NOT h.context
   AND %(dossier)s = ANY(h.dossiers)

-- name: entry --
-- One entry by its key, corrections applied.
--   key   the happening's key
SELECT h.*, c.name AS case_name FROM happenings h LEFT JOIN cases c ON c.slug = h.case_slug
 WHERE h.key = %(key)s AND h.current

-- name: entry_sources --
-- Every report of an entry with its document's text around the sentence, earliest first.
--   happening_id   the entry's happenings.happening_id
SELECT e.id, e.document_id, e.evidence, e.evidence_start, e.evidence_end, e.event_date, e.precision, e.kind,
       e.date_text, e.date_from, e.date_how, d.title, d.url, d.published_at, d.text,
       veille_outlet_name(s.name, d.site_name, d.source_id) AS outlet
  FROM events e JOIN documents d ON d.id = e.document_id LEFT JOIN sources s ON s.id = d.source_id
 WHERE e.happening_id = %(happening_id)s
 ORDER BY d.published_at NULLS LAST, e.id

-- name: document --
-- One document with why it is in each dossier.
--   id   the document
SELECT d.id, d.title, d.url, d.canonical_url, d.published_at, d.kind, d.text, d.duplicate_of,
       veille_outlet_name(s.name, d.site_name, d.source_id) AS outlet,
       coalesce((SELECT json_agg(json_build_object('dossier', dd.dossier_slug, 'reason', dd.reason,
                                                   'score', dd.score, 'passing', dd.passing))
                   FROM document_dossiers dd WHERE dd.document_id = d.id), '[]') AS dossiers
  FROM documents d LEFT JOIN sources s ON s.id = d.source_id
 WHERE d.id = %(id)s

-- name: document_events --
-- The events a document states, in text order, with the entry each belongs to.
--   id   the document
SELECT e.id, e.evidence_start, e.evidence_end, e.kind, e.event_date, e.precision, e.context,
       h.key, h.summary, h.hidden
  FROM events e LEFT JOIN happenings h ON h.happening_id = e.happening_id AND h.current
 WHERE e.document_id = %(id)s
 ORDER BY e.evidence_start, e.id

-- name: case_documents --
-- The documents that report on a case, oldest first.
--   slug   the case
SELECT d.id, d.title, d.url, d.published_at, veille_outlet_name(s.name, d.site_name, d.source_id) AS outlet
  FROM cases c JOIN case_documents cd ON cd.case_id = c.id JOIN documents d ON d.id = cd.document_id
  LEFT JOIN sources s ON s.id = d.source_id
 WHERE c.slug = %(slug)s
 ORDER BY d.published_at NULLS LAST, d.id

-- name: case_choices --
-- Every case an entry can be moved to.
SELECT slug, name FROM cases ORDER BY name, slug

-- name: merged_into --
-- The case a case was merged into (cases.manual's merged list, editors' merges and the configuration's).
--   slug   the case merged
SELECT slug, name FROM cases WHERE manual->'merged' ? %(slug)s ORDER BY slug LIMIT 1
