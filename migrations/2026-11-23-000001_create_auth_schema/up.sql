-- Users, sessions (one per login = one refresh-token family) and the refresh tokens of each.
-- Usernames and emails are stored normalised (see auth-service/src/domain) and the database,
-- not only the code, keeps them unique and normalised.

CREATE TABLE users (
    id            uuid        PRIMARY KEY,
    username      text        NOT NULL UNIQUE
                              CHECK (username = lower(username) AND char_length(username) BETWEEN 3 AND 32),
    email         text        NOT NULL UNIQUE
                              CHECK (email = lower(email) AND octet_length(email) <= 254),
    full_name     text        NOT NULL CHECK (char_length(full_name) BETWEEN 1 AND 100),
    password_hash text        NOT NULL,
    roles         text[]      NOT NULL DEFAULT ARRAY['user']::text[],
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sessions (
    id                  uuid        PRIMARY KEY,
    user_id             uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at          timestamptz NOT NULL,
    last_used_at        timestamptz NOT NULL,
    -- The idle limit moves with every refresh; the absolute limit never does.
    idle_expires_at     timestamptz NOT NULL,
    absolute_expires_at timestamptz NOT NULL,
    revoked_at          timestamptz,
    revoked_reason      text,
    -- Generation of the session's current refresh token.
    generation          integer     NOT NULL DEFAULT 0,
    user_agent          text,
    ip                  text
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

-- Only a SHA-256 of each refresh token is stored, never the token. `(session_id, generation)` is
-- unique, so a family can never hold two tokens of one generation (two live successors).
CREATE TABLE refresh_tokens (
    jti        uuid        PRIMARY KEY,
    session_id uuid        NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    token_hash bytea       NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    generation integer     NOT NULL,
    issued_at  timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    UNIQUE (session_id, generation)
);
