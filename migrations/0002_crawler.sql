-- The crawler's additions: what it needs to crawl incrementally, to report errors
-- by kind and to group wire republications without keeping withheld texts.

ALTER TABLE crawl_urls ADD COLUMN canonical_url text;
ALTER TABLE crawl_urls ADD COLUMN error_kind text;
ALTER TABLE crawl_urls ADD COLUMN listed_modified timestamptz;
COMMENT ON COLUMN crawl_urls.canonical_url IS 'Canonical form of the URL (crawler/urls.py): the key it is known by in documents.';
COMMENT ON COLUMN crawl_urls.error_kind IS 'For outcome error: its kind (http_404, http_5xx, timeout, dns, redirect_loop, empty, encoding, too_large …); NULL otherwise.';
COMMENT ON COLUMN crawl_urls.listed_modified IS 'Last modification time a feed or sitemap gave for the URL when it was last fetched: a later one makes the crawler fetch it again.';
CREATE INDEX crawl_urls_canonical_idx ON crawl_urls (canonical_url);

-- A bottom-k sketch of the text's 5-word shingles: near-duplicates are confirmed
-- by shingle overlap, even for texts withheld under a TDM reservation (the sketch
-- is a set of hashes, not the text).
ALTER TABLE documents ADD COLUMN shingle_sketch bigint[];
ALTER TABLE documents ADD COLUMN shingle_count integer;
COMMENT ON COLUMN documents.shingle_sketch IS 'The 64 smallest hashes of the text''s 5-word shingles (bottom-k sketch), to confirm near-duplicates found by simhash.';
COMMENT ON COLUMN documents.shingle_count IS 'Number of distinct 5-word shingles of the text, to estimate overlap from the sketches.';
CREATE INDEX documents_published_simhash_idx ON documents (published_at) INCLUDE (simhash) WHERE simhash IS NOT NULL;

-- Wire republications: one row per story, with every outlet that published it.
CREATE VIEW story_outlets AS
SELECT coalesce(d.duplicate_of, d.id) AS story_id,
       min(c.title) AS title,
       min(d.published_at) AS first_published,
       count(*) AS copies,
       array_agg(DISTINCT coalesce(s.name, d.site_name, d.source_id)) AS outlets,
       array_agg(d.id ORDER BY d.published_at, d.id) AS document_ids
  FROM documents d
  JOIN documents c ON c.id = coalesce(d.duplicate_of, d.id)
  LEFT JOIN sources s ON s.id = d.source_id
 GROUP BY coalesce(d.duplicate_of, d.id);
COMMENT ON VIEW story_outlets IS 'Each story with the outlets that published it (a wire dispatch republished by several outlets is one row): WHERE copies > 1 lists the republications.';
COMMENT ON COLUMN story_outlets.story_id IS 'The canonical document of the story (the earliest published copy).';
COMMENT ON COLUMN story_outlets.title IS 'Title of the canonical document.';
COMMENT ON COLUMN story_outlets.first_published IS 'Earliest publication time among the copies.';
COMMENT ON COLUMN story_outlets.copies IS 'Number of documents of the story (1 when nobody republished it).';
COMMENT ON COLUMN story_outlets.outlets IS 'Names of the outlets that published the story.';
COMMENT ON COLUMN story_outlets.document_ids IS 'The documents of the story, earliest first.';
GRANT SELECT ON story_outlets TO veille_reader;
