-- The gdelt discovery source: GDELT's DOC 2.0 API proposes articles of any outlet. Its
-- requests are recorded in crawl_urls with kind 'api'; the pages it proposes are ordinary pages.

COMMENT ON COLUMN sources.kind IS 'Discovery strategy: feed, sitemap, search (an outlet''s search pages), gdelt (GDELT''s DOC 2.0 API, proposing articles of any outlet), judilibre, wayback.';
COMMENT ON COLUMN crawl_urls.kind IS 'page, feed, sitemap, search (results page) or api (a request to an API that lists articles: GDELT).';
