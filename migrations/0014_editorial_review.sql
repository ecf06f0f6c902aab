-- Editorial review: the corrections editors make in `veille serve`, kept forever and applied by the
-- cases stage at every recomputation (cases/corrections.py), what the reports publish, and the
-- accounts, sessions and audit log of the web application (veille/accounts.py).

CREATE TABLE corrections (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    target_kind  text NOT NULL CHECK (target_kind IN ('entry', 'document', 'case')),
    target       text NOT NULL,
    anchors      jsonb NOT NULL DEFAULT '[]'::jsonb,
    action       text NOT NULL CHECK (action IN ('approve', 'hide', 'redate', 'rekind', 'reheadline', 'move',
                                                 'off_topic', 'passing', 'rename', 'merge', 'undo')),
    before       jsonb,
    after        jsonb,
    reason       text,
    author_email text NOT NULL,
    author_name  text,
    made_at      timestamptz NOT NULL DEFAULT now(),
    base_version integer NOT NULL DEFAULT 0,
    undoes       bigint REFERENCES corrections (id),
    undone_by    bigint REFERENCES corrections (id),
    status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'applied', 'orphan')),
    checked_at   timestamptz
);
COMMENT ON TABLE corrections IS 'Every correction an editor made in veille serve (approve, hide, re-date …), never deleted: the cases stage applies those not undone at every recomputation, so re-crawling and re-analysis keep them.';
COMMENT ON COLUMN corrections.id IS 'Correction number, in the order they were made.';
COMMENT ON COLUMN corrections.target_kind IS 'What it corrects: entry (a happening), document, or case.';
COMMENT ON COLUMN corrections.target IS 'The target: a happening''s key as the grouping computed it (happenings.key), a document''s canonical URL, or a case''s slug.';
COMMENT ON COLUMN corrections.anchors IS 'For an entry: the reports it was made on, [{"url": canonical URL, "evidence": sentence, "kind": event kind}], to find the entry again if its key changes.';
COMMENT ON COLUMN corrections.action IS 'approve, hide, redate, rekind, reheadline, move (to another case), off_topic or passing (a document), rename or merge (a case), undo (of the correction in undoes).';
COMMENT ON COLUMN corrections.before IS 'The target''s values before the correction, as JSON.';
COMMENT ON COLUMN corrections.after IS 'The values the correction sets, as JSON.';
COMMENT ON COLUMN corrections.reason IS 'Why, in the editor''s words.';
COMMENT ON COLUMN corrections.author_email IS 'Who made it (the account''s address; kept when the account is removed).';
COMMENT ON COLUMN corrections.author_name IS 'The name of who made it, as the published page says it.';
COMMENT ON COLUMN corrections.made_at IS 'When it was made.';
COMMENT ON COLUMN corrections.base_version IS 'The version of the target it was made on (the number of corrections of that target before it): a second edit made on the same version is refused.';
COMMENT ON COLUMN corrections.undoes IS 'For an undo: the correction it cancels.';
COMMENT ON COLUMN corrections.undone_by IS 'The undo that cancelled this correction (NULL: in force).';
COMMENT ON COLUMN corrections.status IS 'pending until the next recomputation, then applied, or orphan when its target was not found (listed for the editors, never dropped).';
COMMENT ON COLUMN corrections.checked_at IS 'When the latest recomputation checked it.';
CREATE INDEX corrections_target_idx ON corrections (target_kind, target);

ALTER TABLE happenings ADD COLUMN hidden boolean NOT NULL DEFAULT false;
ALTER TABLE happenings ADD COLUMN hidden_reason text;
ALTER TABLE happenings ADD COLUMN review text NOT NULL DEFAULT 'new' CHECK (review IN ('new', 'approved', 'changed'));
ALTER TABLE happenings ADD COLUMN approved_by text;
ALTER TABLE happenings ADD COLUMN approved_at timestamptz;
ALTER TABLE happenings ADD COLUMN version integer NOT NULL DEFAULT 0;
ALTER TABLE happenings ADD COLUMN computed jsonb;
ALTER TABLE happenings ADD COLUMN dossiers text[] NOT NULL DEFAULT '{}';
COMMENT ON COLUMN happenings.hidden IS 'True when an editor hid it: never published.';
COMMENT ON COLUMN happenings.hidden_reason IS 'Why the editor hid it.';
COMMENT ON COLUMN happenings.review IS 'new (never approved), approved (approved as it stands), changed (approved once, changed since by the computation or another correction).';
COMMENT ON COLUMN happenings.approved_by IS 'Name of the editor whose approval is in force.';
COMMENT ON COLUMN happenings.approved_at IS 'When that approval was made.';
COMMENT ON COLUMN happenings.version IS 'Number of corrections made on it so far (corrections.base_version of the next one).';
COMMENT ON COLUMN happenings.computed IS 'What the grouping computed before the editors'' corrections (case, date, precision, kind, summary), as JSON; NULL when nothing was corrected.';
COMMENT ON COLUMN happenings.dossiers IS 'The dossiers its reports belong to (document_dossiers of their documents), as of the latest computation: what the review queue of each dossier lists.';
CREATE INDEX happenings_review_idx ON happenings (review) WHERE current AND NOT hidden AND NOT context;

CREATE TABLE users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         text NOT NULL UNIQUE,
    name          text,
    role          text NOT NULL CHECK (role IN ('editor', 'viewer')),
    password_hash text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    password_changed_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE users IS 'Accounts of veille serve: editors correct and approve, viewers read.';
COMMENT ON COLUMN users.id IS 'Account number.';
COMMENT ON COLUMN users.email IS 'Address the account logs in with (lower case).';
COMMENT ON COLUMN users.name IS 'Name shown for the account (« approuvé par … »).';
COMMENT ON COLUMN users.role IS 'editor or viewer.';
COMMENT ON COLUMN users.password_hash IS 'Argon2id hash of the password (argon2-cffi).';
COMMENT ON COLUMN users.created_at IS 'When the account was created.';
COMMENT ON COLUMN users.password_changed_at IS 'When the password was last set: sessions opened before are closed.';

CREATE TABLE sessions (
    token_hash   text PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token   text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL
);
COMMENT ON TABLE sessions IS 'Open sessions of veille serve (the cookie holds the token, the table only its hash).';
COMMENT ON COLUMN sessions.token_hash IS 'SHA-256 of the session cookie''s token.';
COMMENT ON COLUMN sessions.user_id IS 'The account.';
COMMENT ON COLUMN sessions.csrf_token IS 'The token every form of the session carries.';
COMMENT ON COLUMN sessions.created_at IS 'When the session was opened.';
COMMENT ON COLUMN sessions.expires_at IS 'When it ends.';

CREATE TABLE login_attempts (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email     text NOT NULL,
    address   text,
    ok        boolean NOT NULL,
    at        timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE login_attempts IS 'Login attempts, to throttle guessing (five failures for an address in a quarter of an hour lock it for that long).';
COMMENT ON COLUMN login_attempts.id IS 'Attempt number.';
COMMENT ON COLUMN login_attempts.email IS 'The address given.';
COMMENT ON COLUMN login_attempts.address IS 'The client''s IP address.';
COMMENT ON COLUMN login_attempts.ok IS 'Whether the password was right.';
COMMENT ON COLUMN login_attempts.at IS 'When.';
CREATE INDEX login_attempts_email_idx ON login_attempts (email, at);

CREATE TABLE audit_log (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    user_email text,
    action     text NOT NULL,
    target     text,
    detail     jsonb NOT NULL DEFAULT '{}'::jsonb,
    address    text
);
COMMENT ON TABLE audit_log IS 'Every action of veille serve and veille users (logins, corrections, accounts), never deleted: veille users log.';
COMMENT ON COLUMN audit_log.id IS 'Entry number.';
COMMENT ON COLUMN audit_log.at IS 'When.';
COMMENT ON COLUMN audit_log.user_email IS 'Who (NULL: the operator on the command line, or a failed login).';
COMMENT ON COLUMN audit_log.action IS 'What: login, login_failed, login_throttled, logout, correction, undo, user_added, user_removed, password_changed, unsubscribed.';
COMMENT ON COLUMN audit_log.target IS 'What it was done to (an entry''s key, an address …).';
COMMENT ON COLUMN audit_log.detail IS 'Details as JSON.';
COMMENT ON COLUMN audit_log.address IS 'The client''s IP address.';

-- Accounts, sessions, attempts and the audit log are personal data: closed to researchers, like
-- subscribers and digests (the research views are rebuilt from this list after every migration).
DO $$
DECLARE
    body text := pg_get_functiondef('veille_private.refresh_research()'::regprocedure);
    old CONSTANT text := $q$('subscribers', 'digests')$q$;
BEGIN
    IF position(old IN body) = 0 THEN
        RAISE EXCEPTION 'veille_private.refresh_research() no longer lists its closed tables as expected';
    END IF;
    EXECUTE replace(body, old, $q$('subscribers', 'digests', 'users', 'sessions', 'login_attempts', 'audit_log')$q$);
END
$$;
