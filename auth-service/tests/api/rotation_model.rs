//! Property: random sequences of refresh, replay of an old token and logout, run
//! against the real rotation code and database, agree with a simple model and never leave more
//! than one live refresh token in a session.

use crate::helpers::spawn_app;
use auth_service::db::{sessions, users};
use auth_service::domain::ClientInfo;
use auth_service::issuer::{token_hash, Issuer};
use auth_service::sessions::family::{rotate, start, Rotation};
use auth_service::sessions::SessionError;
use auth_service::startup::issuer_settings;
use diesel::prelude::*;
use diesel::sql_types::{Bytea, Uuid as SqlUuid};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use shared_tokens::AccessPolicy;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

#[derive(Debug, Clone)]
enum Op {
    /// Present the current token.
    Refresh,
    /// Present an older token (which one: an index into the older ones).
    Replay(prop::sample::Index),
    Logout,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => Just(Op::Refresh),
        2 => any::<prop::sample::Index>().prop_map(Op::Replay),
        1 => Just(Op::Logout),
    ]
}

#[derive(QueryableByName)]
struct LiveToken {
    #[diesel(sql_type = Bytea)]
    token_hash: Vec<u8>,
}

/// Tokens that would rotate right now: current generation, unused, in a session not revoked.
fn live_tokens(conn: &mut PgConnection, session_id: Uuid) -> Vec<Vec<u8>> {
    diesel::sql_query(
        "SELECT t.token_hash FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id \
         WHERE s.id = $1 AND s.revoked_at IS NULL AND t.generation = s.generation \
         AND t.used_at IS NULL",
    )
    .bind::<SqlUuid, _>(session_id)
    .load::<LiveToken>(conn)
    .unwrap()
    .into_iter()
    .map(|t| t.token_hash)
    .collect()
}

#[actix_web::test]
async fn random_refresh_replay_logout_sequences_keep_at_most_one_live_token() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;
    // TestRunner wants an `Fn`; the connection is borrowed mutably per case.
    let conn = std::cell::RefCell::new(app.db.connect());
    let access = Arc::new(AccessPolicy::from_config(&app.settings.access));

    let mut runner = TestRunner::new(Config {
        cases: 48,
        ..Config::default()
    });
    let strategy = (prop::collection::vec(op(), 1..14), any::<bool>());
    runner
        .run(&strategy, |(ops, with_grace)| {
            let mut issuer = Issuer::new(issuer_settings(&app.settings), access.clone()).unwrap();
            issuer.reuse_grace = if with_grace {
                Duration::from_secs(3600)
            } else {
                Duration::ZERO
            };
            let client = ClientInfo::default();
            let mut conn = conn.borrow_mut();
            let conn = &mut *conn;
            let row = users::find(conn, user.id).unwrap();
            let granted = start(conn, &issuer, row, &client, None).unwrap();
            let session_id = granted.session_id;

            // The model: every token handed out, which one is current, and whether the family
            // is revoked.
            let mut issued = vec![granted.refresh_token];
            let mut revoked = false;

            for op in ops {
                let current = issued.len() - 1;
                let (presented, is_predecessor) = match &op {
                    Op::Refresh => (issued[current].clone(), false),
                    Op::Replay(_) if current == 0 => (issued[0].clone(), false),
                    Op::Replay(i) => {
                        let old = i.index(current);
                        (issued[old].clone(), old + 1 == current)
                    }
                    Op::Logout => {
                        sessions::revoke(conn, session_id, "logout", chrono::Utc::now()).unwrap();
                        revoked = true;
                        continue;
                    }
                };
                let claims = issuer.verify_refresh(&presented).unwrap();
                let outcome = rotate(conn, &issuer, &presented, &claims, &client);
                let replaying_old = presented != issued[current];
                match outcome {
                    Ok(Rotation::Rotated(g)) => {
                        prop_assert!(!revoked && !replaying_old, "rotated {op:?}");
                        issued.push(g.refresh_token);
                    }
                    Ok(Rotation::Reissued(g)) => {
                        prop_assert!(!revoked && with_grace && is_predecessor, "reissued {op:?}");
                        prop_assert_eq!(&g.refresh_token, &issued[current]);
                    }
                    Ok(Rotation::ReuseDetected { .. }) => {
                        prop_assert!(!revoked && replaying_old, "reuse {op:?}");
                        prop_assert!(!(with_grace && is_predecessor), "grace ignored");
                        revoked = true;
                    }
                    Err(SessionError::InvalidRefreshToken(_)) => {
                        prop_assert!(revoked, "rejected {op:?}")
                    }
                    Err(other) => panic!("{other}"),
                }

                let live = live_tokens(conn, session_id);
                prop_assert!(live.len() <= 1, "{} live tokens", live.len());
                if revoked {
                    prop_assert!(live.is_empty());
                } else {
                    prop_assert_eq!(live, vec![token_hash(issued.last().unwrap())]);
                }
            }
            Ok(())
        })
        .unwrap();
}
