-- Failed logins per (account, client address), shared by every instance. `subject` is the user id
-- of an existing account, or a hash of the identifier typed for one that does not exist, so both
-- are throttled the same way.
CREATE TABLE login_failures (
    subject        text        NOT NULL,
    ip             text        NOT NULL,
    failures       integer     NOT NULL,
    last_failed_at timestamptz NOT NULL,
    PRIMARY KEY (subject, ip)
);
CREATE INDEX login_failures_last_failed_at_idx ON login_failures (last_failed_at);

-- The audit trail: written in the same transaction as the event it records. No foreign key, so
-- the record of a deleted account stays. Never a password or a token in `detail`.
CREATE TABLE audit_events (
    id         bigserial   PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    kind       text        NOT NULL,
    user_id    uuid,
    session_id uuid,
    ip         text,
    user_agent text,
    detail     jsonb
);
CREATE INDEX audit_events_at_idx ON audit_events (at);
CREATE INDEX audit_events_user_id_idx ON audit_events (user_id);

-- Cleanup finds dead sessions and expired tokens without scanning everything.
CREATE INDEX sessions_revoked_at_idx ON sessions (revoked_at) WHERE revoked_at IS NOT NULL;
CREATE INDEX sessions_idle_expires_at_idx ON sessions (idle_expires_at);
CREATE INDEX refresh_tokens_expires_at_idx ON refresh_tokens (expires_at);
