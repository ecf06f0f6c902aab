-- The read API of the reports (reports/queries.py): happenings, cases and coverage of a dossier.
-- Named queries (veille/sql.py); an optional filter is a parameter that may be null.

-- name: happenings --
-- One JSON array per happening (the shape queries.happening_from_line reads), chronological (the
-- happenings_timeline_idx order), its reports in the dossier aggregated by the server, earliest
-- first (events_happening_idx). Read through COPY … TO STDOUT, which binds the parameters in the
-- text: a null filter is then a constant the planner drops before planning.
--   dossier       the dossier's slug
--   since, until  only happenings with a report in the dossier published in [since, until)
--   as_of         reports published later are left out
--   kinds         only these kinds (text[]); first, last: bounds of the happening's date
--   approved_only only the entries an editor approved as they stand (`[reports] publish`);
--                 hidden entries are never published
--   ids           only these happenings (bigint[]): a page chosen by happening_page, for `veille serve`
SELECT json_build_array(h.happening_id, h.key, h.event_date, h.precision, h.date_end, h.kind,
                        h.summary, h.conflicts, h.first_seen_at, h.case_slug, c.name, r.reports, h.review,
                        h.approved_by, h.approved_at)
  FROM happenings h
  LEFT JOIN cases c ON c.slug = h.case_slug
  JOIN LATERAL (
       SELECT json_agg(json_build_array(
                  e.id, d.id, veille_outlet_name(s.name, d.site_name, d.source_id), d.title, d.url,
                  d.published_at, to_char(d.published_at AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD'),
                  e.evidence, e.event_date, e.precision, e.kind, e.upcoming,
                  d.duplicate_of IS NOT NULL, e.places, e.people, e.charges, e.date_how->>'explanation')
              ORDER BY d.published_at NULLS LAST, d.duplicate_of NULLS FIRST, e.id) AS reports
         FROM events e
         JOIN documents d ON d.id = e.document_id
         JOIN document_dossiers dd ON dd.document_id = d.id AND dd.dossier_slug = %(dossier)s
         LEFT JOIN sources s ON s.id = d.source_id
        WHERE e.happening_id = h.happening_id
          AND (%(as_of)s::timestamptz IS NULL OR d.published_at <= %(as_of)s::timestamptz)) r
    ON r.reports IS NOT NULL
 WHERE h.current AND NOT h.context AND NOT h.hidden
   AND (NOT %(approved_only)s::boolean OR h.review = 'approved')
   AND (%(kinds)s::text[] IS NULL OR h.kind = ANY(%(kinds)s::text[]))
   AND (%(ids)s::bigint[] IS NULL OR h.happening_id = ANY(%(ids)s::bigint[]))
   AND (%(first)s::date IS NULL OR h.event_date >= %(first)s::date)
   AND (%(last)s::date IS NULL OR h.event_date <= %(last)s::date)
   AND ((%(since)s::timestamptz IS NULL AND %(until)s::timestamptz IS NULL)
        OR EXISTS (SELECT 1 FROM events e2 JOIN documents d2 ON d2.id = e2.document_id
                     JOIN document_dossiers dd2 ON dd2.document_id = d2.id AND dd2.dossier_slug = %(dossier)s
                    WHERE e2.happening_id = h.happening_id
                      AND (%(since)s::timestamptz IS NULL OR d2.published_at >= %(since)s::timestamptz)
                      AND (%(until)s::timestamptz IS NULL OR d2.published_at < %(until)s::timestamptz)))
 ORDER BY h.event_date, h.happening_id

-- name: happening_page --
-- The happenings of one page of `veille serve`'s live timeline, chronological: chosen on the
-- happenings alone (happenings.dossiers), then read by `happenings` (ids).
--   dossier        the dossier's slug
--   kinds, first, last, case   filters: kinds (text[]), bounds of the date, one case's slug
--   caseless       only the entries of no case
--   places         only entries one of whose reports in the dossier names one of these places (text[]:
--                  the spellings of one place, as the static page's place filter merges them)
--   search         only entries whose headline or one of whose sources matches these words
--                  (French full text, accents ignored)
--   lim, skip      the page: lim entries after the skip first
SELECT h.happening_id
  FROM happenings h
 WHERE h.current AND NOT h.context AND NOT h.hidden
   AND (%(kinds)s::text[] IS NULL OR h.kind = ANY(%(kinds)s::text[]))
   AND (%(first)s::date IS NULL OR h.event_date >= %(first)s::date)
   AND (%(last)s::date IS NULL OR h.event_date <= %(last)s::date)
   AND (%(case)s::text IS NULL OR h.case_slug = %(case)s::text)
   AND (NOT %(caseless)s::boolean OR h.case_slug IS NULL)
   AND (%(places)s::text[] IS NULL
        OR EXISTS (SELECT 1 FROM events e4
                     JOIN document_dossiers dd4 ON dd4.document_id = e4.document_id AND dd4.dossier_slug = %(dossier)s
                    WHERE e4.happening_id = h.happening_id AND e4.places && %(places)s::text[]))
   AND %(dossier)s = ANY(h.dossiers)
   AND (%(search)s::text IS NULL
        OR to_tsvector('veille_french', h.summary) @@ websearch_to_tsquery('veille_french', %(search)s::text)
        OR EXISTS (SELECT 1 FROM events e3 JOIN documents d3 ON d3.id = e3.document_id
                    WHERE e3.happening_id = h.happening_id
                      AND d3.fts @@ websearch_to_tsquery('veille_french', %(search)s::text)))
 ORDER BY h.event_date, h.happening_id
 LIMIT %(lim)s OFFSET %(skip)s

-- name: cases --
-- The cases touching the dossier, oldest first, with every dossier each belongs to.
--   dossier  the dossier's slug
SELECT c.slug, c.name, c.stage, c.places, c.courts, c.charges, c.people, c.period_start, c.period_end,
       c.key_figures, c.first_seen_at, c.stage_changed_at, c.stage_reached_on, c.manual,
       array(SELECT dossier_slug FROM case_dossiers x WHERE x.case_id = c.id ORDER BY 1) AS dossiers
  FROM cases c
 WHERE EXISTS (SELECT 1 FROM case_dossiers cd WHERE cd.case_id = c.id AND cd.dossier_slug = %(dossier)s)
 ORDER BY c.period_start NULLS LAST, c.slug

-- name: publication --
-- Who approved the chronology and when: the latest approval in force, and how many entries are approved.
SELECT (SELECT count(*) FROM corrections WHERE action = 'approve' AND undone_by IS NULL) AS approvals,
       (SELECT count(*) FROM happenings WHERE current AND NOT hidden AND NOT context AND review = 'approved') AS approved,
       c.author_name, c.author_email, c.made_at
  FROM (SELECT 1) one
  LEFT JOIN LATERAL (SELECT author_name, author_email, made_at FROM corrections
                      WHERE action = 'approve' AND undone_by IS NULL ORDER BY id DESC LIMIT 1) c ON true

-- name: case_stages --
-- Every stage each case reaches, in the order reached (editors' corrections applied: a stage no entry
-- reaches any more is not current).
SELECT case_slug, stage, reached_on, first_seen_at
  FROM case_stages
 WHERE current
 ORDER BY case_slug, reached_on NULLS LAST, first_seen_at

-- name: coverage --
-- Articles of the dossier published each month (Europe/Paris), court decisions apart (a court is
-- not an outlet); months without any are absent. The timeline's header counts the same (totals).
--   dossier  the dossier's slug
--   as_of    documents published later are not counted (null: all)
--   case     only the documents that report on this case (case_documents; null: every one)
SELECT date_trunc('month', d.published_at AT TIME ZONE 'Europe/Paris')::date AS month, count(*) AS n
  FROM documents d
  JOIN document_dossiers dd ON dd.document_id = d.id AND dd.dossier_slug = %(dossier)s
 WHERE d.published_at IS NOT NULL AND d.kind <> 'decision'
   AND (%(as_of)s::timestamptz IS NULL OR d.published_at <= %(as_of)s::timestamptz)
   AND (%(case)s::text IS NULL OR d.id IN (SELECT cd.document_id FROM case_documents cd
                                             JOIN cases c ON c.id = cd.case_id WHERE c.slug = %(case)s::text))
 GROUP BY 1
 ORDER BY 1
