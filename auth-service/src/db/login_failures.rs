//! Queries on `login_failures`: failed logins per (account, address), shared by all instances.

use crate::db::schema::login_failures;
use chrono::{DateTime, Utc};
use diesel::dsl::sum;
use diesel::prelude::*;

/// Locks the (`subject`, `ip`) row until the transaction ends, creating it (no failures yet)
/// when there is none, and returns its failures and last failure. One statement: concurrent
/// attempts queue on the lock, so each sees the ones before it.
pub fn lock(conn: &mut PgConnection, subject: &str, ip: &str) -> QueryResult<(i32, DateTime<Utc>)> {
    use diesel::sql_types::{Int4, Text, Timestamptz};
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Int4)]
        failures: i32,
        #[diesel(sql_type = Timestamptz)]
        last_failed_at: DateTime<Utc>,
    }
    // `DO UPDATE` with no change still takes the row lock and returns the row.
    diesel::sql_query(
        "INSERT INTO login_failures (subject, ip, failures, last_failed_at) \
         VALUES ($1, $2, 0, $3) \
         ON CONFLICT (subject, ip) DO UPDATE SET failures = login_failures.failures \
         RETURNING failures, last_failed_at",
    )
    .bind::<Text, _>(subject)
    .bind::<Text, _>(ip)
    .bind::<Timestamptz, _>(DateTime::<Utc>::UNIX_EPOCH)
    .get_result::<Row>(conn)
    .map(|row| (row.failures, row.last_failed_at))
}

/// Sets the (locked) row's count and last failure.
pub fn set(
    conn: &mut PgConnection,
    subject: &str,
    ip: &str,
    failures: i32,
    at: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::update(login_failures::table.find((subject, ip)))
        .set((
            login_failures::failures.eq(failures),
            login_failures::last_failed_at.eq(at),
        ))
        .execute(conn)
}

/// All failures against `subject`, from any address, since `since`.
pub fn recent_for_subject(
    conn: &mut PgConnection,
    subject: &str,
    since: DateTime<Utc>,
) -> QueryResult<i64> {
    login_failures::table
        .filter(login_failures::subject.eq(subject))
        .filter(login_failures::last_failed_at.gt(since))
        .select(sum(login_failures::failures))
        .first::<Option<i64>>(conn)
        .map(|n| n.unwrap_or(0))
}

/// A successful login wipes the slate for that address.
pub fn clear(conn: &mut PgConnection, subject: &str, ip: &str) -> QueryResult<usize> {
    diesel::delete(login_failures::table.find((subject, ip))).execute(conn)
}
