-- The event log (docs/EVENTS.md): every change other systems must hear of, written in the same
-- transaction as the change. resource-service follows it (revocations, erasures, usernames) and
-- the webhook deliverers post it to the configured endpoints; each reader keeps its own position.
--
-- `seq` is the position in the log. Readers ask for "everything after seq N", so a row must never
-- become visible behind one a reader has already passed: `record_event` takes one transaction
-- lock before it draws a `seq`, so event-writing transactions draw and commit in turn, and `seq`
-- order is commit order. It is the last statement of every transaction that calls it, so the lock
-- is held only for the commit.
CREATE TABLE events (
    seq         bigserial   PRIMARY KEY,
    id          uuid        NOT NULL UNIQUE,
    kind        text        NOT NULL,
    user_id     uuid        NOT NULL,
    occurred_at timestamptz NOT NULL,
    -- Ids, names, the address and reasons; never a password, a hash or a token.
    data        jsonb       NOT NULL
);
CREATE INDEX events_occurred_at_idx ON events (occurred_at);

-- 0x6576_656e_7473 is "events": the one lock all event writers take turns on.
CREATE FUNCTION record_event(p_kind text, p_user_id uuid, p_data jsonb) RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_seq bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(x'6576656e7473'::bigint);
    INSERT INTO events (id, kind, user_id, occurred_at, data)
    VALUES (gen_random_uuid(), p_kind, p_user_id, clock_timestamp(), p_data)
    RETURNING seq INTO v_seq;
    RETURN v_seq;
END;
$$;

-- A replayed refresh token is detected inside `rotate_refresh_token`, which writes its audit row
-- as its last statement; the event follows from that row, in the same transaction.
CREATE FUNCTION refresh_reuse_event() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM record_event('refresh.reuse_detected', NEW.user_id,
        jsonb_build_object('user_id', NEW.user_id, 'session_id', NEW.session_id));
    RETURN NULL;
END;
$$;
CREATE TRIGGER refresh_reuse_event AFTER INSERT ON audit_events
    FOR EACH ROW WHEN (NEW.kind = 'refresh_reuse_detected')
    EXECUTE FUNCTION refresh_reuse_event();

-- How far each webhook endpoint has been delivered, and which instance delivers it now: an
-- instance holds an endpoint for `lease_until` and renews while it works, so exactly one
-- instance posts to it at a time and another takes over when one stops.
CREATE TABLE webhook_cursors (
    endpoint    text        PRIMARY KEY,
    seq         bigint      NOT NULL,
    lease_owner uuid,
    lease_until timestamptz
);
