//! A user's data across accounts: erasure removes exactly theirs, and photos follow renames.

use crate::helpers::{spawn_app, TestUser};
use reqwest::StatusCode;
use serde_json::json;

#[actix_web::test]
async fn erasing_a_profile_removes_photos_likes_given_and_profile_and_only_those() {
    let app = spawn_app().await;
    let alice = TestUser::new("alice");
    let bob = TestUser::new("bob");
    let (a, b) = (app.mint_token(&alice), app.mint_token(&bob));
    let alice_photo = crate::helpers::id_of(&app.upload_png(&a).await);
    let bob_photo = crate::helpers::id_of(&app.upload_png(&b).await);
    let like = |token: &str, photo: &str| {
        app.request(
            reqwest::Method::PUT,
            &format!("/photos/{photo}/like"),
            token,
        )
        .send()
    };
    assert!(like(&a, &bob_photo).await.unwrap().status().is_success());
    assert!(like(&b, &alice_photo).await.unwrap().status().is_success());
    let patched = app
        .patch_profile(&a, &json!({"bio": "hi", "avatar_photo_id": alice_photo}))
        .await;
    assert_eq!(patched.status(), StatusCode::OK);

    let erased = app
        .request(reqwest::Method::DELETE, "/profile", &a)
        .send()
        .await
        .unwrap();
    assert_eq!(erased.status(), StatusCode::NO_CONTENT);

    let photo = app
        .get(&format!("/photos/{alice_photo}"), &b)
        .send()
        .await
        .unwrap();
    assert_eq!(photo.status(), StatusCode::NOT_FOUND);
    let bobs = app.get_json(&format!("/photos/{bob_photo}"), &b).await;
    assert_eq!(bobs["like_count"], 0, "alice's like is gone: {bobs}");
    let profile = app.get_json("/profile", &a).await;
    assert_eq!(profile["bio"], serde_json::Value::Null);
    assert_eq!(profile["photo_count"], 0);
    // Bob keeps everything of his.
    assert_eq!(app.get_json("/profile", &b).await["photo_count"], 1);
    // Again: nothing left, still 204.
    let again = app
        .request(reqwest::Method::DELETE, "/profile", &a)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NO_CONTENT);
}

#[actix_web::test]
async fn photos_show_the_owners_newest_username_not_the_one_at_upload() {
    let app = spawn_app().await;
    let mut user = TestUser::new("oldname");
    let old_token = app.mint_token(&user);
    let photo = crate::helpers::id_of(&app.upload_png(&old_token).await);
    user.username = "newname".to_owned();
    let mut claims = app.claims(&user);
    claims.iat += 1;
    let new_token = app.sign(&claims);
    // Any request with the newer token teaches the service the new name...
    app.get_json("/photos", &new_token).await;
    let viewer = app.mint_token(&TestUser::new("viewer"));
    let seen = app.get_json(&format!("/photos/{photo}"), &viewer).await;
    assert_eq!(seen["owner_username"], "newname");
    // ...and an older token still in use does not turn it back.
    app.get_json("/photos", &old_token).await;
    let page = app.get_json("/photos", &viewer).await;
    assert_eq!(page["photos"][0]["owner_username"], "newname");
}
