//! How many statements a login's session start and a refresh send to PostgreSQL (docs/TOKENS.md,
//! One round trip), counted by Diesel's instrumentation on the connection they run on: one each
//! in every outcome, two only when the session's absolute limit cuts a successor's lifetime short.

use crate::helpers::spawn_app;
use auth_service::account::throttle::ThrottlePolicy;
use auth_service::account::{reserve, Reserved};
use auth_service::db::users;
use auth_service::domain::ClientInfo;
use auth_service::issuer::Issuer;
use auth_service::sessions::family::{rotate, start, Granted, Rotation};
use auth_service::startup::issuer_settings;
use chrono::Utc;
use diesel::connection::InstrumentationEvent;
use diesel::prelude::*;
use shared_tokens::AccessPolicy;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Counts every statement and transaction command the connection sends.
#[derive(Clone, Default)]
struct Statements(Arc<AtomicUsize>);

impl Statements {
    fn on(conn: &mut PgConnection) -> Self {
        let counter = Self::default();
        let count = counter.0.clone();
        conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
            if matches!(
                event,
                InstrumentationEvent::StartQuery { .. }
                    | InstrumentationEvent::BeginTransaction { .. }
                    | InstrumentationEvent::CommitTransaction { .. }
            ) {
                count.fetch_add(1, Ordering::SeqCst);
            }
        });
        counter
    }

    /// The count since the last call.
    fn take(&self) -> usize {
        self.0.swap(0, Ordering::SeqCst)
    }
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

fn failure_rows(conn: &mut PgConnection) -> i64 {
    diesel::sql_query("SELECT count(*) AS n FROM login_failures")
        .get_result::<Count>(conn)
        .unwrap()
        .n
}

struct Family {
    issuer: Issuer,
    client: ClientInfo,
    tokens: Vec<String>,
}

impl Family {
    fn present(&mut self, conn: &mut PgConnection, index: usize) -> Rotation {
        let token = self.tokens[index].clone();
        let claims = self.issuer.verify_refresh(&token).unwrap();
        let rotation = rotate(conn, &self.issuer, &token, &claims, &self.client).unwrap();
        if let Rotation::Rotated(Granted { refresh_token, .. }) = &rotation {
            self.tokens.push(refresh_token.clone());
        }
        rotation
    }
}

#[actix_web::test]
async fn a_session_start_and_every_outcome_of_a_refresh_are_one_statement_each() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;
    let access = Arc::new(AccessPolicy::from_config(&app.settings.access));
    let mut issuer = Issuer::new(issuer_settings(&app.settings), access).unwrap();
    issuer.reuse_grace = Duration::from_secs(3600);
    let mut conn = app.db.connect();
    let row = users::find(&mut conn, user.id).unwrap();
    let client = ClientInfo::default();
    // A login that passed the throttle: its reserved attempt is wiped in the same statement.
    let policy = ThrottlePolicy { max_failures: 5 };
    let Some(Reserved::Allowed(attempt)) =
        reserve(&mut conn, &policy, "alice", "192.0.2.1", Utc::now()).unwrap()
    else {
        panic!("the first attempt was throttled");
    };
    assert_eq!(failure_rows(&mut conn), 1);
    let statements = Statements::on(&mut conn);
    let first = start(
        &mut conn,
        &issuer,
        row,
        &client,
        Some(attempt.throttle_row()),
    )
    .unwrap();
    assert_eq!(statements.take(), 1, "the session start");
    assert_eq!(
        failure_rows(&mut conn),
        0,
        "the reserved attempt is taken back"
    );
    statements.take();
    let mut family = Family {
        issuer,
        client,
        tokens: vec![first.refresh_token],
    };

    assert!(matches!(family.present(&mut conn, 0), Rotation::Rotated(_)));
    assert_eq!(statements.take(), 1, "rotation");
    assert!(matches!(family.present(&mut conn, 1), Rotation::Rotated(_)));
    assert_eq!(statements.take(), 1, "the next rotation");
    assert!(matches!(
        family.present(&mut conn, 1),
        Rotation::Reissued(_)
    ));
    assert_eq!(statements.take(), 1, "the grace re-issue");
    assert!(matches!(
        family.present(&mut conn, 0),
        Rotation::ReuseDetected { .. }
    ));
    assert_eq!(
        statements.take(),
        1,
        "reuse, with its revocation and audit event"
    );
    let token = family.tokens[2].clone();
    let claims = family.issuer.verify_refresh(&token).unwrap();
    assert!(rotate(&mut conn, &family.issuer, &token, &claims, &family.client).is_err());
    assert_eq!(statements.take(), 1, "a refusal");
}

#[actix_web::test]
async fn near_the_absolute_limit_a_refresh_is_two_statements_and_ends_at_the_limit() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;
    let access = Arc::new(AccessPolicy::from_config(&app.settings.access));
    let mut issuer = Issuer::new(issuer_settings(&app.settings), access).unwrap();
    // The session ends well before a refresh lifetime from now.
    issuer.session_max_lifetime = issuer.refresh_expiry / 2;
    let mut conn = app.db.connect();
    let row = users::find(&mut conn, user.id).unwrap();
    let client = ClientInfo::default();
    let first = start(&mut conn, &issuer, row, &client, None).unwrap();
    let limit = first.refresh_expires_at;
    let mut family = Family {
        issuer,
        client,
        tokens: vec![first.refresh_token],
    };
    let statements = Statements::on(&mut conn);

    let Rotation::Rotated(granted) = family.present(&mut conn, 0) else {
        panic!("the current token did not rotate");
    };
    assert_eq!(statements.take(), 2);
    assert_eq!(granted.refresh_expires_at, limit);
    let claims = family
        .issuer
        .verify_refresh(&granted.refresh_token)
        .unwrap();
    assert_eq!(
        claims.exp, limit,
        "the successor's exp is the session's limit"
    );
}
