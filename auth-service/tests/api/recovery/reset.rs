use super::*;
use crate::helpers::assert_error;
use reqwest::StatusCode;
use serde_json::{json, Value};

#[actix_web::test]
async fn a_forgotten_password_is_reset_through_the_link_in_the_delivered_mail() {
    let smtp = SmtpServer::start();
    let app = app_sending_to(&smtp, &[]).await;
    let user = app.register_user("rosa").await;
    let before = app.login_as(&user).await;

    // Any spelling of the address reaches the account.
    let response = app
        .post_json(
            "/auth/password/forgot",
            &json!({"email": "  Rosa@EXAMPLE.com "}),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"status": "accepted"})
    );

    let mail = smtp
        .wait_for(&user.email, "Reset your password", WAIT)
        .await;
    assert_eq!(mail.from, "no-reply@photos.example");
    assert!(mail.subject.contains("Snapshots"), "{}", mail.subject);
    let link = mail.link(RESET_LINK).expect("the text part holds the link");
    assert!(
        mail.html.contains(&link),
        "the HTML part links the same: {}",
        mail.html
    );
    assert!(mail.text.contains("30 minutes"), "{}", mail.text);
    let token = mail.token(RESET_LINK).unwrap();

    let reset = app
        .post_json(
            "/auth/password/reset",
            &json!({"token": token, "new_password": NEW_PASSWORD}),
            None,
        )
        .await;
    assert_eq!(reset.status(), StatusCode::NO_CONTENT);

    // Every session ended: a thief who had one is out.
    assert_eq!(
        app.session(before.session_id).revoked_reason.as_deref(),
        Some("password_reset")
    );
    assert_error(
        app.refresh(&before.refresh).await,
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    )
    .await;
    assert_error(
        app.get("/auth/me", Some(&before.access)).await,
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    )
    .await;
    // The old password is gone, the new one works, and the link proved the address.
    let old = app
        .login(&json!({"username": user.username, "password": user.password}))
        .await;
    assert_error(old, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    let after = app.login_with_password(&user.username, NEW_PASSWORD).await;
    assert_eq!(after.body["user"]["email_verified"], true);

    let notice = smtp
        .wait_for(&user.email, "Your password was changed", WAIT)
        .await;
    assert!(notice
        .link("https://")
        .is_some_and(|l| !l.contains("token=")));
    for kind in ["password_reset_requested", "password_reset"] {
        let sql = format!(
            "SELECT count(*) AS n FROM audit_events WHERE kind = '{kind}' AND user_id = '{}'",
            user.id
        );
        assert_eq!(scalar(&app, &sql), 1, "{kind}");
    }
}

#[actix_web::test]
async fn a_reset_link_works_once_and_not_after_it_expired_and_every_bad_token_looks_alike() {
    let smtp = SmtpServer::start();
    let app = app_sending_to(&smtp, &[("PASSWORD_RESET_TOKEN_LIFETIME", "3s")]).await;
    let user = app.register_user("rosa").await;
    let forgot = |app: &TestApp| {
        let url = app.url("/auth/password/forgot");
        let client = app.client.clone();
        let email = user.email.clone();
        async move {
            let response = client
                .post(url)
                .json(&json!({ "email": email }))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::ACCEPTED);
        }
    };
    let reset = |token: String, password: &str| {
        let body = json!({"token": token, "new_password": password});
        let request = app.request(reqwest::Method::POST, "/auth/password/reset");
        async move { request.json(&body).send().await.unwrap() }
    };

    // Two links asked for; the first one used.
    forgot(&app).await;
    let first = smtp
        .wait_for(&user.email, "Reset your password", WAIT)
        .await;
    forgot(&app).await;
    let mut second = None;
    for _ in 0..600 {
        let mails = smtp.to(&user.email);
        let resets: Vec<_> = mails
            .iter()
            .filter(|m| m.subject.contains("Reset your password"))
            .collect();
        if resets.len() == 2 {
            second = Some(resets[1].clone());
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    let second = second.expect("a second reset mail");
    let (first, second) = (
        first.token(RESET_LINK).unwrap(),
        second.token(RESET_LINK).unwrap(),
    );
    assert_ne!(first, second);
    assert_eq!(
        reset(first.clone(), NEW_PASSWORD).await.status(),
        StatusCode::NO_CONTENT
    );

    let mut refusals = Vec::new();
    // Used.
    refusals.push(reset(first, "another new passphrase").await);
    // Retired: using one link retires the others.
    refusals.push(reset(second, "another new passphrase").await);
    // Expired: a third link, left past its three seconds.
    forgot(&app).await;
    let third = loop {
        let resets: Vec<_> = smtp
            .to(&user.email)
            .into_iter()
            .filter(|m| m.subject.contains("Reset your password"))
            .collect();
        if resets.len() == 3 {
            break resets[2].token(RESET_LINK).unwrap();
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    };
    actix_web::rt::time::sleep(Duration::from_millis(3500)).await;
    refusals.push(reset(third, "another new passphrase").await);
    // Unknown, of a token's shape; malformed; missing.
    refusals.push(reset("A".repeat(43), "another new passphrase").await);
    refusals.push(reset("not a token".to_owned(), "another new passphrase").await);
    refusals.push(
        app.post_json(
            "/auth/password/reset",
            &json!({"new_password": "another new passphrase"}),
            None,
        )
        .await,
    );
    let mut bodies = Vec::new();
    for response in refusals {
        bodies.push(assert_error(response, StatusCode::BAD_REQUEST, "invalid_token").await);
    }
    assert!(bodies.windows(2).all(|w| w[0] == w[1]), "{bodies:?}");
    // None of them changed the password.
    app.login_with_password(&user.username, NEW_PASSWORD).await;
}

#[actix_web::test]
async fn a_new_password_follows_the_registration_rule_and_a_refused_one_keeps_the_link() {
    let smtp = SmtpServer::start();
    let app = app_sending_to(&smtp, &[]).await;
    let user = app.register_user("rosa").await;
    app.post_json("/auth/password/forgot", &json!({"email": user.email}), None)
        .await;
    let token = smtp
        .wait_for(&user.email, "Reset your password", WAIT)
        .await
        .token(RESET_LINK)
        .unwrap();
    let short = app
        .post_json(
            "/auth/password/reset",
            &json!({"token": token, "new_password": "short"}),
            None,
        )
        .await;
    let body = assert_error(short, StatusCode::BAD_REQUEST, "invalid_request").await;
    assert!(body["fields"]["new_password"].is_string(), "{body}");
    let good = app
        .post_json(
            "/auth/password/reset",
            &json!({"token": token, "new_password": NEW_PASSWORD}),
            None,
        )
        .await;
    assert_eq!(good.status(), StatusCode::NO_CONTENT);
}

#[actix_web::test]
async fn forgot_answers_alike_for_known_and_unknown_addresses_and_limits_both_alike() {
    let smtp = SmtpServer::start();
    let app = app_sending_to(&smtp, &[("MAIL_RATE_PER_RECIPIENT", "2/hour")]).await;
    let user = app.register_user("rosa").await;
    let unknown = "nobody@example.com";

    let mut answers = Vec::new();
    for round in 0..3 {
        for email in [user.email.as_str(), unknown] {
            let response = app
                .post_json("/auth/password/forgot", &json!({ "email": email }), None)
                .await;
            let status = response.status();
            let mut names: Vec<String> = response
                .headers()
                .keys()
                .map(|k| k.as_str().to_owned())
                .filter(|k| k != "date" && k != "x-request-id")
                .collect();
            names.sort();
            let retry_after = response.headers().contains_key("retry-after");
            let body: Value = response.json().await.unwrap();
            answers.push((round, email.to_owned(), status, names, retry_after, body));
        }
    }
    for pair in answers.chunks(2) {
        let (known, unknown) = (&pair[0], &pair[1]);
        assert_eq!(
            (&known.2, &known.3, &known.4, &known.5),
            (&unknown.2, &unknown.3, &unknown.4, &unknown.5),
            "round {}: the answers differ",
            known.0
        );
    }
    let statuses: Vec<StatusCode> = answers.iter().map(|a| a.2).collect();
    assert_eq!(
        statuses,
        [
            StatusCode::ACCEPTED,
            StatusCode::ACCEPTED,
            StatusCode::ACCEPTED,
            StatusCode::ACCEPTED,
            StatusCode::TOO_MANY_REQUESTS,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
    // Only the account's owner gets mail, and only the two allowed.
    // Both cases write their audit event (the same commit); only the known one names a user.
    until_count(
        &app,
        "SELECT count(*) AS n FROM audit_events WHERE kind = 'password_reset_requested'",
        4,
    )
    .await;
    let known = "SELECT count(*) AS n FROM audit_events \
                 WHERE kind = 'password_reset_requested' AND user_id IS NOT NULL \
                 AND (detail->>'account_found')::boolean";
    assert_eq!(scalar(&app, known), 2);
    smtp.wait_for(&user.email, "Reset your password", WAIT)
        .await;
    until_count(&app, "SELECT count(*) AS n FROM mail_outbox", 0).await;
    assert!(smtp.to(unknown).is_empty());
    let resets = smtp
        .to(&user.email)
        .into_iter()
        .filter(|m| m.subject.contains("Reset your password"))
        .count();
    assert_eq!(resets, 2);
}
