//! The attacker's spellings of requests the other tests send politely: each test here failed
//! before the defence it names existed (docs/SECURITY.md lists them).

use crate::helpers::{spawn_app_with, TestApp};
use serde_json::json;
use test_support::raw_http;

/// An app with the per-address limit on (20/min: a burst of 5).
async fn limited_app() -> TestApp {
    spawn_app_with(|vars| {
        vars.insert("RATE_LIMIT_PER_IP".into(), "20/min".into());
    })
    .await
}

fn host(app: &TestApp) -> String {
    format!("127.0.0.1:{}", app.port)
}

fn post(app: &TestApp, path: &str, body: &str) -> u16 {
    raw_http::send(
        &host(app),
        "POST",
        path,
        &[("Content-Type", "application/json")],
        body.as_bytes(),
    )
    .status
}

/// Other ways to write `path`: each percent-encoded letter, other case, trailing and doubled
/// slashes, a dot segment.
fn spellings(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, c) in path.char_indices() {
        if c.is_ascii_alphabetic() {
            out.push(format!("{}%{:02X}{}", &path[..i], c as u32, &path[i + 1..]));
            out.push(format!("{}%{:02x}{}", &path[..i], c as u32, &path[i + 1..]));
        }
    }
    out.push(path.to_ascii_uppercase());
    out.push(format!("{path}/"));
    out.push(format!("/{path}"));
    out.push(path.replacen('/', "//", 2));
    out.push(path.replace("/auth/", "/auth/./"));
    out.push(path.replace("/auth/", "/auth/x/../"));
    out.push(format!("{path}?x=1"));
    out.push(format!("{path}%2F"));
    out
}

#[actix_web::test]
async fn no_spelling_of_a_limited_route_reaches_its_handler_unlimited() {
    let app = limited_app().await;
    // Wrong credentials or a missing token: the handler answers 400/401/403, the limiter 429.
    let routes: [(&str, &str, &str); 5] = [
        (
            "POST",
            "/auth/login",
            r#"{"username":"nobody","password":"x"}"#,
        ),
        ("POST", "/auth/register", r#"{}"#),
        ("POST", "/auth/refresh", r#"{"refresh_token":"x"}"#),
        ("POST", "/auth/password", r#"{}"#),
        ("DELETE", "/auth/me", r#"{}"#),
    ];
    for (method, path, body) in routes {
        let addr = host(&app);
        let send = |p: &str| {
            raw_http::send(
                &addr,
                method,
                p,
                &[("Content-Type", "application/json")],
                body.as_bytes(),
            )
            .status
        };
        // Spend the burst on the plain spelling.
        for _ in 0..5 {
            let status = send(path);
            assert_ne!(status, 429, "{method} {path} limited within the burst");
            assert_ne!(status, 404, "{method} {path} must exist");
        }
        assert_eq!(send(path), 429, "{method} {path} after the burst");
        let mut reached = Vec::new();
        for spelling in spellings(path) {
            let status = send(&spelling);
            // Either no route at all, or the limit applies.
            if status != 404 && status != 429 {
                reached.push(format!("{method} {spelling} -> {status}"));
            }
        }
        assert!(
            reached.is_empty(),
            "reached the handler unlimited: {reached:?}"
        );
    }
}

#[actix_web::test]
async fn each_percent_encoded_spelling_counts_against_the_same_bucket() {
    let app = limited_app().await;
    let body = r#"{"username":"nobody","password":"x"}"#;
    // The burst spent entirely through encoded spellings, then the plain path is limited.
    for path in [
        "/auth/logi%6E",
        "/auth/%6Cogin",
        "/%61uth/login",
        "/auth/login",
        "/auth/LOGIN",
    ] {
        let status = post(&app, path, body);
        assert!(status == 401 || status == 404, "{path}: {status}");
    }
    // Four of the five above reached the handler (the upper-case one is no route).
    assert_eq!(post(&app, "/auth/login", body), 401);
    assert_eq!(post(&app, "/auth/login", body), 429);
    assert_eq!(post(&app, "/auth/logi%6E", body), 429);
}

#[actix_web::test]
async fn metrics_are_not_on_the_public_port_and_made_up_methods_add_no_series() {
    let app = spawn_app_with(|_| {}).await;
    let public = raw_http::send(&host(&app), "GET", "/metrics", &[], b"");
    assert_eq!(public.status, 404, "/metrics must not be served publicly");

    let scrape = || async {
        app.client
            .get(format!("{}/metrics", app.metrics_address))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    };
    for i in 0..40 {
        let method = format!("X{i}");
        raw_http::send(&host(&app), &method, "/auth/login", &[], b"");
        raw_http::send(&host(&app), &method, &format!("/random/{i}"), &[], b"");
    }
    let first = scrape().await;
    let series = |text: &str| {
        text.lines()
            .filter(|l| l.starts_with("http_requests_total{"))
            .count()
    };
    for i in 40..80 {
        let method = format!("X{i}");
        raw_http::send(&host(&app), &method, "/auth/login", &[], b"");
        raw_http::send(&host(&app), &method, &format!("/random/{i}"), &[], b"");
    }
    let second = scrape().await;
    assert!(
        !second.contains("method=\"X"),
        "made-up methods became labels"
    );
    assert!(second.contains("method=\"other\""));
    assert!(!second.contains("/random/"));
    assert_eq!(
        series(&first),
        series(&second),
        "forty more made-up methods and paths must add no series"
    );
}

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

#[actix_web::test]
async fn the_refresh_cookie_sent_twice_is_refused_with_400() {
    let app = spawn_app_with(|vars| {
        vars.insert("COOKIE_SECURE".into(), "false".into());
    })
    .await;
    let user = app.register_user("alice").await;
    let tokens = app.login_as(&user).await;
    let planted = "refresh_token=planted-by-a-sibling-subdomain";
    let mine = format!("refresh_token={}", tokens.refresh);
    for cookies in [
        vec![format!("{planted}; {mine}")],
        vec![mine.clone(), planted.to_owned()],
    ] {
        let headers: Vec<(&str, &str)> = cookies
            .iter()
            .map(|c| ("Cookie", c.as_str()))
            .chain([("Origin", crate::helpers::ALLOWED_ORIGIN)])
            .collect();
        let answer = raw_http::send(&host(&app), "POST", "/auth/refresh", &headers, b"");
        assert_eq!(answer.status, 400, "{cookies:?}");
        assert_eq!(answer.json()["error"], "invalid_request");
    }
    // The session was not touched: the token still rotates.
    assert_eq!(app.refresh(&tokens.refresh).await.status().as_u16(), 200);
}

#[actix_web::test]
async fn nul_bytes_in_text_fields_are_400_or_401_never_500() {
    let app = spawn_app_with(|_| {}).await;
    let user = app.register_user("alice").await;
    let tokens = app.login_as(&user).await;
    let bad = "ali\u{0}ce";
    for (path, body) in [
        (
            "/auth/register",
            json!({"username": bad, "email": "a@example.com", "full_name": "A", "password": "long-enough-pass"}),
        ),
        (
            "/auth/register",
            json!({"username": "bobby", "email": "a\u{0}@example.com", "full_name": "A", "password": "long-enough-pass"}),
        ),
        (
            "/auth/register",
            json!({"username": "bobby", "email": "a@example.com", "full_name": "A\u{0}", "password": "long-enough-pass"}),
        ),
        (
            "/auth/register",
            json!({"username": "bobby", "email": "a@example.com", "full_name": "A", "password": "long-enough\u{0}pass"}),
        ),
    ] {
        let response = app.post_json(path, &body, None).await;
        crate::helpers::assert_error(
            response,
            reqwest::StatusCode::BAD_REQUEST,
            "invalid_request",
        )
        .await;
    }
    for body in [
        json!({"username": bad, "password": "x"}),
        json!({"email": "a\u{0}@example.com", "password": "x"}),
        json!({"username": "alice", "password": "pass\u{0}word"}),
    ] {
        let response = app.login(&body).await;
        crate::helpers::assert_error(
            response,
            reqwest::StatusCode::UNAUTHORIZED,
            "invalid_credentials",
        )
        .await;
    }
    for body in [
        json!({"username": bad}),
        json!({"email": "x\u{0}@example.com"}),
        json!({"full_name": "A\u{0}"}),
    ] {
        let response = app
            .send_json(
                reqwest::Method::PATCH,
                "/auth/me",
                &body,
                Some(&tokens.access),
            )
            .await;
        crate::helpers::assert_error(
            response,
            reqwest::StatusCode::BAD_REQUEST,
            "invalid_request",
        )
        .await;
    }
    let response = app
        .post_json("/auth/refresh", &json!({"refresh_token": "a\u{0}b"}), None)
        .await;
    assert_eq!(response.status().as_u16(), 401);
}

/// A second instance on the same database whose refresh secret has rotated (the old one is kept
/// as a previous secret); returns its address.
async fn with_rotated_refresh_secret(app: &TestApp) -> String {
    app.spawn_instance_with(|vars| {
        vars.insert(
            "REFRESH_TOKEN_SECRET".into(),
            "a-brand-new-refresh-secret-0123456789abcdef".into(),
        );
        vars.insert(
            "REFRESH_TOKEN_PREVIOUS_SECRETS".into(),
            crate::helpers::REFRESH_SECRET.into(),
        );
    })
    .await
}

#[actix_web::test]
async fn the_grace_reissue_survives_a_refresh_key_rotation() {
    let app = spawn_app_with(|_| {}).await;
    let user = app.register_user("alice").await;
    let first = app.login_as(&user).await;
    let second = app.refreshed(&first.refresh).await;
    let rotated = with_rotated_refresh_secret(&app).await;
    // A second tab presents the predecessor within the grace period: it gets the same successor
    // back, and nobody is logged out.
    let again = crate::helpers::refresh_at(&app.client, &rotated, &first.refresh).await;
    assert_eq!(again.status().as_u16(), 200);
    let again: serde_json::Value = again.json().await.unwrap();
    assert_eq!(again["refresh_token"], second.refresh.as_str());
    assert!(app.session(first.session_id).revoked_at.is_none());
}

#[actix_web::test]
async fn a_grace_successor_that_cannot_be_rebuilt_is_refused_without_revoking() {
    let app = spawn_app_with(|_| {}).await;
    let user = app.register_user("alice").await;
    let first = app.login_as(&user).await;
    let second = app.refreshed(&first.refresh).await;
    // A row from before the key was remembered, then a rotation: the successor cannot be
    // signed again byte for byte.
    {
        use diesel::RunQueryDsl;
        diesel::sql_query("UPDATE refresh_tokens SET kid = NULL")
            .execute(&mut app.db.connect())
            .unwrap();
    }
    let rotated = with_rotated_refresh_secret(&app).await;
    let again = crate::helpers::refresh_at(&app.client, &rotated, &first.refresh).await;
    crate::helpers::assert_error(again, reqwest::StatusCode::UNAUTHORIZED, "invalid_token").await;
    assert!(
        app.session(first.session_id).revoked_at.is_none(),
        "an honest second tab is not a thief"
    );
    // The tab that holds the successor carries on.
    let next = crate::helpers::refresh_at(&app.client, &rotated, &second.refresh).await;
    assert_eq!(next.status().as_u16(), 200);
}
