-- How far this database has applied auth-service's event feed (docs/EVENTS.md, Consequences):
-- one row, locked by the instance applying a page, so a page is applied once however many
-- instances follow the feed, and in order.
CREATE TABLE event_position (
    id       boolean PRIMARY KEY DEFAULT true CHECK (id),
    position bigint  NOT NULL
);
INSERT INTO event_position (position) VALUES (0);

-- Accounts deleted at auth-service, kept while a token of theirs could still be valid somewhere:
-- what such a token wrote after the erasure (on an instance that had not heard of the deletion
-- yet) is erased again by the sweep.
CREATE TABLE deleted_users (
    user_id    uuid        PRIMARY KEY,
    deleted_at timestamptz NOT NULL
);
CREATE INDEX deleted_users_deleted_at_idx ON deleted_users (deleted_at);
