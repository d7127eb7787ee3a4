-- How far this database has applied auth-service's event feed (docs/EVENTS.md, Consequences):
-- one row, locked by the instance applying a page, so a page is applied once however many
-- instances follow the feed, and in order.
CREATE TABLE event_position (
    id       boolean PRIMARY KEY DEFAULT true CHECK (id),
    position bigint  NOT NULL
);
INSERT INTO event_position (position) VALUES (0);
