-- Identity: console users, their sessions, and sign-in attempts in flight.
-- Ids are bigint identities; times are timestamptz.

CREATE TABLE console_users (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- OIDC identity; both NULL for users that do not sign in through OIDC.
    issuer             text,
    subject            text,
    email              text        NOT NULL DEFAULT '',
    email_verified     boolean     NOT NULL DEFAULT false,
    name               text        NOT NULL DEFAULT '',
    preferred_username text        NOT NULL DEFAULT '',
    picture            text        NOT NULL DEFAULT '',
    groups             text[]      NOT NULL DEFAULT '{}',
    role               text        NOT NULL DEFAULT 'member',
    -- Set when an administrator chose the role; group mapping then leaves it alone.
    role_pinned        boolean     NOT NULL DEFAULT false,
    -- The linked Headscale user (Headscale's id, kept as text).
    headscale_user_id  text,
    onboarding_done    boolean     NOT NULL DEFAULT false,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    last_login_at      timestamptz,

    CONSTRAINT console_users_role_check CHECK (role IN
        ('owner', 'admin', 'network_admin', 'it_admin', 'auditor', 'viewer', 'member')),
    CONSTRAINT console_users_oidc_identity_check CHECK ((issuer IS NULL) = (subject IS NULL)),
    CONSTRAINT console_users_issuer_subject_key UNIQUE (issuer, subject),
    CONSTRAINT console_users_headscale_user_id_key UNIQUE (headscale_user_id)
);

-- At most one owner, enforced by the database.
CREATE UNIQUE INDEX console_users_single_owner ON console_users ((true)) WHERE role = 'owner';

-- Linking by email.
CREATE INDEX console_users_email_idx ON console_users (lower(email)) WHERE email <> '';

CREATE TABLE sessions (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Hash of the cookie or bearer token; the token itself is never stored.
    token_hash         bytea       NOT NULL,
    kind               text        NOT NULL,
    console_user_id    bigint      REFERENCES console_users (id) ON DELETE CASCADE,
    -- Headscale API key of an api_key session, sealed with AES-GCM (session id as associated data).
    api_key_ciphertext bytea,
    -- Non-secret prefix of that key, for display.
    api_key_prefix     text        NOT NULL DEFAULT '',
    -- Kept for the IdP's end-session id_token_hint.
    id_token           text,
    csrf_token         text        NOT NULL,
    user_agent         text        NOT NULL DEFAULT '',
    client_ip          text        NOT NULL DEFAULT '',
    created_at         timestamptz NOT NULL DEFAULT now(),
    last_seen_at       timestamptz NOT NULL DEFAULT now(),
    -- Sliding expiry, pushed forward on use; never beyond expires_at.
    idle_expires_at    timestamptz NOT NULL,
    -- Absolute expiry.
    expires_at         timestamptz NOT NULL,

    CONSTRAINT sessions_token_hash_key UNIQUE (token_hash),
    CONSTRAINT sessions_kind_check CHECK (kind IN ('oidc', 'api_key')),
    CONSTRAINT sessions_oidc_user_check CHECK (kind <> 'oidc' OR console_user_id IS NOT NULL)
);

CREATE INDEX sessions_console_user_id_idx ON sessions (console_user_id);
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);
CREATE INDEX sessions_idle_expires_at_idx ON sessions (idle_expires_at);

CREATE TABLE login_attempts (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Hash of the OAuth state parameter; consumed on the callback.
    state_hash           bytea       NOT NULL,
    -- Hash of the pre-session cookie that ties the attempt to one browser.
    browser_binding_hash bytea       NOT NULL,
    nonce                text        NOT NULL,
    pkce_verifier        text        NOT NULL,
    return_to            text        NOT NULL DEFAULT '',
    created_at           timestamptz NOT NULL DEFAULT now(),
    expires_at           timestamptz NOT NULL,

    CONSTRAINT login_attempts_state_hash_key UNIQUE (state_hash)
);

CREATE INDEX login_attempts_expires_at_idx ON login_attempts (expires_at);
