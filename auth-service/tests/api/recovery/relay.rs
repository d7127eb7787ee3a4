//! Mail as an attacker would use it (docs/RECOVERY.md, Limits and Delivery): an account or an
//! address used as a relay, a stranger spending the owner's budget, reset mails stuck behind
//! other mail, and what a copy of the outbox or the log would give away.

use super::*;
use reqwest::StatusCode;
use serde_json::json;

/// Where the mail for a fresh address would go: `n` tells them apart.
fn fresh(n: usize) -> String {
    format!("fresh{n}@relay.example")
}

#[actix_web::test]
async fn one_account_cannot_make_the_service_mail_fresh_addresses_without_end() {
    let smtp = SmtpServer::start();
    let app = app_sending_to(&smtp, &[("MAIL_RATE_PER_ACCOUNT", "3/hour")]).await;
    let user = app.register_user("mallory").await;
    let tokens = app.login_as(&user).await;
    let mut statuses = Vec::new();
    for n in 0..6 {
        let body = json!({"email": fresh(n), "current_password": user.password});
        let response = app
            .send_json(
                reqwest::Method::PATCH,
                "/auth/me",
                &body,
                Some(&tokens.access),
            )
            .await;
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses, [200, 200, 200, 429, 429, 429]);
    // Resending counts against the same budget.
    let resend = app
        .post_empty("/auth/email/verify/resend", Some(&tokens.access))
        .await;
    assert_eq!(resend.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(resend.headers().contains_key("retry-after"));
}

#[actix_web::test]
async fn one_client_address_cannot_make_the_service_mail_many_people() {
    let smtp = SmtpServer::start();
    let app = app_sending_to(&smtp, &[("MAIL_RATE_PER_CLIENT", "4/hour")]).await;
    let statuses: Vec<u16> = {
        let mut statuses = Vec::new();
        for n in 0..6 {
            let response = app
                .post_json("/auth/password/forgot", &json!({ "email": fresh(n) }), None)
                .await;
            statuses.push(response.status().as_u16());
        }
        statuses
    };
    assert_eq!(statuses, [202, 202, 202, 202, 429, 429]);
}

async fn forgot_from(app: &TestApp, address: &str, email: &str) -> StatusCode {
    app.client
        .post(app.url("/auth/password/forgot"))
        .header("x-forwarded-for", address)
        .json(&json!({ "email": email }))
        .send()
        .await
        .unwrap()
        .status()
}

#[actix_web::test]
async fn a_stranger_cannot_spend_the_owners_budget_for_their_own_address() {
    let smtp = SmtpServer::start();
    let app = app_sending_to(
        &smtp,
        &[
            ("TRUSTED_PROXIES", "127.0.0.1"),
            ("MAIL_RATE_PER_RECIPIENT", "2/hour"),
        ],
    )
    .await;
    let user = app.register_user("rosa").await;
    let mut stranger = Vec::new();
    for _ in 0..5 {
        stranger.push(
            forgot_from(&app, "198.51.100.7", &user.email)
                .await
                .as_u16(),
        );
    }
    assert_eq!(stranger, [202, 202, 429, 429, 429]);
    // The owner, from their own address, still gets their reset mail.
    assert_eq!(
        forgot_from(&app, "192.0.2.20", &user.email).await,
        StatusCode::ACCEPTED
    );
    until_count(
        &app,
        "SELECT count(*) AS n FROM audit_events WHERE kind = 'password_reset_requested'",
        3,
    )
    .await;
    until_count(
        &app,
        "SELECT count(*) AS n FROM mail_outbox WHERE kind <> 'email_verification'",
        0,
    )
    .await;
    let resets = smtp
        .to(&user.email)
        .into_iter()
        .filter(|m| m.subject.contains("Reset your password"))
        .count();
    assert_eq!(resets, 3);
}

#[actix_web::test]
async fn a_reset_mail_does_not_wait_behind_other_mail() {
    // A slow mail server (0.4 s a message) and twelve verification mails queued first.
    let smtp = SmtpServer::slow(Duration::from_millis(400));
    let app = app_sending_to(&smtp, &[]).await;
    let owner = app.register_user("rosa").await;
    for n in 0..12 {
        app.register_user(&format!("crowd{n}")).await;
    }
    let asked = std::time::Instant::now();
    assert_eq!(
        forgot_from(&app, "127.0.0.1", &owner.email).await,
        StatusCode::ACCEPTED
    );
    smtp.wait_for(&owner.email, "Reset your password", WAIT)
        .await;
    let waited = asked.elapsed();
    let verifications = smtp
        .delivered()
        .iter()
        .filter(|m| m.subject.contains("Verify your email"))
        .count();
    // Behind the queue it would have come after all thirteen verification mails (5 s and more).
    assert!(
        verifications < 13,
        "the reset mail came after {verifications} verification mails, {waited:?}"
    );
    assert!(waited < std::time::Duration::from_secs(3), "{waited:?}");
}

#[actix_web::test]
async fn the_outbox_holds_no_usable_link_while_the_mail_server_is_down() {
    let mut smtp = SmtpServer::start();
    smtp.stop();
    let app = app_sending_to(&smtp, &[]).await;
    let user = app.register_user("rosa").await;
    let tokens = app.login_as(&user).await;
    assert_eq!(
        forgot_from(&app, "127.0.0.1", &user.email).await,
        StatusCode::ACCEPTED
    );
    let change = json!({"email": "rosa.new@example.com", "current_password": user.password});
    let response = app
        .send_json(
            reqwest::Method::PATCH,
            "/auth/me",
            &change,
            Some(&tokens.access),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    // The worker has tried each mail at least once, and failed.
    until_count(
        &app,
        "SELECT count(*) AS n FROM mail_outbox WHERE attempts = 0",
        0,
    )
    .await;
    assert_eq!(
        scalar(&app, "SELECT count(*) AS n FROM mail_outbox"),
        3,
        "the reset, the new address's verification, the change notice (the change replaced \
         the first verification mail)"
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT count(*) AS n FROM mail_outbox \
             WHERE text_body <> '' OR html_body <> '' OR subject <> ''"
        ),
        0,
        "no body is stored before it is sent"
    );
    // The tokens made for the failed attempts went nowhere and open nothing.
    assert_eq!(
        scalar(
            &app,
            "SELECT count(*) AS n FROM email_tokens WHERE used_at IS NULL"
        ),
        0
    );
    smtp.resume();
    let reset = smtp
        .wait_for(&user.email, "Reset your password", WAIT)
        .await
        .token(RESET_LINK)
        .unwrap();
    let response = app
        .post_json(
            "/auth/password/reset",
            &json!({"token": reset, "new_password": NEW_PASSWORD}),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

#[actix_web::test]
async fn a_mail_servers_refusal_is_kept_without_the_recipients_address() {
    let smtp = SmtpServer::deferring();
    let app = app_sending_to(&smtp, &[]).await;
    let user = app.register_user("rosa.secret").await;
    until_count(
        &app,
        "SELECT count(*) AS n FROM mail_outbox WHERE last_error IS NOT NULL",
        1,
    )
    .await;
    let error: String = {
        use diesel::sql_types::Text;
        #[derive(diesel::QueryableByName)]
        struct Row {
            #[diesel(sql_type = Text)]
            last_error: String,
        }
        diesel::sql_query("SELECT last_error FROM mail_outbox WHERE last_error IS NOT NULL")
            .get_result::<Row>(&mut app.db.connect())
            .unwrap()
            .last_error
    };
    assert!(error.contains("450"), "{error}");
    assert!(!error.contains("rosa.secret"), "{error}");
    assert!(!error.contains(&user.email), "{error}");
}

#[actix_web::test]
async fn the_outbox_depth_and_the_age_of_its_oldest_mail_are_gauges() {
    let mut smtp = SmtpServer::start();
    smtp.stop();
    let app = app_sending_to(&smtp, &[]).await;
    app.register_user("rosa").await;
    app.register_user("rita").await;
    let metrics = format!("{}/metrics", app.metrics_address);
    let mut text = String::new();
    for _ in 0..200 {
        text = reqwest::get(&metrics).await.unwrap().text().await.unwrap();
        if text.contains("auth_mail_outbox_depth 2") {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(text.contains("auth_mail_outbox_depth 2"), "{text}");
    assert!(
        text.contains("auth_mail_outbox_oldest_age_seconds"),
        "{text}"
    );
}
