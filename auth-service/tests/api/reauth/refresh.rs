//! `auth_time` across refreshes (docs/TOKENS.md, Recent login, How `auth_time` moves): a refresh
//! carries the session's `authenticated_at`, never its own time, so refreshing does not make an
//! old login recent; a reauthentication does, for every later refresh of the session.

use super::{attempt, auth_time_of, reauthenticate, sensitive_actions, STALE};
use crate::helpers::{assert_error, decode_jwt, spawn_app, TestApp};
use diesel::sql_types::{BigInt, Uuid as SqlUuid};
use diesel::RunQueryDsl;
use reqwest::StatusCode;
use serde_json::Value;
use shared_tokens::now_unix;
use uuid::Uuid;

#[actix_web::test]
async fn a_reauthentication_holds_for_the_session_s_later_refreshes() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;
    let tokens = app.login_as(&user).await;
    set_authenticated_at(&app, tokens.session_id, now_unix() - STALE);

    let response = reauthenticate(&app, &tokens.access, &user.password).await;
    assert_eq!(response.status(), StatusCode::OK);
    let renewed: Value = response.json().await.unwrap();
    let auth_time = auth_time_of(renewed["access_token"].as_str().unwrap());

    // The refresh token of the login still works, and its access token says the new time.
    let refreshed = app.refreshed(&tokens.refresh).await;
    assert_eq!(auth_time_of(&refreshed.access), auth_time);
    let change = sensitive_actions(&user, true).remove(1);
    assert_eq!(
        attempt(&app, &change, &refreshed.access).await.status(),
        StatusCode::NO_CONTENT
    );
}

#[actix_web::test]
async fn a_refreshed_access_token_keeps_the_login_s_auth_time() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;
    let tokens = app.login_as(&user).await;
    // The login's time, the session's start: at most the token's `iat`, within a second.
    let issued_at = decode_jwt(&tokens.access).1["iat"].as_i64().unwrap();
    assert!((0..=1).contains(&(issued_at - auth_time_of(&tokens.access))));
    // The login was long ago: refreshing since has not made it recent.
    let long_ago = now_unix() - STALE;
    set_authenticated_at(&app, tokens.session_id, long_ago);

    let refreshed = app.refreshed(&tokens.refresh).await;
    assert_eq!(auth_time_of(&refreshed.access), long_ago);
    // Presented again within the grace period, the same token gives the same answer.
    let again = app.refreshed(&tokens.refresh).await;
    assert_eq!(auth_time_of(&again.access), long_ago);
    let next = app.refreshed(&refreshed.refresh).await;
    assert_eq!(auth_time_of(&next.access), long_ago);

    for action in sensitive_actions(&user, true) {
        let response = attempt(&app, &action, &next.access).await;
        assert_error(response, StatusCode::FORBIDDEN, "reauth_required").await;
    }
}

fn set_authenticated_at(app: &TestApp, session_id: Uuid, at: i64) {
    diesel::sql_query("UPDATE sessions SET authenticated_at = to_timestamp($2) WHERE id = $1")
        .bind::<SqlUuid, _>(session_id)
        .bind::<BigInt, _>(at)
        .execute(&mut app.db.connect())
        .unwrap();
}
