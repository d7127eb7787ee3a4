//! The audit trail: one row per security event, written with the event, never a secret.

use crate::helpers::{spawn_app_with, TestApp};
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text, Uuid as SqlUuid};
use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;

#[derive(QueryableByName, Debug)]
struct Row {
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    user_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    session_id: Option<Uuid>,
    #[diesel(sql_type = Text)]
    everything: String,
}

fn audit_rows(app: &TestApp) -> Vec<Row> {
    diesel::sql_query(
        "SELECT kind, user_id, session_id, row_to_json(a)::text AS everything \
         FROM audit_events a ORDER BY id",
    )
    .load(&mut app.db.connect())
    .unwrap()
}

#[actix_web::test]
async fn every_security_event_leaves_one_audit_row_and_no_secret() {
    let app = spawn_app_with(|vars| {
        vars.insert("LOGIN_MAX_FAILURES".into(), "1".into());
        vars.insert("REFRESH_REUSE_GRACE".into(), "0".into());
    })
    .await;
    let user = app.register_user("alice").await;
    let mut secrets = vec![user.password.clone()];

    // login failed, then throttled (max failures = 1), from 127.0.0.1.
    let wrong = json!({"username": "alice", "password": "wrong password!"});
    assert_eq!(app.login(&wrong).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.login(&wrong).await.status(), StatusCode::UNAUTHORIZED);
    // Clear the backoff so the owner's next login is evaluated.
    diesel::sql_query("DELETE FROM login_failures")
        .execute(&mut app.db.connect())
        .unwrap();

    let first = app.login_as(&user).await; // login succeeded
    let second = app.login_as(&user).await;
    let rotated = app.refreshed(&first.refresh).await;
    // Reuse of the first refresh token: detected (grace 0).
    assert_eq!(
        app.refresh(&first.refresh).await.status(),
        StatusCode::UNAUTHORIZED
    );
    secrets.extend([
        first.access.clone(),
        first.refresh.clone(),
        second.access.clone(),
        second.refresh.clone(),
        rotated.refresh.clone(),
    ]);

    // Session revoked through DELETE /auth/sessions/{id}.
    let third = app.login_as(&user).await;
    let response = app
        .request(
            reqwest::Method::DELETE,
            &format!("/auth/sessions/{}", third.session_id),
        )
        .bearer_auth(&second.access)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    // Password changed, then logout-all, role granted, account deleted.
    let new_password = "a brand new password";
    secrets.push(new_password.into());
    let response = app
        .post_json(
            "/auth/password",
            &json!({"current_password": user.password, "new_password": new_password}),
            Some(&second.access),
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let response = app
        .post_empty("/auth/logout-all", Some(&second.access))
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    auth_service::cli::grant_role(&app.settings, "alice", "admin").unwrap();
    let last = app.login_with_password("alice", new_password).await;
    let response = app
        .send_json(
            reqwest::Method::DELETE,
            "/auth/me",
            &json!({"password": new_password}),
            Some(&last.access),
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    let rows = audit_rows(&app);
    let kinds: Vec<&str> = rows.iter().map(|r| r.kind.as_str()).collect();
    for expected in [
        "registered",
        "login_failed",
        "login_throttled",
        "login_succeeded",
        "refresh_reuse_detected",
        "session_revoked",
        "password_changed",
        "logout_all",
        "role_granted",
        "account_deleted",
    ] {
        assert!(kinds.contains(&expected), "no {expected} in {kinds:?}");
    }
    // Every row names the user; session events name the session.
    assert!(rows.iter().all(|r| r.user_id == Some(user.id)), "{rows:?}");
    let reuse = rows
        .iter()
        .find(|r| r.kind == "refresh_reuse_detected")
        .unwrap();
    assert_eq!(reuse.session_id, Some(first.session_id));
    // The record of a deleted account stays.
    assert!(kinds.ends_with(&["account_deleted"]));
    for row in &rows {
        for secret in &secrets {
            assert!(
                !row.everything.contains(secret.as_str()),
                "secret in {row:?}"
            );
        }
    }
}
