use super::*;
use crate::helpers::{assert_error, decode_jwt};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn verify(app: &TestApp, token: &str) -> reqwest::Response {
    app.post_json("/auth/email/verify", &json!({ "token": token }), None)
        .await
}

#[actix_web::test]
async fn a_new_account_verifies_its_address_through_the_mailed_link() {
    let smtp = SmtpServer::start();
    let app = app_sending_to(&smtp, &[]).await;
    let user = app.register_user("rosa").await;
    let tokens = app.login_as(&user).await;
    assert_eq!(tokens.body["user"]["email_verified"], false);
    assert_eq!(decode_jwt(&tokens.access).1["email_verified"], false);

    let mail = smtp.wait_for(&user.email, "Verify your email", WAIT).await;
    assert!(mail.text.contains("24 hours"), "{}", mail.text);
    let token = mail.token(VERIFY_LINK).expect("a verification link");
    let response = verify(&app, &token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["email_verified"], true);
    assert_eq!(body["email"], user.email);

    // Once only.
    assert_error(
        verify(&app, &token).await,
        StatusCode::BAD_REQUEST,
        "invalid_token",
    )
    .await;
    // The next access token says so, and so does the profile.
    let refreshed = app.refreshed(&tokens.refresh).await;
    assert_eq!(decode_jwt(&refreshed.access).1["email_verified"], true);
    assert_eq!(refreshed.body["user"]["email_verified"], true);
    let me: Value = app
        .get("/auth/me", Some(&refreshed.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["email_verified"], true);
    // Nothing left to verify.
    let resend = app
        .post_empty("/auth/email/verify/resend", Some(&refreshed.access))
        .await;
    assert_error(resend, StatusCode::CONFLICT, "conflict").await;
    let sql = format!(
        "SELECT count(*) AS n FROM audit_events WHERE kind = 'email_verified' AND user_id = '{}'",
        user.id
    );
    assert_eq!(scalar(&app, &sql), 1);
}

#[actix_web::test]
async fn a_changed_address_replaces_the_old_one_only_once_verified() {
    let smtp = SmtpServer::start();
    let app = app_sending_to(&smtp, &[]).await;
    let user = app.register_user("rosa").await;
    let first = smtp
        .wait_for(&user.email, "Verify your email", WAIT)
        .await
        .token(VERIFY_LINK)
        .unwrap();
    let tokens = app.login_as(&user).await;

    let changed = app
        .send_json(
            reqwest::Method::PATCH,
            "/auth/me",
            &json!({"email": "Rosa.New@Example.com", "current_password": user.password}),
            Some(&tokens.access),
        )
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    let body: Value = changed.json().await.unwrap();
    assert_eq!(body["email"], user.email, "the old address stays");
    assert_eq!(body["pending_email"], "rosa.new@example.com");
    assert_eq!(body["email_verified"], false);
    // Until verified, the new address logs nobody in; the old one still does.
    let by_new = app
        .login(&json!({"email": "rosa.new@example.com", "password": user.password}))
        .await;
    assert_eq!(by_new.status(), StatusCode::UNAUTHORIZED);
    let by_old = app
        .login(&json!({"email": user.email, "password": user.password}))
        .await;
    assert_eq!(by_old.status(), StatusCode::OK);

    let link = smtp
        .wait_for("rosa.new@example.com", "Verify your email", WAIT)
        .await
        .token(VERIFY_LINK)
        .unwrap();
    // The link sent to the old address before the change no longer verifies anything.
    assert_error(
        verify(&app, &first).await,
        StatusCode::BAD_REQUEST,
        "invalid_token",
    )
    .await;
    let response = verify(&app, &link).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["email"], "rosa.new@example.com");
    assert_eq!(body["pending_email"], Value::Null);
    assert_eq!(body["email_verified"], true);
    // The old address is told.
    let notice = smtp
        .wait_for(&user.email, "Your email address was changed", WAIT)
        .await;
    assert!(
        notice.text.contains("rosa.new@example.com"),
        "{}",
        notice.text
    );
    let by_new = app
        .login(&json!({"email": "rosa.new@example.com", "password": user.password}))
        .await;
    assert_eq!(by_new.status(), StatusCode::OK);
}

#[actix_web::test]
async fn a_pending_address_taken_meanwhile_is_a_conflict() {
    let smtp = SmtpServer::start();
    let app = app_sending_to(&smtp, &[]).await;
    let rosa = app.register_user("rosa").await;
    let tokens = app.login_as(&rosa).await;
    let changed = app
        .send_json(
            reqwest::Method::PATCH,
            "/auth/me",
            &json!({"email": "shared@example.com", "current_password": rosa.password}),
            Some(&tokens.access),
        )
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    let link = smtp
        .wait_for("shared@example.com", "Verify your email", WAIT)
        .await
        .token(VERIFY_LINK)
        .unwrap();
    // A pending address reserves nothing: someone else registers with it first.
    let other = app
        .register(
            "sam",
            "shared@example.com",
            "Sam Example",
            "correct horse battery",
        )
        .await;
    assert_eq!(other.status(), StatusCode::CREATED);
    assert_error(verify(&app, &link).await, StatusCode::CONFLICT, "conflict").await;
    let me: Value = app
        .get("/auth/me", Some(&tokens.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], rosa.email);
    // Changing to an address another account already has is refused at once.
    let taken = app
        .send_json(
            reqwest::Method::PATCH,
            "/auth/me",
            &json!({"email": "shared@example.com", "current_password": rosa.password}),
            Some(&tokens.access),
        )
        .await;
    assert_error(taken, StatusCode::CONFLICT, "conflict").await;
}

#[actix_web::test]
async fn resend_mails_a_new_link_and_is_limited_per_recipient() {
    let smtp = SmtpServer::start();
    let app = app_sending_to(&smtp, &[("MAIL_RATE_PER_RECIPIENT", "2/hour")]).await;
    let user = app.register_user("rosa").await;
    let tokens = app.login_as(&user).await;
    for _ in 0..2 {
        let response = app
            .post_empty("/auth/email/verify/resend", Some(&tokens.access))
            .await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);
    }
    let limited = app
        .post_empty("/auth/email/verify/resend", Some(&tokens.access))
        .await;
    assert!(limited.headers().contains_key("retry-after"));
    assert_error(limited, StatusCode::TOO_MANY_REQUESTS, "too_many_requests").await;
    let anonymous = app.post_empty("/auth/email/verify/resend", None).await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    // The registration's mail and the two asked for; each link works.
    until_count(&app, "SELECT count(*) AS n FROM mail_outbox", 0).await;
    let links: Vec<String> = smtp
        .to(&user.email)
        .iter()
        .filter_map(|m| m.token(VERIFY_LINK))
        .collect();
    assert_eq!(links.len(), 3);
    assert_eq!(verify(&app, &links[2]).await.status(), StatusCode::OK);
}

#[actix_web::test]
async fn changing_the_address_needs_the_current_password() {
    let smtp = SmtpServer::start();
    let app = app_sending_to(&smtp, &[]).await;
    let user = app.register_user("rosa").await;
    let tokens = app.login_as(&user).await;
    let patch = |body: Value| {
        let request = app
            .request(reqwest::Method::PATCH, "/auth/me")
            .bearer_auth(&tokens.access);
        async move { request.json(&body).send().await.unwrap() }
    };
    // A stolen session alone cannot move the account to the thief's mailbox.
    let missing = patch(json!({"email": "thief@example.com"})).await;
    let body = assert_error(missing, StatusCode::BAD_REQUEST, "invalid_request").await;
    assert!(body["fields"]["current_password"].is_string(), "{body}");
    let wrong =
        patch(json!({"email": "thief@example.com", "current_password": "not the one"})).await;
    assert_error(wrong, StatusCode::FORBIDDEN, "forbidden").await;
    let me: Value = app
        .get("/auth/me", Some(&tokens.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["pending_email"], Value::Null);
    // Other fields, and the current address again, need no password.
    let name = patch(json!({"full_name": "Rosa R.", "email": user.email})).await;
    assert_eq!(name.status(), StatusCode::OK);
    let sql = "SELECT count(*) AS n FROM email_tokens WHERE email = 'thief@example.com'";
    assert_eq!(
        scalar(&app, sql),
        0,
        "no link was made for the refused changes"
    );
}
