//! The cleanup task: removes what is dead or stale, and nothing else.

use crate::helpers::spawn_app;
use auth_service::cleanup::{run_once, Retention};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Uuid as SqlUuid};
use service_kit::database::pool as build_pool;
use std::time::Duration;
use uuid::Uuid;

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn count(conn: &mut PgConnection, sql: &str) -> i64 {
    diesel::sql_query(sql).get_result::<Count>(conn).unwrap().n
}

fn exec(conn: &mut PgConnection, sql: &str, id: Uuid) {
    diesel::sql_query(sql)
        .bind::<SqlUuid, _>(id)
        .execute(conn)
        .unwrap();
}

#[actix_web::test]
async fn cleanup_removes_dead_sessions_expired_tokens_and_stale_rows_and_keeps_the_rest() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;
    let live = app.login_as(&user).await;
    let rotated = app.refreshed(&live.refresh).await;
    let revoked_long_ago = app.login_as(&user).await;
    let revoked_recently = app.login_as(&user).await;
    let expired = app.login_as(&user).await;

    let mut conn = app.db.connect();
    exec(
        &mut conn,
        "UPDATE sessions SET revoked_at = now() - interval '8 days' WHERE id = $1",
        revoked_long_ago.session_id,
    );
    exec(
        &mut conn,
        "UPDATE sessions SET revoked_at = now() - interval '1 hour' WHERE id = $1",
        revoked_recently.session_id,
    );
    exec(
        &mut conn,
        "UPDATE sessions SET idle_expires_at = now() - interval '9 days' WHERE id = $1",
        expired.session_id,
    );
    // The live session's first (used) token expired long ago; its current one did not.
    exec(
        &mut conn,
        "UPDATE refresh_tokens SET expires_at = now() - interval '8 days' \
         WHERE session_id = $1 AND generation = 0",
        live.session_id,
    );
    diesel::sql_query(
        "INSERT INTO login_failures VALUES ('old', '1.1.1.1', 3, now() - interval '2 hours'), \
         ('recent', '1.1.1.1', 3, now() - interval '5 minutes')",
    )
    .execute(&mut conn)
    .unwrap();
    diesel::sql_query(
        "INSERT INTO audit_events (at, kind) VALUES (now() - interval '100 days', 'old')",
    )
    .execute(&mut conn)
    .unwrap();
    let audit_before = count(&mut conn, "SELECT count(*) AS n FROM audit_events");
    // The registration's event is recent; one from long ago goes.
    diesel::sql_query(
        "INSERT INTO events (id, kind, user_id, occurred_at, data) \
         VALUES (gen_random_uuid(), 'user.created', gen_random_uuid(), now() - interval '8 days', '{}')",
    )
    .execute(&mut conn)
    .unwrap();
    let events_before = count(&mut conn, "SELECT count(*) AS n FROM events");

    let pool = build_pool(app.db.url(), 2);
    let retention = Retention {
        sessions_and_tokens: Duration::from_secs(7 * 86_400),
        audit_events: Duration::from_secs(90 * 86_400),
        events: Duration::from_secs(7 * 86_400),
    };
    let report = run_once(&pool, retention).await.unwrap();
    assert_eq!(report.sessions, 2, "{report:?}");
    assert_eq!(report.refresh_tokens, 1, "{report:?}");
    assert_eq!(report.login_failures, 1, "{report:?}");
    assert_eq!(report.audit_events, 1, "{report:?}");
    assert_eq!(report.events, 1, "{report:?}");
    assert_eq!(
        count(&mut conn, "SELECT count(*) AS n FROM events"),
        events_before - 1
    );

    let remaining = |conn: &mut PgConnection, id: Uuid| {
        diesel::sql_query("SELECT count(*) AS n FROM sessions WHERE id = $1")
            .bind::<SqlUuid, _>(id)
            .get_result::<Count>(conn)
            .unwrap()
            .n
    };
    assert_eq!(remaining(&mut conn, live.session_id), 1);
    assert_eq!(remaining(&mut conn, revoked_recently.session_id), 1);
    assert_eq!(remaining(&mut conn, revoked_long_ago.session_id), 0);
    assert_eq!(remaining(&mut conn, expired.session_id), 0);
    assert_eq!(
        count(
            &mut conn,
            "SELECT count(*) AS n FROM login_failures WHERE subject = 'recent'"
        ),
        1
    );
    assert_eq!(
        count(&mut conn, "SELECT count(*) AS n FROM audit_events"),
        audit_before - 1
    );
    // The live session still rotates: nothing it needs was removed.
    app.refreshed(&rotated.refresh).await;

    // A second pass finds nothing more to do.
    let again = run_once(&pool, retention).await.unwrap();
    assert_eq!(again, Default::default());
}
