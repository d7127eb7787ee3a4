//! A phished password and the owner's way back (docs/RECOVERY.md, Changing the address): the
//! thief moves the account to their address; the owner is told at once, and a reset, a password
//! change or the notice's link ends the thief's change.

use super::*;
use crate::helpers::assert_error;
use reqwest::StatusCode;
use serde_json::{json, Value};

const THIEF: &str = "thief@evil.example";
const CANCEL_LINK: &str = "https://photos.example/#/cancel-email-change?token=";

async fn change_email(app: &TestApp, access: &str, email: &str, password: &str) -> StatusCode {
    let body = json!({"email": email, "current_password": password});
    app.send_json(reqwest::Method::PATCH, "/auth/me", &body, Some(access))
        .await
        .status()
}

async fn verify(app: &TestApp, token: &str) -> reqwest::Response {
    app.post_json("/auth/email/verify", &json!({ "token": token }), None)
        .await
}

async fn cancel(app: &TestApp, token: &str) -> reqwest::Response {
    app.post_json(
        "/auth/email/change/cancel",
        &json!({ "token": token }),
        None,
    )
    .await
}

/// A password reset as the owner of `email` makes it: asked for, and the mailed link followed.
async fn reset_through_the_mailbox(app: &TestApp, smtp: &SmtpServer, email: &str) {
    app.post_json("/auth/password/forgot", &json!({ "email": email }), None)
        .await;
    let reset = smtp
        .wait_for(email, "Reset your password", WAIT)
        .await
        .token(RESET_LINK)
        .unwrap();
    let body = json!({"token": reset, "new_password": NEW_PASSWORD});
    let response = app.post_json("/auth/password/reset", &body, None).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

/// The owner's address as the account has it now.
async fn address_of(app: &TestApp, user: &crate::helpers::TestUser) -> Value {
    let tokens = app
        .login(&json!({"username": user.username, "password": NEW_PASSWORD}))
        .await;
    let access = tokens.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    app.get("/auth/me", Some(&access))
        .await
        .json()
        .await
        .unwrap()
}

#[actix_web::test]
async fn a_reset_ends_a_thiefs_pending_email_change() {
    let smtp = SmtpServer::start();
    let app = app_sending_to(&smtp, &[]).await;
    let owner = app.register_user("rosa").await;
    // The thief phished the password and logs in with it.
    let thief = app.login_as(&owner).await;
    assert_eq!(
        change_email(&app, &thief.access, THIEF, &owner.password).await,
        StatusCode::OK
    );
    // The owner's current address is told at once, with a way to cancel.
    let notice = smtp
        .wait_for(&owner.email, "is about to change", WAIT)
        .await;
    assert!(notice.text.contains(THIEF), "{}", notice.text);
    assert!(notice.link(CANCEL_LINK).is_some(), "{}", notice.text);
    let thiefs_link = smtp
        .wait_for(THIEF, "Verify your email", WAIT)
        .await
        .token(VERIFY_LINK)
        .unwrap();

    // The owner resets the password through their own mailbox.
    reset_through_the_mailbox(&app, &smtp, &owner.email).await;

    assert_error(
        verify(&app, &thiefs_link).await,
        StatusCode::BAD_REQUEST,
        "invalid_token",
    )
    .await;
    let me = address_of(&app, &owner).await;
    assert_eq!(me["email"], owner.email);
    assert_eq!(me["pending_email"], Value::Null);
}

#[actix_web::test]
async fn a_password_change_retires_every_outstanding_link_of_the_account() {
    let smtp = SmtpServer::start();
    let app = app_sending_to(&smtp, &[]).await;
    let owner = app.register_user("rosa").await;
    let session = app.login_as(&owner).await;
    app.post_json(
        "/auth/password/forgot",
        &json!({"email": owner.email}),
        None,
    )
    .await;
    let reset = smtp
        .wait_for(&owner.email, "Reset your password", WAIT)
        .await
        .token(RESET_LINK)
        .unwrap();
    assert_eq!(
        change_email(
            &app,
            &session.access,
            "rosa.new@example.com",
            &owner.password
        )
        .await,
        StatusCode::OK
    );
    let verification = smtp
        .wait_for("rosa.new@example.com", "Verify your email", WAIT)
        .await
        .token(VERIFY_LINK)
        .unwrap();
    let change = json!({"current_password": owner.password, "new_password": NEW_PASSWORD});
    let response = app
        .post_json("/auth/password", &change, Some(&session.access))
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    let reset_again = json!({"token": reset, "new_password": "yet another passphrase"});
    assert_error(
        app.post_json("/auth/password/reset", &reset_again, None)
            .await,
        StatusCode::BAD_REQUEST,
        "invalid_token",
    )
    .await;
    assert_error(
        verify(&app, &verification).await,
        StatusCode::BAD_REQUEST,
        "invalid_token",
    )
    .await;
    let me = address_of(&app, &owner).await;
    assert_eq!(me["pending_email"], Value::Null);
}

#[actix_web::test]
async fn the_notices_link_cancels_a_pending_change_without_a_session() {
    let smtp = SmtpServer::start();
    let app = app_sending_to(&smtp, &[]).await;
    let owner = app.register_user("rosa").await;
    let thief = app.login_as(&owner).await;
    change_email(&app, &thief.access, THIEF, &owner.password).await;
    let cancel_token = smtp
        .wait_for(&owner.email, "is about to change", WAIT)
        .await
        .token(CANCEL_LINK)
        .unwrap();
    let thiefs_link = smtp
        .wait_for(THIEF, "Verify your email", WAIT)
        .await
        .token(VERIFY_LINK)
        .unwrap();

    let response = cancel(&app, &cancel_token).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"outcome": "cancelled"})
    );
    assert_error(
        verify(&app, &thiefs_link).await,
        StatusCode::BAD_REQUEST,
        "invalid_token",
    )
    .await;
    // Every session ended, the thief's too; the link works once.
    assert_error(
        app.refresh(&thief.refresh).await,
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    )
    .await;
    assert_error(
        cancel(&app, &cancel_token).await,
        StatusCode::BAD_REQUEST,
        "invalid_token",
    )
    .await;
}

#[actix_web::test]
async fn the_notices_link_undoes_a_change_the_thief_already_verified() {
    let smtp = SmtpServer::start();
    let app = app_sending_to(&smtp, &[]).await;
    let owner = app.register_user("rosa").await;
    let thief = app.login_as(&owner).await;
    change_email(&app, &thief.access, THIEF, &owner.password).await;
    let cancel_token = smtp
        .wait_for(&owner.email, "is about to change", WAIT)
        .await
        .token(CANCEL_LINK)
        .unwrap();
    let thiefs_link = smtp
        .wait_for(THIEF, "Verify your email", WAIT)
        .await
        .token(VERIFY_LINK)
        .unwrap();
    assert_eq!(verify(&app, &thiefs_link).await.status(), StatusCode::OK);
    // The thief resets the password through their new address: the owner's link survives it.
    app.post_json("/auth/password/forgot", &json!({"email": THIEF}), None)
        .await;
    let thiefs_reset = smtp
        .wait_for(THIEF, "Reset your password", WAIT)
        .await
        .token(RESET_LINK)
        .unwrap();
    let reset = json!({"token": thiefs_reset, "new_password": "the thief's own passphrase"});
    assert_eq!(
        app.post_json("/auth/password/reset", &reset, None)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );

    let response = cancel(&app, &cancel_token).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"outcome": "reverted"})
    );
    // The address is the owner's again, so a reset reaches the owner and not the thief.
    reset_through_the_mailbox(&app, &smtp, &owner.email).await;
    let me = address_of(&app, &owner).await;
    assert_eq!(me["email"], owner.email);
    assert_eq!(me["email_verified"], true);
}
