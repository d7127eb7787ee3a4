-- One refresh rotation, statement for statement what auth-service runs in one transaction
-- (auth-service/src/rotation.rs `rotate`): lock the session row, find the presented token by
-- its hash, mark it used, insert its successor, advance the session, read the user. Each pgbench
-- client walks its own session's chain, as each virtual user of the bench binary does.
\set n :client_id + 1
BEGIN;
SELECT id AS sid, user_id AS uid, generation AS gen FROM sessions
  WHERE id = ('00000000-0000-4000-8000-' || lpad(:n::text, 12, '0'))::uuid LIMIT 1 FOR UPDATE \gset
SELECT jti AS tjti FROM refresh_tokens
  WHERE token_hash = sha256(convert_to(:n::text || ':' || :gen::text, 'UTF8'))
    AND session_id = :sid LIMIT 1 \gset
UPDATE refresh_tokens SET used_at = now() WHERE jti = :tjti;
\set next :gen + 1
INSERT INTO refresh_tokens (jti, session_id, token_hash, generation, issued_at, expires_at)
  VALUES (gen_random_uuid(), :sid, sha256(convert_to(:n::text || ':' || :next::text, 'UTF8')),
          :next, now(), now() + interval '7 days');
UPDATE sessions SET generation = :next, last_used_at = now(),
                    idle_expires_at = now() + interval '7 days'
  WHERE id = :sid;
SELECT * FROM users WHERE id = :uid LIMIT 1;
END;
