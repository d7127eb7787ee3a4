//! A kept session that resource-service refuses as `session_revoked` (its session ended before
//! the access token ran out) is forgotten at once, without a refresh, and the command exits as
//! it does when a refresh is refused: 3, with the way on (docs/CLI.md, Exit codes). Stand-ins
//! for both services on 127.0.0.1 record every request; no database is needed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use photo_auth_client::{FileStore, Servers, StoredTokens, TokenStore};
use std::path::Path;
use std::process::Output;
use support::{response, StandIn};
use uuid::Uuid;

/// Exit codes of docs/CLI.md.
const LOGIN_NEEDED: i32 = 3;

const CHALLENGE: &str = r#"WWW-Authenticate: Bearer error="invalid_token""#;
const REVOKED: &str = r#"{"error":"session_revoked","message":"The session of this access token has ended; log in again."}"#;
const INVALID_ACCESS: &str =
    r#"{"error":"invalid_token","message":"The access token is invalid or has expired."}"#;
const INVALID_REFRESH: &str = r#"{"error":"invalid_token","message":"The refresh token is invalid, expired or revoked; log in again."}"#;

/// A service refusing every request with 401 and `body`.
fn refusing(body: &'static str) -> StandIn {
    StandIn::start(move |_| response("401 Unauthorized", &[CHALLENGE], body))
}

/// auth-service renewing any session it is asked to: were the tool to try, it would succeed.
fn renewing_auth() -> StandIn {
    StandIn::start(|_| {
        let body = serde_json::json!({
            "access_token": "renewed-access-token", "token_type": "Bearer", "expires_in": 900,
            "refresh_token": "renewed-refresh-token", "refresh_expires_in": 86_400,
            "session_id": Uuid::nil(),
            "user": {
                "id": Uuid::nil(), "username": "dora", "email": "dora@example.com",
                "full_name": "Dora", "roles": ["user"], "created_at": "2024-01-01T00:00:00Z",
                "email_verified": true,
            },
        });
        response("200 OK", &[], &body.to_string())
    })
}

/// Keeps a session of `auth` and `api` in `config`, as `photo-auth login` would, with an access
/// token good for a long while yet.
fn keep_session(config: &Path, auth: &StandIn, api: &StandIn) {
    FileStore::new(config.join("session.json"))
        .save(&StoredTokens {
            access_token: "access-token-of-the-session".to_owned().into(),
            refresh_token: "refresh-token-of-the-session".to_owned().into(),
            renew_at: i64::MAX,
            session_id: Uuid::nil(),
            servers: Some(Servers::parse(&auth.url, &api.url).unwrap()),
        })
        .unwrap();
}

async fn photo_auth(config: &Path, auth: &StandIn, api: &StandIn, args: &[&str]) -> Output {
    support::run(config, (auth.url.as_str(), api.url.as_str()), args, "").await
}

fn stderr_lines(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[actix_web::test]
async fn a_session_revoked_answer_forgets_the_kept_session_without_a_refresh_and_exits_3() {
    let (auth, api) = (renewing_auth(), refusing(REVOKED));
    let config = tempfile::tempdir().unwrap();
    let config = config.path();
    keep_session(config, &auth, &api);

    let output = photo_auth(config, &auth, &api, &["photos", "ls"]).await;
    assert_eq!(output.status.code(), Some(LOGIN_NEEDED), "{output:?}");
    assert_eq!(
        stderr_lines(&output),
        [
            "photo-auth: The session of this access token has ended; log in again.",
            "photo-auth: this session was ended on the server, so it is no longer kept; \
             log in with `photo-auth login USER_OR_EMAIL`",
        ]
    );
    assert!(output.stdout.is_empty(), "{output:?}");
    assert_eq!(auth.request_lines(), Vec::<String>::new(), "no refresh");
    assert_eq!(api.request_lines().len(), 1, "no retry");
    assert!(
        !config.join("session.json").exists(),
        "the kept session is removed"
    );

    // The next command asks for a login without sending anything.
    let again = photo_auth(config, &auth, &api, &["profile", "show"]).await;
    assert_eq!(again.status.code(), Some(LOGIN_NEEDED), "{again:?}");
    assert_eq!(
        stderr_lines(&again),
        [
            "photo-auth: not logged in",
            "photo-auth: log in with `photo-auth login USER_OR_EMAIL`",
        ]
    );
    assert_eq!(api.request_lines().len(), 1);
    assert_eq!(auth.request_lines(), Vec::<String>::new());
}

/// What the tool did already for a session ended elsewhere, found by a refused refresh: the same
/// exit code, the same two lines of message and way on, the session forgotten.
#[actix_web::test]
async fn a_refused_refresh_ends_the_kept_session_the_same_way() {
    let (auth, api) = (refusing(INVALID_REFRESH), refusing(INVALID_ACCESS));
    let config = tempfile::tempdir().unwrap();
    let config = config.path();
    keep_session(config, &auth, &api);

    let output = photo_auth(config, &auth, &api, &["photos", "ls"]).await;
    assert_eq!(output.status.code(), Some(LOGIN_NEEDED), "{output:?}");
    assert_eq!(
        stderr_lines(&output),
        [
            "photo-auth: The refresh token is invalid, expired or revoked; log in again.",
            "photo-auth: log in with `photo-auth login USER_OR_EMAIL`",
        ]
    );
    assert_eq!(auth.request_lines(), ["POST /auth/refresh HTTP/1.1"]);
    assert_eq!(api.request_lines().len(), 1);
    assert!(!config.join("session.json").exists());
}
