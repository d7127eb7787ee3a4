//! Which spellings log in (docs/API.md, `POST /auth/login` and Input rules): the username and the
//! email match case-insensitively in their normalised form, a password in a compatibility form is
//! the same password, and all 80 bytes of a long password count, not only bcrypt's first 72.

use crate::helpers::{assert_error, spawn_app};
use reqwest::StatusCode;
use serde_json::{json, Value};

#[actix_web::test]
async fn login_matches_the_username_case_insensitively() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;

    for username in ["ALICE", " Alice ", "ａｌｉｃｅ"] {
        let response = app
            .login(&json!({"username": username, "password": user.password}))
            .await;

        assert_eq!(response.status(), StatusCode::OK, "{username:?}");
    }
}

#[actix_web::test]
async fn login_by_email_matches_case_insensitively() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;

    for email in [
        user.email.as_str(),
        "Alice@Example.COM",
        " ALICE@example.com ",
    ] {
        let response = app
            .login(&json!({"email": email, "password": user.password}))
            .await;

        assert_eq!(response.status(), StatusCode::OK, "{email:?}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["user"]["id"], user.id.to_string());
    }
}

#[actix_web::test]
async fn an_80_byte_password_logs_in_but_its_first_72_bytes_do_not() {
    let app = spawn_app().await;
    let password: String = ('a'..='z').cycle().take(80).collect();
    assert_eq!(password.len(), 80);
    let user = app.register_user_with_password("longpw", &password).await;

    let full = app
        .login(&json!({"username": "longpw", "password": password}))
        .await;
    let truncated = app
        .login(&json!({"username": "longpw", "password": &password[..72]}))
        .await;
    let last_byte_changed = app
        .login(&json!({"username": "longpw", "password": format!("{}X", &password[..79])}))
        .await;

    assert_eq!(full.status(), StatusCode::OK);
    assert_error(truncated, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    assert_error(
        last_byte_changed,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    assert_eq!(user.username, "longpw");
}

#[actix_web::test]
async fn a_password_typed_in_a_compatibility_form_is_the_same_password() {
    let app = spawn_app().await;
    app.register_user_with_password("fold", "password12").await;

    let response = app
        .login(&json!({"username": "fold", "password": "ｐａｓｓｗｏｒｄ１２"}))
        .await;

    assert_eq!(response.status(), StatusCode::OK);
}
