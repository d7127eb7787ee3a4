//! Serving photo bytes (docs/API.md, "Photo bytes"): a thumbnail beside every upload, answers a
//! browser may cache for good, `304` for a copy the client holds, `206` for one range.

use crate::helpers::*;
use image::{GenericImageView, RgbImage};
use reqwest::header;
use reqwest::StatusCode;
use sha2::{Digest, Sha256};

/// A PNG of `width` x `height` pixels in blocks of colour: a few KiB, yet not all alike.
pub(crate) fn png_photo(width: u32, height: u32) -> Vec<u8> {
    let image = RgbImage::from_fn(width, height, |x, y| {
        let (bx, by) = (x / 16, y / 16);
        image::Rgb([(bx * 37) as u8, (by * 59) as u8, ((bx ^ by) * 23) as u8])
    });
    let mut bytes = std::io::Cursor::new(Vec::new());
    image.write_to(&mut bytes, image::ImageFormat::Png).unwrap();
    bytes.into_inner()
}

fn header_of(response: &reqwest::Response, name: header::HeaderName) -> String {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

const IMMUTABLE: &str = "private, max-age=31536000, immutable";

#[tokio::test]
async fn every_upload_gets_a_thumbnail_of_320_on_its_long_side_listed_beside_it() {
    let app = spawn_app().await;
    let token = app.mint_token(&TestUser::new("thumbs"));
    let response = app
        .upload(&token, &png_photo(1000, 600), "p.png", None)
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let photo: serde_json::Value = response.json().await.unwrap();
    let id = id_of(&photo);
    assert_eq!(
        (photo["width"].as_i64(), photo["height"].as_i64()),
        (Some(1000), Some(600))
    );
    assert_eq!(photo["thumbnail_url"], format!("/photos/{id}/thumbnail"));

    let listed = app.get_json("/photos?owner=me", &token).await;
    assert_eq!(listed["photos"][0]["thumbnail_url"], photo["thumbnail_url"]);
    assert_eq!(listed["photos"][0]["width"], 1000);

    let thumb = app
        .get(&format!("/photos/{id}/thumbnail"), &token)
        .send()
        .await
        .unwrap();
    assert_eq!(thumb.status(), StatusCode::OK);
    assert_eq!(header_of(&thumb, header::CONTENT_TYPE), "image/jpeg");
    assert_eq!(header_of(&thumb, header::CACHE_CONTROL), IMMUTABLE);
    let etag = header_of(&thumb, header::ETAG);
    let bytes = thumb.bytes().await.unwrap();
    let small = image::load_from_memory(&bytes).unwrap();
    assert_eq!(small.dimensions(), (320, 192));

    let again = app
        .get(&format!("/photos/{id}/thumbnail"), &token)
        .header(header::IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    let content_etag = app
        .get(&format!("/photos/{id}/content"), &token)
        .send()
        .await
        .unwrap();
    assert_ne!(
        header_of(&content_etag, header::ETAG),
        etag,
        "thumbnail and content differ"
    );
}

#[tokio::test]
async fn content_may_be_cached_for_good_and_answers_one_range_with_206() {
    let app = spawn_app().await;
    let token = app.mint_token(&TestUser::new("ranges"));
    let photo = app
        .upload(&token, &png_photo(200, 150), "p.png", None)
        .await;
    let photo: serde_json::Value = photo.json().await.unwrap();
    let path = format!("/photos/{}/content", id_of(&photo));

    let whole = app.get(&path, &token).send().await.unwrap();
    assert_eq!(whole.status(), StatusCode::OK);
    assert_eq!(header_of(&whole, header::CACHE_CONTROL), IMMUTABLE);
    assert_eq!(header_of(&whole, header::ACCEPT_RANGES), "bytes");
    let etag = header_of(&whole, header::ETAG);
    let full = whole.bytes().await.unwrap();
    let size = full.len();
    assert_eq!(etag, format!("\"{}\"", hex::encode(Sha256::digest(&full))));

    let ranged = |range: &str, if_range: Option<&str>| {
        let mut request = app.get(&path, &token).header(header::RANGE, range);
        if let Some(tag) = if_range {
            request = request.header(header::IF_RANGE, tag);
        }
        request.send()
    };
    let part = ranged("bytes=10-19", None).await.unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        header_of(&part, header::CONTENT_RANGE),
        format!("bytes 10-19/{size}")
    );
    assert_eq!(header_of(&part, header::CACHE_CONTROL), IMMUTABLE);
    assert_eq!(part.bytes().await.unwrap(), full[10..20]);

    let tail = ranged("bytes=-7", Some(&etag)).await.unwrap();
    assert_eq!(tail.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(tail.bytes().await.unwrap(), full[size - 7..]);

    let resumed = ranged(&format!("bytes={}-", size - 100), None)
        .await
        .unwrap();
    assert_eq!(resumed.bytes().await.unwrap(), full[size - 100..]);

    let stale = ranged("bytes=0-9", Some("\"an-older-version\""))
        .await
        .unwrap();
    assert_eq!(
        stale.status(),
        StatusCode::OK,
        "a stale If-Range gets everything"
    );
    assert_eq!(stale.bytes().await.unwrap(), full);

    let past = ranged(&format!("bytes={size}-"), None).await.unwrap();
    assert_eq!(
        header_of(&past, header::CONTENT_RANGE),
        format!("bytes */{size}")
    );
    assert_error(
        past,
        StatusCode::RANGE_NOT_SATISFIABLE,
        "range_not_satisfiable",
    )
    .await;

    let several = ranged("bytes=0-1,5-6", None).await.unwrap();
    assert_eq!(
        several.status(),
        StatusCode::OK,
        "several ranges are answered whole"
    );

    let held = app
        .get(&path, &token)
        .header(header::IF_NONE_MATCH, &etag)
        .header(header::RANGE, "bytes=0-9")
        .send()
        .await
        .unwrap();
    assert_eq!(held.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header_of(&held, header::CACHE_CONTROL), IMMUTABLE);
    assert_eq!(header_of(&held, header::ETAG), etag);
}
