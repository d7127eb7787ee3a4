//! Queries on `webhook_cursors` (docs/EVENTS.md, Webhooks): per endpoint, the position of the last
//! event it took or was given up on, and which instance delivers to it now.
//!
//! The lease times are the database's own clock (`now()`), so instances whose clocks disagree
//! still agree on when a lease has run out.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Text, Uuid as SqlUuid};
use std::time::Duration;
use uuid::Uuid;

#[derive(QueryableByName)]
struct Position {
    #[diesel(sql_type = BigInt)]
    seq: i64,
}

/// Gives `endpoint` a cursor at the newest event unless it has one: a new endpoint hears of
/// what happens from now on, a known one goes on where it stopped.
pub fn ensure(conn: &mut PgConnection, endpoint: &str) -> QueryResult<()> {
    diesel::sql_query(
        "INSERT INTO webhook_cursors (endpoint, seq) \
         SELECT $1, COALESCE(MAX(seq), 0) FROM events \
         ON CONFLICT (endpoint) DO NOTHING",
    )
    .bind::<Text, _>(endpoint)
    .execute(conn)
    .map(|_| ())
}

/// Takes (or renews) the lease on `endpoint` for `owner` when nobody else holds a live one; the
/// cursor then, or `None` while another instance delivers.
pub fn acquire(
    conn: &mut PgConnection,
    endpoint: &str,
    owner: Uuid,
    lease: Duration,
) -> QueryResult<Option<i64>> {
    diesel::sql_query(
        "UPDATE webhook_cursors \
         SET lease_owner = $2, lease_until = now() + make_interval(secs => $3) \
         WHERE endpoint = $1 \
           AND (lease_owner IS NULL OR lease_owner = $2 OR lease_until < now()) \
         RETURNING seq",
    )
    .bind::<Text, _>(endpoint)
    .bind::<SqlUuid, _>(owner)
    .bind::<Double, _>(lease.as_secs_f64())
    .get_result::<Position>(conn)
    .optional()
    .map(|row| row.map(|r| r.seq))
}

/// Moves the cursor of `endpoint` to `seq` and renews the lease, if `owner` still holds it;
/// false when another instance took it over.
pub fn advance(
    conn: &mut PgConnection,
    endpoint: &str,
    owner: Uuid,
    seq: i64,
    lease: Duration,
) -> QueryResult<bool> {
    diesel::sql_query(
        "UPDATE webhook_cursors \
         SET seq = GREATEST(seq, $3), lease_until = now() + make_interval(secs => $4) \
         WHERE endpoint = $1 AND lease_owner = $2",
    )
    .bind::<Text, _>(endpoint)
    .bind::<SqlUuid, _>(owner)
    .bind::<BigInt, _>(seq)
    .bind::<Double, _>(lease.as_secs_f64())
    .execute(conn)
    .map(|rows| rows == 1)
}

/// Lets go of the lease, so another instance takes over at once rather than when it runs out.
pub fn release(conn: &mut PgConnection, endpoint: &str, owner: Uuid) -> QueryResult<()> {
    diesel::sql_query(
        "UPDATE webhook_cursors SET lease_owner = NULL, lease_until = NULL \
         WHERE endpoint = $1 AND lease_owner = $2",
    )
    .bind::<Text, _>(endpoint)
    .bind::<SqlUuid, _>(owner)
    .execute(conn)
    .map(|_| ())
}
