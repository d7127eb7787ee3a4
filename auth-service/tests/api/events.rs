//! The event log and its feed (docs/EVENTS.md): each change writes its event with it, nothing
//! secret in any, positions in commit order even under concurrent writers, and `GET /events`
//! guarded by its secret, checked in its parameters, and held open until an event commits, on
//! any instance.

use crate::helpers::{assert_error, spawn_app, spawn_app_with, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};
use test_harness::auth::FEED_SECRET;

/// One page of the feed after `after`.
async fn page(app: &TestApp, query: &str) -> Value {
    let answer = app
        .client
        .get(app.url(&format!("/events?{query}")))
        .bearer_auth(FEED_SECRET)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(answer.headers()["cache-control"], "no-store");
    answer.json().await.unwrap()
}

/// Every event so far, in order.
async fn all_events(app: &TestApp) -> Vec<Value> {
    page(app, "after=0&limit=1000").await["events"]
        .as_array()
        .unwrap()
        .clone()
}

/// `PATCH /auth/me` with `body`; its status.
async fn patch_me(app: &TestApp, access: &str, body: &Value) -> StatusCode {
    app.send_json(reqwest::Method::PATCH, "/auth/me", body, Some(access))
        .await
        .status()
}

fn types(events: &[Value]) -> Vec<&str> {
    events.iter().map(|e| e["type"].as_str().unwrap()).collect()
}

#[actix_web::test]
async fn each_change_writes_its_event_and_none_holds_a_secret() {
    let app = spawn_app().await;
    let user = app.register_user("eve").await;
    let first = app.login_as(&user).await;
    let second = app.login_as(&user).await;

    // No change, no event: the same username again.
    let same = patch_me(&app, &first.access, &json!({"username": "eve"})).await;
    assert_eq!(same, StatusCode::OK);
    let renamed = patch_me(
        &app,
        &first.access,
        &json!({"username": "evelyn", "full_name": "Evelyn E"}),
    )
    .await;
    assert_eq!(renamed, StatusCode::OK);
    // A refused change (a taken name) writes nothing either.
    app.register_user("taken").await;
    let refused = patch_me(&app, &first.access, &json!({"username": "taken"})).await;
    assert_eq!(refused, StatusCode::CONFLICT);
    let revoked = app
        .client
        .delete(app.url(&format!("/auth/sessions/{}", second.session_id)))
        .bearer_auth(&first.access)
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::NO_CONTENT);
    let third = app.login_with_password("evelyn", &user.password).await;
    let all = app
        .post_empty("/auth/logout-all", Some(&third.access))
        .await;
    assert_eq!(all.status(), StatusCode::NO_CONTENT);

    let events = all_events(&app).await;
    assert_eq!(
        types(&events),
        [
            "user.created",
            "user.updated",
            "user.created",
            "session.revoked",
            "sessions.revoked"
        ]
    );
    let seqs: Vec<i64> = events.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
    let ids: BTreeSet<&str> = events.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), events.len(), "ids are unique");

    let created = &events[0]["data"];
    assert_eq!(created["user_id"], user.id.to_string());
    assert_eq!(created["username"], "eve");
    assert_eq!(created["email"], "eve@example.com");
    assert_eq!(created["email_verified"], false);
    let updated = &events[1]["data"];
    assert_eq!(updated["username"], "evelyn");
    assert_eq!(updated["name"], "Evelyn E");
    assert_eq!(updated["changed"], json!(["username", "name"]));
    let one = &events[3]["data"];
    assert_eq!(one["session_id"], second.session_id.to_string());
    assert_eq!(one["reason"], "revoked_by_user");
    let many = &events[4]["data"];
    let mut revoked: Vec<String> = many["session_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|id| id.as_str().unwrap().to_owned())
        .collect();
    revoked.sort();
    let mut expected = vec![first.session_id.to_string(), third.session_id.to_string()];
    expected.sort();
    assert_eq!(
        revoked, expected,
        "the sessions still live, not the one revoked before"
    );
    assert_eq!(many["reason"], "logout_all");

    let text = serde_json::to_string(&events).unwrap();
    for secret in [
        user.password.as_str(),
        first.access.as_str(),
        first.refresh.as_str(),
        "$2",
        "password",
        "token",
    ] {
        assert!(!text.contains(secret), "an event holds {secret:?}: {text}");
    }
}

#[actix_web::test]
async fn positions_follow_commit_order_so_a_follower_misses_nothing_under_concurrent_writers() {
    let app = spawn_app().await;
    let second = app.spawn_second_instance().await;
    const USERS: usize = 40;
    let follower = {
        let client = app.client.clone();
        let url = app.url("/events");
        tokio::spawn(async move {
            let mut seen = Vec::new();
            let mut after = 0;
            let deadline = Instant::now() + Duration::from_secs(60);
            while seen.len() < USERS && Instant::now() < deadline {
                let page: Value = client
                    .get(&url)
                    .query(&[("after", after), ("wait", 1)])
                    .bearer_auth(FEED_SECRET)
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                for event in page["events"].as_array().unwrap() {
                    seen.push(event["seq"].as_i64().unwrap());
                }
                after = page["position"].as_i64().unwrap();
            }
            seen
        })
    };
    let writers = (0..USERS).map(|i| {
        let client = app.client.clone();
        let address = if i % 2 == 0 {
            app.address.clone()
        } else {
            second.clone()
        };
        async move {
            let answer = client
                .post(format!("{address}/auth/register"))
                .json(
                    &json!({"username": format!("writer{i}"), "email": format!("w{i}@example.com"),
                              "full_name": "W", "password": "correct horse battery staple"}),
                )
                .send()
                .await
                .unwrap();
            assert_eq!(answer.status(), StatusCode::CREATED);
        }
    });
    futures_util::future::join_all(writers).await;
    let seen = follower.await.unwrap();
    let everything: Vec<i64> = all_events(&app)
        .await
        .iter()
        .map(|e| e["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(everything.len(), USERS);
    assert_eq!(
        seen, everything,
        "the follower read every event once, in order"
    );
}

#[actix_web::test]
async fn a_held_request_answers_when_an_event_commits_on_another_instance() {
    let app = spawn_app().await;
    let other = app.spawn_second_instance().await;
    let head = page(&app, "after=0").await["position"].as_i64().unwrap();
    let waiting = {
        let client = app.client.clone();
        let url = app.url(&format!("/events?after={head}&wait=20"));
        tokio::spawn(async move {
            let started = Instant::now();
            let page: Value = client
                .get(url)
                .bearer_auth(FEED_SECRET)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            (page, started.elapsed())
        })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    let registered = Instant::now();
    let answer = app
        .client
        .post(format!("{other}/auth/register"))
        .json(&json!({"username": "waited", "email": "waited@example.com",
                      "full_name": "W", "password": "correct horse battery staple"}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::CREATED);
    let (page, held) = waiting.await.unwrap();
    assert_eq!(types(page["events"].as_array().unwrap()), ["user.created"]);
    assert!(held >= Duration::from_millis(500), "it waited: {held:?}");
    assert!(
        registered.elapsed() < Duration::from_secs(2),
        "answered {:?} after the event",
        registered.elapsed()
    );
    // With nothing new, the request answers empty after its wait.
    let started = Instant::now();
    let position = page["position"].as_i64().unwrap();
    let empty = page_after(&app, position, 1).await;
    assert_eq!(empty["events"], json!([]));
    assert_eq!(empty["position"], position);
    assert!(started.elapsed() >= Duration::from_millis(900));
}

async fn page_after(app: &TestApp, after: i64, wait: u64) -> Value {
    page(app, &format!("after={after}&wait={wait}")).await
}

#[actix_web::test]
async fn the_feed_needs_its_secret_and_checks_its_parameters() {
    let app = spawn_app().await;
    app.register_user("pat").await;
    let url = app.url("/events");
    let nobody = app.client.get(&url).send().await.unwrap();
    assert_error(nobody, StatusCode::UNAUTHORIZED, "invalid_token").await;
    for wrong in [
        "Bearer wrong",
        &format!("Bearer {FEED_SECRET}x"),
        &format!("Basic {FEED_SECRET}"),
        &format!("Bearer {}", &FEED_SECRET[..FEED_SECRET.len() - 1]),
    ] {
        let answer = app
            .client
            .get(&url)
            .header("authorization", wrong)
            .send()
            .await
            .unwrap();
        assert_error(answer, StatusCode::UNAUTHORIZED, "invalid_token").await;
    }
    // The scheme in any case, as RFC 6750 allows.
    let answer = app
        .client
        .get(&url)
        .header("authorization", format!("bearer {FEED_SECRET}"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::OK);

    for bad in [
        "after=-1",
        "after=x",
        "after=1&since=1",
        "limit=0",
        "limit=1001",
        "wait=31",
        "wait=-1",
        "since=99999999999999",
    ] {
        let answer = app
            .client
            .get(format!("{url}?{bad}"))
            .bearer_auth(FEED_SECRET)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::BAD_REQUEST, "{bad}");
    }
    let first = page(&app, "limit=1").await;
    assert_eq!(first["events"].as_array().unwrap().len(), 1);
    assert_eq!(first["more"], false);
    // A position past the last ever drawn: a log restored from a backup since.
    let ahead = app
        .client
        .get(format!("{url}?after=1000"))
        .bearer_auth(FEED_SECRET)
        .send()
        .await
        .unwrap();
    assert_error(ahead, StatusCode::CONFLICT, "conflict").await;
    let since_now = page(&app, &format!("since={}", shared_tokens::now_unix() + 5)).await;
    assert_eq!(since_now["events"], json!([]));
    assert_eq!(since_now["position"], first["position"]);
}

#[actix_web::test]
async fn without_a_feed_secret_there_is_no_feed() {
    let app = spawn_app_with(|vars| {
        vars.remove("EVENT_FEED_SECRET");
    })
    .await;
    let answer = app
        .client
        .get(app.url("/events"))
        .bearer_auth(FEED_SECRET)
        .send()
        .await
        .unwrap();
    assert_error(answer, StatusCode::NOT_FOUND, "not_found").await;
}

#[actix_web::test]
async fn a_logout_everywhere_of_many_sessions_is_told_in_bounded_events() {
    let app = spawn_app().await;
    let user = app.register_user("many").await;
    let logins = (0..=100).map(|_| app.login_as(&user));
    let sessions = futures_util::future::join_all(logins).await;
    let all = app
        .post_empty("/auth/logout-all", Some(&sessions[0].access))
        .await;
    assert_eq!(all.status(), StatusCode::NO_CONTENT);

    let events = all_events(&app).await;
    assert_eq!(
        types(&events),
        ["user.created", "sessions.revoked", "sessions.revoked"]
    );
    let named: BTreeSet<String> = events[1..]
        .iter()
        .flat_map(|e| e["data"]["session_ids"].as_array().unwrap().clone())
        .map(|id| id.as_str().unwrap().to_owned())
        .collect();
    let expected: BTreeSet<String> = sessions.iter().map(|s| s.session_id.to_string()).collect();
    assert_eq!(named, expected, "every session named once");
    assert_eq!(
        events[1]["data"]["session_ids"].as_array().unwrap().len(),
        100
    );
}
