//! A stand-in HTTP server for the client tests: it listens on 127.0.0.1, records every request
//! whole and answers each as the test says, so a test sees exactly what a client sent (a refresh
//! it should not have tried, say).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A server on a port of its own that keeps each request it receives and answers it with what
/// `answer` makes of it: a whole HTTP/1.1 response (see [`response`]).
pub struct StandIn {
    pub url: String,
    seen: Arc<Mutex<Vec<String>>>,
}

impl StandIn {
    pub fn start(answer: impl Fn(&str) -> String + Send + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&seen);
        std::thread::spawn(move || {
            for mut stream in listener.incoming().flatten() {
                let request = read_request(&mut stream);
                let answered = answer(&request);
                kept.lock().unwrap().push(request);
                let _ = stream.write_all(answered.as_bytes());
            }
        });
        Self { url, seen }
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }

    /// The first lines (`POST /auth/refresh HTTP/1.1`) of the requests received so far.
    pub fn request_lines(&self) -> Vec<String> {
        self.requests()
            .iter()
            .map(|r| r.lines().next().unwrap_or_default().to_owned())
            .collect()
    }
}

/// An HTTP/1.1 response with a JSON `body`, its `status` line (`401 Unauthorized`) and any
/// further header lines.
pub fn response(status: &str, headers: &[&str], body: &str) -> String {
    let mut head = format!("HTTP/1.1 {status}\r\n");
    for header in headers {
        head.push_str(header);
        head.push_str("\r\n");
    }
    format!(
        "{head}Content-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    )
}

/// One request read whole off `stream`: its head, and its body as `Content-Length` says.
pub fn read_request(stream: &mut TcpStream) -> String {
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream.read(&mut chunk).unwrap_or(0);
        if n == 0 {
            break;
        }
        bytes.extend_from_slice(&chunk[..n]);
        let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&bytes[..end]).to_lowercase();
        let length = head
            .lines()
            .find_map(|line| line.strip_prefix("content-length:"))
            .map_or(0, |n| n.trim().parse().unwrap_or(0));
        if bytes.len() >= end + 4 + length {
            break;
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}
