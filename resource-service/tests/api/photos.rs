//! Reading, listing and deleting photos.

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::HashSet;

#[tokio::test]
async fn content_returns_the_exact_bytes_with_type_length_and_etag() {
    let app = spawn_app().await;
    let token = app.mint_token(&TestUser::new("tina"));
    let photo = id_of(&app.upload_png(&token).await);
    let viewer = app.mint_token(&TestUser::new("viewer"));

    let response = app
        .get(&format!("/photos/{photo}/content"), &viewer)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "image/png");
    assert_eq!(headers["content-length"], PNG.len().to_string());
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let etag = headers["etag"].to_str().unwrap().to_owned();
    assert_eq!(etag, format!("\"{}\"", hex::encode(Sha256::digest(PNG))));
    assert_eq!(response.bytes().await.unwrap().as_ref(), PNG);

    let response = app
        .get(&format!("/photos/{photo}/content"), &viewer)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(response.headers()["etag"], etag.as_str());
    assert!(response.bytes().await.unwrap().is_empty());

    let response = app
        .get(&format!("/photos/{photo}/content"), &viewer)
        .header("if-none-match", "\"something-else\"")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn unknown_or_malformed_photo_ids_are_404_on_every_photo_route() {
    let app = spawn_app().await;
    let token = app.mint_token(&TestUser::admin("umar"));
    let unknown = uuid::Uuid::new_v4().to_string();
    for id in [unknown.as_str(), "not-a-uuid", "123", "%00", "..%2f"] {
        for (method, path) in [
            (Method::GET, format!("/photos/{id}")),
            (Method::GET, format!("/photos/{id}/content")),
            (Method::DELETE, format!("/photos/{id}")),
        ] {
            let response = app
                .request(method.clone(), &path, &token)
                .send()
                .await
                .unwrap();
            assert_error(response, StatusCode::NOT_FOUND, "not_found").await;
        }
    }
}

#[tokio::test]
async fn listing_pages_through_more_photos_than_the_limit_newest_first() {
    let app = spawn_app().await;
    let owner = TestUser::new("vera");
    let token = app.mint_token(&owner);
    let mut uploaded = Vec::new();
    for _ in 0..7 {
        uploaded.push(id_of(&app.upload_png(&token).await));
    }
    // Someone else's photo never shows up in vera's listing.
    let other = app.mint_token(&TestUser::new("walt"));
    let foreign = id_of(&app.upload_png(&other).await);

    let mut seen = Vec::new();
    let mut path = "/photos?owner=me&limit=3".to_owned();
    let mut pages = 0;
    loop {
        let page = app.get_json(&path, &token).await;
        pages += 1;
        let photos = page["photos"].as_array().unwrap();
        assert!(photos.len() <= 3);
        seen.extend(photos.iter().map(id_of));
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/photos?owner=me&limit=3&cursor={cursor}"),
            None => break,
        }
        assert!(pages < 10, "pagination does not end");
    }
    assert_eq!(pages, 3);
    let newest_first: Vec<String> = uploaded.iter().rev().cloned().collect();
    assert_eq!(seen, newest_first);
    assert!(!seen.contains(&foreign));

    // By explicit owner id, from another viewer, the same photos.
    let by_id = app
        .get_json(&format!("/photos?owner={}&limit=100", owner.id), &other)
        .await;
    let ids: HashSet<String> = by_id["photos"]
        .as_array()
        .unwrap()
        .iter()
        .map(id_of)
        .collect();
    assert_eq!(ids, uploaded.iter().cloned().collect());
    assert_eq!(by_id["next_cursor"], Value::Null);

    // Without an owner: everyone's photos.
    let all = app.get_json("/photos?limit=100", &other).await;
    assert_eq!(all["photos"].as_array().unwrap().len(), 8);
    assert_eq!(id_of(&all["photos"][0]), foreign);
}

#[tokio::test]
async fn bad_listing_parameters_are_400_invalid_request() {
    let app = spawn_app().await;
    let token = app.mint_token(&TestUser::new("xena"));
    let cases = [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=-1", "limit"),
        ("limit=ten", "limit"),
        ("owner=someone", "owner"),
        ("owner=", "owner"),
        // Only the spellings the document gives: `me` and hyphenated ids, unpadded.
        ("owner=%20me", "owner"),
        ("owner=00000000000000000000000000000000", "owner"),
        ("cursor=not-a-cursor", "cursor"),
        ("cursor=AAAA", "cursor"),
        ("cursor=%20AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "cursor"),
    ];
    for (query, field) in cases {
        let response = app
            .get(&format!("/photos?{query}"), &token)
            .send()
            .await
            .unwrap();
        let body = assert_error(response, StatusCode::BAD_REQUEST, "invalid_request").await;
        assert!(body["fields"][field].is_string(), "{query}: {body}");
    }
}

#[tokio::test]
async fn only_the_owner_or_an_admin_may_delete_a_photo() {
    let app = spawn_app().await;
    let owner = app.mint_token(&TestUser::new("yuri"));
    let stranger = app.mint_token(&TestUser::new("zed"));
    let admin = app.mint_token(&TestUser::admin("root"));
    let first = id_of(&app.upload_png(&owner).await);
    let second = id_of(&app.upload_png(&owner).await);

    let response = app
        .request(Method::DELETE, &format!("/photos/{first}"), &stranger)
        .send()
        .await
        .unwrap();
    assert_error(response, StatusCode::FORBIDDEN, "forbidden").await;
    app.get_json(&format!("/photos/{first}"), &owner).await;

    let response = app
        .request(Method::DELETE, &format!("/photos/{first}"), &admin)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    let response = app
        .request(Method::DELETE, &format!("/photos/{second}"), &owner)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    for id in [&first, &second] {
        for path in [format!("/photos/{id}"), format!("/photos/{id}/content")] {
            let response = app.get(&path, &owner).send().await.unwrap();
            assert_error(response, StatusCode::NOT_FOUND, "not_found").await;
        }
    }
    let response = app
        .request(Method::DELETE, &format!("/photos/{first}"), &owner)
        .send()
        .await
        .unwrap();
    assert_error(response, StatusCode::NOT_FOUND, "not_found").await;
}

/// The document says any 32 characters of base64url are a cursor; the service takes each, even
/// one whose time is beyond what the database can hold (it moves to the nearest end of that
/// range): never a 500.
#[tokio::test]
async fn any_cursor_of_the_documented_shape_gets_a_page() {
    let app = spawn_app().await;
    let token = app.mint_token(&TestUser::new("cursor"));
    let photo = id_of(&app.upload_png(&token).await);
    // Times far after and far before every photo, then the nil id: in base64url, `f` (0x7f...)
    // and `g` (0x80...) lead the largest and the smallest eight-byte timestamps.
    for (cursor, expected) in [
        (
            format!("f{}", "_".repeat(10) + &"A".repeat(21)),
            vec![photo.clone()],
        ),
        (format!("g{}", "A".repeat(31)), vec![]),
        ("A".repeat(32), vec![]),
    ] {
        let page = app
            .get_json(&format!("/photos?owner=me&cursor={cursor}"), &token)
            .await;
        let ids: Vec<String> = page["photos"]
            .as_array()
            .unwrap()
            .iter()
            .map(id_of)
            .collect();
        assert_eq!(ids, expected, "{cursor}");
    }
}
