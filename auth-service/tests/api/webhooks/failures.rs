//! Receivers that fail: an error answer or no answer in time is tried again with backoff until
//! the event is taken; an endpoint that keeps failing is given up on event by event, and never
//! holds up another endpoint.

use super::{deliveries, wait_for_deliveries, webhooks_to, Receiver};
use crate::helpers::spawn_app_with;
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::time::{Duration, Instant};

#[actix_web::test]
async fn an_error_answer_and_a_timeout_are_retried_until_the_event_is_taken() {
    let erring = Receiver::start("fail:2");
    // Waits 1.5 s before answering the first request: past WEBHOOK_TIMEOUT (500ms).
    let slow = Receiver::start("slow:1:1500");
    let app = spawn_app_with(|vars| webhooks_to(vars, &[erring.url(), slow.url()])).await;
    app.register_user("rita").await;

    for receiver in [&erring, &slow] {
        let taken = receiver.wait_for(1, Duration::from_secs(10)).await;
        assert_eq!(taken[0].1, "user.created");
        assert_eq!(taken[0].0.len(), 36, "the event id: {taken:?}");
        receiver.assert_all_verified();
        wait_for_deliveries(
            &app,
            &receiver.label(),
            "delivered",
            1.0,
            Duration::from_secs(2),
        )
        .await;
    }
    // The same event each time, signed anew: 500, 500, then taken; late, then taken.
    let answers = |r: &Receiver| -> Vec<String> {
        r.requests()
            .iter()
            .map(|q| q["answered"].to_string())
            .collect()
    };
    assert_eq!(answers(&erring), ["500", "500", "204"]);
    assert_eq!(answers(&slow), ["\"late\"", "204"]);
    for receiver in [&erring, &slow] {
        let ids: Vec<_> = receiver
            .requests()
            .iter()
            .map(|q| q["id"].clone())
            .collect();
        assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    }
    assert_eq!(deliveries(&app, &erring.label(), "failed").await, 2.0);
    assert_eq!(deliveries(&app, &slow.label(), "failed").await, 1.0);
    for receiver in [&erring, &slow] {
        assert_eq!(deliveries(&app, &receiver.label(), "delivered").await, 1.0);
        assert_eq!(deliveries(&app, &receiver.label(), "gave_up").await, 0.0);
    }
}

#[actix_web::test]
async fn an_endpoint_that_never_answers_is_given_up_on_without_delaying_another() {
    // Every request waits 10 s: each attempt takes the whole WEBHOOK_TIMEOUT (500ms).
    let stuck = Receiver::start("slow:1000:10000");
    let healthy = Receiver::start("ok");
    let app = spawn_app_with(|vars| {
        webhooks_to(vars, &[stuck.url(), healthy.url()]);
        vars.insert("WEBHOOK_MAX_ATTEMPTS".into(), "3".into());
    })
    .await;

    let user = app.register_user("hana").await;
    let tokens = app.login_as(&user).await;
    let renamed = app
        .send_json(
            Method::PATCH,
            "/auth/me",
            &json!({"full_name": "Hana Healthy"}),
            Some(&tokens.access),
        )
        .await;
    assert_eq!(renamed.status(), StatusCode::OK);
    let renamed_at = Instant::now();
    // Had the stuck endpoint's attempts (3 x 500ms plus the waits, per event) come first, the
    // rename would reach the healthy one at least 1.8 s late, about 3.6 s.
    let taken = healthy.wait_for(2, Duration::from_secs(10)).await;
    assert!(
        renamed_at.elapsed() < Duration::from_millis(1500),
        "the healthy endpoint took {:?}",
        renamed_at.elapsed()
    );
    let kinds: Vec<&str> = taken.iter().map(|(_, kind)| kind.as_str()).collect();
    assert_eq!(kinds, ["user.created", "user.updated"]);

    // Three attempts per event, then the next event: both are given up on, in order.
    wait_for_deliveries(
        &app,
        &stuck.label(),
        "gave_up",
        2.0,
        Duration::from_secs(10),
    )
    .await;
    assert_eq!(deliveries(&app, &stuck.label(), "failed").await, 6.0);
    assert_eq!(deliveries(&app, &stuck.label(), "delivered").await, 0.0);
    let tried: Vec<String> = stuck
        .requests()
        .iter()
        .map(|q| q["type"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        tried,
        [
            "user.created",
            "user.created",
            "user.created",
            "user.updated",
            "user.updated",
            "user.updated"
        ]
    );
    stuck.assert_all_verified();
    assert_eq!(deliveries(&app, &healthy.label(), "delivered").await, 2.0);
}
