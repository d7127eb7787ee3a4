DROP INDEX refresh_tokens_expires_at_idx;
DROP INDEX sessions_idle_expires_at_idx;
DROP INDEX sessions_revoked_at_idx;
DROP TABLE audit_events;
DROP TABLE login_failures;
