//! The real binary's memory while clients stream bodies it must refuse: it stays under 64 MB
//! whatever they send (the process's peak resident set, `VmHWM`, is read from /proc).

use crate::helpers::TestUser;
use crate::shutdown::{free_port, start_binary, token, wait_until_healthy};
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

#[test]
fn endless_uploads_keep_the_process_under_64_mb() {
    let db = TestDatabase::create();
    let port = free_port();
    let vars = vec![
        ("DATABASE_URL", db.url().to_owned()),
        ("BIND_ADDR", format!("127.0.0.1:{port}")),
        ("METRICS_ADDR", "off".to_owned()),
        ("ACCESS_TOKEN_SECRET", crate::helpers::SECRET.to_owned()),
        ("RUST_LOG", "warn".to_owned()),
    ];
    let (mut running, log) = start_binary(&vars);
    wait_until_healthy(port, &mut running, &log);
    let token = token(&vars, &TestUser::new("streamer"));
    let before = peak_rss_kb(running.0.id());

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
    let peak = peak_rss_kb(running.0.id());
    println!("resource-service peak RSS: {before} kB at start, {peak} kB after 4 x 64 MiB streams");
    assert!(peak < LIMIT_KB, "peak RSS {peak} kB is over {LIMIT_KB} kB");
}
