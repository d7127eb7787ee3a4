-- Seeds the pgbench side of P2 in the very tables auth-service uses (scripts/bench.sh applies the
-- auth-service migration first): one user and 2000 sessions, each holding its current refresh
-- token (generation 0). Session n has the id 00000000-0000-4000-8000-<n in 12 digits>, and the
-- token of generation g has the hash sha256('<n>:<g>'), so the scripts can find it the way the
-- service does: by hash. Sessions 1-1000 are rotation.sql's (pgbench client_id + 1), 1001-2000
-- minimal_rotation.sql's (client_id + 1001): that script does not advance the session row,
-- so the two must not share chains.
INSERT INTO users (id, username, email, full_name, password_hash)
VALUES ('00000000-0000-4000-8000-000000000000', 'pgbench', 'pgbench@example.com', 'pgbench',
        'not a password hash');

INSERT INTO sessions (id, user_id, created_at, last_used_at, idle_expires_at, absolute_expires_at,
                      generation, authenticated_at)
SELECT ('00000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid,
       '00000000-0000-4000-8000-000000000000', now(), now(), now() + interval '7 days',
       now() + interval '30 days', 0, now()
FROM generate_series(1, 2000) AS n;

INSERT INTO refresh_tokens (jti, session_id, token_hash, generation, issued_at, expires_at)
SELECT gen_random_uuid(), ('00000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid,
       sha256(convert_to(n::text || ':0', 'UTF8')), 0, now(), now() + interval '7 days'
FROM generate_series(1, 2000) AS n;

VACUUM ANALYZE;
