-- The reads of the NLP stage (nlp/stage.py): which documents to analyse. Named queries
-- (veille/sql.py); the flags are parameters, never clauses pasted in.
--   dossier       only documents of this dossier (null: all)
--   version       the pipeline version of this run
--   reanalyse     also documents analysed by an earlier version
--   retry_errors  also documents whose analysis by this version failed

-- name: pending_counts --
-- How many documents the run would analyse, how many an earlier version analysed, how many failed.
WITH docs AS (
    SELECT d.id, coalesce(d.text_hash, md5(d.text)) AS hash
      FROM documents d
     WHERE d.text IS NOT NULL AND d.text <> ''
       AND (%(dossier)s::text IS NULL OR EXISTS (
              SELECT 1 FROM document_dossiers dd WHERE dd.document_id = d.id AND dd.dossier_slug = %(dossier)s))
), state AS (
    SELECT docs.id,
           EXISTS (SELECT 1 FROM document_analyses a WHERE a.document_id = docs.id
                      AND a.pipeline_version = %(version)s AND a.text_hash = docs.hash) AS current,
           EXISTS (SELECT 1 FROM document_analyses a WHERE a.document_id = docs.id
                      AND a.pipeline_version = %(version)s AND a.text_hash = docs.hash
                      AND a.status IN ('ok', 'skipped')) AS current_ok,
           EXISTS (SELECT 1 FROM document_analyses a WHERE a.document_id = docs.id
                      AND a.pipeline_version = %(version)s AND a.text_hash = docs.hash
                      AND a.status = 'error') AS failed,
           EXISTS (SELECT 1 FROM document_analyses o WHERE o.document_id = docs.id
                      AND o.pipeline_version <> %(version)s) AS older
      FROM docs
)
SELECT count(*) FILTER (WHERE NOT (CASE WHEN %(retry_errors)s THEN current_ok ELSE current END)
                          AND (%(reanalyse)s OR NOT older)) AS pending,
       count(*) FILTER (WHERE NOT current AND older) AS outdated,
       count(*) FILTER (WHERE failed) AS failed
  FROM state

-- name: pending_documents --
-- The next documents to analyse after %(last)s, in id order, %(chunk)s at a time.
SELECT d.id, d.text, coalesce(d.text_hash, md5(d.text)) AS hash, d.lang,
       (coalesce(d.published_at, d.fetched_at) AT TIME ZONE 'Europe/Paris')::date AS published
  FROM documents d
 WHERE d.text IS NOT NULL AND d.text <> ''
   AND (%(dossier)s::text IS NULL OR EXISTS (
          SELECT 1 FROM document_dossiers dd WHERE dd.document_id = d.id AND dd.dossier_slug = %(dossier)s))
   AND d.id > %(last)s
   AND NOT EXISTS (SELECT 1 FROM document_analyses a WHERE a.document_id = d.id
                      AND a.pipeline_version = %(version)s AND a.text_hash = coalesce(d.text_hash, md5(d.text))
                      AND (NOT %(retry_errors)s OR a.status IN ('ok', 'skipped')))
   AND (%(reanalyse)s OR NOT EXISTS (SELECT 1 FROM document_analyses o WHERE o.document_id = d.id
                                        AND o.pipeline_version <> %(version)s))
 ORDER BY d.id
 LIMIT %(chunk)s

-- name: pending_among --
-- Those of the documents %(ids)s that are still to analyse (a batch job of `veille worker`): the
-- same rule as pending_documents, so a batch taken up again after a crash skips what it finished.
SELECT d.id, d.text, coalesce(d.text_hash, md5(d.text)) AS hash, d.lang,
       (coalesce(d.published_at, d.fetched_at) AT TIME ZONE 'Europe/Paris')::date AS published
  FROM documents d
 WHERE d.text IS NOT NULL AND d.text <> ''
   AND d.id = ANY(%(ids)s::bigint[])
   AND NOT EXISTS (SELECT 1 FROM document_analyses a WHERE a.document_id = d.id
                      AND a.pipeline_version = %(version)s AND a.text_hash = coalesce(d.text_hash, md5(d.text))
                      AND (NOT %(retry_errors)s OR a.status IN ('ok', 'skipped')))
   AND (%(reanalyse)s OR NOT EXISTS (SELECT 1 FROM document_analyses o WHERE o.document_id = d.id
                                        AND o.pipeline_version <> %(version)s))
 ORDER BY d.id
