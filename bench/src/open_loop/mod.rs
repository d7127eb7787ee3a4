//! Open-loop load: requests arrive at a fixed rate whatever the server does with them, and each
//! one's latency runs from the moment it was due, not from the moment it could be sent.
//!
//! The closed loop of `load.rs` sends a user's next request only once the previous answer is in,
//! so while the server stalls nobody sends anything and the stall shows up as one slow request
//! per connection (coordinated omission). Here request `i` of a run is due at `t0 + i / rate`;
//! a dispatcher wakes when the next one is due, hands every request due by then to a free
//! virtual user of a pool (each on its own keep-alive connection) and queues the rest until a
//! user is free. A request that had to wait because the server was slow counts that wait in
//! its latency.

mod schedule;
mod worker;

use crate::http::Conn;
use crate::load::{histogram, Round, VirtualUser};
use crate::Error;
use hdrhistogram::Histogram;
use schedule::Schedule;
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex as StdMutex};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use worker::Worker;

/// How long after the last due time the pool keeps working through requests still queued.
/// Those still queued then are not sent and count as errors, so a server that stops answering
/// cannot hold the run forever; every other late request is sent and its whole wait counts in
/// its latency.
pub const DRAIN_LIMIT: Duration = Duration::from_secs(10);

/// How often the dispatcher looks for a free user while requests wait for one: tokio's timer
/// resolution.
const TICK: Duration = Duration::from_millis(1);

/// The default size of the pool of virtual users (and connections). At the rates `bench run`
/// asks for (at most 80% of what the closed loop reached) a few dozen are busy at once; the rest
/// are there so that a stall does not leave the queue without a free user.
pub const DEFAULT_CONNS: usize = 256;

/// The outcome of one open-loop run.
pub struct OpenRound {
    /// Successes, errors and latencies (from due time to answer); `elapsed` runs from the start
    /// to the last answer, so `per_second` is the rate achieved.
    pub round: Round,
    pub requested: f64,
    /// Requests due but with no free user to take them when the last one was due: the pool
    /// was behind the schedule at the end. They were still sent (up to [`DRAIN_LIMIT`]), and
    /// their wait counts.
    pub queued_at_end: u64,
    /// Requests not sent because they were still queued at [`DRAIN_LIMIT`] (counted in
    /// `errors`).
    pub abandoned: u64,
    /// How late the dispatcher woke to release each request (µs), waiting for a free user
    /// aside. The latency includes it: up to about a millisecond from the timer's resolution,
    /// more when the load generator itself is short of CPU.
    pub release_lag: Histogram<u64>,
}

impl OpenRound {
    /// The `q` quantile of the dispatcher's lateness, in milliseconds.
    pub fn release_lag_ms(&self, q: f64) -> f64 {
        self.release_lag.value_at_quantile(q) as f64 / 1000.0
    }
}

/// Runs `users` at `rate` requests a second against `addr` for `duration`, one keep-alive
/// connection per user, and gives the users back in the same order.
pub async fn run<V: VirtualUser>(
    addr: SocketAddr,
    users: Vec<V>,
    rate: f64,
    duration: Duration,
) -> Result<(OpenRound, Vec<V>), Error> {
    run_with(addr, users, Schedule::new(rate, duration)?, DRAIN_LIMIT).await
}

async fn run_with<V: VirtualUser>(
    addr: SocketAddr,
    users: Vec<V>,
    schedule: Schedule,
    drain_limit: Duration,
) -> Result<(OpenRound, Vec<V>), Error> {
    if users.is_empty() {
        return Err("open loop: no virtual users".into());
    }
    // Connect everyone first, so the clock measures requests, not handshakes.
    let mut conns = Vec::with_capacity(users.len());
    for _ in &users {
        conns.push(Conn::open(addr).await?);
    }
    // The free users, the last one freed on top: handing it the next request keeps the fewest
    // connections busy, each one warm, instead of going round all of them in turn (which costs
    // the server and this process more per request, and shows in the latency). A user puts
    // itself back without waking the dispatcher: that would cost a wake-up per request.
    let idle = Arc::new(StdMutex::new(
        (0..users.len()).rev().collect::<Vec<usize>>(),
    ));
    let mut to_user = Vec::with_capacity(users.len());
    let mut tasks = Vec::with_capacity(users.len());
    for (id, (user, conn)) in users.into_iter().zip(conns).enumerate() {
        let (tx, rx) = mpsc::unbounded_channel::<Instant>();
        to_user.push(tx);
        let worker = Worker {
            id,
            addr,
            due: rx,
            idle: Arc::clone(&idle),
        };
        tasks.push(tokio::spawn(worker.serve(user, conn)));
    }

    // Requests due that no user was free to take yet, oldest first.
    let mut backlog: VecDeque<Instant> = VecDeque::new();
    let start = Instant::now();
    let last_due = start + schedule.offset(schedule.total().saturating_sub(1));
    let give_up = last_due + drain_limit;
    let (mut next, mut queued_at_end, mut abandoned) = (0, 0, 0);
    let mut release_lag = histogram()?;
    loop {
        let now = Instant::now();
        let end = schedule.due_until(next, now.saturating_duration_since(start));
        for i in next..end {
            let due = start + schedule.offset(i);
            release_lag.saturating_record(now.saturating_duration_since(due).as_micros() as u64);
            backlog.push_back(due);
        }
        let released_last = next < end && end == schedule.total();
        next = end;
        while !backlog.is_empty() {
            if now > give_up {
                // A server that stopped answering: what is still queued is not sent.
                abandoned += backlog.len() as u64;
                backlog.clear();
                break;
            }
            let Some(id) = idle.lock().map_err(|_| "open loop: a user panicked")?.pop() else {
                break;
            };
            if let Some(due) = backlog.pop_front() {
                to_user[id]
                    .send(due)
                    .map_err(|_| "open loop: a virtual user stopped early")?;
            }
        }
        if released_last {
            queued_at_end = backlog.len() as u64;
        }
        if next == schedule.total() && backlog.is_empty() {
            break;
        }
        // The next request's due time; while some wait for a free user, the next tick.
        let mut wake = if next < schedule.total() {
            start + schedule.offset(next)
        } else {
            give_up
        };
        if !backlog.is_empty() {
            wake = wake.min(now + TICK);
        }
        tokio::time::sleep_until(tokio::time::Instant::from_std(wake)).await;
    }
    // The users finish what they hold and stop once their channels close.
    drop(to_user);

    let mut round = Round {
        ok: 0,
        errors: abandoned,
        elapsed: Duration::ZERO,
        latency: histogram()?,
    };
    let mut last_answer = last_due;
    let mut back = Vec::with_capacity(tasks.len());
    for task in tasks {
        let outcome = task.await??;
        round.ok += outcome.ok;
        round.errors += outcome.errors;
        round.latency.add(&outcome.latency)?;
        last_answer = last_answer.max(outcome.last_answer.unwrap_or(last_answer));
        back.push(outcome.user);
    }
    round.elapsed = last_answer.duration_since(start);
    let open = OpenRound {
        round,
        requested: schedule.rate(),
        queued_at_end,
        abandoned,
        release_lag,
    };
    Ok((open, back))
}

#[cfg(test)]
mod tests;
