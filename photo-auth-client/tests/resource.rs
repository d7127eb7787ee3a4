//! The typed resource calls against the real services: profile, uploads with progress, the
//! listing as a stream across pages, content, likes and deletion.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use bytes::Bytes;
use futures_util::TryStreamExt;
use photo_auth_client::{ApiCode, Client, Owner, Progress};
use std::sync::{Arc, Mutex};

struct Services {
    auth_url: String,
    api_url: String,
    _keep: test_harness::Both,
}

async fn spawn_services() -> Services {
    let both = test_harness::start_both(|_| {}, |_| {}).await;
    Services {
        auth_url: both.auth.address.clone(),
        api_url: both.resource.address.clone(),
        _keep: both,
    }
}

/// A real PNG of `width` x 16 pixels, so each width gives other bytes.
fn png(width: u32) -> Bytes {
    let pixels = vec![120u8; (width * 16 * 3) as usize];
    let mut out = Vec::new();
    image::ImageEncoder::write_image(
        image::codecs::png::PngEncoder::new(&mut out),
        &pixels,
        width,
        16,
        image::ExtendedColorType::Rgb8,
    )
    .unwrap();
    Bytes::from(out)
}

#[actix_web::test]
async fn profile_photos_likes_and_deletion_through_the_typed_calls() {
    let services = spawn_services().await;
    let client = Client::new(&services.auth_url, &services.api_url).unwrap();
    let password = "correct horse battery";
    client
        .register("carol", "carol@example.com", "Carol", password)
        .await
        .unwrap();
    client.login("carol@example.com", password).await.unwrap();

    assert_eq!(client.profile().await.unwrap().username, "carol");
    let profile = client
        .set_bio(Some("Takes pictures of bridges"))
        .await
        .unwrap();
    assert_eq!(profile.bio.as_deref(), Some("Takes pictures of bridges"));

    let reports = Arc::new(Mutex::new(Vec::new()));
    let heard = reports.clone();
    let progress: Progress = Arc::new(move |sent, total| heard.lock().unwrap().push((sent, total)));
    let big = png(400);
    let first = client
        .upload_photo("big.png", big.clone(), Some("first"), Some(progress))
        .await
        .unwrap();
    let reports = reports.lock().unwrap().clone();
    assert_eq!(reports.last(), Some(&(big.len() as u64, big.len() as u64)));
    assert!(reports.windows(2).all(|w| w[0].0 < w[1].0), "{reports:?}");
    // From a stream, read as it is sent: in three chunks here.
    let streamed = png(20);
    let chunks: Vec<std::io::Result<Bytes>> = vec![
        Ok(streamed.slice(..10)),
        Ok(streamed.slice(10..30)),
        Ok(streamed.slice(30..)),
    ];
    let second = client
        .upload_photo_stream(
            "b.png",
            futures_util::stream::iter(chunks),
            streamed.len() as u64,
            None,
            None,
        )
        .await
        .unwrap();
    let third = client
        .upload_photo("c.png", png(30), None, None)
        .await
        .unwrap();

    // Three photos, two per page: the stream follows the cursor, newest first.
    let listed: Vec<_> = client.photos(Owner::Me, 2).try_collect().await.unwrap();
    let ids: Vec<_> = listed.iter().map(|p| p.id).collect();
    assert_eq!(ids, [third.id, second.id, first.id]);
    assert_eq!(
        client.photo_content(second.id).await.unwrap().len() as i64,
        second.size_bytes
    );

    let avatar = client.set_avatar(Some(first.id)).await.unwrap();
    assert_eq!(avatar.avatar_photo_id, Some(first.id));
    assert_eq!(
        avatar.bio.as_deref(),
        Some("Takes pictures of bridges"),
        "the bio stays"
    );

    client.like(first.id).await.unwrap();
    let liked = client.photo(first.id).await.unwrap();
    assert!(liked.liked_by_me);
    assert_eq!(liked.like_count, 1);
    client.unlike(first.id).await.unwrap();
    assert_eq!(client.photo(first.id).await.unwrap().like_count, 0);

    client.delete_photo(first.id).await.unwrap();
    assert_eq!(
        client.profile().await.unwrap().avatar_photo_id,
        None,
        "deleting clears it"
    );
    let gone = client.photo(first.id).await.unwrap_err();
    assert_eq!(gone.code(), Some(&ApiCode::NotFound), "{gone}");
    let left: Vec<_> = client.photos(Owner::Me, 10).try_collect().await.unwrap();
    assert_eq!(left.len(), 2);
}

#[actix_web::test]
async fn a_session_logged_out_elsewhere_ends_at_the_next_resource_call() {
    let services = spawn_services().await;
    let password = "correct horse battery";
    let laptop = Client::new(&services.auth_url, &services.api_url).unwrap();
    laptop
        .register("lena", "lena@example.com", "Lena", password)
        .await
        .unwrap();
    laptop.login("lena", password).await.unwrap();
    assert_eq!(laptop.profile().await.unwrap().username, "lena");

    let phone = Client::new(&services.auth_url, &services.api_url).unwrap();
    phone.login("lena", password).await.unwrap();
    phone.logout_all().await.unwrap();

    // resource-service hears of it within a second; the laptop's token is far from expiry.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    let refused = loop {
        match laptop.profile().await {
            Ok(_) => {
                assert!(
                    std::time::Instant::now() < deadline,
                    "still served after 2 s"
                );
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            Err(error) => break error,
        }
    };
    assert_eq!(
        refused.code(),
        Some(&ApiCode::SessionRevoked),
        "{refused:?}"
    );
    assert!(matches!(
        laptop.profile().await,
        Err(photo_auth_client::ClientError::NotLoggedIn)
    ));
}
