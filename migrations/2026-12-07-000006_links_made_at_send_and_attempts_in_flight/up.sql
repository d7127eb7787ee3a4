-- Password attempts still being evaluated (docs/SECURITY.md, Password guessing). An attempt is
-- counted as a failure before bcrypt runs; `in_flight` says how many of `failures` are not yet
-- decided, so an attempt that would be refused only because of those waits for them instead of
-- being refused. `in_flight_at` is when the newest one started: after a crash the count is
-- ignored once it is old, and the attempts stay counted as failures.
ALTER TABLE login_failures
    ADD COLUMN in_flight    integer NOT NULL DEFAULT 0,
    ADD COLUMN in_flight_at timestamptz;

-- No usable link at rest (docs/RECOVERY.md, Delivery): a mail that carries a link is queued
-- without its body, and the mail worker makes the token and renders the mail only when it sends
-- it. `user_id` is the account a link mail is for (a reset request finds its account by address
-- when it is sent), so a password reset or change can take back the account's unsent links.
ALTER TABLE mail_outbox
    ADD COLUMN user_id uuid REFERENCES users (id) ON DELETE CASCADE;
CREATE INDEX mail_outbox_user ON mail_outbox (user_id) WHERE user_id IS NOT NULL;

-- Mails already rendered with a live link lose their body: they are made again when sent, with
-- a new token. The tokens of the old bodies stay unused until they expire; nobody holds them.
UPDATE mail_outbox m
   SET subject = '', text_body = '', html_body = '',
       user_id = (SELECT id FROM users u
                   WHERE u.pending_email = m.recipient
                      OR (u.email = m.recipient AND NOT u.email_verified)
                   LIMIT 1)
 WHERE kind = 'email_verification';
DELETE FROM mail_outbox WHERE kind = 'email_verification' AND user_id IS NULL;
UPDATE mail_outbox SET kind = 'password_reset_request', subject = '', text_body = '',
                       html_body = ''
 WHERE kind = 'password_reset';

-- The link of the notice an email change sends to the current address: it cancels the change
-- (or undoes it, once made) without a session.
ALTER TABLE email_tokens DROP CONSTRAINT email_tokens_purpose_check;
ALTER TABLE email_tokens ADD CONSTRAINT email_tokens_purpose_check
    CHECK (purpose IN ('password_reset', 'email_verification', 'email_change_cancel'));
