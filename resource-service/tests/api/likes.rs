use crate::helpers::*;
use diesel::RunQueryDsl;
use reqwest::{Method, StatusCode};

async fn send(app: &TestApp, method: Method, path: &str, token: &str) -> StatusCode {
    app.request(method, path, token)
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn liking_twice_counts_once_and_each_viewer_sees_their_own_like() {
    let app = spawn_app().await;
    let owner = app.mint_token(&TestUser::new("owner"));
    let fan = app.mint_token(&TestUser::new("fan"));
    let photo = id_of(&app.upload_png(&owner).await);
    let like = format!("/photos/{photo}/like");

    assert_eq!(
        send(&app, Method::PUT, &like, &fan).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        send(&app, Method::PUT, &like, &fan).await,
        StatusCode::NO_CONTENT
    );

    let seen_by_fan = app.get_json(&format!("/photos/{photo}"), &fan).await;
    assert_eq!(seen_by_fan["like_count"], 1);
    assert_eq!(seen_by_fan["liked_by_me"], true);
    let seen_by_owner = app.get_json(&format!("/photos/{photo}"), &owner).await;
    assert_eq!(seen_by_owner["like_count"], 1);
    assert_eq!(seen_by_owner["liked_by_me"], false);

    let listed = app.get_json("/photos?owner=me", &owner).await;
    assert_eq!(listed["photos"][0]["like_count"], 1);
    assert_eq!(listed["photos"][0]["liked_by_me"], false);

    // The database itself holds exactly one row for the pair.
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let rows: Vec<Count> = diesel::sql_query("SELECT count(*) AS n FROM photo_likes")
        .load(&mut app.db.connect())
        .unwrap();
    assert_eq!(rows[0].n, 1);
}

#[tokio::test]
async fn the_database_refuses_a_second_like_row_for_the_same_pair() {
    let app = spawn_app().await;
    let owner = TestUser::new("owner");
    let photo = id_of(&app.upload_png(&app.mint_token(&owner)).await);
    let mut conn = app.db.connect();
    let insert = format!(
        "INSERT INTO photo_likes (photo_id, user_id) VALUES ('{photo}', '{}')",
        owner.id
    );
    diesel::sql_query(&insert).execute(&mut conn).unwrap();
    assert!(diesel::sql_query(&insert).execute(&mut conn).is_err());
}

#[tokio::test]
async fn unliking_twice_is_fine_and_removes_the_like() {
    let app = spawn_app().await;
    let token = app.mint_token(&TestUser::new("liker"));
    let photo = id_of(&app.upload_png(&token).await);
    let like = format!("/photos/{photo}/like");
    assert_eq!(
        send(&app, Method::PUT, &like, &token).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        send(&app, Method::DELETE, &like, &token).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        send(&app, Method::DELETE, &like, &token).await,
        StatusCode::NO_CONTENT
    );
    let seen = app.get_json(&format!("/photos/{photo}"), &token).await;
    assert_eq!(seen["like_count"], 0);
    assert_eq!(seen["liked_by_me"], false);
}

#[tokio::test]
async fn liking_an_unknown_or_malformed_photo_is_404() {
    let app = spawn_app().await;
    let token = app.mint_token(&TestUser::new("liker"));
    let unknown = uuid::Uuid::new_v4();
    for id in [unknown.to_string(), "not-a-uuid".to_owned(), "1".to_owned()] {
        for method in [Method::PUT, Method::DELETE] {
            let response = app
                .request(method.clone(), &format!("/photos/{id}/like"), &token)
                .send()
                .await
                .unwrap();
            assert_error(response, StatusCode::NOT_FOUND, "not_found").await;
        }
    }
}
