//! A session's tokens go only to the servers it was obtained from: stand-in servers on
//! 127.0.0.1 record every request they receive, and the one the session is not theirs sees none
//! of its tokens, whatever the calls made to it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use photo_auth_client::{
    Client, ClientError, FileStore, MemoryStore, Servers, StoredTokens, TokenStore,
};
use std::io::Write;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use support::read_request;
use uuid::Uuid;

const ACCESS: &str = "access-token-of-the-session";
const REFRESH: &str = "refresh-token-of-the-session";

/// A stand-in for both services: it keeps each request whole, and answers a login or refresh
/// with the session's tokens, anything else with a user; or it redirects every request to
/// another server.
struct Recorder {
    url: String,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Recorder {
    fn start() -> Self {
        Self::answering(None)
    }

    /// A server that answers each request with a 307 to the same path on `other`.
    fn redirecting_to(other: &Recorder) -> Self {
        Self::answering(Some(other.url.clone()))
    }

    fn answering(redirect: Option<String>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&seen);
        std::thread::spawn(move || {
            for mut stream in listener.incoming().flatten() {
                let request = read_request(&mut stream);
                let answer = match &redirect {
                    Some(to) => {
                        let path = request.split(' ').nth(1).unwrap_or("/");
                        format!(
                            "HTTP/1.1 307 Temporary Redirect\r\nLocation: {to}{path}\r\n\
                             Content-Length: 0\r\nConnection: close\r\n\r\n"
                        )
                    }
                    None => {
                        let body = answer(&request);
                        format!(
                            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                            body.len()
                        )
                    }
                };
                kept.lock().unwrap().push(request);
                let _ = stream.write_all(answer.as_bytes());
            }
        });
        Self { url, seen }
    }

    fn requests(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }

    /// The requests that carried a token of the session, in a header or a body.
    fn with_tokens(&self) -> Vec<String> {
        self.requests()
            .into_iter()
            .filter(|r| r.contains(ACCESS) || r.contains(REFRESH))
            .collect()
    }
}

fn answer(request: &str) -> String {
    let user = serde_json::json!({
        "id": Uuid::nil(), "username": "dora", "email": "dora@example.com",
        "full_name": "Dora", "roles": ["user"], "created_at": "2024-01-01T00:00:00Z",
        "email_verified": true,
    });
    let first_line = request.lines().next().unwrap_or_default();
    if first_line.contains("/auth/login") || first_line.contains("/auth/refresh") {
        return serde_json::json!({
            "access_token": ACCESS, "token_type": "Bearer", "expires_in": 900,
            "refresh_token": REFRESH, "refresh_expires_in": 86_400,
            "session_id": Uuid::nil(), "user": user,
        })
        .to_string();
    }
    user.to_string()
}

/// A store holding the session's tokens, obtained from `servers` (`None`: not said).
fn holding(servers: Option<Servers>) -> Box<MemoryStore> {
    holding_due(servers, i64::MAX)
}

/// The same, with the access token to be renewed at `renew_at` (Unix seconds).
fn holding_due(servers: Option<Servers>, renew_at: i64) -> Box<MemoryStore> {
    let store = MemoryStore::default();
    store
        .save(&StoredTokens {
            access_token: ACCESS.to_owned().into(),
            refresh_token: REFRESH.to_owned().into(),
            renew_at,
            session_id: Uuid::nil(),
            servers,
        })
        .unwrap();
    Box::new(store)
}

#[tokio::test]
async fn a_login_keeps_its_servers_and_another_spelling_of_them_is_the_same_server() {
    let home = Recorder::start();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("session.json");
    let shouted = format!("{}/", home.url.replace("http://", "HTTP://"));
    let client = Client::with_store(&shouted, &shouted, Box::new(FileStore::new(&path))).unwrap();
    client.login("dora", "correct horse battery").await.unwrap();
    let kept: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(kept["auth_url"], home.url.as_str());
    assert_eq!(kept["api_url"], home.url.as_str());

    let plain = Client::with_store(&home.url, &home.url, Box::new(FileStore::new(&path))).unwrap();
    assert_eq!(plain.me().await.unwrap().username, "dora");
    let sent = home.requests();
    assert!(
        sent.last().unwrap().starts_with("GET /auth/me ")
            && sent.last().unwrap().contains(&format!("Bearer {ACCESS}")),
        "{sent:#?}"
    );
}

#[tokio::test]
async fn a_session_is_not_sent_to_other_servers_whatever_is_called() {
    let home = Recorder::start();
    let other = Recorder::start();
    let kept = Servers::parse(&home.url, &home.url).unwrap();
    let port = home.url.rsplit(':').next().unwrap();
    let elsewhere = [
        (other.url.clone(), home.url.clone()),
        (home.url.clone(), other.url.clone()),
        (format!("{}/prefix", home.url), home.url.clone()),
        (format!("https://127.0.0.1:{port}"), home.url.clone()),
        (format!("http://localhost:{port}"), home.url.clone()),
    ];
    for (auth_url, api_url) in elsewhere {
        let client = Client::with_store(&auth_url, &api_url, holding(Some(kept.clone()))).unwrap();
        let refusals = [
            client.me().await.map(drop),
            client.sessions().await.map(drop),
            client.profile().await.map(drop),
            client.like(Uuid::nil()).await,
            client.resend_verification().await,
            client.logout_all().await,
            client.logout().await,
        ];
        for refused in refusals {
            assert!(
                matches!(refused, Err(ClientError::OtherServers { .. })),
                "{auth_url} {api_url}: {refused:?}"
            );
        }
        assert!(client.is_logged_in().await, "the session is kept");
    }
    // A link's token goes where it is told; the session's tokens are not renewed there.
    let client = Client::with_store(&other.url, &other.url, holding(Some(kept))).unwrap();
    client.verify_email("a-link-token").await.unwrap();

    assert_eq!(home.requests(), Vec::<String>::new());
    assert_eq!(other.with_tokens(), Vec::<String>::new());
    let verifications = other.requests();
    assert_eq!(verifications.len(), 1, "{verifications:#?}");
    assert!(verifications[0].starts_with("POST /auth/email/verify "));
}

#[tokio::test]
async fn a_session_kept_without_its_servers_is_sent_to_none() {
    let home = Recorder::start();
    let client = Client::with_store(&home.url, &home.url, holding(None)).unwrap();
    for refused in [
        client.me().await.map(drop),
        client.profile().await.map(drop),
        client.logout().await,
    ] {
        assert!(
            matches!(refused, Err(ClientError::UnknownServers)),
            "{refused:?}"
        );
    }
    client.verify_email("a-link-token").await.unwrap();
    assert_eq!(home.with_tokens(), Vec::<String>::new());

    // A login replaces it with a session of these servers.
    client.login("dora", "correct horse battery").await.unwrap();
    client.me().await.unwrap();
}

#[tokio::test]
async fn a_redirect_from_the_sessions_server_passes_nothing_on() {
    let other = Recorder::start();
    let home = Recorder::redirecting_to(&other);
    let kept = Servers::parse(&home.url, &home.url).unwrap();
    // The access token in a header, then the refresh token in a body (a 307 keeps the body).
    for renew_at in [i64::MAX, 0] {
        let store = holding_due(Some(kept.clone()), renew_at);
        let client = Client::with_store(&home.url, &home.url, store).unwrap();
        let refused = client.me().await;
        assert!(refused.is_err(), "{refused:?}");
    }
    assert_eq!(home.with_tokens().len(), 2, "{:#?}", home.requests());
    assert_eq!(other.requests(), Vec::<String>::new());
}

#[test]
fn an_address_that_is_none_is_refused_before_anything_is_sent() {
    for bad in [
        "localhost:8080",
        "ftp://h",
        "http://user:pw@h",
        "http://h/?next=x",
    ] {
        let refused = Client::new(bad, "http://127.0.0.1:9").err();
        assert!(
            matches!(refused, Some(ClientError::BadUrl(_))),
            "{bad}: {refused:?}"
        );
    }
}
