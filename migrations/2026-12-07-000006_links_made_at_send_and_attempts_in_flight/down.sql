-- Unsent link mails have no body to go back to: the older code would send them empty. Reset
-- requests it resolves itself; the rest are dropped (their owners can ask again).
DELETE FROM mail_outbox WHERE text_body = '' AND kind <> 'password_reset_request';
DELETE FROM email_tokens WHERE purpose = 'email_change_cancel';
ALTER TABLE email_tokens DROP CONSTRAINT email_tokens_purpose_check;
ALTER TABLE email_tokens ADD CONSTRAINT email_tokens_purpose_check
    CHECK (purpose IN ('password_reset', 'email_verification'));
DROP INDEX mail_outbox_user;
ALTER TABLE mail_outbox DROP COLUMN user_id;
ALTER TABLE login_failures DROP COLUMN in_flight, DROP COLUMN in_flight_at;
