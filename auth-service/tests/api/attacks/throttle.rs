//! The failed-password throttle under attack: parallel guesses, re-checks on authenticated
//! routes, what the answers reveal, IPv6 addresses.

use crate::helpers::{spawn_app_with, TestApp};
use serde_json::json;

/// An app behind a trusted proxy (the test client), so `X-Forwarded-For` sets the address.
async fn app_behind_proxy(max_failures: &str) -> TestApp {
    spawn_app_with(|vars| {
        vars.insert("TRUSTED_PROXIES".into(), "127.0.0.1".into());
        vars.insert("LOGIN_MAX_FAILURES".into(), max_failures.into());
    })
    .await
}

fn audit_count(app: &TestApp, kind: &str) -> i64 {
    use diesel::sql_types::{BigInt, Text};
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    diesel::sql_query("SELECT count(*) AS n FROM audit_events WHERE kind = $1")
        .bind::<Text, _>(kind)
        .get_result::<N>(&mut app.db.connect())
        .unwrap()
        .n
}

async fn login_from(app: &TestApp, address: &str, body: serde_json::Value) -> reqwest::Response {
    app.client
        .post(app.url("/auth/login"))
        .header("x-forwarded-for", address)
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[actix_web::test]
async fn parallel_wrong_passwords_are_counted_one_by_one() {
    let app = app_behind_proxy("3").await;
    app.register_user("alice").await;
    let body = json!({"username": "alice", "password": "wrong-wrong-wrong"});
    let burst = (0..40).map(|_| login_from(&app, "203.0.113.50", body.clone()));
    let statuses: Vec<u16> = futures_util::future::join_all(burst)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert!(statuses.iter().all(|s| *s == 401), "{statuses:?}");
    // Exactly the free failures were evaluated; every other attempt of the burst was held off.
    assert_eq!(audit_count(&app, "login_failed"), 3);
    assert_eq!(audit_count(&app, "login_throttled"), 37);
}

#[actix_web::test]
async fn password_rechecks_are_throttled_like_logins_and_do_not_lock_out_the_owner() {
    let app = app_behind_proxy("3").await;
    let user = app.register_user("alice").await;
    let tokens = app.login_as(&user).await;
    let recheck = |password: &str, address: &str, path: &str, method: reqwest::Method| {
        let body = if path == "/auth/password" {
            json!({"current_password": password, "new_password": "another-long-passphrase"})
        } else {
            json!({"password": password})
        };
        app.client
            .request(method, app.url(path))
            .bearer_auth(&tokens.access)
            .header("x-forwarded-for", address)
            .json(&body)
            .send()
    };
    let thief = "203.0.113.60";
    // Wrong guesses through both routes share one count; parallel ones count one by one.
    let guesses = (0..12).map(|i| {
        if i % 2 == 0 {
            recheck(
                "guess-guess-guess",
                thief,
                "/auth/password",
                reqwest::Method::POST,
            )
        } else {
            recheck(
                "guess-guess-guess",
                thief,
                "/auth/me",
                reqwest::Method::DELETE,
            )
        }
    });
    let answers = futures_util::future::join_all(guesses).await;
    assert!(answers
        .iter()
        .all(|r| r.as_ref().unwrap().status() == reqwest::StatusCode::FORBIDDEN));
    // Now even the right password is not evaluated from this address...
    let held = recheck(&user.password, thief, "/auth/me", reqwest::Method::DELETE)
        .await
        .unwrap();
    assert_eq!(held.status(), reqwest::StatusCode::FORBIDDEN);
    let wait: u64 = held.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait >= 1, "{wait}");
    assert_eq!(
        app.login_as(&user).await.body["user"]["username"],
        "alice",
        "the account still exists"
    );
    // ...while the owner, from their own address, changes the password at once.
    let owner = recheck(
        &user.password,
        "198.51.100.9",
        "/auth/password",
        reqwest::Method::POST,
    )
    .await
    .unwrap();
    assert_eq!(owner.status(), reqwest::StatusCode::NO_CONTENT);
}

#[actix_web::test]
async fn the_throttle_does_not_reveal_that_a_username_and_an_email_are_one_account() {
    let app = app_behind_proxy("2").await;
    let user = app.register_user("alice").await;
    let a = "203.0.113.70";
    for _ in 0..4 {
        login_from(
            &app,
            a,
            json!({"username": "alice", "password": "wrong-wrong"}),
        )
        .await;
    }
    // From the same address: alice's real email and an email of nobody answer alike.
    let observe = |r: reqwest::Response| (r.status(), r.headers().contains_key("retry-after"));
    let real = observe(
        login_from(
            &app,
            a,
            json!({"email": user.email, "password": "wrong-wrong"}),
        )
        .await,
    );
    let ghost = observe(
        login_from(
            &app,
            a,
            json!({"email": "ghost@example.com", "password": "wrong-wrong"}),
        )
        .await,
    );
    assert_eq!(real, ghost);
    assert_eq!(real, (reqwest::StatusCode::UNAUTHORIZED, false));
}

#[actix_web::test]
async fn ipv6_clients_are_counted_by_their_64() {
    let app = spawn_app_with(|vars| {
        vars.insert("TRUSTED_PROXIES".into(), "127.0.0.1".into());
        vars.insert("RATE_LIMIT_PER_IP".into(), "20/min".into());
    })
    .await;
    let mut statuses = Vec::new();
    // Six addresses of one /64: the sixth is over the burst of five.
    for host in 1..=6 {
        let response = app
            .client
            .post(app.url("/auth/refresh"))
            .header("x-forwarded-for", format!("2001:db8:aa:bb::{host:x}"))
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    // Another /64 has its own budget.
    let other = app
        .client
        .post(app.url("/auth/refresh"))
        .header("x-forwarded-for", "2001:db8:aa:cc::1")
        .send()
        .await
        .unwrap();
    assert_ne!(other.status().as_u16(), 429);
}
