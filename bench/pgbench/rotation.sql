-- One refresh rotation exactly as auth-service runs it: one call of the database function
-- rotate_refresh_token (docs/TOKENS.md, One round trip), which locks the session row, finds the
-- presented token by its hash, marks it used, inserts its successor, advances the session and
-- reads the user. A call whose outcome is not `rotated` divides by zero, so a broken chain fails
-- the run instead of passing unnoticed.
--
-- Each pgbench client walks its own session's chain, as each virtual user of the bench binary
-- does: client c has session n = c + 1 of seed.sql, whose generation-g token has the hash
-- sha256('<n>:<g>'). pgbench client variables last for the client's whole run, so :gen carries
-- the generation from one call to the next; a run starts with `-D gen=-1`, and a client that
-- sees -1 reads its session's generation once before its first call.
\set n :client_id + 1
\if :gen < 0
SELECT generation AS gen FROM sessions
  WHERE id = ('00000000-0000-4000-8000-' || lpad(:n::text, 12, '0'))::uuid \gset
\endif
\set next :gen + 1
SELECT 1 / (outcome = 'rotated')::int AS rotated FROM rotate_refresh_token(
  ('00000000-0000-4000-8000-' || lpad(:n::text, 12, '0'))::uuid,
  '00000000-0000-4000-8000-000000000000',
  sha256(convert_to(:n::text || ':' || :gen::text, 'UTF8')),
  now(), 10, gen_random_uuid(),
  sha256(convert_to(:n::text || ':' || :next::text, 'UTF8')),
  date_trunc('second', now()), date_trunc('second', now()) + interval '7 days', 'pgbench',
  NULL, NULL) \gset
\set gen :next
