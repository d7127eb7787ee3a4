//! A database outage answers 503 quickly, and the service recovers by itself.

use crate::helpers::*;
use reqwest::StatusCode;
use std::time::{Duration, Instant};

#[tokio::test]
async fn an_outage_answers_503_and_the_service_recovers_when_the_database_returns() {
    let app = spawn_app().await;
    let token = app.mint_token(&TestUser::new("patient"));
    let photo = id_of(&app.upload_png(&token).await);

    app.db.set_available(false);
    let started = Instant::now();
    let response = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_error(response, StatusCode::SERVICE_UNAVAILABLE, "unavailable").await;
    for path in [
        "/profile".to_owned(),
        format!("/photos/{photo}"),
        "/photos".to_owned(),
    ] {
        let response = app.get(&path, &token).send().await.unwrap();
        assert_error(response, StatusCode::SERVICE_UNAVAILABLE, "unavailable").await;
    }
    let upload = app.upload(&token, PNG, "p.png", None).await;
    assert_error(upload, StatusCode::SERVICE_UNAVAILABLE, "unavailable").await;
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "five 503s took {:?}",
        started.elapsed()
    );

    // Once the pool knows the database is gone, answers come well within a probe's 1 s.
    for path in ["/readyz", "/profile"] {
        let started = Instant::now();
        let response = app.get(path, &token).send().await.unwrap();
        let took = started.elapsed();
        println!("{path} during the outage: {took:?}");
        assert!(took < Duration::from_secs(1), "{path} took {took:?}");
        assert_error(response, StatusCode::SERVICE_UNAVAILABLE, "unavailable").await;
    }

    app.db.set_available(true);
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let response = app.client.get(app.url("/readyz")).send().await.unwrap();
        if response.status() == StatusCode::OK {
            break;
        }
        assert!(Instant::now() < deadline, "readyz did not recover");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let back = app.get_json(&format!("/photos/{photo}"), &token).await;
    assert_eq!(back["id"], photo);
    let profile = app.get_json("/profile", &token).await;
    assert_eq!(profile["photo_count"], 1);
}
