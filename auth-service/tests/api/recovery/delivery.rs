use super::*;
use reqwest::StatusCode;
use serde_json::json;
use std::time::Instant;

#[actix_web::test]
async fn a_mail_asked_for_while_the_mail_server_is_down_is_delivered_once_it_is_back() {
    let mut smtp = SmtpServer::start();
    let app = app_sending_to(&smtp, &[]).await;
    let user = app.register_user("rosa").await;
    smtp.wait_for(&user.email, "Verify your email", WAIT).await;
    until_count(&app, "SELECT count(*) AS n FROM mail_outbox", 0).await;

    smtp.stop();
    let asked = Instant::now();
    let response = app
        .post_json("/auth/password/forgot", &json!({"email": user.email}), None)
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    // The request did not wait for the mail server: far less than one SMTP timeout (10 s).
    assert!(
        asked.elapsed() < Duration::from_secs(5),
        "{:?}",
        asked.elapsed()
    );

    // The worker tried, failed, and keeps the mail.
    until_count(
        &app,
        "SELECT count(*) AS n FROM mail_outbox WHERE attempts >= 2 AND last_error IS NOT NULL",
        1,
    )
    .await;
    assert!(smtp
        .to(&user.email)
        .iter()
        .all(|m| !m.subject.contains("Reset")));

    smtp.resume();
    let mail = smtp
        .wait_for(&user.email, "Reset your password", WAIT)
        .await;
    let token = mail.token(RESET_LINK).unwrap();
    let reset = app
        .post_json(
            "/auth/password/reset",
            &json!({"token": token, "new_password": NEW_PASSWORD}),
            None,
        )
        .await;
    assert_eq!(reset.status(), StatusCode::NO_CONTENT);
    smtp.wait_for(&user.email, "Your password was changed", WAIT)
        .await;
    until_count(&app, "SELECT count(*) AS n FROM mail_outbox", 0).await;
    let resets = smtp
        .to(&user.email)
        .into_iter()
        .filter(|m| m.subject.contains("Reset your password"))
        .count();
    assert_eq!(resets, 1, "sent once, not once per attempt");
}

#[actix_web::test]
async fn a_mail_queued_by_an_instance_that_cannot_send_is_sent_by_another() {
    let smtp = SmtpServer::start();
    // This instance's mail server never answers (nothing listens on its port).
    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let app = spawn_app_with(move |vars| {
        vars.insert("SMTP_URL".to_owned(), format!("smtp://127.0.0.1:{dead}"));
        vars.insert("PUBLIC_URL".to_owned(), PUBLIC.to_owned());
        vars.insert("MAIL_RETRY_INITIAL".to_owned(), "100ms".to_owned());
        vars.insert("MAIL_RETRY_MAX".to_owned(), "300ms".to_owned());
    })
    .await;
    let user = app.register_user("rosa").await;
    let response = app
        .post_json("/auth/password/forgot", &json!({"email": user.email}), None)
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    until_count(
        &app,
        "SELECT count(*) AS n FROM mail_outbox WHERE attempts >= 1",
        2,
    )
    .await;

    // Another instance on the same database, whose mail server works (a restart with the mail
    // server fixed looks the same): it sends what the first one queued.
    let url = smtp.url();
    app.spawn_instance_with(move |vars| {
        vars.insert("SMTP_URL".to_owned(), url);
    })
    .await;
    smtp.wait_for(&user.email, "Verify your email", WAIT).await;
    let mail = smtp
        .wait_for(&user.email, "Reset your password", WAIT)
        .await;
    assert!(mail.token(RESET_LINK).is_some());
}

#[actix_web::test]
async fn without_a_mail_server_mails_are_eml_files_whose_links_work() {
    // The test app's default: no SMTP_URL, MAIL_DIR a directory of its own.
    let app = crate::helpers::spawn_app().await;
    let user = app.register_user("rosa").await;
    let mut mails = Vec::new();
    for _ in 0..400 {
        mails = test_support::smtp::read_dir(app.mail_dir.path());
        if !mails.is_empty() {
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    let mail = mails.first().expect("an .eml file in MAIL_DIR");
    assert_eq!(mail.to, user.email);
    let token = mail
        .token("http://localhost:3000/#/verify-email?token=")
        .expect("a link to the default PUBLIC_URL");
    let response = app
        .post_json("/auth/email/verify", &json!({ "token": token }), None)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}
