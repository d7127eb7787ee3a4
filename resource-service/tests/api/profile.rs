use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn a_new_user_gets_a_default_profile_from_the_token() {
    let app = spawn_app().await;
    let user = TestUser::new("erin");
    let profile = app.get_json("/profile", &app.mint_token(&user)).await;
    assert_eq!(profile["user_id"], user.id.to_string());
    assert_eq!(profile["username"], "erin");
    assert_eq!(profile["email"], "erin@example.com");
    assert_eq!(profile["full_name"], "erin Example");
    assert_eq!(profile["roles"], json!(["user"]));
    assert_eq!(profile["bio"], Value::Null);
    assert_eq!(profile["avatar_photo_id"], Value::Null);
    assert_eq!(profile["photo_count"], 0);
    assert_eq!(profile["updated_at"], Value::Null);
}

#[tokio::test]
async fn patching_the_bio_stores_it_and_leaves_other_fields_alone() {
    let app = spawn_app().await;
    let token = app.mint_token(&TestUser::new("frank"));
    let photo = id_of(&app.upload_png(&token).await);
    let response = app
        .patch_profile(&token, &json!({"avatar_photo_id": photo}))
        .await;
    assert_eq!(response.status(), StatusCode::OK);

    let response = app
        .patch_profile(&token, &json!({"bio": "  Hello there  "}))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let patched: Value = response.json().await.unwrap();
    assert_eq!(patched["bio"], "Hello there");
    assert_eq!(patched["avatar_photo_id"], photo);
    assert_eq!(patched["photo_count"], 1);
    assert!(patched["updated_at"].is_string());

    let stored = app.get_json("/profile", &token).await;
    assert_eq!(stored["bio"], "Hello there");
    assert_eq!(stored["avatar_photo_id"], photo);
}

#[tokio::test]
async fn null_clears_the_bio_and_the_avatar() {
    let app = spawn_app().await;
    let token = app.mint_token(&TestUser::new("gina"));
    let photo = id_of(&app.upload_png(&token).await);
    let response = app
        .patch_profile(&token, &json!({"bio": "x", "avatar_photo_id": photo}))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let response = app
        .patch_profile(&token, &json!({"bio": null, "avatar_photo_id": null}))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let profile = app.get_json("/profile", &token).await;
    assert_eq!(profile["bio"], Value::Null);
    assert_eq!(profile["avatar_photo_id"], Value::Null);
}

#[tokio::test]
async fn an_avatar_must_be_one_of_the_callers_photos() {
    let app = spawn_app().await;
    let owner_token = app.mint_token(&TestUser::new("owner"));
    let theirs = id_of(&app.upload_png(&owner_token).await);
    let token = app.mint_token(&TestUser::new("henry"));

    for avatar in [
        theirs.as_str(),
        &uuid::Uuid::new_v4().to_string(),
        "not-a-uuid",
    ] {
        let response = app
            .patch_profile(&token, &json!({"avatar_photo_id": avatar}))
            .await;
        let body = assert_error(response, StatusCode::BAD_REQUEST, "invalid_request").await;
        assert!(body["fields"]["avatar_photo_id"].is_string(), "{body}");
    }
    let profile = app.get_json("/profile", &token).await;
    assert_eq!(profile["avatar_photo_id"], Value::Null);
}

#[tokio::test]
async fn bad_profile_patches_are_400_invalid_request() {
    let app = spawn_app().await;
    let token = app.mint_token(&TestUser::new("ivan"));
    let cases: Vec<(&str, Value, Option<&str>)> = vec![
        ("bio too long", json!({"bio": "a".repeat(501)}), Some("bio")),
        ("bio with NUL", json!({"bio": "a\u{0}b"}), Some("bio")),
        ("bio not a string", json!({"bio": 5}), None),
        ("avatar not a string", json!({"avatar_photo_id": 7}), None),
        ("unknown field", json!({"username": "mallory"}), None),
        ("not an object", json!(["bio"]), None),
    ];
    for (name, body, field) in cases {
        let response = app.patch_profile(&token, &body).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{name}");
        let error = assert_error(response, StatusCode::BAD_REQUEST, "invalid_request").await;
        if let Some(field) = field {
            assert!(error["fields"][field].is_string(), "{name}: {error}");
        }
    }
    let response = app
        .request(reqwest::Method::PATCH, "/profile", &token)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_error(response, StatusCode::BAD_REQUEST, "invalid_request").await;

    let profile = app.get_json("/profile", &token).await;
    assert_eq!(profile["bio"], Value::Null);
}

#[tokio::test]
async fn five_hundred_characters_of_bio_are_accepted() {
    let app = spawn_app().await;
    let token = app.mint_token(&TestUser::new("judy"));
    let bio = "ü".repeat(500);
    let response = app.patch_profile(&token, &json!({ "bio": bio })).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["bio"], bio);
}

#[tokio::test]
async fn deleting_the_avatar_photo_clears_the_avatar() {
    let app = spawn_app().await;
    let token = app.mint_token(&TestUser::new("kim"));
    let photo = id_of(&app.upload_png(&token).await);
    let response = app
        .patch_profile(&token, &json!({"bio": "keep me", "avatar_photo_id": photo}))
        .await;
    assert_eq!(response.status(), StatusCode::OK);

    let response = app
        .request(reqwest::Method::DELETE, &format!("/photos/{photo}"), &token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    let profile = app.get_json("/profile", &token).await;
    assert_eq!(profile["avatar_photo_id"], Value::Null);
    assert_eq!(profile["bio"], "keep me");
    assert_eq!(profile["photo_count"], 0);
}
