//! The dispatcher and its pool against bare HTTP servers that stall, close connections or
//! answer slowly.

use super::*;
use crate::http::Req;
use crate::load::{self, Repeat};
use hyper::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A bare HTTP/1.1 server for GETs without a body: each answer takes `service`, and any
/// request that arrives during the stall window is held until the window closes.
async fn test_server(service: Duration, stall: Option<(Duration, Duration)>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let started = Instant::now();
    let stall = stall.map(|(from, length)| (started + from, started + from + length));
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(answer(stream, service, stall));
        }
    });
    addr
}

async fn answer(mut stream: TcpStream, service: Duration, stall: Option<(Instant, Instant)>) {
    let mut pending = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let Ok(n) = stream.read(&mut buf).await else {
            return;
        };
        if n == 0 {
            return;
        }
        pending.extend_from_slice(&buf[..n]);
        while let Some(end) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
            pending.drain(..end + 4);
            let now = Instant::now();
            if let Some((from, until)) = stall {
                if now >= from && now < until {
                    tokio::time::sleep_until(until.into()).await;
                }
            }
            tokio::time::sleep(service).await;
            let reply = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n";
            if stream.write_all(reply).await.is_err() {
                return;
            }
        }
    }
}

fn ok_user() -> Repeat {
    Repeat {
        req: Req::get("/"),
        expect: StatusCode::OK,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stall_counts_for_every_request_due_during_it() {
    // 100/s for 2 s through one connection; the server holds everything for 200 ms at 1 s.
    let stall = Some((Duration::from_secs(1), Duration::from_millis(200)));
    let addr = test_server(Duration::ZERO, stall).await;
    let (open, users) = run(addr, vec![ok_user()], 100.0, Duration::from_secs(2))
        .await
        .unwrap();
    assert_eq!(users.len(), 1);
    let r = &open.round;
    assert_eq!((r.ok, r.errors, open.abandoned), (200, 0, 0));
    // Caught up long before the end.
    assert_eq!(open.queued_at_end, 0);
    // About 20 requests were due during the stall, waiting up to 200 ms: 10% of the run.
    assert!(r.quantile_ms(0.99) >= 100.0, "p99 {}", r.quantile_ms(0.99));
    assert!(r.quantile_ms(0.95) >= 20.0, "p95 {}", r.quantile_ms(0.95));
    assert!(r.quantile_ms(0.5) < 20.0, "p50 {}", r.quantile_ms(0.5));
    assert!((open.round.per_second() - 100.0).abs() < 10.0);

    // The closed loop on the same kind of server sees the stall as one slow request.
    let addr = test_server(Duration::ZERO, stall).await;
    let (closed, _) = load::run(addr, vec![ok_user()], Duration::from_secs(2))
        .await
        .unwrap();
    assert!(closed.ok > 1000, "closed loop ok {}", closed.ok);
    assert!(
        closed.quantile_ms(0.99) < 50.0,
        "{}",
        closed.quantile_ms(0.99)
    );
}

/// A server that closes each connection after its first answer, without saying so: to the
/// client, each keep-alive connection dies while idle, as actix's do after 5 s.
async fn one_answer_per_connection() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                if let Ok(n) = stream.read(&mut buf).await {
                    if n > 0 {
                        let reply = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n";
                        let _ = stream.write_all(reply).await;
                    }
                }
            });
        }
    });
    addr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_closed_while_idle_costs_a_new_connection_not_an_error() {
    let addr = one_answer_per_connection().await;
    let (open, _) = run(addr, vec![ok_user()], 40.0, Duration::from_millis(500))
        .await
        .unwrap();
    assert_eq!((open.round.ok, open.round.errors), (20, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_still_queued_at_the_end_are_sent_and_count_their_wait() {
    // One user, 20 ms an answer (50/s), asked for 100/s during 0.5 s: half is still queued
    // when the last request is due, and the last one waits about 0.5 s.
    let addr = test_server(Duration::from_millis(20), None).await;
    let (open, _) = run(addr, vec![ok_user()], 100.0, Duration::from_millis(500))
        .await
        .unwrap();
    assert_eq!((open.round.ok, open.round.errors), (50, 0));
    assert!(open.queued_at_end >= 15, "queued {}", open.queued_at_end);
    let max = open.round.latency.max() as f64 / 1000.0;
    assert!(max >= 400.0, "max {max} ms");
    assert!(
        open.round.per_second() < 75.0,
        "{}",
        open.round.per_second()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_the_drain_limit_queued_requests_are_errors_not_sent() {
    // 100 ms an answer, 10 requests due within 0.2 s, 100 ms of grace after the last.
    let addr = test_server(Duration::from_millis(100), None).await;
    let schedule = Schedule::new(50.0, Duration::from_millis(200)).unwrap();
    let (open, _) = run_with(addr, vec![ok_user()], schedule, Duration::from_millis(100))
        .await
        .unwrap();
    let r = &open.round;
    assert_eq!(r.ok + r.errors, 10);
    assert!((2..=4).contains(&r.ok), "ok {}", r.ok);
    assert_eq!(open.abandoned, r.errors);
}
