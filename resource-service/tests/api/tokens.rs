//! Every protected endpoint applies the `shared-tokens` rules, identically.

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use shared_tokens::{now_unix, RefreshClaims, ACCESS_TYP, REFRESH_TYP};
use uuid::Uuid;

/// Every route that needs a token, with a photo id that exists.
fn protected_routes(photo: &str) -> Vec<(Method, String)> {
    vec![
        (Method::GET, "/whoami".into()),
        (Method::GET, "/profile".into()),
        (Method::PATCH, "/profile".into()),
        (Method::GET, "/photos".into()),
        (Method::POST, "/photos".into()),
        (Method::GET, format!("/photos/{photo}")),
        (Method::GET, format!("/photos/{photo}/content")),
        (Method::DELETE, format!("/photos/{photo}")),
        (Method::PUT, format!("/photos/{photo}/like")),
        (Method::DELETE, format!("/photos/{photo}/like")),
    ]
}

/// Tokens the app must refuse, each with a name for the failure message.
fn bad_tokens(app: &TestApp, user: &TestUser) -> Vec<(&'static str, String)> {
    let now = now_unix();
    let mut expired = app.claims(user);
    expired.iat = now - 2_000;
    expired.exp = now - 1_100;
    let mut wrong_audience = app.claims(user);
    wrong_audience.aud = "some-other-service".into();
    let mut wrong_issuer = app.claims(user);
    wrong_issuer.iss = "someone-else".into();
    let mut too_long_lived = app.claims(user);
    too_long_lived.exp = now + 86_400;
    let mut from_the_future = app.claims(user);
    from_the_future.iat = now + 600;
    from_the_future.exp = now + 900;

    // A refresh token signed with the very key access tokens are signed with: refused for its
    // `typ` alone.
    let refresh = Key::Current
        .signer()
        .sign(
            REFRESH_TYP,
            &RefreshClaims {
                iss: "auth-service".into(),
                aud: "resource-service".into(),
                sub: user.id,
                sid: Uuid::new_v4(),
                jti: Uuid::new_v4(),
                iat: now,
                exp: now + 600,
            },
        )
        .unwrap();

    let valid = app.mint_token(user);
    let mut parts: Vec<String> = valid.split('.').map(str::to_owned).collect();
    // Flip one character of the payload: the signature no longer matches.
    let flipped = if parts[1].ends_with('A') { 'B' } else { 'A' };
    parts[1].pop();
    parts[1].push(flipped);
    let tampered = parts.join(".");

    vec![
        ("expired", app.sign(&expired)),
        (
            "wrong key",
            Key::Other
                .signer()
                .sign(ACCESS_TYP, &app.claims(user))
                .unwrap(),
        ),
        ("wrong audience", app.sign(&wrong_audience)),
        ("wrong issuer", app.sign(&wrong_issuer)),
        ("lifetime too long", app.sign(&too_long_lived)),
        ("issued in the future", app.sign(&from_the_future)),
        ("refresh token", refresh),
        ("tampered", tampered),
        ("garbage", "not.a.jwt".into()),
    ]
}

#[tokio::test]
async fn every_protected_endpoint_refuses_bad_tokens_with_invalid_token() {
    let app = spawn_app().await;
    let owner = TestUser::new("owner");
    let photo = id_of(&app.upload_png(&app.mint_token(&owner)).await);

    for (name, token) in bad_tokens(&app, &owner) {
        for (method, path) in protected_routes(&photo) {
            let response = app
                .request(method.clone(), &path, &token)
                .send()
                .await
                .unwrap();
            assert_eq!(
                response.status(),
                StatusCode::UNAUTHORIZED,
                "{name} token on {method} {path}"
            );
            let challenge = response.headers()["www-authenticate"]
                .to_str()
                .unwrap()
                .to_owned();
            assert!(
                challenge.contains(r#"error="invalid_token""#),
                "{challenge}"
            );
            let body: serde_json::Value = response.json().await.unwrap();
            assert_eq!(body["error"], "invalid_token", "{name} on {method} {path}");
        }
    }
    // None of those requests changed anything: the photo is still there.
    let photo_now = app
        .get_json(&format!("/photos/{photo}"), &app.mint_token(&owner))
        .await;
    assert_eq!(photo_now["like_count"], 0);
}

#[tokio::test]
async fn every_protected_endpoint_asks_for_credentials_when_none_are_sent() {
    let app = spawn_app().await;
    for (method, path) in protected_routes(&Uuid::new_v4().to_string()) {
        let response = app
            .client
            .request(method.clone(), app.url(&path))
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "{method} {path}"
        );
        let challenge = response.headers()["www-authenticate"].to_str().unwrap();
        assert_eq!(challenge, "Bearer", "{method} {path}");
    }
}

#[tokio::test]
async fn a_token_in_the_query_string_is_ignored() {
    let app = spawn_app().await;
    let token = app.mint_token(&TestUser::new("alice"));
    for param in ["access_token", "token"] {
        let response = app
            .client
            .get(app.url(&format!("/whoami?{param}={token}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(response.headers()["www-authenticate"], "Bearer");
    }
}

#[tokio::test]
async fn a_token_signed_with_a_previous_key_still_verifies() {
    let app = spawn_app().await;
    let user = TestUser::new("rotated");
    let old = Key::Previous
        .signer()
        .sign(ACCESS_TYP, &app.claims(&user))
        .unwrap();
    let response = app.get("/whoami", &old).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["user_id"], user.id.to_string());
}

#[tokio::test]
async fn the_access_cookie_is_accepted_in_place_of_the_header() {
    let app = spawn_app().await;
    let user = TestUser::new("cookie");
    let token = app.mint_token(&user);
    let response = app
        .client
        .get(app.url("/profile"))
        .header("cookie", format!("__Host-access_token={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["username"], "cookie");
}

#[tokio::test]
async fn a_header_and_a_cookie_carrying_different_tokens_are_refused() {
    let app = spawn_app().await;
    let a = app.mint_token(&TestUser::new("alice"));
    let b = app.mint_token(&TestUser::new("bob"));
    let response = app
        .get("/whoami", &a)
        .header("cookie", format!("__Host-access_token={b}"))
        .send()
        .await
        .unwrap();
    assert_error(response, StatusCode::BAD_REQUEST, "invalid_request").await;
}
