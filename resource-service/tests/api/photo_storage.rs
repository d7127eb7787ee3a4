//! Photo bytes in the photo store (docs/PHOTOS.md, Storage): named by their hash, written before
//! the row that names them, removed soon after the last photo naming them goes, and moved out of
//! the database for photos stored before the store existed.

use crate::helpers::*;
use crate::image_safety::{assert_no_metadata, jpeg_with_gps};
use crate::photo_serving::png_photo;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel_migrations::MigrationHarness;
use reqwest::StatusCode;
use resource_service::db::DbPool;
use resource_service::photos::{drain_deletions, sweep_orphans};
use resource_service::storage::ObjectKind;
use serde_json::Value;
use std::time::{Duration, Instant};
use test_support::TestDatabase;

fn pool(app: &TestApp) -> DbPool {
    service_kit::database::pool(app.db.url(), 2)
}

async fn uploaded(app: &TestApp, token: &str, bytes: &[u8]) -> Value {
    let response = app.upload(token, bytes, "p.png", None).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

async fn sha_of(app: &TestApp, token: &str, photo: &Value) -> String {
    let path = format!("/photos/{}/content", id_of(photo));
    let response = app.get(&path, token).send().await.unwrap();
    let etag = response.headers()[reqwest::header::ETAG].to_str().unwrap();
    etag.trim_matches('"').to_owned()
}

/// Waits up to 10 s for the store to hold (or not hold) the objects named `sha256`.
async fn until_held(app: &TestApp, sha256: &str, held: bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let both = [ObjectKind::Original, ObjectKind::Thumbnail];
        let mut state = Vec::new();
        for kind in both {
            state.push(app.photo_store.holds(kind, sha256).await);
        }
        if state == [held, held] {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "objects of {sha256}: {state:?}, not {held}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn objects_are_named_by_hash_shared_by_equal_photos_and_removed_after_the_last() {
    let app = spawn_app().await;
    let (alice, bob) = (TestUser::new("alice"), TestUser::new("bob"));
    let (alice, bob) = (app.mint_token(&alice), app.mint_token(&bob));
    let bytes = png_photo(64, 48);
    let first = uploaded(&app, &alice, &bytes).await;
    let second = uploaded(&app, &bob, &bytes).await;
    let sha = sha_of(&app, &alice, &first).await;
    assert_eq!(
        app.photo_store.names(ObjectKind::Original).await,
        vec![sha.clone()]
    );
    assert_eq!(
        app.photo_store.names(ObjectKind::Thumbnail).await,
        vec![sha.clone()]
    );

    let delete = |token: &str, photo: &Value| {
        app.request(
            reqwest::Method::DELETE,
            &format!("/photos/{}", id_of(photo)),
            token,
        )
        .send()
    };
    assert_eq!(
        delete(&alice, &first).await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    let gone = app
        .get(&format!("/photos/{}", id_of(&first)), &alice)
        .send()
        .await;
    assert_eq!(
        gone.unwrap().status(),
        StatusCode::NOT_FOUND,
        "the row goes at once"
    );
    let report = drain_deletions(&pool(&app), &app.photo_store.open())
        .await
        .unwrap();
    assert_eq!(report.removed, 0, "bob's photo still names the bytes");
    until_held(&app, &sha, true).await;
    let content = app
        .get(&format!("/photos/{}/content", id_of(&second)), &bob)
        .send()
        .await;
    assert_eq!(
        content.unwrap().bytes().await.unwrap().len(),
        second["size_bytes"].as_u64().unwrap() as usize
    );

    let second_content = format!("/photos/{}/content", id_of(&second));
    assert_eq!(
        delete(&bob, &second).await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    let after = app.get(&second_content, &bob).send().await.unwrap();
    assert_eq!(
        after.status(),
        StatusCode::NOT_FOUND,
        "served before, gone at once"
    );
    // The service's own cleanup (every two seconds) removes them, with no help from the test.
    until_held(&app, &sha, false).await;
}

#[tokio::test]
async fn a_failure_between_the_store_and_the_database_leaves_only_an_orphan_the_sweep_removes() {
    let app = spawn_app().await;
    let token = app.mint_token(&TestUser::new("crash"));
    let mut conn = app.db.connect();
    // The row's insert fails after the objects were written, as a crash there would leave it.
    conn.batch_execute(
        "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS \
         $$ BEGIN RAISE EXCEPTION 'simulated crash'; END $$; \
         CREATE TRIGGER refuse BEFORE INSERT ON photos FOR EACH ROW EXECUTE FUNCTION refuse();",
    )
    .unwrap();
    let bytes = png_photo(80, 60);
    let failed = app.upload(&token, &bytes, "p.png", None).await;
    assert_eq!(failed.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let orphans = app.photo_store.names(ObjectKind::Original).await;
    assert_eq!(orphans.len(), 1, "the objects were written first");
    let listed = app.get_json("/photos", &token).await;
    assert_eq!(
        listed["photos"],
        serde_json::json!([]),
        "and no row names them"
    );

    let (pool, store) = (pool(&app), app.photo_store.open());
    let young = sweep_orphans(&pool, &store, Duration::from_secs(3600))
        .await
        .unwrap();
    assert_eq!(
        young.removed, 0,
        "an orphan younger than the grace period may be an upload"
    );
    let swept = sweep_orphans(&pool, &store, Duration::ZERO).await.unwrap();
    assert_eq!(swept.removed, 1);
    assert!(app.photo_store.names(ObjectKind::Original).await.is_empty());
    assert!(app
        .photo_store
        .names(ObjectKind::Thumbnail)
        .await
        .is_empty());

    diesel::sql_query("DROP TRIGGER refuse ON photos")
        .execute(&mut conn)
        .unwrap();
    let stored = uploaded(&app, &token, &bytes).await;
    let sha = sha_of(&app, &token, &stored).await;
    assert_eq!(orphans, vec![sha.clone()], "the same bytes, the same name");
    until_held(&app, &sha, true).await;
    let sweep = sweep_orphans(&pool, &store, Duration::ZERO).await.unwrap();
    // Kept twice: listed once as an original, once as a thumbnail.
    assert_eq!(
        (sweep.removed, sweep.kept),
        (0, 2),
        "a named object is never swept"
    );
}

#[tokio::test]
async fn an_upload_racing_the_removal_of_the_same_bytes_keeps_them() {
    let app = spawn_app().await;
    let (pool, store) = (pool(&app), app.photo_store.open());
    let (alice, bob) = (TestUser::new("alice"), TestUser::new("bob"));
    let (alice, bob) = (app.mint_token(&alice), app.mint_token(&bob));
    for round in 0..8 {
        let bytes = png_photo(40 + round, 30);
        let doomed = uploaded(&app, &alice, &bytes).await;
        let sha = sha_of(&app, &alice, &doomed).await;
        let path = format!("/photos/{}", id_of(&doomed));
        let remove = async {
            let deleted = app
                .request(reqwest::Method::DELETE, &path, &alice)
                .send()
                .await;
            assert_eq!(deleted.unwrap().status(), StatusCode::NO_CONTENT);
            drain_deletions(&pool, &store).await.unwrap()
        };
        let (_, kept) = tokio::join!(remove, uploaded(&app, &bob, &bytes));
        let served = app
            .get(&format!("/photos/{}/content", id_of(&kept)), &bob)
            .send()
            .await;
        let served = served.unwrap();
        let status = served.status();
        let body = served.text().await.unwrap_or_default();
        assert_eq!(status, StatusCode::OK, "round {round}: {body:.200}");
        assert!(
            app.photo_store.holds(ObjectKind::Original, &sha).await,
            "round {round}"
        );
        assert!(
            app.photo_store.holds(ObjectKind::Thumbnail, &sha).await,
            "round {round}"
        );
    }
}

#[tokio::test]
async fn photos_stored_in_the_database_are_moved_out_stripped_and_given_thumbnails() {
    let db = TestDatabase::create();
    let mut conn = db.connect();
    // The schema as it was before the photo store: every migration up to the photo dimensions.
    for _ in 0..3 {
        conn.run_next_migration(resource_service::db::MIGRATIONS)
            .unwrap();
    }
    let owner = TestUser::new("early");
    let bytes = jpeg_with_gps();
    let mut ids = Vec::new();
    for n in 0..3 {
        let id = uuid::Uuid::new_v4();
        diesel::sql_query(
            "INSERT INTO photos (id, owner_id, owner_username, content_type, size_bytes, sha256, \
             created_at) VALUES ($1, $2, 'early', 'image/jpeg', $3, 'old', now())",
        )
        .bind::<diesel::sql_types::Uuid, _>(id)
        .bind::<diesel::sql_types::Uuid, _>(owner.id)
        .bind::<diesel::sql_types::BigInt, _>(bytes.len() as i64 + n)
        .execute(&mut conn)
        .unwrap();
        diesel::sql_query("INSERT INTO photo_contents (photo_id, bytes) VALUES ($1, $2)")
            .bind::<diesel::sql_types::Uuid, _>(id)
            .bind::<diesel::sql_types::Bytea, _>(&bytes)
            .execute(&mut conn)
            .unwrap();
        ids.push(id);
    }
    let app = spawn_app_on(db, &[]).await;
    let token = app.mint_token(&owner);
    let deadline = Instant::now() + Duration::from_secs(20);
    let left = |conn: &mut PgConnection| -> i64 {
        diesel::sql_query("SELECT count(*) AS n FROM photo_contents")
            .get_result::<Count>(conn)
            .unwrap()
            .n
    };
    while left(&mut conn) > 0 {
        assert!(Instant::now() < deadline, "photos still in the database");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for id in ids {
        let photo = app.get_json(&format!("/photos/{id}"), &token).await;
        assert_eq!(photo["thumbnail_url"], format!("/photos/{id}/thumbnail"));
        assert!(photo["width"].as_i64().is_some(), "{photo}");
        let content = app
            .get(&format!("/photos/{id}/content"), &token)
            .send()
            .await
            .unwrap();
        assert_eq!(content.status(), StatusCode::OK);
        let served = content.bytes().await.unwrap();
        assert_no_metadata(&served, "a moved-out JPEG");
        assert_eq!(photo["size_bytes"].as_u64(), Some(served.len() as u64));
        let thumb = app
            .get(&format!("/photos/{id}/thumbnail"), &token)
            .send()
            .await
            .unwrap();
        assert_eq!(thumb.status(), StatusCode::OK);
    }
    assert_eq!(
        app.photo_store.names(ObjectKind::Original).await.len(),
        1,
        "one, shared"
    );
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}
