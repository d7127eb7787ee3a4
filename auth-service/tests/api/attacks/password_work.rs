//! bcrypt work under a flood (docs/SECURITY.md, Password hashing under load): every route that
//! runs bcrypt is limited per address before bcrypt runs, and bcrypt work as a whole is bounded
//! per instance, answering 503 at once beyond it. The latency another user sees meanwhile is
//! measured by the `password-flood` benchmark (docs/BENCHMARKS.md), not here.

use crate::helpers::{spawn_app_with, TestApp};
use reqwest::StatusCode;
use serde_json::json;

async fn flood_app(concurrency: &str, queue: &str) -> TestApp {
    let (concurrency, queue) = (concurrency.to_owned(), queue.to_owned());
    spawn_app_with(move |vars| {
        vars.insert("BCRYPT_COST".into(), "11".into());
        vars.insert("PASSWORD_HASH_CONCURRENCY".into(), concurrency);
        vars.insert("PASSWORD_HASH_QUEUE".into(), queue);
    })
    .await
}

#[actix_web::test]
async fn password_work_beyond_the_running_and_waiting_slots_is_refused_at_once() {
    let app = flood_app("1", "1").await;
    let user = app.register_user("mallory").await;
    let body = json!({"username": user.username, "password": "not it at all"});
    let flood = (0..16).map(|_| async {
        let response = app.login(&body).await;
        let retry_after = response.headers().get("retry-after").cloned();
        (response.status(), retry_after)
    });
    let answers = futures_util::future::join_all(flood).await;
    let refused: Vec<_> = answers
        .iter()
        .filter(|(status, _)| *status == StatusCode::SERVICE_UNAVAILABLE)
        .collect();
    let checked = answers
        .iter()
        .filter(|(status, _)| *status == StatusCode::UNAUTHORIZED)
        .count();
    assert!(refused.len() >= 10, "{answers:?}");
    assert_eq!(refused.len() + checked, 16, "{answers:?}");
    assert!(
        refused.iter().all(|(_, retry)| retry.is_some()),
        "{answers:?}"
    );
    // Logins get their turn again as soon as the flood is answered.
    let other = app.register_user("olivia").await;
    app.login_as(&other).await;
}

#[actix_web::test]
async fn one_accounts_rechecks_hold_one_slot_whatever_addresses_they_come_from() {
    let app = spawn_app_with(|vars| {
        vars.insert("BCRYPT_COST".into(), "11".into());
        vars.insert("TRUSTED_PROXIES".into(), "127.0.0.1".into());
    })
    .await;
    let user = app.register_user("mallory").await;
    let tokens = app.login_as(&user).await;
    let body = json!({"email": "elsewhere@example.com", "current_password": "not it at all"});
    let flood = (0..8).map(|i| {
        let request = app
            .request(reqwest::Method::PATCH, "/auth/me")
            .bearer_auth(&tokens.access)
            .header("x-forwarded-for", format!("198.51.100.{i}"))
            .json(&body);
        async move { request.send().await.unwrap().status() }
    });
    let statuses = futures_util::future::join_all(flood).await;
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::SERVICE_UNAVAILABLE)
        .count();
    assert!(refused >= 6, "{statuses:?}");
    // A refusal for load was not counted against the caller by the throttle.
    assert_eq!(
        app.count(
            "SELECT coalesce(sum(failures), 0)::int AS n FROM login_failures \
             WHERE subject = 'reauth:' || $1::text",
            user.id
        ),
        (8 - refused) as i32
    );
}

#[actix_web::test]
async fn a_profile_change_is_limited_per_address_before_its_password_recheck() {
    let app = spawn_app_with(|vars| {
        vars.insert("RATE_LIMIT_PER_IP".into(), "20/min".into());
    })
    .await;
    let user = app.register_user("mallory").await;
    let tokens = app.login_as(&user).await;
    let mut statuses = Vec::new();
    for i in 0..8 {
        let body = json!({"email": format!("taken{i}@example.com"), "current_password": "wrong"});
        let response = app
            .send_json(
                reqwest::Method::PATCH,
                "/auth/me",
                &body,
                Some(&tokens.access),
            )
            .await;
        statuses.push(response.status().as_u16());
    }
    // The burst (5) goes through to the password re-check; the rest are refused before it.
    assert_eq!(statuses[..5], [403; 5], "{statuses:?}");
    assert!(statuses[5..].iter().all(|s| *s == 429), "{statuses:?}");
}
