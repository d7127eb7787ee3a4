//! Queries on `login_failures`: failed logins per (account, address), shared by all instances.

use crate::db::schema::login_failures;
use chrono::{DateTime, Utc};
use diesel::dsl::sum;
use diesel::prelude::*;

/// Failures of `subject` from `ip` since `since`, and when the last one was.
pub fn recent(
    conn: &mut PgConnection,
    subject: &str,
    ip: &str,
    since: DateTime<Utc>,
) -> QueryResult<Option<(i32, DateTime<Utc>)>> {
    login_failures::table
        .find((subject, ip))
        .filter(login_failures::last_failed_at.gt(since))
        .select((login_failures::failures, login_failures::last_failed_at))
        .first(conn)
        .optional()
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

/// Counts one more failure; a count whose last failure is older than `window_start` starts over.
/// Returns the new count.
pub fn record(
    conn: &mut PgConnection,
    subject: &str,
    ip: &str,
    now: DateTime<Utc>,
    window_start: DateTime<Utc>,
) -> QueryResult<i32> {
    use diesel::sql_types::{Int4, Text, Timestamptz};
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = Int4)]
        failures: i32,
    }
    diesel::sql_query(
        "INSERT INTO login_failures (subject, ip, failures, last_failed_at) VALUES ($1, $2, 1, $3) \
         ON CONFLICT (subject, ip) DO UPDATE SET \
           failures = CASE WHEN login_failures.last_failed_at < $4 THEN 1 \
                           ELSE login_failures.failures + 1 END, \
           last_failed_at = EXCLUDED.last_failed_at \
         RETURNING failures",
    )
    .bind::<Text, _>(subject)
    .bind::<Text, _>(ip)
    .bind::<Timestamptz, _>(now)
    .bind::<Timestamptz, _>(window_start)
    .get_result::<Count>(conn)
    .map(|c| c.failures)
}

/// A successful login wipes the slate for that address.
pub fn clear(conn: &mut PgConnection, subject: &str, ip: &str) -> QueryResult<usize> {
    diesel::delete(login_failures::table.find((subject, ip))).execute(conn)
}
