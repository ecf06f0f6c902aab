-- Schema v1 of veille: dossiers, sources, documents and what the NLP stage
-- reads from them, cases, subscribers, digests and runs.
-- Every table and column carries a COMMENT: researchers read the schema in psql (\d+).

CREATE EXTENSION IF NOT EXISTS unaccent;

-- unaccent() is only STABLE (it reads a dictionary); this wrapper pins the
-- dictionary so it can be used in indexes and generated columns.
CREATE FUNCTION veille_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN public.unaccent('public.unaccent'::regdictionary, $1);
COMMENT ON FUNCTION veille_unaccent(text) IS 'unaccent() with a fixed dictionary, immutable so that indexes can use it.';

-- French stemming that ignores accents: « procès » and « proces » match.
CREATE TEXT SEARCH CONFIGURATION veille_french (COPY = pg_catalog.french);
ALTER TEXT SEARCH CONFIGURATION veille_french
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
COMMENT ON TEXT SEARCH CONFIGURATION veille_french IS 'French full-text search without accents: use to_tsquery(''veille_french'', …) against documents.fts.';

CREATE TABLE runs (
    id          bigserial PRIMARY KEY,
    kind        text NOT NULL CHECK (kind IN ('crawl', 'nlp', 'cases', 'timeline', 'digest', 'import', 'judilibre', 'migrate', 'other')),
    status      text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'ok', 'failed', 'interrupted')),
    started_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    params      jsonb NOT NULL DEFAULT '{}'::jsonb,
    counts      jsonb NOT NULL DEFAULT '{}'::jsonb,
    error       text
);
COMMENT ON TABLE runs IS 'Every crawl, NLP, report and digest run, with its status, timings and counts.';
COMMENT ON COLUMN runs.id IS 'Run number.';
COMMENT ON COLUMN runs.kind IS 'What ran: crawl, nlp, cases, timeline, digest, import, judilibre, migrate, other.';
COMMENT ON COLUMN runs.status IS 'running while it runs, then ok, failed or interrupted (killed, SIGTERM).';
COMMENT ON COLUMN runs.started_at IS 'When the run started.';
COMMENT ON COLUMN runs.finished_at IS 'When the run ended; NULL while running or if the process died.';
COMMENT ON COLUMN runs.params IS 'The arguments of the run (sources, dossier, week …) as JSON.';
COMMENT ON COLUMN runs.counts IS 'What the run did, as JSON counters (fetched, new, updated, duplicates, off_subject, errors …).';
COMMENT ON COLUMN runs.error IS 'The error that ended a failed run.';

CREATE TABLE dossiers (
    slug          text PRIMARY KEY CHECK (slug ~ '^[a-z0-9][a-z0-9_-]*$'),
    title         text NOT NULL,
    terms         text[] NOT NULL DEFAULT '{}',
    context_terms text[] NOT NULL DEFAULT '{}',
    exclude_terms text[] NOT NULL DEFAULT '{}',
    linked_terms  text[] NOT NULL DEFAULT '{}',
    updated_at    timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE dossiers IS 'The subjects tracked (Coco is the first); synchronised from the configuration file at each run.';
COMMENT ON COLUMN dossiers.slug IS 'Short identifier used in commands and URLs (coco).';
COMMENT ON COLUMN dossiers.title IS 'Human title of the dossier, in French.';
COMMENT ON COLUMN dossiers.terms IS 'Terms that name the subject on their own (coco.gg, site Coco …).';
COMMENT ON COLUMN dossiers.context_terms IS 'Words that make an ambiguous bare term count (tchat, plateforme …) when near it.';
COMMENT ON COLUMN dossiers.exclude_terms IS 'Phrases that rule an ambiguous bare term out (Coco Chanel, noix de coco …).';
COMMENT ON COLUMN dossiers.linked_terms IS 'Terms of cases linked to the dossier (Mazan, Pelicot): a document naming them belongs even without naming the subject.';
COMMENT ON COLUMN dossiers.updated_at IS 'Last time the row was synchronised from the configuration.';

CREATE TABLE sources (
    id         text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9_-]*$'),
    name       text NOT NULL,
    kind       text NOT NULL,
    urls       text[] NOT NULL DEFAULT '{}',
    settings   jsonb NOT NULL DEFAULT '{}'::jsonb,
    updated_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE sources IS 'Outlets and APIs veille collects from; synchronised from the configuration file.';
COMMENT ON COLUMN sources.id IS 'Source identifier, the same in the configuration, the crawler and the tests (lequotidien, judilibre).';
COMMENT ON COLUMN sources.name IS 'Outlet name as readers know it (Le Monde, France Bleu Nord …).';
COMMENT ON COLUMN sources.kind IS 'Discovery strategy: feed, sitemap, search, judilibre, wayback …';
COMMENT ON COLUMN sources.urls IS 'Entry points: feed, sitemap, search or API addresses.';
COMMENT ON COLUMN sources.settings IS 'Kind-specific settings (selectors, API key variable …) as JSON.';
COMMENT ON COLUMN sources.updated_at IS 'Last time the row was synchronised from the configuration.';

CREATE TABLE documents (
    id              bigserial PRIMARY KEY,
    canonical_url   text NOT NULL UNIQUE,
    url             text NOT NULL,
    source_id       text REFERENCES sources(id) ON UPDATE CASCADE,
    kind            text NOT NULL DEFAULT 'article' CHECK (kind IN ('article', 'decision', 'press_release')),
    title           text,
    authors         text[] NOT NULL DEFAULT '{}',
    published_at    timestamptz,
    modified_at     timestamptz,
    fetched_at      timestamptz NOT NULL DEFAULT now(),
    lang            text,
    site_name       text,
    text            text,
    raw_html        bytea,
    content_hash    text,
    text_hash       text,
    simhash         bigint,
    duplicate_of    bigint REFERENCES documents(id) ON DELETE SET NULL,
    tdm_reserved    boolean NOT NULL DEFAULT false,
    tdm_policy      text,
    text_withheld   boolean NOT NULL DEFAULT false,
    metadata        jsonb NOT NULL DEFAULT '{}'::jsonb,
    provenance      jsonb NOT NULL DEFAULT '{}'::jsonb,
    fts             tsvector GENERATED ALWAYS AS (
                        setweight(to_tsvector('veille_french', coalesce(title, '')), 'A')
                        || setweight(to_tsvector('veille_french', coalesce(text, '')), 'B')) STORED
);
COMMENT ON TABLE documents IS 'One row per article, press release or court decision, keyed by its canonical URL.';
COMMENT ON COLUMN documents.id IS 'Document number.';
COMMENT ON COLUMN documents.canonical_url IS 'URL without tracking parameters, AMP/mobile variants or trailing slash: the de-duplication key.';
COMMENT ON COLUMN documents.url IS 'URL as last fetched (after redirects).';
COMMENT ON COLUMN documents.source_id IS 'The source it was collected from.';
COMMENT ON COLUMN documents.kind IS 'article, decision (court decision) or press_release.';
COMMENT ON COLUMN documents.title IS 'Title as published (scraped: escape it before display).';
COMMENT ON COLUMN documents.authors IS 'Bylines, as published.';
COMMENT ON COLUMN documents.published_at IS 'Publication time given by the page (JSON-LD/OpenGraph first, then the text, then htmldate).';
COMMENT ON COLUMN documents.modified_at IS 'Last modification time given by the page, when it says so.';
COMMENT ON COLUMN documents.fetched_at IS 'When veille last fetched the page.';
COMMENT ON COLUMN documents.lang IS 'Language code detected or declared (fr, en …).';
COMMENT ON COLUMN documents.site_name IS 'Outlet name as the page states it.';
COMMENT ON COLUMN documents.text IS 'Extracted body text (NULL-free; empty when withheld by a TDM reservation). NLP offsets index into this text.';
COMMENT ON COLUMN documents.raw_html IS 'The page as fetched, zlib-compressed, kept so that text can be re-extracted; NULL when withheld by a TDM reservation.';
COMMENT ON COLUMN documents.content_hash IS 'SHA-256 of the fetched bytes.';
COMMENT ON COLUMN documents.text_hash IS 'SHA-256 of the normalised extracted text: identical copies share it.';
COMMENT ON COLUMN documents.simhash IS '64-bit SimHash of the text, to find near-duplicate republications.';
COMMENT ON COLUMN documents.duplicate_of IS 'For a republication of the same story (wire copy), the canonical document of its group; NULL for a canonical story.';
COMMENT ON COLUMN documents.tdm_reserved IS 'True when the publisher reserved text-and-data-mining rights (TDMRep).';
COMMENT ON COLUMN documents.tdm_policy IS 'Policy applied to this document: full, metadata_only …';
COMMENT ON COLUMN documents.text_withheld IS 'True when the full text was not kept because of a TDM reservation.';
COMMENT ON COLUMN documents.metadata IS 'Kind-specific structured fields (a decision''s ECLI, numbers, zones, solution …) as JSON.';
COMMENT ON COLUMN documents.provenance IS 'Where the copy comes from: live crawl, WARC file, Wayback capture (with capture time) …';
COMMENT ON COLUMN documents.fts IS 'French full-text search vector (veille_french, accents ignored) of title and text.';
CREATE INDEX documents_fts_idx ON documents USING gin (fts);
CREATE INDEX documents_published_idx ON documents (published_at);
CREATE INDEX documents_source_idx ON documents (source_id);
CREATE INDEX documents_text_hash_idx ON documents (text_hash);
CREATE INDEX documents_duplicate_of_idx ON documents (duplicate_of);

CREATE TABLE document_versions (
    id           bigserial PRIMARY KEY,
    document_id  bigint NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    title        text,
    text         text,
    text_hash    text,
    modified_at  timestamptz,
    fetched_at   timestamptz NOT NULL
);
COMMENT ON TABLE document_versions IS 'Earlier versions of documents that changed after publication (corrections, updates).';
COMMENT ON COLUMN document_versions.id IS 'Version number.';
COMMENT ON COLUMN document_versions.document_id IS 'The document this was a version of.';
COMMENT ON COLUMN document_versions.title IS 'Title of that version.';
COMMENT ON COLUMN document_versions.text IS 'Text of that version.';
COMMENT ON COLUMN document_versions.text_hash IS 'SHA-256 of that version''s text.';
COMMENT ON COLUMN document_versions.modified_at IS 'Modification time the page gave for that version.';
COMMENT ON COLUMN document_versions.fetched_at IS 'When that version was fetched.';
CREATE INDEX document_versions_document_idx ON document_versions (document_id);

CREATE TABLE document_dossiers (
    document_id   bigint NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    dossier_slug  text NOT NULL REFERENCES dossiers(slug) ON UPDATE CASCADE,
    score         real NOT NULL,
    matched_terms text[] NOT NULL DEFAULT '{}',
    reason        text NOT NULL,
    decided_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (document_id, dossier_slug)
);
COMMENT ON TABLE document_dossiers IS 'Why a document belongs to a dossier: the subject filter''s decision.';
COMMENT ON COLUMN document_dossiers.document_id IS 'The document.';
COMMENT ON COLUMN document_dossiers.dossier_slug IS 'The dossier it belongs to.';
COMMENT ON COLUMN document_dossiers.score IS 'Filter score (higher is more certainly on subject).';
COMMENT ON COLUMN document_dossiers.matched_terms IS 'Terms that matched in the document.';
COMMENT ON COLUMN document_dossiers.reason IS 'The decision in words (« nomme le site : coco.gg », « affaire liée : Mazan » …).';
COMMENT ON COLUMN document_dossiers.decided_at IS 'When the decision was taken.';
CREATE INDEX document_dossiers_dossier_idx ON document_dossiers (dossier_slug);

CREATE TABLE crawl_urls (
    url           text PRIMARY KEY,
    source_id     text REFERENCES sources(id) ON UPDATE CASCADE,
    kind          text NOT NULL DEFAULT 'page' CHECK (kind IN ('page', 'feed', 'sitemap', 'search', 'api')),
    status        integer,
    outcome       text NOT NULL,
    reason        text,
    etag          text,
    last_modified text,
    document_id   bigint REFERENCES documents(id) ON DELETE SET NULL,
    first_seen    timestamptz NOT NULL DEFAULT now(),
    last_fetched  timestamptz,
    attempts      integer NOT NULL DEFAULT 0,
    last_run_id   bigint REFERENCES runs(id) ON DELETE SET NULL
);
COMMENT ON TABLE crawl_urls IS 'Every URL the crawler met, with what happened to it the last time: rejected and failed pages are counted here, not silently dropped.';
COMMENT ON COLUMN crawl_urls.url IS 'The URL as requested.';
COMMENT ON COLUMN crawl_urls.source_id IS 'The source that led to it.';
COMMENT ON COLUMN crawl_urls.kind IS 'page, feed, sitemap, search (results page) or api.';
COMMENT ON COLUMN crawl_urls.status IS 'Last HTTP status (NULL when no answer: timeout, DNS …).';
COMMENT ON COLUMN crawl_urls.outcome IS 'Last outcome: stored, updated, unchanged, not_modified, duplicate, off_subject, robots, tdm, error …';
COMMENT ON COLUMN crawl_urls.reason IS 'The reason in words for a rejection or an error.';
COMMENT ON COLUMN crawl_urls.etag IS 'ETag answered by the server, sent back as If-None-Match.';
COMMENT ON COLUMN crawl_urls.last_modified IS 'Last-Modified answered by the server, sent back as If-Modified-Since.';
COMMENT ON COLUMN crawl_urls.document_id IS 'The document stored from it, if any.';
COMMENT ON COLUMN crawl_urls.first_seen IS 'When the URL was first met.';
COMMENT ON COLUMN crawl_urls.last_fetched IS 'When it was last fetched.';
COMMENT ON COLUMN crawl_urls.attempts IS 'How many times it was fetched.';
COMMENT ON COLUMN crawl_urls.last_run_id IS 'The run that fetched it last.';
CREATE INDEX crawl_urls_source_idx ON crawl_urls (source_id, outcome);

CREATE TABLE entities (
    id         bigserial PRIMARY KEY,
    label      text NOT NULL CHECK (label IN ('PER', 'LOC', 'ORG', 'SITE')),
    canonical  text NOT NULL,
    key        text NOT NULL,
    org_kind   text,
    seat       text,
    minor      boolean NOT NULL DEFAULT false,
    UNIQUE (label, key)
);
COMMENT ON TABLE entities IS 'People, places, organisations and sites, resolved across documents (« M. Pelicot » and « Dominique Pelicot » are one).';
COMMENT ON COLUMN entities.id IS 'Entity number.';
COMMENT ON COLUMN entities.label IS 'PER (person), LOC (place), ORG (organisation, court), SITE (the website itself).';
COMMENT ON COLUMN entities.canonical IS 'Fullest name seen (« Dominique Pelicot »). For a minor, never published.';
COMMENT ON COLUMN entities.key IS 'Accent- and case-free key used to resolve mentions to the entity.';
COMMENT ON COLUMN entities.org_kind IS 'For organisations: court, police, prosecutor, association, company, media, other.';
COMMENT ON COLUMN entities.seat IS 'For courts: the town where it sits (Avignon, Valenciennes).';
COMMENT ON COLUMN entities.minor IS 'True when any source describes the person as a minor: the name is never published.';

CREATE TABLE mentions (
    id             bigserial PRIMARY KEY,
    document_id    bigint NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    entity_id      bigint NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    start_char     integer NOT NULL,
    end_char       integer NOT NULL,
    text           text NOT NULL,
    role           text,
    minor          boolean NOT NULL DEFAULT false,
    sentence_start integer NOT NULL,
    sentence_end   integer NOT NULL,
    CHECK (start_char >= 0 AND end_char > start_char)
);
COMMENT ON TABLE mentions IS 'Each place a document names an entity, with character offsets into documents.text.';
COMMENT ON COLUMN mentions.id IS 'Mention number.';
COMMENT ON COLUMN mentions.document_id IS 'The document.';
COMMENT ON COLUMN mentions.entity_id IS 'The entity mentioned.';
COMMENT ON COLUMN mentions.start_char IS 'Start offset of the mention in documents.text.';
COMMENT ON COLUMN mentions.end_char IS 'End offset (exclusive).';
COMMENT ON COLUMN mentions.text IS 'The words of the mention.';
COMMENT ON COLUMN mentions.role IS 'Role the sentence gives: victim, defendant, lawyer, magistrate, witness … or NULL.';
COMMENT ON COLUMN mentions.minor IS 'True when the sentence describes the person as a minor.';
COMMENT ON COLUMN mentions.sentence_start IS 'Start offset of the sentence that contains the mention: the evidence.';
COMMENT ON COLUMN mentions.sentence_end IS 'End offset of that sentence.';
CREATE INDEX mentions_document_idx ON mentions (document_id);
CREATE INDEX mentions_entity_idx ON mentions (entity_id);

CREATE TABLE charges (
    id             bigserial PRIMARY KEY,
    document_id    bigint NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    canonical      text NOT NULL,
    category       text NOT NULL,
    articles       text[] NOT NULL DEFAULT '{}',
    text           text NOT NULL,
    start_char     integer NOT NULL,
    end_char       integer NOT NULL,
    sentence_start integer NOT NULL,
    sentence_end   integer NOT NULL
);
COMMENT ON TABLE charges IS 'Criminal charges stated in documents (negated ones and acquittals excluded).';
COMMENT ON COLUMN charges.id IS 'Charge mention number.';
COMMENT ON COLUMN charges.document_id IS 'The document.';
COMMENT ON COLUMN charges.canonical IS 'Canonical offence name (viol, guet-apens, recours à la prostitution d''un mineur …).';
COMMENT ON COLUMN charges.category IS 'Family of offences (sexuelle, atteinte aux personnes, biens, numérique, circonstance …).';
COMMENT ON COLUMN charges.articles IS 'Code pénal articles that define it (222-23 …).';
COMMENT ON COLUMN charges.text IS 'The words of the document that state it.';
COMMENT ON COLUMN charges.start_char IS 'Start offset in documents.text.';
COMMENT ON COLUMN charges.end_char IS 'End offset (exclusive).';
COMMENT ON COLUMN charges.sentence_start IS 'Start offset of the sentence that states it.';
COMMENT ON COLUMN charges.sentence_end IS 'End offset of that sentence.';
CREATE INDEX charges_document_idx ON charges (document_id);
CREATE INDEX charges_canonical_idx ON charges (canonical);

CREATE TABLE cases (
    id           bigserial PRIMARY KEY,
    slug         text NOT NULL UNIQUE,
    name         text NOT NULL,
    places       text[] NOT NULL DEFAULT '{}',
    courts       text[] NOT NULL DEFAULT '{}',
    charges      text[] NOT NULL DEFAULT '{}',
    period_start date,
    period_end   date,
    stage        text CHECK (stage IN ('investigation', 'trial', 'verdict', 'appeal', 'closed')),
    key_figures  jsonb NOT NULL DEFAULT '{}'::jsonb,
    updated_at   timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE cases IS 'Cases (affaires): events and documents grouped by shared places, people, charges, courts and time.';
COMMENT ON COLUMN cases.id IS 'Case number (may change when cases are recomputed; use slug to refer to a case).';
COMMENT ON COLUMN cases.slug IS 'Stable identifier of the case (mazan, grande-synthe …), usable in the configuration.';
COMMENT ON COLUMN cases.name IS 'French name of the case (« les viols de Mazan »).';
COMMENT ON COLUMN cases.places IS 'Places of the case.';
COMMENT ON COLUMN cases.courts IS 'Courts that dealt with it.';
COMMENT ON COLUMN cases.charges IS 'Canonical charges stated in the case.';
COMMENT ON COLUMN cases.period_start IS 'Date of its earliest event.';
COMMENT ON COLUMN cases.period_end IS 'Date of its latest event.';
COMMENT ON COLUMN cases.stage IS 'Procedural stage reached: investigation, trial, verdict, appeal, closed.';
COMMENT ON COLUMN cases.key_figures IS 'Key figures (defendants, sentences, victims …) as JSON.';
COMMENT ON COLUMN cases.updated_at IS 'When the case was last recomputed.';

CREATE TABLE case_dossiers (
    case_id      bigint NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    dossier_slug text NOT NULL REFERENCES dossiers(slug) ON UPDATE CASCADE,
    PRIMARY KEY (case_id, dossier_slug)
);
COMMENT ON TABLE case_dossiers IS 'The dossiers a case belongs to.';
COMMENT ON COLUMN case_dossiers.case_id IS 'The case.';
COMMENT ON COLUMN case_dossiers.dossier_slug IS 'The dossier.';

CREATE TABLE case_documents (
    case_id     bigint NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    document_id bigint NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    PRIMARY KEY (case_id, document_id)
);
COMMENT ON TABLE case_documents IS 'The documents that report on a case.';
COMMENT ON COLUMN case_documents.case_id IS 'The case.';
COMMENT ON COLUMN case_documents.document_id IS 'The document.';
CREATE INDEX case_documents_document_idx ON case_documents (document_id);

CREATE TABLE events (
    id             bigserial PRIMARY KEY,
    document_id    bigint NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    event_date     date NOT NULL,
    precision      text NOT NULL CHECK (precision IN ('day', 'month', 'year')),
    date_end       date,
    kind           text NOT NULL CHECK (kind IN ('crime', 'arrest', 'indictment', 'trial_opening', 'hearing', 'verdict', 'sentence', 'appeal', 'site_event', 'complaint', 'other')),
    summary        text NOT NULL,
    upcoming       boolean NOT NULL DEFAULT false,
    places         text[] NOT NULL DEFAULT '{}',
    people         text[] NOT NULL DEFAULT '{}',
    charges        text[] NOT NULL DEFAULT '{}',
    evidence       text NOT NULL,
    evidence_start integer NOT NULL,
    evidence_end   integer NOT NULL,
    case_id        bigint REFERENCES cases(id) ON DELETE SET NULL,
    happening_id   bigint
);
COMMENT ON TABLE events IS 'Dated happenings stated by a sentence of a document: one row per document and sentence; rows with the same happening_id are the same happening reported by several sources.';
COMMENT ON COLUMN events.id IS 'Event number.';
COMMENT ON COLUMN events.document_id IS 'The document that states it.';
COMMENT ON COLUMN events.event_date IS 'Date of the happening (first day of the month/year when less precise).';
COMMENT ON COLUMN events.precision IS 'How precise event_date is: day, month or year.';
COMMENT ON COLUMN events.date_end IS 'Last day, for a happening that spans a range (a trial from … to …).';
COMMENT ON COLUMN events.kind IS 'crime, arrest, indictment, trial_opening, hearing, verdict, sentence, appeal, site_event, complaint or other.';
COMMENT ON COLUMN events.summary IS 'One-line French summary.';
COMMENT ON COLUMN events.upcoming IS 'True when it was still to come when the document was published (« s''ouvrira »).';
COMMENT ON COLUMN events.places IS 'Places named in the sentence.';
COMMENT ON COLUMN events.people IS 'People named in the sentence (minors excluded).';
COMMENT ON COLUMN events.charges IS 'Canonical charges named in the sentence.';
COMMENT ON COLUMN events.evidence IS 'The sentence that states it, quoted from the document.';
COMMENT ON COLUMN events.evidence_start IS 'Start offset of that sentence in documents.text.';
COMMENT ON COLUMN events.evidence_end IS 'End offset of that sentence.';
COMMENT ON COLUMN events.case_id IS 'The case it belongs to, once cases are computed.';
COMMENT ON COLUMN events.happening_id IS 'Identifier shared by the events that report the same happening (lowest event id of the group).';
CREATE INDEX events_date_idx ON events (event_date, id);
CREATE INDEX events_document_idx ON events (document_id);
CREATE INDEX events_case_idx ON events (case_id);

CREATE TABLE document_analyses (
    document_id      bigint NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    pipeline_version text NOT NULL,
    status           text NOT NULL CHECK (status IN ('ok', 'error')),
    error            text,
    analysed_at      timestamptz NOT NULL DEFAULT now(),
    run_id           bigint REFERENCES runs(id) ON DELETE SET NULL,
    PRIMARY KEY (document_id, pipeline_version)
);
COMMENT ON TABLE document_analyses IS 'Which documents the NLP stage has analysed, with which pipeline version, and whether it failed.';
COMMENT ON COLUMN document_analyses.document_id IS 'The document.';
COMMENT ON COLUMN document_analyses.pipeline_version IS 'Version of the NLP pipeline (model and rules) that analysed it.';
COMMENT ON COLUMN document_analyses.status IS 'ok, or error when the pipeline failed on it.';
COMMENT ON COLUMN document_analyses.error IS 'The error, for a failed analysis.';
COMMENT ON COLUMN document_analyses.analysed_at IS 'When it was analysed.';
COMMENT ON COLUMN document_analyses.run_id IS 'The NLP run that analysed it.';

CREATE TABLE subscribers (
    id           bigserial PRIMARY KEY,
    email        text NOT NULL CHECK (position('@' IN email) > 1),
    name         text,
    dossier_slug text NOT NULL REFERENCES dossiers(slug) ON UPDATE CASCADE,
    token        text NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    unsubscribed_at timestamptz,
    UNIQUE (email, dossier_slug)
);
COMMENT ON TABLE subscribers IS 'People who receive the weekly digest of a dossier. Personal data: not readable by veille_reader.';
COMMENT ON COLUMN subscribers.id IS 'Subscriber number.';
COMMENT ON COLUMN subscribers.email IS 'Email address (lower-cased domain).';
COMMENT ON COLUMN subscribers.name IS 'Name to greet, optional.';
COMMENT ON COLUMN subscribers.dossier_slug IS 'The dossier subscribed to.';
COMMENT ON COLUMN subscribers.token IS 'Secret token of the unsubscribe link.';
COMMENT ON COLUMN subscribers.created_at IS 'When the subscription was made.';
COMMENT ON COLUMN subscribers.unsubscribed_at IS 'When the subscriber left; NULL while subscribed.';

CREATE TABLE digests (
    id            bigserial PRIMARY KEY,
    subscriber_id bigint NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
    dossier_slug  text NOT NULL REFERENCES dossiers(slug) ON UPDATE CASCADE,
    week          text NOT NULL CHECK (week ~ '^[0-9]{4}-W[0-9]{2}$'),
    status        text NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'quiet')),
    message_id    text,
    attempts      integer NOT NULL DEFAULT 0,
    error         text,
    started_at    timestamptz,
    sent_at       timestamptz,
    UNIQUE (subscriber_id, dossier_slug, week)
);
COMMENT ON TABLE digests IS 'One weekly digest per subscriber and week, with its delivery state: the record that makes delivery exactly-once.';
COMMENT ON COLUMN digests.id IS 'Digest number.';
COMMENT ON COLUMN digests.subscriber_id IS 'The recipient.';
COMMENT ON COLUMN digests.dossier_slug IS 'The dossier it covers.';
COMMENT ON COLUMN digests.week IS 'ISO week covered (2024-W26), Monday to Sunday, Europe/Paris.';
COMMENT ON COLUMN digests.status IS 'pending, sending (handed to SMTP, outcome unknown), sent, failed (permanent refusal), quiet.';
COMMENT ON COLUMN digests.message_id IS 'Message-ID header of the email, to match server logs.';
COMMENT ON COLUMN digests.attempts IS 'Delivery attempts made.';
COMMENT ON COLUMN digests.error IS 'Last SMTP error.';
COMMENT ON COLUMN digests.started_at IS 'When delivery started.';
COMMENT ON COLUMN digests.sent_at IS 'When the SMTP server accepted it.';

-- Researchers' views -------------------------------------------------------

CREATE VIEW timeline AS
SELECT e.id AS event_id, e.happening_id, dd.dossier_slug, c.slug AS case_slug, c.name AS case_name,
       e.event_date, e.precision, e.date_end, e.kind, e.summary, e.upcoming, e.places, e.charges,
       e.evidence, d.id AS document_id, d.title AS document_title, d.url, s.name AS outlet, d.published_at
  FROM events e
  JOIN documents d ON d.id = e.document_id
  JOIN document_dossiers dd ON dd.document_id = d.id
  LEFT JOIN sources s ON s.id = d.source_id
  LEFT JOIN cases c ON c.id = e.case_id;
COMMENT ON VIEW timeline IS 'Events of each dossier with their source document and case, one row per report: ORDER BY event_date.';

CREATE VIEW document_facts AS
SELECT d.id AS document_id, d.title, d.url, s.name AS outlet, d.published_at, d.kind,
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
COMMENT ON VIEW document_facts IS 'Each document with the people (minors left out), places, organisations and charges it states.';

-- The researchers' read-only role ------------------------------------------
-- Roles are cluster-wide: another database on the same server may have made it already.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'veille_reader') THEN
        CREATE ROLE veille_reader NOLOGIN;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END
$$;
GRANT USAGE ON SCHEMA public TO veille_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO veille_reader;
-- Subscribers' addresses are personal data, not research material.
REVOKE ALL ON subscribers, digests FROM veille_reader;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO veille_reader;
