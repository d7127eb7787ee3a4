//! `Client::reauthenticate` against the real auth-service (docs/TOKENS.md, Recent login): the
//! password proved again gives the session a new access token and keeps its refresh token.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use photo_auth_client::{ApiCode, Client, ClientError, FileStore, TokenStore};
use secrecy::ExposeSecret;

const PASSWORD: &str = "correct horse battery";

async fn spawn_auth() -> (String, test_harness::AuthInstance) {
    let auth = test_harness::start_auth(|_| {}).await;
    (auth.address.clone(), auth)
}

/// The access and refresh token the store holds.
fn stored(store: &FileStore) -> (String, String) {
    let tokens = store.load().unwrap().expect("a stored session");
    (
        tokens.access_token.expose_secret().to_owned(),
        tokens.refresh_token.expose_secret().to_owned(),
    )
}

#[actix_web::test]
async fn reauthenticating_renews_the_access_token_and_keeps_the_refresh_token() {
    let (auth, _db) = spawn_auth().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tokens.json");
    let client =
        Client::with_store(&auth, "http://127.0.0.1:9", Box::new(FileStore::new(&path))).unwrap();
    client
        .register("alice", "alice@example.com", "Alice", PASSWORD)
        .await
        .unwrap();
    client.login("alice", PASSWORD).await.unwrap();
    let store = FileStore::new(&path);
    let (access, refresh) = stored(&store);

    let refused = client.reauthenticate("not the password").await.unwrap_err();
    assert!(
        matches!(
            refused,
            ClientError::Api {
                status: 403,
                code: ApiCode::Forbidden,
                ..
            }
        ),
        "{refused}"
    );
    assert_eq!(
        stored(&store),
        (access.clone(), refresh.clone()),
        "nothing changed"
    );

    let user = client.reauthenticate(PASSWORD).await.unwrap();
    assert_eq!(user.username, "alice");
    let (renewed, kept) = stored(&store);
    assert_ne!(renewed, access, "a new access token");
    assert_eq!(kept, refresh, "the same refresh token");
    assert_eq!(client.me().await.unwrap().username, "alice");
}
