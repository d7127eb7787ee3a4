use crate::helpers::*;
use reqwest::StatusCode;

#[tokio::test]
async fn whoami_returns_the_identity_in_the_token_with_forward_auth_headers() {
    let app = spawn_app().await;
    let user = TestUser::admin("carol");
    let claims = app.claims(&user);
    let token = app.sign(&claims);
    let response = app.get("/whoami", &token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["x-user-id"], user.id.to_string());
    assert_eq!(response.headers()["x-user-roles"], "user,admin");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["user_id"], user.id.to_string());
    assert_eq!(body["username"], "carol");
    assert_eq!(body["email"], "carol@example.com");
    assert_eq!(body["full_name"], "carol Example");
    assert_eq!(body["roles"], serde_json::json!(["user", "admin"]));
    assert_eq!(body["session_id"], claims.sid.to_string());
    let expires =
        chrono::DateTime::parse_from_rfc3339(body["expires_at"].as_str().unwrap()).unwrap();
    assert_eq!(expires.timestamp(), claims.exp);
}

#[tokio::test]
async fn whoami_answers_without_the_database() {
    let app = spawn_app().await;
    let token = app.mint_token(&TestUser::new("dave"));
    app.db.set_available(false);
    let response = app.get("/whoami", &token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    app.db.set_available(true);
}
