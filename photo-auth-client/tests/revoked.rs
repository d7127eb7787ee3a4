//! A 401 `session_revoked` from resource-service (an access token whose session ended before the
//! token ran out) ends the session as a refused refresh does: no refresh, no second try, the
//! store cleared, and the next call fails at once (docs/CLIENT.md, The token rules). Stand-ins
//! for both services on 127.0.0.1 record every request.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use bytes::Bytes;
use photo_auth_client::{
    ApiCode, Client, ClientError, FileStore, MemoryStore, Servers, StoredTokens, TokenStore,
};
use std::path::Path;
use support::{response, StandIn};
use uuid::Uuid;

const REVOKED: &str = r#"{"error":"session_revoked","message":"The session of this access token has ended; log in again."}"#;
const INVALID: &str =
    r#"{"error":"invalid_token","message":"The access token is invalid or has expired."}"#;

/// resource-service refusing every request with 401 and `body`, as it refuses a token.
fn refusing_api(body: &'static str) -> StandIn {
    StandIn::start(move |_| {
        response(
            "401 Unauthorized",
            &[r#"WWW-Authenticate: Bearer error="invalid_token""#],
            body,
        )
    })
}

/// auth-service renewing any session it is asked to: were the client to try, it would succeed.
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

/// A session of `auth` and `api` whose access token is good for a long while yet.
fn session_of(auth: &StandIn, api: &StandIn) -> StoredTokens {
    StoredTokens {
        access_token: "access-token-of-the-session".to_owned().into(),
        refresh_token: "refresh-token-of-the-session".to_owned().into(),
        renew_at: i64::MAX,
        session_id: Uuid::nil(),
        servers: Some(Servers::parse(&auth.url, &api.url).unwrap()),
    }
}

fn client_with_file(auth: &StandIn, api: &StandIn, path: &Path) -> Client {
    FileStore::new(path).save(&session_of(auth, api)).unwrap();
    Client::with_store(&auth.url, &api.url, Box::new(FileStore::new(path))).unwrap()
}

fn assert_session_revoked(result: Result<impl std::fmt::Debug, ClientError>) {
    match result {
        Err(ClientError::Api {
            status: 401,
            code: ApiCode::SessionRevoked,
            ..
        }) => {}
        other => panic!("not the session's end: {other:?}"),
    }
}

#[tokio::test]
async fn a_401_session_revoked_ends_the_session_without_a_refresh_or_a_retry() {
    let (auth, api) = (renewing_auth(), refusing_api(REVOKED));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("session.json");
    let client = client_with_file(&auth, &api, &path);

    assert_session_revoked(client.profile().await);
    assert_eq!(auth.requests(), Vec::<String>::new(), "no refresh");
    assert_eq!(api.request_lines(), ["GET /profile HTTP/1.1"], "no retry");
    assert!(!path.exists(), "the stored session is removed");
    assert!(!client.is_logged_in().await);

    // The next call fails at once, sending nothing.
    assert!(matches!(
        client.like(Uuid::nil()).await,
        Err(ClientError::NotLoggedIn)
    ));
    assert!(matches!(client.me().await, Err(ClientError::NotLoggedIn)));
    assert_eq!(api.requests().len(), 1);
    assert_eq!(auth.requests(), Vec::<String>::new());
}

#[tokio::test]
async fn a_streamed_upload_refused_with_session_revoked_ends_the_session_too() {
    let (auth, api) = (renewing_auth(), refusing_api(REVOKED));
    let store = MemoryStore::default();
    store.save(&session_of(&auth, &api)).unwrap();
    let client = Client::with_store(&auth.url, &api.url, Box::new(store)).unwrap();

    let chunks = futures_util::stream::iter([Ok(Bytes::from_static(b"not really a photo"))]);
    let upload = client.upload_photo_stream("p.png", chunks, 18, None, None);
    assert_session_revoked(upload.await);
    assert_eq!(auth.requests(), Vec::<String>::new(), "no refresh");
    assert_eq!(api.request_lines(), ["POST /photos HTTP/1.1"]);
    assert!(!client.is_logged_in().await);
}

/// The difference the code makes: the same refusal as `invalid_token` is renewed once and tried
/// once more, and the session stays.
#[tokio::test]
async fn a_401_invalid_token_still_renews_once_and_retries_once() {
    let (auth, api) = (renewing_auth(), refusing_api(INVALID));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("session.json");
    let client = client_with_file(&auth, &api, &path);

    let error = client.profile().await.unwrap_err();
    assert_eq!(error.code(), Some(&ApiCode::InvalidToken), "{error}");
    assert_eq!(auth.request_lines(), ["POST /auth/refresh HTTP/1.1"]);
    assert_eq!(api.requests().len(), 2);
    assert!(api.requests()[1].contains("Bearer renewed-access-token"));
    assert!(path.exists() && client.is_logged_in().await);
}
