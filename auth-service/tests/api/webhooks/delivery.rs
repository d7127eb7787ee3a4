//! An account's whole life reaches a receiver: every event once, in log order, verified by the
//! reference library, across a restart of auth-service in the middle.

use super::{logged_events, webhooks_to, Receiver};
use crate::helpers::{spawn_app_on, spawn_app_with, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::time::Duration;

#[actix_web::test]
async fn every_event_of_an_account_arrives_once_in_order_verified_across_a_restart() {
    let receiver = Receiver::start("ok");
    let urls = [receiver.url()];
    let first = spawn_app_with(|vars| webhooks_to(vars, &urls)).await;
    let user = first.register_user("wanda").await;
    let tokens = first.login_as(&user).await;
    let renamed = first
        .send_json(
            Method::PATCH,
            "/auth/me",
            &json!({"full_name": "Wanda Webhook"}),
            Some(&tokens.access),
        )
        .await;
    assert_eq!(renamed.status(), StatusCode::OK);

    // A graceful stop right away: the rename is delivered by this instance before it lets go of
    // the endpoint, or by the next one from the cursor this one left.
    first.handle.stop(true).await;
    let TestApp { db, .. } = first;
    let second = spawn_app_on(db, |vars| webhooks_to(vars, &urls)).await;

    let tokens = second.login_as(&user).await;
    let ended = second
        .post_empty("/auth/logout-all", Some(&tokens.access))
        .await;
    assert_eq!(ended.status(), StatusCode::NO_CONTENT);
    let tokens = second.login_as(&user).await;
    let deleted = second
        .send_json(
            Method::DELETE,
            "/auth/me",
            &json!({"password": user.password}),
            Some(&tokens.access),
        )
        .await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);

    let logged = logged_events(&second);
    let kinds: Vec<&str> = logged.iter().map(|(_, kind)| kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "user.created",
            "user.updated",
            "sessions.revoked",
            "user.deleted"
        ]
    );
    let taken = receiver
        .wait_for(logged.len(), Duration::from_secs(10))
        .await;
    // Nothing more comes after a pause: each event arrived once.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(receiver.taken(), logged, "in log order, each once");
    assert_eq!(taken, logged);
    assert_eq!(receiver.requests().len(), logged.len(), "no retries needed");
    receiver.assert_all_verified();
    let first_request = &receiver.requests()[0];
    assert_eq!(first_request["seq"], 1, "{first_request}");
}
