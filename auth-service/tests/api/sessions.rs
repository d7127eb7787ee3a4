use crate::helpers::{assert_error, spawn_app, TestApp, TestUser, Tokens};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::collections::BTreeSet;

async fn login_with_agent(app: &TestApp, user: &TestUser, agent: &str) -> Tokens {
    let response = app
        .request(Method::POST, "/auth/login")
        .header("user-agent", agent)
        .json(&json!({"username": user.username, "password": user.password}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    Tokens::from_body(response.json().await.unwrap())
}

async fn list(app: &TestApp, access: &str) -> Vec<Value> {
    let response = app.get("/auth/sessions", Some(access)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    body["sessions"].as_array().unwrap().clone()
}

async fn delete(app: &TestApp, id: &str, access: Option<&str>) -> reqwest::Response {
    TestApp::with_bearer(
        app.request(Method::DELETE, &format!("/auth/sessions/{id}")),
        access,
    )
    .send()
    .await
    .unwrap()
}

#[actix_web::test]
async fn sessions_lists_each_live_session_with_the_current_one_flagged() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;
    let laptop = login_with_agent(&app, &user, "laptop-browser/1.0").await;
    let phone = login_with_agent(&app, &user, "phone-app/2.0").await;

    let sessions = list(&app, &laptop.access).await;

    assert_eq!(sessions.len(), 2);
    for session in &sessions {
        let keys: BTreeSet<&str> = session
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        assert_eq!(
            keys,
            BTreeSet::from([
                "id",
                "created_at",
                "last_used_at",
                "expires_at",
                "user_agent",
                "ip",
                "current"
            ])
        );
        assert_eq!(session["ip"], "127.0.0.1");
    }
    let by_id = |id: uuid::Uuid| {
        sessions
            .iter()
            .find(|s| s["id"] == id.to_string())
            .unwrap_or_else(|| panic!("session {id} listed"))
            .clone()
    };
    assert_eq!(by_id(laptop.session_id)["current"], true);
    assert_eq!(by_id(laptop.session_id)["user_agent"], "laptop-browser/1.0");
    assert_eq!(by_id(phone.session_id)["current"], false);
    assert_eq!(by_id(phone.session_id)["user_agent"], "phone-app/2.0");
    // From the phone, the phone is current.
    let from_phone = list(&app, &phone.access).await;
    let current: Vec<&Value> = from_phone.iter().filter(|s| s["current"] == true).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0]["id"], phone.session_id.to_string());
}

#[actix_web::test]
async fn sessions_lists_neither_revoked_sessions_nor_other_users_sessions() {
    let app = spawn_app().await;
    let alice = app.register_user("alice").await;
    let bob = app.register_user("bob").await;
    let kept = app.login_as(&alice).await;
    let ended = app.login_as(&alice).await;
    app.login_as(&bob).await;
    app.post_empty("/auth/logout", Some(&ended.access)).await;

    let sessions = list(&app, &kept.access).await;

    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0]["id"], kept.session_id.to_string());
}

#[actix_web::test]
async fn sessions_needs_an_access_token() {
    let app = spawn_app().await;

    let response = app.get("/auth/sessions", None).await;

    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    assert_error(response, StatusCode::UNAUTHORIZED, "unauthorized").await;
}

#[actix_web::test]
async fn deleting_an_own_session_revokes_it_with_204() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;
    let here = app.login_as(&user).await;
    let there = app.login_as(&user).await;

    let response = delete(&app, &there.session_id.to_string(), Some(&here.access)).await;

    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let refresh = app.refresh(&there.refresh).await;
    assert_error(refresh, StatusCode::UNAUTHORIZED, "invalid_token").await;
    let me = app.get("/auth/me", Some(&there.access)).await;
    assert_error(me, StatusCode::UNAUTHORIZED, "invalid_token").await;
    assert_eq!(list(&app, &here.access).await.len(), 1);
    // Deleting it again finds nothing live.
    let again = delete(&app, &there.session_id.to_string(), Some(&here.access)).await;
    assert_error(again, StatusCode::NOT_FOUND, "not_found").await;
}

#[actix_web::test]
async fn deleting_another_users_session_is_404_and_leaves_it_alive() {
    let app = spawn_app().await;
    let alice = app.register_user("alice").await;
    let bob = app.register_user("bob").await;
    let alices = app.login_as(&alice).await;
    let bobs = app.login_as(&bob).await;

    let response = delete(&app, &bobs.session_id.to_string(), Some(&alices.access)).await;

    assert_error(response, StatusCode::NOT_FOUND, "not_found").await;
    assert!(app.session(bobs.session_id).revoked_at.is_none());
    assert_eq!(app.refresh(&bobs.refresh).await.status(), StatusCode::OK);
}

#[actix_web::test]
async fn deleting_a_malformed_or_unknown_session_id_is_404() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;
    let tokens = app.login_as(&user).await;
    let unknown = uuid::Uuid::new_v4().to_string();

    for id in ["not-a-uuid", "12345", &unknown] {
        let response = delete(&app, id, Some(&tokens.access)).await;

        assert_error(response, StatusCode::NOT_FOUND, "not_found").await;
    }
}

#[actix_web::test]
async fn deleting_a_session_needs_an_access_token() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;
    let tokens = app.login_as(&user).await;

    let response = delete(&app, &tokens.session_id.to_string(), None).await;

    assert_error(response, StatusCode::UNAUTHORIZED, "unauthorized").await;
    assert!(app.session(tokens.session_id).revoked_at.is_none());
}
