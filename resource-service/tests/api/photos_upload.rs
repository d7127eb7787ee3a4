//! Uploads: formats recognised by content, the size cap, bad forms.

use crate::helpers::*;
use futures_util::stream::{self, StreamExt};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::time::Duration;

#[tokio::test]
async fn uploading_a_png_returns_the_photo() {
    let app = spawn_app().await;
    let user = TestUser::new("lena");
    let token = app.mint_token(&user);
    let response = app
        .upload(&token, PNG, "holiday.png", Some("At the beach"))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let photo: Value = response.json().await.unwrap();
    let id = id_of(&photo);
    assert_eq!(location, format!("/photos/{id}"));
    assert_eq!(photo["owner_id"], user.id.to_string());
    assert_eq!(photo["owner_username"], "lena");
    assert_eq!(photo["caption"], "At the beach");
    assert_eq!(photo["content_type"], "image/png");
    assert_eq!(photo["size_bytes"], PNG.len());
    assert_eq!(photo["like_count"], 0);
    assert_eq!(photo["liked_by_me"], false);
    assert!(photo["created_at"].is_string());
    assert_eq!(photo["content_url"], format!("/photos/{id}/content"));

    let fetched = app.get_json(&format!("/photos/{id}"), &token).await;
    assert_eq!(fetched, photo);
}

#[tokio::test]
async fn every_accepted_format_is_recognised_by_content_not_name() {
    let app = spawn_app().await;
    let token = app.mint_token(&TestUser::new("mia"));
    let jpeg = jpeg();
    for (bytes, name, expected) in [
        (&jpeg[..], "a.txt", "image/jpeg"),
        (PNG, "no-extension", "image/png"),
        (GIF, "b.jpg", "image/gif"),
        (WEBP, "c.png", "image/webp"),
    ] {
        let response = app.upload(&token, bytes, name, None).await;
        assert_eq!(response.status(), StatusCode::CREATED, "{expected}");
        let photo: Value = response.json().await.unwrap();
        assert_eq!(photo["content_type"], expected);
    }
}

#[tokio::test]
async fn content_that_is_not_an_image_is_415_whatever_its_name() {
    let app = spawn_app().await;
    let token = app.mint_token(&TestUser::new("ned"));
    let cases: [(&[u8], &str); 5] = [
        (b"just some text pretending to be a picture", "photo.png"),
        (
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
            "x.svg",
        ),
        (b"%PDF-1.7 not a photo", "scan.jpg"),
        (b"\x89PNG", "short.png"),
        (b"", "empty.png"),
    ];
    for (bytes, name) in cases {
        let response = app.upload(&token, bytes, name, None).await;
        assert_error(
            response,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        )
        .await;
    }
    let listed = app.get_json("/photos?owner=me", &token).await;
    assert_eq!(listed["photos"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn a_non_multipart_upload_is_415() {
    let app = spawn_app().await;
    let token = app.mint_token(&TestUser::new("olga"));
    let response = app
        .request(Method::POST, "/photos", &token)
        .header("content-type", "image/png")
        .body(PNG.to_vec())
        .send()
        .await
        .unwrap();
    assert_error(
        response,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
}

#[tokio::test]
async fn a_photo_over_the_size_cap_is_413() {
    let app = spawn_app().await;
    let token = app.mint_token(&TestUser::new("paul"));
    let mut big = PNG.to_vec();
    big.resize(MAX_PHOTO_BYTES + 1, 0);
    let response = app.upload(&token, &big, "big.png", None).await;
    assert_error(response, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;

    let mut exact = PNG.to_vec();
    exact.resize(MAX_PHOTO_BYTES, 0);
    let response = app.upload(&token, &exact, "exact.png", None).await;
    assert_eq!(response.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn the_size_cap_answers_413_before_the_whole_body_is_read() {
    let app = spawn_app().await;
    let token = app.mint_token(&TestUser::new("quinn"));
    // A body that sends a little more than the cap and then never ends: only a server that
    // enforces the cap while streaming can answer at all.
    let mut first = PNG.to_vec();
    first.resize(MAX_PHOTO_BYTES + 1024, 0);
    let endless = stream::iter(vec![Ok::<Vec<u8>, std::io::Error>(first)]).chain(stream::pending());
    let part = reqwest::multipart::Part::stream(reqwest::Body::wrap_stream(endless))
        .file_name("endless.png");
    let form = reqwest::multipart::Form::new().part("file", part);
    let response = tokio::time::timeout(
        Duration::from_secs(10),
        app.request(Method::POST, "/photos", &token)
            .multipart(form)
            .send(),
    )
    .await
    .expect("the server answered before the body ended")
    .unwrap();
    assert_error(response, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
}

#[tokio::test]
async fn a_declared_length_far_over_the_cap_is_refused_up_front() {
    let app = spawn_app().await;
    let token = app.mint_token(&TestUser::new("rita"));
    let mut huge = PNG.to_vec();
    huge.resize(MAX_PHOTO_BYTES * 4, 0);
    let part = reqwest::multipart::Part::bytes(huge).file_name("huge.png");
    let response = app
        .request(Method::POST, "/photos", &token)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    assert_error(response, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
}

#[tokio::test]
async fn bad_upload_forms_are_400_invalid_request() {
    let app = spawn_app().await;
    let token = app.mint_token(&TestUser::new("sam"));
    let png = || reqwest::multipart::Part::bytes(PNG.to_vec()).file_name("p.png");
    let long_caption = "c".repeat(301);
    let cases: Vec<(&str, reqwest::multipart::Form, Option<&str>)> = vec![
        (
            "no file",
            reqwest::multipart::Form::new().text("caption", "lonely"),
            Some("file"),
        ),
        (
            "caption too long",
            reqwest::multipart::Form::new()
                .part("file", png())
                .text("caption", long_caption),
            Some("caption"),
        ),
        (
            // The limit counts the caption as sent, as the document's `maxLength` does.
            "caption too long with its spaces",
            reqwest::multipart::Form::new()
                .part("file", png())
                .text("caption", format!("{}c", " ".repeat(300))),
            Some("caption"),
        ),
        (
            "caption with NUL",
            reqwest::multipart::Form::new()
                .part("file", png())
                .text("caption", "a\0b"),
            Some("caption"),
        ),
        (
            "two files",
            reqwest::multipart::Form::new()
                .part("file", png())
                .part("file", png()),
            Some("file"),
        ),
        (
            "unknown field",
            reqwest::multipart::Form::new()
                .part("file", png())
                .text("owner_id", "someone-else"),
            None,
        ),
    ];
    for (name, form, field) in cases {
        let response = app
            .request(Method::POST, "/photos", &token)
            .multipart(form)
            .send()
            .await
            .unwrap();
        let body = assert_error(response, StatusCode::BAD_REQUEST, "invalid_request").await;
        if let Some(field) = field {
            assert!(body["fields"][field].is_string(), "{name}: {body}");
        }
    }
    let listed = app.get_json("/photos?owner=me", &token).await;
    assert_eq!(listed["photos"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn uploads_need_a_verified_email_only_when_required() {
    let strict = spawn_app_with(&[("REQUIRE_VERIFIED_EMAIL", "true")]).await;
    let unverified = TestUser::unverified("ursula");
    let token = strict.mint_token(&unverified);
    let refused = strict.upload(&token, PNG, "photo.png", None).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"], "email_not_verified", "{body}");
    assert!(body["message"]
        .as_str()
        .is_some_and(|m| m.contains("Verify")));
    // Nothing was stored, and reading stays open to the unverified account.
    let listed = strict.get_json("/photos?owner=me", &token).await;
    assert_eq!(listed["photos"], serde_json::json!([]), "{listed}");
    let verified = TestUser::new("vera");
    strict.upload_png(&strict.mint_token(&verified)).await;

    // Off by default: the same account uploads.
    let lenient = spawn_app().await;
    lenient.upload_png(&lenient.mint_token(&unverified)).await;
}
