//! What the binary's logs never hold (docs/SECURITY.md, Account recovery and The command-line
//! tool): no password, password hash, token, token signature, secret, link token (not even a piece
//! of one) or mail recipient, while a refresh token's reuse is reported, naming the session and the
//! user.

use super::*;

#[actix_web::test]
async fn the_logs_hold_no_password_token_or_secret_but_do_report_reuse() {
    let db = TestDatabase::create();
    let (running, address) = start_binary(&db, &[("REFRESH_REUSE_GRACE", "0")]).await;
    let client = http_client();
    let password = "Plaintext-Passphrase-4711";
    let wrong_password = "Wrong-Passphrase-0815";
    let post = |path: &str, body: serde_json::Value| {
        client.post(format!("{address}{path}")).json(&body).send()
    };

    let registered = post(
        "/auth/register",
        json!({"username": "alice", "email": "alice@example.com", "full_name": "Alice", "password": password}),
    )
    .await
    .unwrap();
    assert_eq!(registered.status(), StatusCode::CREATED);
    let too_short = post(
        "/auth/register",
        json!({"username": "bob", "email": "bob@example.com", "full_name": "Bob", "password": "Short-1"}),
    )
    .await
    .unwrap();
    assert_eq!(too_short.status(), StatusCode::BAD_REQUEST);
    let failed = post(
        "/auth/login",
        json!({"username": "alice", "password": wrong_password}),
    )
    .await
    .unwrap();
    assert_eq!(failed.status(), StatusCode::UNAUTHORIZED);
    let login = post(
        "/auth/login",
        json!({"username": "alice", "password": password}),
    )
    .await
    .unwrap();
    assert_eq!(login.status(), StatusCode::OK);
    let first = Tokens::from_body(login.json().await.unwrap());
    let second = refresh_at(&client, &address, &first.refresh).await;
    assert_eq!(second.status(), StatusCode::OK);
    let second = Tokens::from_body(second.json().await.unwrap());
    let reuse = refresh_at(&client, &address, &first.refresh).await;
    assert_error(reuse, StatusCode::UNAUTHORIZED, "refresh_token_reused").await;
    // A revoked session's access token, a token in the query string, a garbage token.
    let revoked = client
        .get(format!("{address}/auth/me"))
        .bearer_auth(&second.access)
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::UNAUTHORIZED);
    let in_query = client
        .get(format!("{address}/auth/me?access_token={}", first.access))
        .send()
        .await
        .unwrap();
    assert_eq!(in_query.status(), StatusCode::UNAUTHORIZED);
    let third = post(
        "/auth/login",
        json!({"username": "alice", "password": password}),
    )
    .await
    .unwrap();
    let third = Tokens::from_body(third.json().await.unwrap());
    let logout = client
        .post(format!("{address}/auth/logout"))
        .header("cookie", format!("__Host-refresh_token={}", third.refresh))
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    let user_id = decode_jwt(&first.access).1["sub"]
        .as_str()
        .unwrap()
        .to_owned();

    #[derive(QueryableByName)]
    struct Hash {
        #[diesel(sql_type = Text)]
        password_hash: String,
    }
    let hash = diesel::sql_query("SELECT password_hash FROM users")
        .get_result::<Hash>(&mut db.connect())
        .unwrap()
        .password_hash;
    let logs = running.stop();

    assert!(
        logs.contains("/auth/refresh"),
        "the access log ran at all:\n{logs}"
    );
    let mut secrets = vec![
        ("the password", password.to_owned()),
        ("a wrong password", wrong_password.to_owned()),
        ("a refused password", "Short-1".to_owned()),
        ("the password hash", hash),
        ("the access secret", ACCESS_SECRET.to_owned()),
        ("the refresh secret", REFRESH_SECRET.to_owned()),
    ];
    for tokens in [&first, &second, &third] {
        for token in [&tokens.access, &tokens.refresh] {
            secrets.push(("a token", token.clone()));
            let signature = token.rsplit('.').next().unwrap().to_owned();
            secrets.push(("a token signature", signature));
        }
    }
    for (what, secret) in secrets {
        assert!(
            !logs.contains(&secret),
            "{what} appears in the logs:\n{logs}"
        );
    }
    let warn = logs
        .lines()
        .find(|line| line.contains("WARN") && line.contains("reuse"))
        .unwrap_or_else(|| panic!("no WARN line about reuse:\n{logs}"));
    assert!(
        warn.contains(&first.session_id.to_string()),
        "the WARN line names the session: {warn}"
    );
    assert!(
        warn.contains(&user_id),
        "the WARN line names the user: {warn}"
    );
}

#[actix_web::test]
async fn the_logs_hold_no_link_token_through_reset_and_verification() {
    let smtp = test_support::smtp::SmtpServer::start();
    let url = smtp.url();
    let db = TestDatabase::create();
    let (running, address) = start_binary(
        &db,
        &[
            ("SMTP_URL", url.as_str()),
            ("PUBLIC_URL", "https://photos.example"),
        ],
    )
    .await;
    let client = http_client();
    let post = |path: &str, body: serde_json::Value| {
        client.post(format!("{address}{path}")).json(&body).send()
    };
    let registered = post(
        "/auth/register",
        json!({"username": "alice", "email": "alice@example.com", "full_name": "Alice",
               "password": "Plaintext-Passphrase-4711"}),
    )
    .await
    .unwrap();
    assert_eq!(registered.status(), StatusCode::CREATED);
    let forgot = post(
        "/auth/password/forgot",
        json!({"email": "alice@example.com"}),
    )
    .await
    .unwrap();
    assert_eq!(forgot.status(), StatusCode::ACCEPTED);
    let verify_link = "https://photos.example/#/verify-email?token=";
    let reset_link = "https://photos.example/#/reset-password?token=";
    let verification = smtp
        .wait_for(
            "alice@example.com",
            "Verify your email",
            Duration::from_secs(30),
        )
        .await
        .token(verify_link)
        .unwrap();
    let reset = smtp
        .wait_for(
            "alice@example.com",
            "Reset your password",
            Duration::from_secs(30),
        )
        .await
        .token(reset_link)
        .unwrap();
    let verified = post("/auth/email/verify", json!({ "token": verification }))
        .await
        .unwrap();
    assert_eq!(verified.status(), StatusCode::OK);
    let changed = post(
        "/auth/password/reset",
        json!({"token": reset, "new_password": "Another-Passphrase-0815"}),
    )
    .await
    .unwrap();
    assert_eq!(changed.status(), StatusCode::NO_CONTENT);
    // Used again: refused, and the refusal logs no token either.
    let again = post("/auth/email/verify", json!({ "token": verification }))
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
    smtp.wait_for(
        "alice@example.com",
        "Your password was changed",
        Duration::from_secs(30),
    )
    .await;

    let log = running.stop();
    for secret in [
        verification.as_str(),
        reset.as_str(),
        "Another-Passphrase-0815",
    ] {
        assert!(!log.contains(secret), "{secret} is in the log:\n{log}");
    }
    // Half a token is as bad: no 16-character piece of either appears.
    for token in [&verification, &reset] {
        for piece in token.as_bytes().windows(16) {
            let piece = std::str::from_utf8(piece).unwrap();
            assert!(
                !log.contains(piece),
                "a piece of a token is in the log:\n{log}"
            );
        }
    }
    assert!(log.contains("mail: sent kind=password_reset"), "{log}");
    assert!(
        !log.contains("alice@example.com"),
        "no recipient in the log:\n{log}"
    );
}
