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

/// Attempts counted on the test's one (subject, address) row and not yet decided.
fn in_flight(app: &TestApp) -> i32 {
    use diesel::sql_types::Integer;
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = Integer)]
        n: i32,
    }
    diesel::sql_query("SELECT coalesce(max(in_flight), 0) AS n FROM login_failures")
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
    // Wrong guesses through both routes share one count. (Parallel re-checks of one account are
    // admitted one at a time: `password_work::one_accounts_rechecks_hold_one_slot_*`.)
    for i in 0..12 {
        let (path, method) = if i % 2 == 0 {
            ("/auth/password", reqwest::Method::POST)
        } else {
            ("/auth/me", reqwest::Method::DELETE)
        };
        let answer = recheck("guess-guess-guess", thief, path, method)
            .await
            .unwrap();
        assert_eq!(answer.status(), reqwest::StatusCode::FORBIDDEN, "guess {i}");
    }
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

#[actix_web::test]
async fn the_right_password_is_never_refused_for_attempts_in_flight() {
    // 64 logins with the right password from one address, 8 at a time, with bcrypt slow enough
    // that 8 are always in flight: more than LOGIN_MAX_FAILURES (5) reservations are open at
    // once, and none of them may count as a failure against the right password.
    let app = spawn_app_with(|vars| {
        vars.insert("TRUSTED_PROXIES".into(), "127.0.0.1".into());
        vars.insert("LOGIN_MAX_FAILURES".into(), "5".into());
        vars.insert("BCRYPT_COST".into(), "9".into());
    })
    .await;
    let user = app.register_user("alice").await;
    let body = json!({"username": "alice", "password": user.password});
    let worker = |_| {
        let (app, body) = (&app, body.clone());
        async move {
            let mut statuses = Vec::new();
            for _ in 0..8 {
                let response = login_from(app, "203.0.113.60", body.clone()).await;
                statuses.push(response.status().as_u16());
            }
            statuses
        }
    };
    let statuses: Vec<u16> = futures_util::future::join_all((0..8).map(worker))
        .await
        .into_iter()
        .flatten()
        .collect();
    assert_eq!(statuses.len(), 64);
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    assert_eq!(audit_count(&app, "login_throttled"), 0);
    assert_eq!(audit_count(&app, "login_succeeded"), 64);
}

#[actix_web::test]
async fn wrong_guesses_in_flight_still_hold_off_a_right_password_behind_them() {
    // The right password waits for the wrong ones in flight, and is then refused like any
    // attempt past the free failures: in flight or not, N wrong guesses count as N.
    let app = spawn_app_with(|vars| {
        vars.insert("TRUSTED_PROXIES".into(), "127.0.0.1".into());
        vars.insert("LOGIN_MAX_FAILURES".into(), "3".into());
        vars.insert("BCRYPT_COST".into(), "12".into());
    })
    .await;
    let user = app.register_user("alice").await;
    let wrong = json!({"username": "alice", "password": "wrong-wrong-wrong"});
    let right = json!({"username": "alice", "password": user.password});
    let guesses = (0..3).map(|_| login_from(&app, "203.0.113.61", wrong.clone()));
    let late = async {
        // Sent once all three wrong guesses are reserved and still being evaluated.
        for _ in 0..200 {
            if in_flight(&app) == 3 {
                break;
            }
            actix_web::rt::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        assert_eq!(
            in_flight(&app),
            3,
            "the wrong guesses were decided too soon"
        );
        login_from(&app, "203.0.113.61", right.clone()).await
    };
    let (wrongs, right_answer) =
        futures_util::future::join(futures_util::future::join_all(guesses), late).await;
    assert!(wrongs.iter().all(|r| r.status() == 401));
    assert_eq!(right_answer.status(), 401);
    assert!(right_answer.headers().contains_key("retry-after"));
    assert_eq!(audit_count(&app, "login_failed"), 3);
}
