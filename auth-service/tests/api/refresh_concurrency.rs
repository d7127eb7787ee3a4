//! Refreshes racing each other, in one instance and across two: exactly one successor.

use crate::helpers::{refresh_at, spawn_app, spawn_app_with, TestApp, Tokens};
use futures_util::future::join_all;
use reqwest::StatusCode;
use std::collections::BTreeSet;

async fn logged_in(app: &TestApp) -> Tokens {
    let user = app.register_user("alice").await;
    app.login_as(&user).await
}

fn distinct_successors(results: &[(StatusCode, Option<String>)]) -> BTreeSet<String> {
    results.iter().filter_map(|(_, t)| t.clone()).collect()
}

async fn refresh_outcome(
    client: &reqwest::Client,
    address: &str,
    token: &str,
) -> (StatusCode, Option<String>) {
    let response = refresh_at(client, address, token).await;
    let status = response.status();
    let body: serde_json::Value = response.json().await.unwrap();
    let token =
        (status == StatusCode::OK).then(|| body["refresh_token"].as_str().unwrap().to_owned());
    (status, token)
}

#[actix_web::test]
async fn twenty_concurrent_refreshes_of_one_token_yield_exactly_one_successor() {
    let app = spawn_app().await;
    let tokens = logged_in(&app).await;

    let results =
        join_all((0..20).map(|_| refresh_outcome(&app.client, &app.address, &tokens.refresh)))
            .await;

    for (status, _) in &results {
        assert!(!status.is_server_error(), "no 5xx: {results:?}");
        assert_eq!(
            *status,
            StatusCode::OK,
            "within grace all succeed: {results:?}"
        );
    }
    assert_eq!(distinct_successors(&results).len(), 1, "{results:?}");
    let session = app.session(tokens.session_id);
    assert_eq!(session.generation, 1);
    assert_eq!(session.token_rows, 2);
    assert!(session.revoked_at.is_none());
}

#[actix_web::test]
async fn concurrent_refreshes_across_two_instances_yield_exactly_one_successor() {
    let app = spawn_app().await;
    let second_instance = app.spawn_second_instance().await;
    let tokens = logged_in(&app).await;

    let results = join_all((0..20).map(|i| {
        let address = if i % 2 == 0 {
            app.address.clone()
        } else {
            second_instance.clone()
        };
        let (client, token) = (app.client.clone(), tokens.refresh.clone());
        async move { refresh_outcome(&client, &address, &token).await }
    }))
    .await;

    for (status, _) in &results {
        assert!(!status.is_server_error(), "no 5xx: {results:?}");
        assert_eq!(*status, StatusCode::OK, "{results:?}");
    }
    assert_eq!(distinct_successors(&results).len(), 1, "{results:?}");
    let session = app.session(tokens.session_id);
    assert_eq!(session.generation, 1);
    assert_eq!(session.token_rows, 2);
}

#[actix_web::test]
async fn with_grace_zero_concurrent_refreshes_leave_at_most_one_live_successor() {
    let app = spawn_app_with(|vars| {
        vars.insert("REFRESH_REUSE_GRACE".into(), "0".into());
    })
    .await;
    let tokens = logged_in(&app).await;

    let results =
        join_all((0..20).map(|_| refresh_outcome(&app.client, &app.address, &tokens.refresh)))
            .await;

    for (status, _) in &results {
        assert!(
            *status == StatusCode::OK || *status == StatusCode::UNAUTHORIZED,
            "no 5xx: {results:?}"
        );
    }
    let successors = distinct_successors(&results);
    assert!(successors.len() <= 1, "{results:?}");
    let session = app.session(tokens.session_id);
    assert!(session.generation <= 1);
    assert!(session.token_rows <= 2);
    // Every other request was a reuse, so the family is revoked and no successor lives on.
    assert!(session.revoked_at.is_some());
    for successor in successors {
        let response = app.refresh(&successor).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
}
