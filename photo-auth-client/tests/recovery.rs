//! Account recovery and email verification through the client, against the real auth-service
//! writing its mails as `.eml` files: the tokens are read out of the links in those mails, as a
//! person would open them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use photo_auth_client::{ApiCode, Client, ClientError};
use std::path::{Path, PathBuf};
use std::time::Duration;

const PASSWORD: &str = "correct horse battery";

struct Auth {
    url: String,
    metrics_url: String,
    /// auth-service's `MAIL_DIR`: one of its own for each test.
    mail: PathBuf,
    _keep: test_harness::AuthInstance,
}

async fn spawn_auth() -> Auth {
    let auth = test_harness::start_auth(|_| {}).await;
    Auth {
        url: auth.address.clone(),
        metrics_url: format!("{}/metrics", auth.metrics_address.as_deref().unwrap()),
        mail: auth.dir.path().to_owned(),
        _keep: auth,
    }
}

/// `auth_refresh_total{outcome="<outcome>"}` as auth-service counts it.
async fn refreshes(auth: &Auth, outcome: &str) -> u64 {
    let text = reqwest::get(&auth.metrics_url)
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let series = format!("auth_refresh_total{{outcome=\"{outcome}\"}}");
    test_support::metric(&text, &series).map_or(0, |n| n as u64)
}

async fn registered(auth: &Auth, username: &str) -> Client {
    let client = Client::new(&auth.url, "http://127.0.0.1:9").unwrap();
    let email = format!("{username}@example.com");
    client
        .register(username, &email, "Test User", PASSWORD)
        .await
        .unwrap();
    client
}

/// The tokens of the `route` links (`reset-password`, `verify-email`) mailed to `to`, oldest
/// first, once there are at least `count`; mails are sent in the background, so this waits.
async fn mailed_tokens(dir: &Path, to: &str, route: &str, count: usize) -> Vec<String> {
    for _ in 0..100 {
        let tokens = tokens_in_dir(dir, to, route);
        if tokens.len() >= count {
            return tokens;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no {count} {route} mails to {to} in {}", dir.display());
}

fn tokens_in_dir(dir: &Path, to: &str, route: &str) -> Vec<String> {
    let link = format!("http://localhost:3000/#/{route}?");
    test_support::smtp::read_dir(dir)
        .iter()
        .filter(|mail| mail.to == to)
        .filter_map(|mail| mail.token(&link))
        .collect()
}

fn api_error(error: &ClientError) -> (u16, &ApiCode) {
    match error {
        ClientError::Api { status, code, .. } => (*status, code),
        other => panic!("not an API error: {other}"),
    }
}

#[actix_web::test]
async fn forgot_password_answers_alike_for_any_address_and_refuses_what_is_no_address() {
    let auth = spawn_auth().await;
    let client = registered(&auth, "forgetful").await;
    client
        .forgot_password("forgetful@example.com")
        .await
        .unwrap();
    client.forgot_password("nobody@example.com").await.unwrap();
    let error = client.forgot_password("not an address").await.unwrap_err();
    assert_eq!(
        api_error(&error),
        (400, &ApiCode::InvalidRequest),
        "{error}"
    );
    let ClientError::Api { fields, .. } = &error else {
        unreachable!()
    };
    assert!(fields.contains_key("email"), "{error}");
    // The known address got its link; the unknown one nothing.
    mailed_tokens(&auth.mail, "forgetful@example.com", "reset-password", 1).await;
    assert!(tokens_in_dir(&auth.mail, "nobody@example.com", "reset-password").is_empty());
}

#[actix_web::test]
async fn an_unknown_link_token_is_its_own_error_and_leaves_the_session_alone() {
    let auth = spawn_auth().await;
    let client = registered(&auth, "holder").await;
    client.login("holder", PASSWORD).await.unwrap();
    let unknown = "A".repeat(43);

    let error = client
        .reset_password(&unknown, "a brand new password")
        .await
        .unwrap_err();
    assert_eq!(
        api_error(&error),
        (400, &ApiCode::InvalidLinkToken),
        "{error}"
    );
    let error = client
        .reset_password("garbage", "a brand new password")
        .await;
    assert_eq!(error.unwrap_err().code(), Some(&ApiCode::InvalidLinkToken));
    let error = client.verify_email(&unknown).await.unwrap_err();
    assert_eq!(
        api_error(&error),
        (400, &ApiCode::InvalidLinkToken),
        "{error}"
    );

    // Not the session's token: nothing was renewed or ended.
    assert_eq!(refreshes(&auth, "rotated").await, 0);
    assert_eq!(refreshes(&auth, "rejected").await, 0);
    assert!(client.is_logged_in().await);
    assert_eq!(client.me().await.unwrap().username, "holder");
}

#[actix_web::test]
async fn a_fresh_user_has_the_link_resent_and_verifies_with_it() {
    let auth = spawn_auth().await;
    let client = registered(&auth, "fresh").await;
    assert!(matches!(
        client.resend_verification().await,
        Err(ClientError::NotLoggedIn)
    ));
    client.login("fresh", PASSWORD).await.unwrap();
    let me = client.me().await.unwrap();
    assert!(!me.email_verified);
    assert_eq!(me.pending_email, None);

    // The registration's mail first, then the one sent again.
    mailed_tokens(&auth.mail, "fresh@example.com", "verify-email", 1).await;
    client.resend_verification().await.unwrap();
    let tokens = mailed_tokens(&auth.mail, "fresh@example.com", "verify-email", 2).await;
    let token = tokens.last().unwrap();

    // Verified from another client, without a session: the link may be opened anywhere.
    let elsewhere = Client::new(&auth.url, "http://127.0.0.1:9").unwrap();
    let user = elsewhere.verify_email(token).await.unwrap();
    assert!(user.email_verified);
    assert_eq!(user.email, "fresh@example.com");
    assert_eq!(refreshes(&auth, "rotated").await, 0, "no session to renew");
    let again = elsewhere.verify_email(token).await.unwrap_err();
    assert_eq!(again.code(), Some(&ApiCode::InvalidLinkToken), "single use");

    assert!(client.me().await.unwrap().email_verified);
    let nothing = client.resend_verification().await.unwrap_err();
    assert_eq!(api_error(&nothing), (409, &ApiCode::Conflict), "{nothing}");
}

#[actix_web::test]
async fn verifying_with_a_session_renews_its_tokens() {
    let auth = spawn_auth().await;
    let client = registered(&auth, "renewed").await;
    client.login("renewed", PASSWORD).await.unwrap();
    let tokens = mailed_tokens(&auth.mail, "renewed@example.com", "verify-email", 1).await;
    let user = client.verify_email(&tokens[0]).await.unwrap();
    assert!(user.email_verified);
    assert_eq!(
        refreshes(&auth, "rotated").await,
        1,
        "the next access token says the address is verified"
    );
    assert!(client.me().await.unwrap().email_verified);
}

#[actix_web::test]
async fn a_forgotten_password_is_reset_by_the_mailed_link_and_every_session_ends() {
    let auth = spawn_auth().await;
    let client = registered(&auth, "reset").await;
    client.login("reset", PASSWORD).await.unwrap();
    client.forgot_password("reset@example.com").await.unwrap();
    let tokens = mailed_tokens(&auth.mail, "reset@example.com", "reset-password", 1).await;
    let token = &tokens[0];

    // A password that breaks the rules names the field, and leaves the link usable.
    let weak = client.reset_password(token, "short").await.unwrap_err();
    assert_eq!(api_error(&weak), (400, &ApiCode::InvalidRequest), "{weak}");
    let ClientError::Api { fields, .. } = &weak else {
        unreachable!()
    };
    assert!(fields.contains_key("new_password"), "{weak}");

    let new_password = "a much better passphrase";
    client.reset_password(token, new_password).await.unwrap();
    let reused = client
        .reset_password(token, new_password)
        .await
        .unwrap_err();
    assert_eq!(
        reused.code(),
        Some(&ApiCode::InvalidLinkToken),
        "single use"
    );

    // Every session ended, this client's too: one refresh attempt, then it is forgotten.
    let ended = client.me().await.unwrap_err();
    assert_eq!(api_error(&ended), (401, &ApiCode::InvalidToken), "{ended}");
    assert!(!client.is_logged_in().await);

    let old = client.login("reset", PASSWORD).await.unwrap_err();
    assert_eq!(old.code(), Some(&ApiCode::InvalidCredentials));
    client
        .login("reset@example.com", new_password)
        .await
        .unwrap();
    assert_eq!(client.me().await.unwrap().username, "reset");
}
