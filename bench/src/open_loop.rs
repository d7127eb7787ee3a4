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

use crate::http::Conn;
use crate::load::{histogram, Round, VirtualUser};
use crate::Error;
use hdrhistogram::Histogram;
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex as StdMutex};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

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

/// When each request of a run is due: request `i` at `i / rate` seconds after the start, for
/// the `i` with `i / rate < duration`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Schedule {
    rate: f64,
    total: u64,
}

impl Schedule {
    pub fn new(rate: f64, duration: Duration) -> Result<Self, Error> {
        if !(rate.is_finite() && rate > 0.0) {
            return Err(format!("open loop: rate must be above 0/s, not {rate}").into());
        }
        // Less a hair, so that 0.3 s x 10/s is the 3 requests it should be despite rounding.
        let total = (duration.as_secs_f64() * rate - 1e-9).ceil().max(0.0) as u64;
        Ok(Self { rate, total })
    }

    pub fn rate(&self) -> f64 {
        self.rate
    }

    /// How many requests the run sends.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// When request `i` is due, after the start.
    pub fn offset(&self, i: u64) -> Duration {
        Duration::from_secs_f64(i as f64 / self.rate)
    }

    /// The end (exclusive) of the batch of requests from `next` on that are due `elapsed` after
    /// the start. The timer wakes the dispatcher a millisecond or so late, and at thousands of
    /// requests a second several are due by then: all of them go out at once.
    pub fn due_until(&self, next: u64, elapsed: Duration) -> u64 {
        let mut end = next;
        while end < self.total && self.offset(end) <= elapsed {
            end += 1;
        }
        end
    }
}

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

/// One virtual user of the pool: sends each request it is handed, then says it is free.
struct Worker {
    id: usize,
    addr: SocketAddr,
    due: mpsc::UnboundedReceiver<Instant>,
    idle: Arc<StdMutex<Vec<usize>>>,
}

struct WorkerOutcome<V> {
    user: V,
    ok: u64,
    errors: u64,
    latency: Histogram<u64>,
    last_answer: Option<Instant>,
}

impl Worker {
    async fn serve<V: VirtualUser>(
        mut self,
        mut user: V,
        conn: Conn,
    ) -> Result<WorkerOutcome<V>, Error> {
        let mut conn = Some(conn);
        let (mut ok, mut errors) = (0, 0);
        let mut latency = histogram()?;
        let mut last_answer = None;
        while let Some(due) = self.due.recv().await {
            let mut outcome = self.send(&mut conn, &mut user).await;
            if outcome.is_none() {
                // No answer at all: most often a keep-alive connection the server closed while
                // it sat idle (actix closes them after 5 s, and at a low rate many users wait
                // that long). HTTP clients send such a request again on a new connection, and
                // so does this one, once; its latency still runs from the due time.
                outcome = self.send(&mut conn, &mut user).await;
            }
            match outcome {
                Some((answered, true)) => {
                    ok += 1;
                    last_answer = Some(answered);
                    let waited = answered.saturating_duration_since(due);
                    latency.saturating_record(waited.as_micros() as u64);
                }
                Some((answered, false)) => {
                    errors += 1;
                    last_answer = Some(answered);
                }
                None => errors += 1,
            }
            self.idle
                .lock()
                .map_err(|_| "open loop: the dispatcher panicked")?
                .push(self.id);
        }
        Ok(WorkerOutcome {
            user,
            ok,
            errors,
            latency,
            last_answer,
        })
    }

    /// Sends the user's next request: when the answer came and whether it is a success, or
    /// `None` when there was no answer (the connection is then dropped, and reopened next time).
    async fn send<V: VirtualUser>(
        &self,
        conn: &mut Option<Conn>,
        user: &mut V,
    ) -> Option<(Instant, bool)> {
        let current = match conn {
            Some(c) => c,
            None => conn.insert(Conn::open(self.addr).await.ok()?),
        };
        match current.send(user.next_request()).await {
            Ok((status, body)) => {
                let answered = Instant::now();
                Some((answered, user.on_response(status, &body)))
            }
            Err(_) => {
                *conn = None;
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Req;
    use crate::load::{self, Repeat};
    use hyper::StatusCode;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream};

    #[test]
    fn request_i_is_due_at_i_over_the_rate() {
        let s = Schedule::new(1000.0, Duration::from_secs(2)).unwrap();
        assert_eq!(s.total(), 2000);
        assert_eq!(s.offset(0), Duration::ZERO);
        assert_eq!(s.offset(1), Duration::from_millis(1));
        assert_eq!(s.offset(1500), Duration::from_millis(1500));
        let s = Schedule::new(100.0, Duration::from_secs(1)).unwrap();
        assert_eq!(s.offset(7), Duration::from_millis(70));
        assert_eq!(s.total(), 100);
    }

    #[test]
    fn the_count_is_the_requests_due_before_the_end() {
        let count = |rate, ms| {
            Schedule::new(rate, Duration::from_millis(ms))
                .unwrap()
                .total()
        };
        assert_eq!(count(10.0, 300), 3);
        assert_eq!(count(10.0, 301), 4);
        assert_eq!(count(4.5, 10_000), 45);
        assert_eq!(count(1000.0, 0), 0);
        assert!(Schedule::new(0.0, Duration::from_secs(1)).is_err());
        assert!(Schedule::new(f64::NAN, Duration::from_secs(1)).is_err());
    }

    #[test]
    fn a_late_wake_up_releases_every_request_already_due() {
        let s = Schedule::new(1000.0, Duration::from_secs(1)).unwrap();
        // Woken 10.5 ms in: requests 0 to 10 are due.
        assert_eq!(s.due_until(0, Duration::from_micros(10_500)), 11);
        // On time for request 11 only.
        assert_eq!(s.due_until(11, Duration::from_millis(11)), 12);
        // Not yet.
        assert_eq!(s.due_until(12, Duration::from_micros(11_900)), 12);
        // Never past the end.
        assert_eq!(s.due_until(12, Duration::from_secs(5)), 1000);
    }

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
}
