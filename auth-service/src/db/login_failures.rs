//! Queries on `login_failures`: failed logins per (account, address), shared by all instances.

use crate::db::schema::login_failures;
use chrono::{DateTime, Utc};
use diesel::dsl::sum;
use diesel::prelude::*;

/// A (`subject`, `ip`) row as [`lock`] finds it.
pub struct FailureRow {
    pub failures: i32,
    pub last_failed_at: DateTime<Utc>,
    /// How many of `failures` are attempts not yet decided, and when the newest one started.
    pub in_flight: i32,
    pub in_flight_at: Option<DateTime<Utc>>,
}

/// Locks the (`subject`, `ip`) row until the transaction ends, creating it (no failures yet)
/// when there is none, and returns it. One statement: concurrent attempts queue on the lock, so
/// each sees the ones before it.
pub fn lock(conn: &mut PgConnection, subject: &str, ip: &str) -> QueryResult<FailureRow> {
    use diesel::sql_types::{Int4, Nullable, Text, Timestamptz};
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Int4)]
        failures: i32,
        #[diesel(sql_type = Timestamptz)]
        last_failed_at: DateTime<Utc>,
        #[diesel(sql_type = Int4)]
        in_flight: i32,
        #[diesel(sql_type = Nullable<Timestamptz>)]
        in_flight_at: Option<DateTime<Utc>>,
    }
    // `DO UPDATE` with no change still takes the row lock and returns the row.
    diesel::sql_query(
        "INSERT INTO login_failures (subject, ip, failures, last_failed_at) \
         VALUES ($1, $2, 0, $3) \
         ON CONFLICT (subject, ip) DO UPDATE SET failures = login_failures.failures \
         RETURNING failures, last_failed_at, in_flight, in_flight_at",
    )
    .bind::<Text, _>(subject)
    .bind::<Text, _>(ip)
    .bind::<Timestamptz, _>(DateTime::<Utc>::UNIX_EPOCH)
    .get_result::<Row>(conn)
    .map(|row| FailureRow {
        failures: row.failures,
        last_failed_at: row.last_failed_at,
        in_flight: row.in_flight,
        in_flight_at: row.in_flight_at,
    })
}

/// Counts one more attempt on the (locked) row: as a failure, and as undecided.
pub fn count_attempt(
    conn: &mut PgConnection,
    subject: &str,
    ip: &str,
    failures: i32,
    in_flight: i32,
    at: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::update(login_failures::table.find((subject, ip)))
        .set((
            login_failures::failures.eq(failures),
            login_failures::last_failed_at.eq(at),
            login_failures::in_flight.eq(in_flight),
            login_failures::in_flight_at.eq(at),
        ))
        .execute(conn)
}

/// An attempt turned out wrong: it stays counted as a failure and is no longer undecided.
pub fn settle_failure(conn: &mut PgConnection, subject: &str, ip: &str) -> QueryResult<usize> {
    diesel::update(login_failures::table.find((subject, ip)))
        .set(
            login_failures::in_flight.eq(diesel::dsl::sql::<diesel::sql_types::Int4>(
                "greatest(in_flight - 1, 0)",
            )),
        )
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
/// The row a password attempt is counted in: the throttle's subject and the address's key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThrottleRow {
    pub subject: String,
    pub ip: String,
}

pub fn clear(conn: &mut PgConnection, subject: &str, ip: &str) -> QueryResult<usize> {
    diesel::delete(login_failures::table.find((subject, ip))).execute(conn)
}
