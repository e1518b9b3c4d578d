-- Personal API tokens for scripts. Only the SHA-256 of a token is kept; the
-- token is 32 random bytes, so a fast hash is enough to make it unguessable
-- from the database. A token dies with its creator.
CREATE TABLE api_tokens (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash      bytea       NOT NULL,
    -- "hw_" and the token's next 8 characters, for display.
    prefix          text        NOT NULL,
    console_user_id bigint      NOT NULL REFERENCES console_users (id) ON DELETE CASCADE,
    name            text        NOT NULL,
    role            text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    last_used_at    timestamptz,
    revoked_at      timestamptz,

    CONSTRAINT api_tokens_token_hash_key UNIQUE (token_hash)
);
CREATE INDEX api_tokens_console_user_id_idx ON api_tokens (console_user_id);

-- One row per change or sign-in attempt. Actors are copied in, not referenced,
-- so that the record outlives the console users, keys and tokens it names.
CREATE TABLE audit_events (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at            timestamptz NOT NULL DEFAULT now(),
    actor_type    text        NOT NULL,
    actor_name    text        NOT NULL DEFAULT '',
    actor_user_id bigint,
    actor_role    text        NOT NULL DEFAULT '',
    action        text        NOT NULL,
    target_type   text        NOT NULL DEFAULT '',
    target_id     text        NOT NULL DEFAULT '',
    before        jsonb,
    after         jsonb,
    diff          text        NOT NULL DEFAULT '',
    result        text        NOT NULL,
    error_code    text        NOT NULL DEFAULT '',
    request_id    text        NOT NULL DEFAULT '',
    client_ip     text        NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_at_idx ON audit_events (at);
CREATE INDEX audit_events_action_idx ON audit_events (action, id);
CREATE INDEX audit_events_target_idx ON audit_events (target_type, target_id, id);
CREATE INDEX audit_events_actor_idx ON audit_events (actor_name, id);
