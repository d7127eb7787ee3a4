//! Cookies another site planted (docs/COOKIES.md, Where the services read them): a sibling
//! subdomain can set any cookie without the `__Host-` prefix for the whole domain, including
//! names that only percent-decode to ours. Each request is written by hand, `Cookie` headers
//! exactly as listed, so nothing between the test and the service rewrites a name.

use crate::helpers::{spawn_app, TestApp, Tokens, ALLOWED_ORIGIN};
use test_support::raw_http::{self, RawResponse};

/// The attacker's own session, whose cookies it plants in the victim's browser.
async fn attacker(app: &TestApp) -> Tokens {
    let mallory = app.register_user("mallory").await;
    app.login_as(&mallory).await
}

fn send(app: &TestApp, method: &str, path: &str, cookies: &[String]) -> RawResponse {
    let headers: Vec<(&str, &str)> = cookies
        .iter()
        .map(|c| ("Cookie", c.as_str()))
        .chain([("Origin", ALLOWED_ORIGIN)])
        .collect();
    let addr = format!("127.0.0.1:{}", app.port);
    raw_http::send(&addr, method, path, &headers, b"")
}

/// Refresh-cookie spellings a sibling subdomain can set, none of which is `__Host-refresh_token`.
fn planted_refresh(token: &str) -> Vec<String> {
    [
        "__Host%2Drefresh_token",
        "__Host%2drefresh_token",
        "%5F%5FHost-refresh_token",
        "__Secure-refresh_token",
        "refresh_token",
    ]
    .iter()
    .map(|name| format!("{name}={token}"))
    .collect()
}

#[actix_web::test]
async fn a_logged_out_browser_with_planted_cookies_is_not_let_into_the_planters_account() {
    let app = spawn_app().await;
    let mallory = attacker(&app).await;

    for planted in planted_refresh(&mallory.refresh) {
        let answer = send(
            &app,
            "POST",
            "/auth/refresh",
            std::slice::from_ref(&planted),
        );
        assert_eq!(answer.status, 401, "{planted}");
        assert_eq!(answer.json()["error"], "unauthorized", "{planted}");
    }
    for name in [
        "__Host%2Daccess_token",
        "%5F%5FHost-access_token",
        "access_token",
    ] {
        let planted = format!("{name}={}", mallory.access);
        let answer = send(&app, "GET", "/auth/me", std::slice::from_ref(&planted));
        assert_eq!(answer.status, 401, "{planted}");
    }
    // None of it reached Mallory's session.
    assert_eq!(app.session(mallory.session_id).generation, 0);
}

#[actix_web::test]
async fn a_planted_cookie_beside_the_users_own_leaves_them_in_their_own_account() {
    let app = spawn_app().await;
    let mallory = attacker(&app).await;
    let alice = app.register_user("alice").await;
    let mut refresh = app.login_as(&alice).await.refresh;

    for planted in planted_refresh(&mallory.refresh) {
        let own = format!("__Host-refresh_token={refresh}");
        for cookies in [
            vec![format!("{planted}; {own}")],
            vec![format!("{own}; {planted}")],
            vec![planted.clone(), own.clone()],
        ] {
            let answer = send(&app, "POST", "/auth/refresh", &cookies);
            assert_eq!(answer.status, 200, "{cookies:?}");
            let next = Tokens::from_body(answer.json());
            let me = send(
                &app,
                "GET",
                "/auth/me",
                &[format!(
                    "__Host%2Daccess_token={}; __Host-access_token={}",
                    mallory.access, next.access
                )],
            );
            assert_eq!(me.json()["username"], alice.username, "{cookies:?}");
            refresh = next.refresh;
        }
    }
    assert_eq!(app.session(mallory.session_id).generation, 0);
}

#[actix_web::test]
async fn a_token_cookie_sent_twice_is_400_whichever_copy_is_whose() {
    let app = spawn_app().await;
    let mallory = attacker(&app).await;
    let alice = app.register_user("alice").await;
    let own = app.login_as(&alice).await;
    // A second copy of the exact name, as a cookie of another path would arrive, in one header
    // or across two, before or after the user's own.
    let (theirs, mine) = (
        format!("__Host-refresh_token={}", mallory.refresh),
        format!("__Host-refresh_token={}", own.refresh),
    );
    for cookies in [
        vec![format!("{theirs}; {mine}")],
        vec![format!("{mine}; {theirs}")],
        vec![mine.clone(), theirs.clone()],
        vec![format!("{mine}; {mine}")],
    ] {
        let answer = send(&app, "POST", "/auth/refresh", &cookies);
        assert_eq!(answer.status, 400, "{cookies:?}");
        assert_eq!(answer.json()["error"], "invalid_request");
    }
    let access = format!(
        "__Host-access_token={}; __Host-access_token={}",
        own.access, mallory.access
    );
    assert_eq!(send(&app, "GET", "/auth/me", &[access]).status, 400);
    // Neither session moved.
    assert_eq!(app.session(mallory.session_id).generation, 0);
    assert_eq!(app.session(own.session_id).generation, 0);
}
