//! The real binary's memory under load (the peak resident set, `VmHWM`, read from /proc): under
//! 64 MB with streamed bodies it must refuse, whatever is sent, and with sixteen 5 MiB uploads and
//! sixteen downloads at once; under 512 MB with eight 49-megapixel PNGs decoded on sixteen
//! threads. `RESOURCE_SERVICE_BIN=target/release/resource-service` measures the release build.

use crate::helpers::{TestPhotoStore, TestUser};
use crate::shutdown::{free_port, start_binary, token, wait_until_healthy, Running};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;
use test_support::TestDatabase;

const LIMIT_KB: u64 = 64 * 1024;

fn peak_rss_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/<pid>/status")
}

/// Sends `prefix` and then `total` more bytes as a chunked multipart body that never ends; returns
/// the status line the server answered with.
fn stream(port: u16, token: &str, prefix: &[u8], total: usize) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    stream
        .set_write_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let head = format!(
        "POST /photos HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: multipart/form-data; boundary=XXXX\r\nTransfer-Encoding: chunked\r\n\
         Connection: close\r\n\r\n"
    );
    let mut first = format!("{head}{:x}\r\n", prefix.len()).into_bytes();
    first.extend_from_slice(prefix);
    first.extend_from_slice(b"\r\n");
    stream.write_all(&first).unwrap();
    let chunk = [
        format!("{:x}\r\n", 256 * 1024).into_bytes(),
        vec![b'Z'; 256 * 1024],
        b"\r\n".to_vec(),
    ]
    .concat();
    let mut sent = 0;
    while sent < total && stream.write_all(&chunk).is_ok() {
        sent += 256 * 1024;
    }
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// What both tests start the binary with. The photos go to a directory even in the S3 run: the
/// binary gets a clean environment, without the `AWS_*` variables.
fn service_vars(
    db: &TestDatabase,
    store: &TestPhotoStore,
    port: u16,
) -> Vec<(&'static str, String)> {
    vec![
        ("DATABASE_URL", db.url().to_owned()),
        ("BIND_ADDR", format!("127.0.0.1:{port}")),
        ("METRICS_ADDR", "off".to_owned()),
        ("RUST_LOG", "warn".to_owned()),
        ("PHOTO_STORE", store.url.clone()),
    ]
    .into_iter()
    .chain(crate::helpers::verifier_vars())
    .collect()
}

/// The binary running on a database and a photo directory of its own, killed when dropped.
struct Binary {
    port: u16,
    vars: Vec<(&'static str, String)>,
    running: Running,
    _db: TestDatabase,
    _store: TestPhotoStore,
}

impl Binary {
    /// Started with [`service_vars`] and `extra`, once it answers.
    fn start(extra: &[(&'static str, &str)]) -> Binary {
        let (db, store, port) = (
            TestDatabase::create(),
            TestPhotoStore::directory(),
            free_port(),
        );
        let mut vars = service_vars(&db, &store, port);
        vars.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
        let (mut running, log) = start_binary(&vars);
        wait_until_healthy(port, &mut running, &log);
        Binary {
            port,
            vars,
            running,
            _db: db,
            _store: store,
        }
    }

    fn peak_rss_kb(&self) -> u64 {
        peak_rss_kb(self.running.0.id())
    }

    fn token(&self, user: &TestUser) -> String {
        token(&self.vars, user)
    }
}

#[test]
fn endless_uploads_keep_the_process_under_64_mb() {
    let binary = Binary::start(&[]);
    let port = binary.port;
    let token = binary.token(&TestUser::new("streamer"));
    let before = binary.peak_rss_kb();

    // Four clients at once, each streaming 64 MiB: two never send a boundary line at all, two
    // open a PNG part that never ends.
    let png_part = [
        b"--XXXX\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\n"
            .as_slice(),
        crate::helpers::PNG,
    ]
    .concat();
    let clients: Vec<_> = (0..4)
        .map(|i| {
            let token = token.clone();
            let prefix = if i % 2 == 0 {
                b"Z".to_vec()
            } else {
                png_part.clone()
            };
            std::thread::spawn(move || stream(port, &token, &prefix, 64 * 1024 * 1024))
        })
        .collect();
    for client in clients {
        let status = client.join().unwrap();
        assert!(status.starts_with("HTTP/1.1 413"), "{status}");
    }
    let peak = binary.peak_rss_kb();
    println!("resource-service peak RSS: {before} kB at start, {peak} kB after 4 x 64 MiB streams");
    assert!(peak < LIMIT_KB, "peak RSS {peak} kB is over {LIMIT_KB} kB");
}

/// A JPEG of noise just under 5 MiB (the default `MAX_PHOTO_BYTES`): as large as an upload gets.
fn five_mib_jpeg() -> Vec<u8> {
    let (width, height) = (1900u32, 1450u32);
    let pixels: Vec<u8> = (0..width * height * 3)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let mut jpeg = Vec::new();
    image::ImageEncoder::write_image(
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 92),
        &pixels,
        width,
        height,
        image::ExtendedColorType::Rgb8,
    )
    .unwrap();
    jpeg
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixteen_uploads_and_sixteen_downloads_of_5_mib_at_once_stay_under_64_mb() {
    // As the image and scripts/dev.sh run it (docs/PHOTOS.md, Memory).
    let binary = Binary::start(&[("MALLOC_ARENA_MAX", "2")]);
    let port = binary.port;
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let jpeg = five_mib_jpeg();
    assert!(
        jpeg.len() > 4_500_000 && jpeg.len() <= 5_242_880,
        "{}",
        jpeg.len()
    );
    let upload = |token: String, bytes: Vec<u8>| {
        let part = reqwest::multipart::Part::bytes(bytes).file_name("big.jpg");
        client
            .post(format!("{base}/photos"))
            .bearer_auth(token)
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
    };
    let first = upload(binary.token(&TestUser::new("first")), jpeg.clone())
        .await
        .unwrap();
    assert_eq!(first.status(), reqwest::StatusCode::CREATED);
    let photo: serde_json::Value = first.json().await.unwrap();
    let content = format!("{base}{}", photo["content_url"].as_str().unwrap());
    let size = photo["size_bytes"].as_u64().unwrap();
    let before = binary.peak_rss_kb();

    let uploads = (0..16).map(|n| {
        let token = binary.token(&TestUser::new(&format!("uploader{n}")));
        let sent = upload(token, jpeg.clone());
        async move { sent.await.unwrap().status() }
    });
    let reader = binary.token(&TestUser::new("reader"));
    let downloads = (0..16).map(|_| {
        let request = client.get(&content).bearer_auth(&reader).send();
        async move {
            let response = request.await.unwrap();
            assert_eq!(response.status(), reqwest::StatusCode::OK);
            // Read as a slow client would, chunk by chunk, never the whole body at once.
            let mut body = response.bytes_stream();
            let mut received = 0u64;
            while let Some(chunk) = futures_util::StreamExt::next(&mut body).await {
                received += chunk.unwrap().len() as u64;
            }
            received
        }
    });
    let (statuses, received) = tokio::join!(
        futures_util::future::join_all(uploads),
        futures_util::future::join_all(downloads)
    );
    assert!(
        statuses.iter().all(|s| *s == reqwest::StatusCode::CREATED),
        "{statuses:?}"
    );
    assert!(
        received.iter().all(|r| *r == size),
        "{received:?} of {size}"
    );
    let peak = binary.peak_rss_kb();
    println!(
        "resource-service peak RSS: {before} kB before, {peak} kB after 16 uploads and 16 \
         downloads of {} bytes at once",
        jpeg.len()
    );
    assert!(peak < LIMIT_KB, "peak RSS {peak} kB is over {LIMIT_KB} kB");
}

/// Eight 49-megapixel PNGs at once (196 MB of pixels each once decoded), with sixteen photo
/// threads: the decode budget, not the thread count, bounds what the decodes hold together.
/// Every answer is below 500 and the process stays under 512 MB.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_uploads_of_49_megapixel_pngs_at_once_stay_under_512_mb_with_sixteen_threads() {
    let binary = Binary::start(&[("MALLOC_ARENA_MAX", "2"), ("PHOTO_WORKERS", "16")]);
    let port = binary.port;
    let png = crate::upload_floods::png_49_megapixels();
    let before = binary.peak_rss_kb();

    let client = reqwest::Client::new();
    let uploads = (0..8).map(|n| {
        let token = binary.token(&TestUser::new(&format!("flooder{n}")));
        let part = reqwest::multipart::Part::bytes(png.clone()).file_name("big.png");
        let sent = client
            .post(format!("http://127.0.0.1:{port}/photos"))
            .bearer_auth(token)
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send();
        async move { sent.await.unwrap().status() }
    });
    let statuses = futures_util::future::join_all(uploads).await;
    let peak = binary.peak_rss_kb();
    println!(
        "resource-service peak RSS: {before} kB before, {peak} kB after 8 uploads of a \
         7000x7000 PNG ({} bytes) at once with 16 photo threads; answers {statuses:?}",
        png.len()
    );
    assert!(statuses.iter().all(|s| s.as_u16() < 500), "{statuses:?}");
    assert!(
        statuses.iter().all(|s| *s == reqwest::StatusCode::CREATED),
        "each fits the budget alone: {statuses:?}"
    );
    assert!(peak < 512 * 1024, "peak RSS {peak} kB is over 512 MB");
}
