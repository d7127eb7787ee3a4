DROP TABLE webhook_cursors;
DROP TRIGGER refresh_reuse_event ON audit_events;
DROP FUNCTION refresh_reuse_event;
DROP FUNCTION record_event;
DROP TABLE events;
