use crate::helpers::{assert_error, find_cookie, set_cookies, spawn_app, TestApp, Tokens};
use reqwest::StatusCode;
use serde_json::json;

async fn logged_in(app: &TestApp) -> Tokens {
    let user = app.register_user("alice").await;
    app.login_as(&user).await
}

fn assert_cookies_cleared(response: &reqwest::Response) {
    let cookies = set_cookies(response.headers());
    for (name, path) in [("__Host-access_token", "/"), ("__Host-refresh_token", "/")] {
        let cookie = find_cookie(&cookies, name);
        assert_eq!(cookie.value, "", "{name}");
        assert_eq!(cookie.attr("max-age"), Some("0"), "{name}");
        assert_eq!(cookie.attr("path"), Some(path), "{name}");
    }
}

#[actix_web::test]
async fn logout_with_the_refresh_token_revokes_the_session_and_clears_the_cookies() {
    let app = spawn_app().await;
    let tokens = logged_in(&app).await;

    let response = app
        .post_json(
            "/auth/logout",
            &json!({"refresh_token": tokens.refresh}),
            None,
        )
        .await;

    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_cookies_cleared(&response);
    let session = app.session(tokens.session_id);
    assert_eq!(session.revoked_reason.as_deref(), Some("logout"));
    let refresh = app.refresh(&tokens.refresh).await;
    assert_error(refresh, StatusCode::UNAUTHORIZED, "invalid_token").await;
}

#[actix_web::test]
async fn the_access_token_of_a_revoked_session_is_refused_by_auth_service() {
    let app = spawn_app().await;
    let tokens = logged_in(&app).await;
    assert_eq!(
        app.get("/auth/me", Some(&tokens.access)).await.status(),
        StatusCode::OK
    );

    app.post_json(
        "/auth/logout",
        &json!({"refresh_token": tokens.refresh}),
        None,
    )
    .await;

    for path in ["/auth/me", "/auth/sessions"] {
        let response = app.get(path, Some(&tokens.access)).await;
        assert_eq!(
            response.headers()["www-authenticate"],
            "Bearer error=\"invalid_token\""
        );
        assert_error(response, StatusCode::UNAUTHORIZED, "invalid_token").await;
    }
    let all = app
        .post_empty("/auth/logout-all", Some(&tokens.access))
        .await;
    assert_error(all, StatusCode::UNAUTHORIZED, "invalid_token").await;
}

#[actix_web::test]
async fn logout_with_the_access_token_revokes_its_session() {
    let app = spawn_app().await;
    let tokens = logged_in(&app).await;

    let response = app.post_empty("/auth/logout", Some(&tokens.access)).await;

    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_cookies_cleared(&response);
    assert!(app.session(tokens.session_id).revoked_at.is_some());
    let refresh = app.refresh(&tokens.refresh).await;
    assert_error(refresh, StatusCode::UNAUTHORIZED, "invalid_token").await;
}

#[actix_web::test]
async fn logout_with_the_refresh_cookie_revokes_the_session() {
    let app = spawn_app().await;
    let tokens = logged_in(&app).await;

    let response = app
        .request(reqwest::Method::POST, "/auth/logout")
        .header("cookie", format!("__Host-refresh_token={}", tokens.refresh))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_cookies_cleared(&response);
    assert!(app.session(tokens.session_id).revoked_at.is_some());
}

#[actix_web::test]
async fn logout_ends_only_the_presented_session() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;
    let one = app.login_as(&user).await;
    let two = app.login_as(&user).await;

    app.post_empty("/auth/logout", Some(&one.access)).await;

    assert!(app.session(two.session_id).revoked_at.is_none());
    assert_eq!(
        app.get("/auth/me", Some(&two.access)).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn logout_without_credentials_or_with_a_bad_token_is_401() {
    let app = spawn_app().await;

    let none = app.post_empty("/auth/logout", None).await;
    let bad_refresh = app
        .post_json("/auth/logout", &json!({"refresh_token": "garbage"}), None)
        .await;
    let bad_access = app.post_empty("/auth/logout", Some("garbage")).await;

    assert_error(none, StatusCode::UNAUTHORIZED, "unauthorized").await;
    assert_error(bad_refresh, StatusCode::UNAUTHORIZED, "invalid_token").await;
    assert_error(bad_access, StatusCode::UNAUTHORIZED, "invalid_token").await;
}

#[actix_web::test]
async fn logout_all_revokes_every_session_of_the_user_only() {
    let app = spawn_app().await;
    let alice = app.register_user("alice").await;
    let bob = app.register_user("bob").await;
    let one = app.login_as(&alice).await;
    let two = app.login_as(&alice).await;
    let bobs = app.login_as(&bob).await;

    let response = app.post_empty("/auth/logout-all", Some(&one.access)).await;

    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_cookies_cleared(&response);
    for tokens in [&one, &two] {
        assert!(app.session(tokens.session_id).revoked_at.is_some());
        let refresh = app.refresh(&tokens.refresh).await;
        assert_error(refresh, StatusCode::UNAUTHORIZED, "invalid_token").await;
        let me = app.get("/auth/me", Some(&tokens.access)).await;
        assert_error(me, StatusCode::UNAUTHORIZED, "invalid_token").await;
    }
    assert!(app.session(bobs.session_id).revoked_at.is_none());
    assert_eq!(app.refresh(&bobs.refresh).await.status(), StatusCode::OK);
}

#[actix_web::test]
async fn logout_all_needs_an_access_token() {
    let app = spawn_app().await;
    let tokens = logged_in(&app).await;

    let none = app.post_empty("/auth/logout-all", None).await;
    let refresh_as_bearer = app
        .post_empty("/auth/logout-all", Some(&tokens.refresh))
        .await;

    assert_error(none, StatusCode::UNAUTHORIZED, "unauthorized").await;
    assert_error(refresh_as_bearer, StatusCode::UNAUTHORIZED, "invalid_token").await;
    assert!(app.session(tokens.session_id).revoked_at.is_none());
}
