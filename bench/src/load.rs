//! Closed-loop load: N virtual users, each on its own connection, each sending its next request
//! as soon as the previous answer is in, until the round's time is up.

use crate::http::{Conn, Req};
use crate::Error;
use bytes::Bytes;
use hdrhistogram::Histogram;
use hyper::StatusCode;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// Latencies are recorded in microseconds, from 1 µs to 60 s, with 3 significant digits.
pub fn histogram() -> Result<Histogram<u64>, Error> {
    Ok(Histogram::new_with_bounds(1, 60_000_000, 3)?)
}

/// What a virtual user does: which request comes next, and whether an answer is a success.
pub trait VirtualUser: Send + 'static {
    fn next_request(&mut self) -> &Req;
    /// Called with every answer; returns whether it counts as a success.
    fn on_response(&mut self, status: StatusCode, body: &Bytes) -> bool;
}

/// The same request again and again; success is one expected status.
#[derive(Clone)]
pub struct Repeat {
    pub req: Req,
    pub expect: StatusCode,
}

impl VirtualUser for Repeat {
    fn next_request(&mut self) -> &Req {
        &self.req
    }
    fn on_response(&mut self, status: StatusCode, _: &Bytes) -> bool {
        status == self.expect
    }
}

/// The outcome of one round.
pub struct Round {
    pub ok: u64,
    pub errors: u64,
    pub elapsed: Duration,
    pub latency: Histogram<u64>,
}

impl Round {
    pub fn per_second(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// The `q` quantile of successful requests' latency, in milliseconds.
    pub fn quantile_ms(&self, q: f64) -> f64 {
        self.latency.value_at_quantile(q) as f64 / 1000.0
    }
}

/// Runs `users` against `addr` for `duration` and gives them back (their state, such as a
/// refresh chain, carries over to the next round).
pub async fn run<V: VirtualUser>(
    addr: SocketAddr,
    users: Vec<V>,
    duration: Duration,
) -> Result<(Round, Vec<V>), Error> {
    // Connect everyone first, so the clock measures requests, not handshakes.
    let mut conns = Vec::with_capacity(users.len());
    for _ in &users {
        conns.push(Conn::open(addr).await?);
    }
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = Vec::with_capacity(users.len());
    for (user, conn) in users.into_iter().zip(conns) {
        tasks.push(tokio::spawn(user_loop(addr, user, conn, deadline)));
    }
    let mut round = Round {
        ok: 0,
        errors: 0,
        elapsed: Duration::ZERO,
        latency: histogram()?,
    };
    let mut back = Vec::with_capacity(tasks.len());
    for task in tasks {
        let (user, ok, errors, latency) = task.await??;
        round.ok += ok;
        round.errors += errors;
        round.latency.add(&latency)?;
        back.push(user);
    }
    round.elapsed = started.elapsed();
    Ok((round, back))
}

type UserOutcome<V> = (V, u64, u64, Histogram<u64>);

async fn user_loop<V: VirtualUser>(
    addr: SocketAddr,
    mut user: V,
    conn: Conn,
    deadline: Instant,
) -> Result<UserOutcome<V>, Error> {
    let mut latency = histogram()?;
    let (mut ok, mut errors) = (0u64, 0u64);
    let mut conn = Some(conn);
    while Instant::now() < deadline {
        if conn.is_none() {
            match Conn::open(addr).await {
                Ok(c) => conn = Some(c),
                Err(_) => {
                    errors += 1;
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            }
        }
        let Some(current) = conn.as_mut() else {
            continue;
        };
        let sent = Instant::now();
        match current.send(user.next_request()).await {
            Ok((status, body)) => {
                let took = sent.elapsed();
                if user.on_response(status, &body) {
                    ok += 1;
                    latency.saturating_record(took.as_micros() as u64);
                } else {
                    errors += 1;
                }
            }
            Err(_) => {
                errors += 1;
                conn = None;
            }
        }
    }
    Ok((user, ok, errors, latency))
}

/// Sends `req` every `every` on one connection until `deadline`: a probe of how a cheap endpoint
/// answers while something else loads the server. Returns the probe's latencies.
pub async fn probe(
    addr: SocketAddr,
    req: Req,
    every: Duration,
    deadline: Instant,
) -> Result<Round, Error> {
    let started = Instant::now();
    let mut conn = Conn::open(addr).await?;
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut round = Round {
        ok: 0,
        errors: 0,
        elapsed: Duration::ZERO,
        latency: histogram()?,
    };
    while Instant::now() < deadline {
        tick.tick().await;
        let sent = Instant::now();
        match conn.send(&req).await {
            Ok((StatusCode::OK, _)) => {
                round.ok += 1;
                round
                    .latency
                    .saturating_record(sent.elapsed().as_micros() as u64);
            }
            Ok(_) => round.errors += 1,
            Err(_) => {
                round.errors += 1;
                conn = Conn::open(addr).await?;
            }
        }
    }
    round.elapsed = started.elapsed();
    Ok(round)
}
