//! End to end across the two REAL services: register -> login -> upload -> like -> list ->
//! refresh -> replay detection -> logout, and resource-service verifying on its own while
//! auth-service is down. The services share only the access keys. Most tests drive the services
//! through `photo-auth-client`, as a user's program would; one whole-flow test sends its requests
//! by hand as well, since replaying an old refresh token is what no client does.

use crate::helpers::{spawn_app_with, PNG};
use photo_auth_client::{Client, Owner};
use reqwest::StatusCode;
use serde_json::{json, Value};
use test_harness::AuthInstance;
use test_support::access_keys::{self, Mode};

async fn spawn_auth() -> AuthInstance {
    spawn_auth_in(access_keys::mode()).await
}

async fn spawn_auth_in(mode: Mode) -> AuthInstance {
    spawn_auth_with(mode, &[]).await
}

/// auth-service with the access keys of `mode`, replays refused at once, and `extra` on top.
async fn spawn_auth_with(mode: Mode, extra: &[(&'static str, &str)]) -> AuthInstance {
    test_harness::start_auth(|vars| {
        vars.retain(|k, _| !access_keys::is_access_key_var(k));
        vars.extend(
            access_keys::issuer_vars_in(mode)
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v)),
        );
        vars.insert("REFRESH_REUSE_GRACE".into(), "0".into());
        vars.extend(
            extra
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        );
    })
    .await
}

/// `POST {url}` with a JSON body.
async fn post(http: &reqwest::Client, url: String, body: Value) -> reqwest::Response {
    http.post(url).json(&body).send().await.unwrap()
}

async fn post_for_json(http: &reqwest::Client, url: String, body: Value) -> Value {
    post(http, url, body).await.json().await.unwrap()
}

#[actix_web::test]
async fn a_user_walks_the_whole_flow_across_both_services() {
    let auth = spawn_auth().await;
    let res = spawn_app_with(&[]).await;
    let http = reqwest::Client::new();

    let response = post(
        &http,
        format!("{}/auth/register", auth.address),
        json!({"username": "Alice", "email": "alice@example.com",
                      "full_name": "Alice Liddell", "password": "correct horse battery"}),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let login: Value = post_for_json(
        &http,
        format!("{}/auth/login", auth.address),
        json!({"username": "alice", "password": "correct horse battery"}),
    )
    .await;
    let access = login["access_token"].as_str().unwrap().to_owned();
    let refresh = login["refresh_token"].as_str().unwrap().to_owned();

    // resource-service trusts the issuer's token without calling it.
    let me: Value = res.get_json("/whoami", &access).await;
    assert_eq!(me["username"], "alice");
    assert_eq!(me["user_id"], login["user"]["id"]);
    assert_eq!(me["session_id"], login["session_id"]);

    let photo = res.upload_png(&access).await;
    let id = photo["id"].as_str().unwrap();
    assert_eq!(photo["owner_username"], "alice");
    let response = res
        .request(reqwest::Method::PUT, &format!("/photos/{id}/like"), &access)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let list = res.get_json("/photos?owner=me", &access).await;
    assert_eq!(list["photos"][0]["id"], id);
    assert_eq!(list["photos"][0]["like_count"], 1);
    assert_eq!(list["photos"][0]["liked_by_me"], true);
    let bytes = res
        .get(&format!("/photos/{id}/content"), &access)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&bytes[..], PNG);

    // Refresh: the new access token works on resource-service too.
    let rotated: Value = post_for_json(
        &http,
        format!("{}/auth/refresh", auth.address),
        json!({ "refresh_token": refresh }),
    )
    .await;
    let new_access = rotated["access_token"].as_str().unwrap().to_owned();
    let new_refresh = rotated["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(new_refresh, refresh);
    assert_eq!(
        res.get_json("/profile", &new_access).await["photo_count"],
        1
    );

    // Replay of the old refresh token: detected, the family dies, the newest token with it.
    let response = post(
        &http,
        format!("{}/auth/refresh", auth.address),
        json!({ "refresh_token": refresh }),
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "refresh_token_reused");
    let response = post(
        &http,
        format!("{}/auth/refresh", auth.address),
        json!({ "refresh_token": new_refresh }),
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

    // A fresh login, then logout: auth-service refuses the access token at once; resource-service,
    // being stateless, accepts it until it expires (the documented trade-off of short tokens).
    let again: Value = post_for_json(
        &http,
        format!("{}/auth/login", auth.address),
        json!({"email": "ALICE@example.com", "password": "correct horse battery"}),
    )
    .await;
    let last = again["access_token"].as_str().unwrap();
    let response = http
        .post(format!("{}/auth/logout", auth.address))
        .bearer_auth(last)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let response = http
        .get(format!("{}/auth/me", auth.address))
        .bearer_auth(last)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn a_user_walks_the_whole_flow_through_the_client() {
    // Access tokens of 4 s, so the flow crosses a renewal.
    let extra = [("ACCESS_TOKEN_EXPIRY", "4s"), ("JWT_LEEWAY", "0s")];
    let auth = spawn_auth_with(access_keys::mode(), &extra).await;
    let res = spawn_app_with(&[]).await;
    let client = Client::new(&auth.address, &res.address).unwrap();
    let password = "correct horse battery";
    client
        .register("Erin", "erin@example.com", "Erin Example", password)
        .await
        .unwrap();
    let user = client.login("ERIN@example.com", password).await.unwrap();

    // resource-service trusts the issuer's token without calling it.
    let me: Value = client.api_get("/whoami").await.unwrap();
    assert_eq!(me["username"], "erin");
    assert_eq!(me["user_id"], user.id.to_string());
    let current = client.sessions().await.unwrap();
    assert_eq!(me["session_id"], current[0].id.to_string());

    let photo = client
        .upload_photo("erin.png", PNG.to_vec().into(), Some("hello"), None)
        .await
        .unwrap();
    assert_eq!(photo.owner_username, "erin");
    client.like(photo.id).await.unwrap();
    let mine = client.photo_page(&Owner::Me, 10, None).await.unwrap();
    assert_eq!(mine.photos[0].id, photo.id);
    assert!(mine.photos[0].liked_by_me);
    assert_eq!(mine.photos[0].like_count, 1);
    assert_eq!(client.photo_content(photo.id).await.unwrap(), PNG);

    // Past the renewal point: the client refreshes, and resource-service takes the new token.
    tokio::time::sleep(std::time::Duration::from_millis(3_200)).await;
    assert_eq!(client.profile().await.unwrap().photo_count, 1);
    let after = client.sessions().await.unwrap();
    assert_eq!(after.len(), 1, "the same session, renewed");
    assert!(after[0].last_used_at > current[0].last_used_at);

    client.logout().await.unwrap();
    assert!(matches!(
        client.profile().await,
        Err(photo_auth_client::ClientError::NotLoggedIn)
    ));
}

#[actix_web::test]
async fn resource_service_keeps_verifying_while_auth_service_is_down() {
    let auth = spawn_auth().await;
    let res = spawn_app_with(&[]).await;
    let client = Client::new(&auth.address, &res.address).unwrap();
    let password = "correct horse battery";
    client
        .register("bob", "bob@example.com", "Bob", password)
        .await
        .unwrap();
    client.login("bob", password).await.unwrap();

    auth.handle.stop(true).await;
    assert!(
        reqwest::get(format!("{}/healthz", auth.address))
            .await
            .is_err(),
        "auth-service must really be down"
    );

    let me: Value = client.api_get("/whoami").await.unwrap();
    assert_eq!(me["username"], "bob");
    let photo = client
        .upload_photo("bob.png", PNG.to_vec().into(), None, None)
        .await
        .unwrap();
    assert_eq!(photo.owner_username, "bob");
    assert_eq!(client.photo_content(photo.id).await.unwrap(), PNG);
}

#[actix_web::test]
async fn a_verifier_with_only_the_jwks_url_takes_the_issuers_tokens_and_goes_on_while_it_is_down() {
    let auth = spawn_auth_in(Mode::EdDsa).await;
    let jwks_url = format!("{}/.well-known/jwks.json", auth.address);
    let res = spawn_app_with(&[("ACCESS_TOKEN_ALG", "EdDSA"), ("JWKS_URL", &jwks_url)]).await;
    let client = Client::new(&auth.address, &res.address).unwrap();
    let password = "correct horse battery";
    client
        .register("jwks", "jwks@example.com", "J W", password)
        .await
        .unwrap();
    client.login("jwks", password).await.unwrap();
    assert_eq!(client.profile().await.unwrap().username, "jwks");

    auth.handle.stop(true).await;
    assert!(
        reqwest::get(&jwks_url).await.is_err(),
        "auth-service is down"
    );
    assert_eq!(client.profile().await.unwrap().username, "jwks");
}
