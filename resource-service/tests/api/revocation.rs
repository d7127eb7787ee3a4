//! Revocation at the verifiers (docs/TOKENS.md, Revocation; docs/EVENTS.md): two real
//! resource-service instances follow one real auth-service's event feed, and a revoked session's
//! access token, still far from expiry, is refused by both within 2 s of the revoking answer,
//! after every kind of revocation; a late starter catches up before it is ready; an outage of
//! auth-service keeps the list; a deleted account leaves nothing here.

use crate::helpers::{spawn_app_with, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use test_harness::auth::FEED_SECRET;
use test_harness::AuthInstance;
use uuid::Uuid;

const PASSWORD: &str = "correct horse battery";
/// The promise: refused everywhere within this long of the revoking request's answer.
const WITHIN: Duration = Duration::from_secs(2);

struct Login {
    access: String,
    session_id: String,
    user_id: String,
}

async fn verifier(auth: &AuthInstance, extra: &[(&str, &str)]) -> TestApp {
    let url = format!("{}/events", auth.address);
    let mut vars = vec![
        ("EVENT_FEED_URL", url.as_str()),
        ("EVENT_FEED_SECRET", FEED_SECRET),
    ];
    vars.extend_from_slice(extra);
    let app = spawn_app_with(&vars).await;
    test_harness::wait_until_ready(&app.address).await;
    app
}

async fn two_verifiers() -> (AuthInstance, TestApp, TestApp) {
    let auth = test_harness::start_auth(|_| {}).await;
    let a = verifier(&auth, &[]).await;
    let b = verifier(&auth, &[]).await;
    (auth, a, b)
}

async fn register(auth: &AuthInstance, name: &str) {
    let body = json!({"username": name, "email": format!("{name}@example.com"),
                      "full_name": "Some One", "password": PASSWORD});
    let answer = call(auth, Method::POST, "/auth/register", None, Some(body)).await;
    assert_eq!(answer.status(), StatusCode::CREATED);
}

async fn login(auth: &AuthInstance, name: &str, password: &str) -> Login {
    let body = json!({"username": name, "password": password});
    let answer = call(auth, Method::POST, "/auth/login", None, Some(body)).await;
    let body: Value = answer.json().await.unwrap();
    Login {
        access: body["access_token"].as_str().unwrap().to_owned(),
        session_id: body["session_id"].as_str().unwrap().to_owned(),
        user_id: body["user"]["id"].as_str().unwrap().to_owned(),
    }
}

async fn whoami(app: &TestApp, access: &str) -> reqwest::Response {
    app.client
        .get(app.url("/whoami"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap()
}

/// Waits until `app` refuses `access` as revoked; how long that took from `since`.
async fn refused_within(app: &TestApp, access: &str, since: Instant) -> Duration {
    loop {
        let answer = whoami(app, access).await;
        if answer.status() == StatusCode::UNAUTHORIZED {
            let challenge = answer.headers()["www-authenticate"]
                .to_str()
                .unwrap()
                .to_owned();
            let body: Value = answer.json().await.unwrap();
            assert_eq!(body["error"], "session_revoked", "{body}");
            assert!(challenge.contains("invalid_token"), "{challenge}");
            return since.elapsed();
        }
        assert_eq!(answer.status(), StatusCode::OK);
        assert!(
            since.elapsed() < Duration::from_secs(10),
            "still accepted 10 s after the revocation"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Both verifiers accept `access` now and refuse it within [`WITHIN`] of `revoked`.
async fn both_refuse(a: &TestApp, b: &TestApp, access: &str, revoked: Instant, what: &str) {
    let (on_a, on_b) = tokio::join!(
        refused_within(a, access, revoked),
        refused_within(b, access, revoked)
    );
    assert!(
        on_a < WITHIN && on_b < WITHIN,
        "{what}: refused after {on_a:?} and {on_b:?}"
    );
}

async fn both_accept(a: &TestApp, b: &TestApp, access: &str) {
    assert_eq!(whoami(a, access).await.status(), StatusCode::OK);
    assert_eq!(whoami(b, access).await.status(), StatusCode::OK);
}

/// A request to auth-service: `path` with the `access` token and a JSON `body`, if any.
async fn call(
    auth: &AuthInstance,
    method: Method,
    path: &str,
    access: Option<&str>,
    body: Option<Value>,
) -> reqwest::Response {
    let mut request = reqwest::Client::new().request(method, format!("{}{path}", auth.address));
    if let Some(access) = access {
        request = request.bearer_auth(access);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.unwrap()
}

/// `DELETE /auth/sessions/{session_id}` from the session of `access`.
async fn revoke_session(auth: &AuthInstance, access: &str, session_id: &str) -> reqwest::Response {
    let path = format!("/auth/sessions/{session_id}");
    call(auth, Method::DELETE, &path, Some(access), None).await
}

/// What `GET /readyz` answers now.
async fn readiness(app: &TestApp) -> Value {
    let answer = app.client.get(app.url("/readyz")).send().await.unwrap();
    answer.json().await.unwrap()
}

#[actix_web::test]
async fn every_kind_of_revocation_reaches_both_verifiers_within_two_seconds() {
    let (auth, a, b) = two_verifiers().await;
    register(&auth, "rita").await;

    // Logout everywhere: every session of the account.
    let first = login(&auth, "rita", PASSWORD).await;
    let second = login(&auth, "rita", PASSWORD).await;
    both_accept(&a, &b, &first.access).await;
    let answer = call(
        &auth,
        Method::POST,
        "/auth/logout-all",
        Some(&first.access),
        None,
    )
    .await;
    assert_eq!(answer.status(), StatusCode::NO_CONTENT);
    let revoked = Instant::now();
    both_refuse(&a, &b, &first.access, revoked, "logout-all").await;
    both_refuse(&a, &b, &second.access, revoked, "logout-all").await;

    // One session, revoked from another: only that one.
    let kept = login(&auth, "rita", PASSWORD).await;
    let stolen = login(&auth, "rita", PASSWORD).await;
    let answer = revoke_session(&auth, &kept.access, &stolen.session_id).await;
    assert_eq!(answer.status(), StatusCode::NO_CONTENT);
    let revoked = Instant::now();
    both_refuse(
        &a,
        &b,
        &stolen.access,
        revoked,
        "DELETE /auth/sessions/{id}",
    )
    .await;
    both_accept(&a, &b, &kept.access).await;

    // Logout of the session itself.
    let answer = call(
        &auth,
        Method::POST,
        "/auth/logout",
        Some(&kept.access),
        Some(json!({})),
    )
    .await;
    assert!(answer.status().is_success(), "{}", answer.status());
    both_refuse(&a, &b, &kept.access, Instant::now(), "logout").await;

    // A password change ends the other sessions and keeps the one it was made from.
    let changer = login(&auth, "rita", PASSWORD).await;
    let other = login(&auth, "rita", PASSWORD).await;
    let answer = call(
        &auth,
        Method::POST,
        "/auth/password",
        Some(&changer.access),
        Some(json!({"current_password": PASSWORD, "new_password": "a brand new passphrase"})),
    )
    .await;
    assert_eq!(answer.status(), StatusCode::NO_CONTENT);
    both_refuse(&a, &b, &other.access, Instant::now(), "password change").await;
    both_accept(&a, &b, &changer.access).await;
}

#[actix_web::test]
async fn a_password_reset_and_an_account_deletion_reach_both_verifiers() {
    let (auth, a, b) = two_verifiers().await;
    register(&auth, "paul").await;
    let before = login(&auth, "paul", PASSWORD).await;
    both_accept(&a, &b, &before.access).await;

    let answer = call(
        &auth,
        Method::POST,
        "/auth/password/forgot",
        None,
        Some(json!({"email": "paul@example.com"})),
    )
    .await;
    assert!(answer.status().is_success());
    let token = reset_token(&auth, "paul@example.com").await;
    let answer = call(
        &auth,
        Method::POST,
        "/auth/password/reset",
        None,
        Some(json!({"token": token, "new_password": "paul's new passphrase"})),
    )
    .await;
    assert!(answer.status().is_success(), "{}", answer.status());
    both_refuse(&a, &b, &before.access, Instant::now(), "password reset").await;

    let after = login(&auth, "paul", "paul's new passphrase").await;
    both_accept(&a, &b, &after.access).await;
    let answer = call(
        &auth,
        Method::DELETE,
        "/auth/me",
        Some(&after.access),
        Some(json!({"password": "paul's new passphrase"})),
    )
    .await;
    assert_eq!(answer.status(), StatusCode::NO_CONTENT);
    both_refuse(&a, &b, &after.access, Instant::now(), "account deletion").await;
}

/// The token of the newest reset mail to `to` in auth-service's `MAIL_DIR`.
async fn reset_token(auth: &AuthInstance, to: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let mails = test_support::smtp::read_dir(auth.dir.path());
        if let Some(token) = mails
            .iter()
            .rev()
            .filter(|m| m.to.contains(to) && m.subject.contains("Reset"))
            .find_map(|m| m.token("http"))
        {
            return token;
        }
        assert!(Instant::now() < deadline, "no reset mail to {to}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[actix_web::test]
async fn a_replayed_refresh_token_revokes_its_session_at_the_verifiers() {
    let auth = test_harness::start_auth(|vars| {
        vars.insert("REFRESH_REUSE_GRACE".into(), "0".into());
    })
    .await;
    let a = verifier(&auth, &[]).await;
    register(&auth, "ruth").await;
    let body: Value = call(
        &auth,
        Method::POST,
        "/auth/login",
        None,
        Some(json!({"username": "ruth", "password": PASSWORD})),
    )
    .await
    .json()
    .await
    .unwrap();
    let refresh = body["refresh_token"].as_str().unwrap();
    let refreshed: Value = call(
        &auth,
        Method::POST,
        "/auth/refresh",
        None,
        Some(json!({"refresh_token": refresh})),
    )
    .await
    .json()
    .await
    .unwrap();
    let access = refreshed["access_token"].as_str().unwrap();
    assert_eq!(whoami(&a, access).await.status(), StatusCode::OK);
    let replay = call(
        &auth,
        Method::POST,
        "/auth/refresh",
        None,
        Some(json!({"refresh_token": refresh})),
    )
    .await;
    assert_eq!(replay.status(), StatusCode::UNAUTHORIZED);
    let took = refused_within(&a, access, Instant::now()).await;
    assert!(took < WITHIN, "{took:?}");
}

#[actix_web::test]
async fn an_instance_started_after_the_revocation_catches_up_before_it_is_ready() {
    let auth = test_harness::start_auth(|_| {}).await;
    register(&auth, "late").await;
    let session = login(&auth, "late", PASSWORD).await;
    let answer = call(
        &auth,
        Method::POST,
        "/auth/logout-all",
        Some(&session.access),
        None,
    )
    .await;
    assert_eq!(answer.status(), StatusCode::NO_CONTENT);

    let late = verifier(&auth, &[]).await;
    // Ready means caught up: the very first answer already refuses.
    let answer = whoami(&late, &session.access).await;
    assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
    let ready = readiness(&late).await;
    assert_eq!(ready["revocations"]["feed"], "following", "{ready}");
    assert_eq!(ready["revocations"]["sessions"], 1, "{ready}");
}

#[actix_web::test]
async fn an_instance_whose_feed_never_answered_is_not_ready() {
    // Port 1: nothing listens there.
    let app = spawn_app_with(&[
        ("EVENT_FEED_URL", "http://127.0.0.1:1/events"),
        ("EVENT_FEED_SECRET", FEED_SECRET),
    ])
    .await;
    let answer = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(answer.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(answer.headers().contains_key("retry-after"));
}

#[actix_web::test]
async fn with_auth_service_down_the_last_list_is_kept_and_readyz_and_the_metrics_say_so() {
    let (auth, a, _b) = two_verifiers().await;
    register(&auth, "olga").await;
    let revoked = login(&auth, "olga", PASSWORD).await;
    let live = login(&auth, "olga", PASSWORD).await;
    let answer = revoke_session(&auth, &live.access, &revoked.session_id).await;
    assert_eq!(answer.status(), StatusCode::NO_CONTENT);
    refused_within(&a, &revoked.access, Instant::now()).await;

    let started = Instant::now();
    auth.handle.stop(true).await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "a held feed request must not hold up the stop ({:?})",
        started.elapsed()
    );
    let deadline = Instant::now() + Duration::from_secs(15);
    let ready = loop {
        let ready = readiness(&a).await;
        if ready["revocations"]["feed"] == "unreachable" {
            break ready;
        }
        assert!(
            Instant::now() < deadline,
            "never noticed the outage: {ready}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(ready["status"], "ready");
    assert_eq!(ready["revocations"]["sessions"], 1);
    assert!(feed_down(&a).await);

    // The list is kept: the revoked token stays refused, the live one served.
    assert_eq!(
        whoami(&a, &revoked.access).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(whoami(&a, &live.access).await.status(), StatusCode::OK);
}

#[actix_web::test]
async fn set_to_refuse_a_verifier_refuses_tokens_newer_than_its_list_while_the_feed_is_down() {
    let auth = test_harness::start_auth(|_| {}).await;
    let strict = verifier(&auth, &[("REVOCATION_STALE_TOKENS", "refuse")]).await;
    register(&auth, "sam").await;
    let old = login(&auth, "sam", PASSWORD).await;
    // The list is complete to within a second of now; this token is older than that then.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(whoami(&strict, &old.access).await.status(), StatusCode::OK);
    auth.handle.stop(true).await;
    let deadline = Instant::now() + Duration::from_secs(15);
    while !feed_down(&strict).await {
        assert!(Instant::now() < deadline, "never noticed the outage");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(whoami(&strict, &old.access).await.status(), StatusCode::OK);
    // A token issued now: the list cannot vouch for it.
    let fresh = strict.mint_token(&crate::helpers::TestUser::new("sam"));
    let answer = whoami(&strict, &fresh).await;
    assert_eq!(answer.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(answer.headers().contains_key("retry-after"));
    let body: Value = answer.json().await.unwrap();
    assert_eq!(body["error"], "unavailable");
}

#[actix_web::test]
async fn an_account_deletion_leaves_nothing_of_the_user_and_a_rename_shows_at_once() {
    let auth = test_harness::start_auth(|_| {}).await;
    let app = verifier(&auth, &[]).await;
    register(&auth, "dora").await;
    register(&auth, "fan").await;
    let dora = login(&auth, "dora", PASSWORD).await;
    let fan = login(&auth, "fan", PASSWORD).await;

    let photo = app.upload_png(&dora.access).await;
    let photo_id = photo["id"].as_str().unwrap().to_owned();
    let fans_photo = app.upload_png(&fan.access).await;
    let fans_photo_id = fans_photo["id"].as_str().unwrap().to_owned();
    for (token, id) in [(&fan.access, &photo_id), (&dora.access, &fans_photo_id)] {
        let answer = app
            .client
            .put(app.url(&format!("/photos/{id}/like")))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert!(answer.status().is_success(), "{}", answer.status());
    }
    let answer = app
        .client
        .patch(app.url("/profile"))
        .bearer_auth(&dora.access)
        .json(&json!({"bio": "gone soon"}))
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_success(), "{}", answer.status());

    // The rename: the photo shows the new name without dora using resource-service again.
    let answer = call(
        &auth,
        Method::PATCH,
        "/auth/me",
        Some(&dora.access),
        Some(json!({"username": "dorothea"})),
    )
    .await;
    assert_eq!(answer.status(), StatusCode::OK);
    let deadline = Instant::now() + WITHIN;
    loop {
        let shown: Value = app
            .get_json(&format!("/photos/{photo_id}"), &fan.access)
            .await;
        if shown["owner_username"] == "dorothea" {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "still shown as {}",
            shown["owner_username"]
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // The deletion, at auth-service only.
    let fresh = login(&auth, "dorothea", PASSWORD).await;
    let answer = call(
        &auth,
        Method::DELETE,
        "/auth/me",
        Some(&fresh.access),
        Some(json!({"password": PASSWORD})),
    )
    .await;
    assert_eq!(answer.status(), StatusCode::NO_CONTENT);
    let user_id: Uuid = dora.user_id.parse().unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while owned_rows(&app, user_id) > 0 {
        assert!(
            Instant::now() < deadline,
            "{} rows left",
            owned_rows(&app, user_id)
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let answer = app
        .client
        .get(app.url(&format!("/photos/{photo_id}")))
        .bearer_auth(&fan.access)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::NOT_FOUND);
    // fan's photo stays, without dora's like.
    let kept: Value = app
        .get_json(&format!("/photos/{fans_photo_id}"), &fan.access)
        .await;
    assert_eq!(kept["like_count"], 0, "{kept}");

    // A write that slipped in after the erasure (an instance that had not heard yet) is swept.
    straggling_like(&app, user_id, &fans_photo_id);
    assert_eq!(owned_rows(&app, user_id), 2);
    let deadline = Instant::now() + Duration::from_secs(15);
    while owned_rows(&app, user_id) > 0 {
        assert!(Instant::now() < deadline, "the straggler stays");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A like and a remembered name of `user_id`, written behind the service's back.
fn straggling_like(app: &TestApp, user_id: Uuid, photo_id: &str) {
    use diesel::sql_types::Uuid as SqlUuid;
    use diesel::RunQueryDsl;
    let photo: Uuid = photo_id.parse().unwrap();
    let mut conn = app.db.connect();
    diesel::sql_query("INSERT INTO photo_likes (photo_id, user_id) VALUES ($1, $2)")
        .bind::<SqlUuid, _>(photo)
        .bind::<SqlUuid, _>(user_id)
        .execute(&mut conn)
        .unwrap();
    diesel::sql_query(
        "INSERT INTO known_users (user_id, username, seen_at) VALUES ($1, 'dorothea', now())",
    )
    .bind::<SqlUuid, _>(user_id)
    .execute(&mut conn)
    .unwrap();
}

/// Rows anywhere in resource-service's database that belong to or name `user_id`.
fn owned_rows(app: &TestApp, user_id: Uuid) -> i64 {
    use diesel::sql_types::{BigInt, Uuid as SqlUuid};
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    diesel::sql_query(
        "SELECT (SELECT count(*) FROM photos WHERE owner_id = $1) \
              + (SELECT count(*) FROM photo_likes WHERE user_id = $1) \
              + (SELECT count(*) FROM profiles WHERE user_id = $1) \
              + (SELECT count(*) FROM known_users WHERE user_id = $1) AS n",
    )
    .bind::<SqlUuid, _>(user_id)
    .get_result::<Count>(&mut app.db.connect())
    .unwrap()
    .n
}

/// Whether the metrics say the feed is down.
async fn feed_down(app: &TestApp) -> bool {
    app.metrics_text()
        .await
        .lines()
        .any(|line| line == "revocation_feed_up 0")
}

#[actix_web::test]
async fn a_verifier_follows_an_event_log_restored_from_a_backup() {
    let auth = test_harness::start_auth(|_| {}).await;
    let a = verifier(&auth, &[]).await;
    register(&auth, "bea").await;
    for _ in 0..3 {
        let session = login(&auth, "bea", PASSWORD).await;
        let answer = call(
            &auth,
            Method::POST,
            "/auth/logout",
            Some(&session.access),
            None,
        )
        .await;
        assert!(answer.status().is_success());
        refused_within(&a, &session.access, Instant::now()).await;
    }

    // The auth database goes back to a backup taken before those events: auth-service restarts
    // on it, at the same address, with positions drawn anew from 1.
    let port = auth.port;
    auth.handle.stop(true).await;
    let test_harness::Instance { db, .. } = auth;
    {
        use diesel::RunQueryDsl;
        let mut conn = db.connect();
        diesel::sql_query("DELETE FROM events")
            .execute(&mut conn)
            .unwrap();
        diesel::sql_query("ALTER SEQUENCE events_seq_seq RESTART WITH 1")
            .execute(&mut conn)
            .unwrap();
    }
    let auth = test_harness::start_auth_on(db, |vars| {
        vars.insert("BIND_ADDR".into(), format!("127.0.0.1:{port}"));
    })
    .await;

    let kept = login(&auth, "bea", PASSWORD).await;
    let stolen = login(&auth, "bea", PASSWORD).await;
    let answer = revoke_session(&auth, &kept.access, &stolen.session_id).await;
    assert_eq!(answer.status(), StatusCode::NO_CONTENT);
    let took = refused_within(&a, &stolen.access, Instant::now()).await;
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert_eq!(whoami(&a, &kept.access).await.status(), StatusCode::OK);
}
