-- The least a refresh rotation can be, as the reference for P2 (docs/BENCHMARKS.md): lock the
-- presented token's row, found by its hash as the service finds it, mark it used, insert its
-- successor. Nothing else: no session row, no user read.
--
-- Each pgbench client walks its own chain, on sessions apart from rotation.sql's: client c has
-- session n = c + 1001 of seed.sql, whose generation-g token has the hash sha256('<n>:<g>').
-- The sessions row is never updated here, so the generation the client presents next cannot
-- come from it; pgbench client variables last for the client's whole run (every transaction
-- of it), so :gen carries it from one transaction to the next. A new run starts without it:
-- pgbench is run with `-D gen=-1`, and a client that sees -1 looks its chain's unused token up
-- once, by session, before its first transaction. That one lookup per client and run, outside
-- BEGIN/COMMIT, is all this script does besides the rotation itself. The chain advances only
-- on COMMIT, so a run cut short leaves one unused token per chain for the next.
\set n :client_id + 1001
\if :gen < 0
SELECT generation AS gen FROM refresh_tokens
  WHERE session_id = ('00000000-0000-4000-8000-' || lpad(:n::text, 12, '0'))::uuid
    AND used_at IS NULL
  ORDER BY generation DESC LIMIT 1 \gset
\endif
BEGIN;
SELECT jti AS tjti, session_id AS tsid, generation AS gen FROM refresh_tokens
  WHERE token_hash = sha256(convert_to(:n::text || ':' || :gen::text, 'UTF8')) FOR UPDATE \gset
UPDATE refresh_tokens SET used_at = now() WHERE jti = :tjti;
\set next :gen + 1
INSERT INTO refresh_tokens (jti, session_id, token_hash, generation, issued_at, expires_at)
  VALUES (gen_random_uuid(), :tsid, sha256(convert_to(:n::text || ':' || :next::text, 'UTF8')),
          :next, now(), now() + interval '7 days');
END;
\set gen :next
