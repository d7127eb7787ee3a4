//! The client's refresh rules against the real auth-service: any number of tasks sharing one
//! client cause one refresh when the access token is due, counted by the server itself; a
//! session ended on the server surfaces as a typed error after one refresh attempt, never a loop.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use photo_auth_client::{ApiCode, Client, ClientError, FileStore, MemoryStore, TokenStore};
use std::time::Duration;

struct Auth {
    url: String,
    metrics_url: String,
    _keep: test_harness::AuthInstance,
}

/// auth-service with access tokens that live `lifetime` seconds and no clock leeway.
async fn spawn_auth(lifetime: u64) -> Auth {
    let auth = test_harness::start_auth(|vars| {
        vars.insert("ACCESS_TOKEN_EXPIRY".into(), format!("{lifetime}s"));
        vars.insert("JWT_LEEWAY".into(), "0s".into());
    })
    .await;
    Auth {
        url: auth.address.clone(),
        metrics_url: format!("{}/metrics", auth.metrics_address.as_deref().unwrap()),
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
    let series = format!("auth_refresh_total{{outcome=\"{outcome}\"}} ");
    text.lines()
        .find_map(|line| line.strip_prefix(series.as_str()))
        .map_or(0, |n| n.trim().parse().unwrap())
}

async fn logged_in(auth: &Auth, username: &str) -> Client {
    let client = Client::new(&auth.url, "http://127.0.0.1:9").unwrap();
    let password = "correct horse battery";
    let email = format!("{username}@example.com");
    client
        .register(username, &email, "Test User", password)
        .await
        .unwrap();
    client.login(username, password).await.unwrap();
    client
}

fn shareable<T: Clone + Send + Sync + 'static>(_: &T) {}

#[actix_web::test]
async fn fifty_tasks_sharing_a_client_cause_exactly_one_refresh_when_the_token_is_due() {
    let auth = spawn_auth(4).await;
    let client = logged_in(&auth, "fifty").await;
    shareable(&client);
    client.me().await.unwrap();
    assert_eq!(refreshes(&auth, "rotated").await, 0);

    // A 4 s token is renewed 1 s before it runs out; past that, 50 tasks call at once.
    tokio::time::sleep(Duration::from_millis(3_200)).await;
    for user in fifty_tasks_at_once(&client).await {
        assert_eq!(user.unwrap().username, "fifty");
    }
    assert_eq!(
        refreshes(&auth, "rotated").await,
        1,
        "one refresh for fifty tasks"
    );
    assert_eq!(refreshes(&auth, "rejected").await, 0);

    // And once more past the next expiry, when the server already refuses the old token.
    tokio::time::sleep(Duration::from_millis(4_500)).await;
    for user in fifty_tasks_at_once(&client).await {
        user.unwrap();
    }
    assert_eq!(refreshes(&auth, "rotated").await, 2);
    assert_eq!(refreshes(&auth, "rejected").await, 0);
}

/// `client.me()` from 50 tasks on a runtime of 4 threads of its own, so they really run at once
/// (the test's own runtime, which serves auth-service, has one thread).
async fn fifty_tasks_at_once(
    client: &Client,
) -> Vec<Result<photo_auth_client::types::User, ClientError>> {
    let client = client.clone();
    actix_web::rt::task::spawn_blocking(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(4)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let start = std::sync::Arc::new(tokio::sync::Barrier::new(50));
            let tasks: Vec<_> = (0..50)
                .map(|_| {
                    let (client, start) = (client.clone(), start.clone());
                    tokio::spawn(async move {
                        start.wait().await;
                        client.me().await
                    })
                })
                .collect();
            let mut results = Vec::new();
            for task in tasks {
                results.push(task.await.unwrap());
            }
            results
        })
    })
    .await
    .unwrap()
}

#[actix_web::test]
async fn a_session_revoked_elsewhere_is_a_typed_error_after_one_refresh_attempt() {
    let auth = spawn_auth(900).await;
    let victim = logged_in(&auth, "revoked").await;
    let other = Client::new(&auth.url, "http://127.0.0.1:9").unwrap();
    other
        .login("revoked", "correct horse battery")
        .await
        .unwrap();
    let sessions = other.sessions().await.unwrap();
    let stolen = sessions.iter().find(|s| !s.current).unwrap();
    other.revoke_session(stolen.id).await.unwrap();

    let error = victim.me().await.unwrap_err();
    assert_eq!(error.code(), Some(&ApiCode::InvalidToken), "{error}");
    assert_eq!(refreshes(&auth, "rejected").await, 1, "one refresh attempt");
    assert_eq!(refreshes(&auth, "rotated").await, 0);
    // The session is forgotten: the next call fails at once, without a request.
    assert!(matches!(victim.me().await, Err(ClientError::NotLoggedIn)));
    assert!(!victim.is_logged_in().await);
    assert_eq!(refreshes(&auth, "rejected").await, 1);
    other.me().await.unwrap();
}

#[actix_web::test]
async fn fifty_tasks_refused_with_401_at_once_share_one_refresh_and_each_retry_once() {
    let auth = spawn_auth(2).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tokens.json");
    let first = Client::with_store(
        &auth.url,
        "http://127.0.0.1:9",
        Box::new(FileStore::new(&path)),
    )
    .unwrap();
    first
        .register(
            "stale",
            "stale@example.com",
            "Stale",
            "correct horse battery",
        )
        .await
        .unwrap();
    first.login("stale", "correct horse battery").await.unwrap();

    // The same session in a client whose clock thinks the access token still good: the server,
    // whose token it is, refuses it once it has run out, and every task gets a 401 first.
    // Times are whole seconds: past 3 s a 2 s token has run out whenever in its second it began.
    tokio::time::sleep(Duration::from_millis(3_200)).await;
    let mut stale = FileStore::new(&path).load().unwrap().unwrap();
    stale.renew_at = i64::MAX;
    let store = MemoryStore::default();
    store.save(&stale).unwrap();
    let client = Client::with_store(&auth.url, "http://127.0.0.1:9", Box::new(store)).unwrap();

    for user in fifty_tasks_at_once(&client).await {
        assert_eq!(user.unwrap().username, "stale");
    }
    assert_eq!(
        refreshes(&auth, "rotated").await,
        1,
        "one refresh for fifty 401s"
    );
    assert_eq!(
        refreshes(&auth, "grace_reissued").await,
        0,
        "no second presentation"
    );
    assert_eq!(refreshes(&auth, "reuse_detected").await, 0);
}
