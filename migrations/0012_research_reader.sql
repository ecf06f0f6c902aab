-- The reader becomes truly read-only and sees only redacted data.
--
-- Researchers log in as their own role, a member of veille_reader (veille db reader-password).
-- They read the schema `research`: one view per table and view of `public`, where every name a
-- source gives a minor is masked (as many « █ » as it has characters, so that offsets into texts
-- stay valid), exactly the names the timeline redacts. The raw tables of `public` are the
-- operator's. The views are rebuilt by veille_private.refresh_research() after every migration,
-- so that a column added later is masked too.

CREATE SCHEMA IF NOT EXISTS veille_private;
COMMENT ON SCHEMA veille_private IS 'veille''s own helpers, closed to veille_reader.';
REVOKE ALL ON SCHEMA veille_private FROM PUBLIC;

CREATE SCHEMA IF NOT EXISTS research;
COMMENT ON SCHEMA research IS 'What veille_reader reads: every table and view of public, minors'' names masked.';
REVOKE ALL ON SCHEMA research FROM PUBLIC;
GRANT USAGE ON SCHEMA research TO veille_reader;

-- The regular expression matching one name wherever the timeline's redactor would: any case,
-- accents or not (URLs and keys drop them), a space, hyphen or underscore between words, not
-- inside a longer word. Each character of the name matches exactly one character, so a match is
-- as long as the name.
CREATE FUNCTION veille_private.name_pattern(name text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    word CONSTANT text := '[[:alnum:]_À-ÖØ-öø-ʯ]';
    lowers CONSTANT text := 'àâäáãåçéèêëíìîïñóòôöõøúùûüýÿæœ';
    uppers CONSTANT text := 'ÀÂÄÁÃÅÇÉÈÊËÍÌÎÏÑÓÒÔÖÕØÚÙÛÜÝŸÆŒ';
    out text := '';
    ch text;
    variants text[];
BEGIN
    FOREACH ch IN ARRAY regexp_split_to_array(name, '') LOOP
        IF ch ~ '^[[:space:]_-]$' THEN
            out := out || '[[:space:]_-]';
            CONTINUE;
        END IF;
        SELECT array_agg(DISTINCT v) INTO variants
          FROM unnest(ARRAY[ch, lower(ch), upper(ch), translate(ch, uppers, lowers), translate(ch, lowers, uppers),
                            lower(public.veille_unaccent(ch)), upper(public.veille_unaccent(ch))]) v
         WHERE length(v) = 1 AND v ~ '^[[:alnum:]À-ÖØ-öø-ʯ]$';
        IF coalesce(array_length(variants, 1), 0) > 1 THEN
            out := out || '[' || array_to_string(variants, '') || ']';
        ELSE
            out := out || regexp_replace(ch, '([.^$|?*+()\[\]{}\\-])', '\\\1', 'g');
        END IF;
    END LOOP;
    RETURN '(?<!' || word || ')' || out || '(?!' || word || ')';
END
$$;
COMMENT ON FUNCTION veille_private.name_pattern(text) IS 'Regular expression of one minor''s name: any case, accents or not, as a whole word.';

-- The folded form texts are compared in before the expressions run (a cheap substring test). In
-- research: readers execute it, inside research.mask.
CREATE FUNCTION research.fold(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT translate(lower(public.veille_unaccent(value)), E'-_\t\n\r', '     ')
$$;
COMMENT ON FUNCTION research.fold(text) IS 'Lower case, no accents, one space for -, _ and line breaks.';

-- Every name of every person a source describes as a minor: reports/minors.py's load_redactor,
-- plus the entities' keys (an unaccented form that URLs and slugs share).
CREATE VIEW veille_private.minor_names AS
WITH found AS (
    SELECT canonical AS name FROM public.entities WHERE minor AND label = 'PER'
    UNION SELECT key FROM public.entities WHERE minor AND label = 'PER'
    UNION SELECT m.text FROM public.mentions m JOIN public.entities en ON en.id = m.entity_id
           WHERE en.label = 'PER' AND (m.minor OR en.minor)
    UNION SELECT en.canonical FROM public.mentions m JOIN public.entities en ON en.id = m.entity_id
           WHERE en.label = 'PER' AND m.minor
    UNION SELECT en.key FROM public.mentions m JOIN public.entities en ON en.id = m.entity_id
           WHERE en.label = 'PER' AND m.minor
), names AS (
    SELECT DISTINCT btrim(name) AS name FROM found WHERE length(btrim(name)) >= 2
)
SELECT (SELECT array_agg(veille_private.name_pattern(name) ORDER BY length(name) DESC, name) FROM names) AS patterns,
       (SELECT array_agg(length(name) ORDER BY length(name) DESC, name) FROM names) AS lengths,
       (SELECT array_agg(research.fold(name) ORDER BY length(name) DESC, name) FROM names) AS folded,
       coalesce((SELECT array_agg(DISTINCT lexeme)
                   FROM names, unnest(tsvector_to_array(to_tsvector('public.veille_french', name))
                                      || tsvector_to_array(to_tsvector('public.veille_french',
                                                                       regexp_replace(name, '[[:space:]_]+', '-', 'g')))) lexeme),
                '{}') AS lexemes;
COMMENT ON VIEW veille_private.minor_names IS 'Minors'' names as the research views mask them (patterns, their lengths, folded forms, full-text lexemes).';

-- Readers execute these two inside the research views; they get the names only as arguments the
-- views pass, never as data they can select.
CREATE FUNCTION research.mask(value text, patterns text[], lengths integer[], folded text[]) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    f text;
BEGIN
    IF value IS NULL OR patterns IS NULL THEN
        RETURN value;
    END IF;
    f := research.fold(value);
    FOR i IN 1 .. array_length(patterns, 1) LOOP
        IF strpos(f, folded[i]) > 0 THEN
            value := regexp_replace(value, patterns[i], repeat('█', lengths[i]), 'g');
        END IF;
    END LOOP;
    RETURN value;
END
$$;
COMMENT ON FUNCTION research.mask(text, text[], integer[], text[]) IS 'The text with every minor''s name replaced by as many « █ » as it has characters.';

CREATE FUNCTION research.mask_names(value text[], patterns text[], lengths integer[], folded text[]) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN value IS NULL OR patterns IS NULL THEN value ELSE
           ARRAY(SELECT CASE WHEN x.masked IS NOT DISTINCT FROM u.e THEN u.e
                             WHEN x.masked ~ '^[█[:space:][:punct:]]*$' THEN 'un mineur'
                             ELSE x.masked END
                   FROM unnest(value) WITH ORDINALITY AS u(e, i),
                        LATERAL (SELECT research.mask(u.e, patterns, lengths, folded) AS masked) x
                  ORDER BY u.i) END
$$;
COMMENT ON FUNCTION research.mask_names(text[], text[], integer[], text[]) IS 'A list of names with a minor''s name replaced by « un mineur » (as the timeline lists people).';

-- One research view per table and view of public. Left out: subscribers and digests (personal
-- data: addresses, unsubscribe tokens, the messages sent), raw bytes (pages as fetched), and any
-- column whose name says it holds an address, a token or a secret.
CREATE FUNCTION veille_private.refresh_research() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    rel record;
    col record;
    cols text;
    expr text;
    masked CONSTANT text := 'm.patterns, m.lengths, m.folded';
BEGIN
    FOR rel IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'research' AND c.relkind = 'v' LOOP
        EXECUTE format('DROP VIEW IF EXISTS research.%I CASCADE', rel.relname);
    END LOOP;
    FOR rel IN SELECT c.oid, c.relname, c.relkind, obj_description(c.oid, 'pg_class') AS comment
                 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v')
                  AND c.relname NOT IN ('subscribers', 'digests')
                ORDER BY c.relname LOOP
        cols := NULL;
        FOR col IN SELECT a.attname, a.atttypid::regtype::text AS typ
                     FROM pg_attribute a
                    WHERE a.attrelid = rel.oid AND a.attnum > 0 AND NOT a.attisdropped
                      AND a.atttypid <> 'bytea'::regtype
                      AND a.attname !~* '(token|e_?mail|password|secret|recipient|key_id)'
                    ORDER BY a.attnum LOOP
            expr := CASE col.typ
                WHEN 'text' THEN format('research.mask(t.%I, %s)', col.attname, masked)
                WHEN 'character varying' THEN format('research.mask(t.%I, %s)', col.attname, masked)
                WHEN 'text[]' THEN format('research.mask_names(t.%I, %s)', col.attname, masked)
                WHEN 'jsonb' THEN format('research.mask(t.%I::text, %s)::jsonb', col.attname, masked)
                WHEN 'json' THEN format('research.mask(t.%I::text, %s)::json', col.attname, masked)
                WHEN 'tsvector' THEN format('ts_delete(t.%I, m.lexemes)', col.attname)
                ELSE format('t.%I', col.attname) END;
            cols := concat_ws(', ', cols, expr || format(' AS %I', col.attname));
        END LOOP;
        -- OFFSET 0 keeps the names a one-row subquery computed once per query, not once per row.
        EXECUTE format('CREATE VIEW research.%I AS SELECT %s FROM public.%I t '
                       'CROSS JOIN (SELECT * FROM veille_private.minor_names OFFSET 0) m',
                       rel.relname, cols, rel.relname);
        EXECUTE format('COMMENT ON VIEW research.%I IS %L', rel.relname,
                       'public.' || rel.relname || ' for readers, minors'' names masked. ' || coalesce(rel.comment, ''));
        FOR col IN SELECT a.attname, col_description(a.attrelid, a.attnum) AS comment
                     FROM pg_attribute a
                    WHERE a.attrelid = format('research.%I', rel.relname)::regclass AND a.attnum > 0 LOOP
            EXECUTE format('COMMENT ON COLUMN research.%I.%I IS %L', rel.relname, col.attname,
                           (SELECT col_description(rel.oid, a.attnum) FROM pg_attribute a
                             WHERE a.attrelid = rel.oid AND a.attname = col.attname));
        END LOOP;
        EXECUTE format('GRANT SELECT ON research.%I TO veille_reader', rel.relname);
    END LOOP;
END
$$;
COMMENT ON FUNCTION veille_private.refresh_research() IS 'Rebuild the research views from the tables and views of public (run after every migration).';

-- The raw tables are the operator's, including those made by later migrations.
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM veille_reader;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT ON TABLES FROM veille_reader;

-- No DDL for anyone but the operator: PostgreSQL 14 lets everyone create in public. Only the
-- schema's owner may revoke it; an operator who is not says so and goes on.
DO $$
BEGIN
    REVOKE CREATE ON SCHEMA public FROM PUBLIC;
    EXECUTE format('GRANT CREATE ON SCHEMA public TO %I', current_user);
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'not the owner of schema public: every role may still create there';
END
$$;

-- Advisory locks serialise veille's commands (migrations, scheduler, digests, grouping): a reader
-- holding one would freeze them. Only the operator may take them. Needs a superuser (the
-- functions belong to the system); elsewhere `veille db info` says the locks stay open.
DO $$
DECLARE
    f regprocedure;
BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RAISE NOTICE 'not a superuser: the advisory lock functions stay executable by every role';
        RETURN;
    END IF;
    FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
              WHERE p.pronamespace = 'pg_catalog'::regnamespace AND p.proname ~ '^pg_(try_)?advisory' LOOP
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', f, current_user);
    END LOOP;
END
$$;

-- Temporary tables (veille's own work uses them) for the operator only. A database's privileges
-- are not copied by CREATE DATABASE … TEMPLATE, so veille applies this again after migrating
-- (veille.db.migrate).
CREATE FUNCTION veille_private.close_database() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF has_database_privilege('veille_reader', current_database(), 'TEMPORARY')
       OR has_database_privilege('veille_reader', current_database(), 'CREATE') THEN
        EXECUTE format('REVOKE TEMPORARY, CREATE ON DATABASE %I FROM PUBLIC', current_database());
        EXECUTE format('GRANT TEMPORARY, CREATE ON DATABASE %I TO %I', current_database(), current_user);
    END IF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'not the owner of the database: temporary tables stay open to every role';
END
$$;
COMMENT ON FUNCTION veille_private.close_database() IS 'Keep temporary tables and schemas to the operator (run after every migration).';
