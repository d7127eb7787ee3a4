//! `GET /whoami` throughput with a long revocation list (docs/TOKENS.md, Revocation: the list
//! holds at most the last 15 minutes' revocations, and must not slow a request).
//!
//! Closed-loop rounds (`crate::load`, as P1) alternate between a resource-service instance that
//! follows the feed and a reference instance without `EVENT_FEED_URL`, which keeps no list and
//! checks nothing: first with the follower's list (nearly) empty, then after `events`
//! `session.revoked` events for random sessions were written straight into auth-service's
//! database and the follower has read them all. Each ratio pairs two rounds run back to back, so
//! the machine's drift cancels; the reference also shows what the check costs with an empty list.

use super::listed_sessions;
use crate::http::Req;
use crate::load::{self, Repeat};
use crate::{machine, Error};
use hyper::StatusCode;
use std::net::SocketAddr;
use std::process::Stdio;
use std::time::{Duration, Instant};

const WARMUP: Duration = Duration::from_secs(1);
const INTAKE_POLL: Duration = Duration::from_millis(10);
const INTAKE_WITHIN: Duration = Duration::from_secs(120);

pub struct Setup {
    /// The loaded follower, and its pid for its memory.
    pub following: SocketAddr,
    pub following_pid: u32,
    pub reference: SocketAddr,
    /// Followers whose intake of the events is timed too.
    pub others: Vec<SocketAddr>,
    pub conns: usize,
    pub rounds: usize,
    pub round: Duration,
    pub events: u64,
    /// `psql` and auth-service's database; the connection comes from `PGHOST` and the like.
    pub psql: String,
    pub auth_db: String,
}

/// Requests per second of each round, and the answers that were not 200.
#[derive(Default)]
pub struct Rates {
    pub following: Vec<f64>,
    pub reference: Vec<f64>,
    pub errors: u64,
}

pub struct Outcome {
    pub empty: Rates,
    pub filled: Rates,
    /// Sessions the follower's list held before the events (those revoked earlier in the run).
    pub listed_before: u64,
    /// The follower's VmRSS right before the events were written and once it had read them.
    pub rss_before_kb: u64,
    pub rss_after_kb: u64,
    /// How long the one statement writing the events took.
    pub insert: Duration,
    /// From the statement's end (its commit) until each follower's list held them all:
    /// `following`, then `others`.
    pub intake: Vec<Duration>,
}

pub async fn measure(setup: &Setup, access_token: &str) -> Result<Outcome, Error> {
    let whoami = Repeat {
        req: Req::get("/whoami").bearer(access_token)?,
        expect: StatusCode::OK,
    };
    let users = vec![whoami; setup.conns];
    load::run(setup.following, users.clone(), WARMUP).await?;
    load::run(setup.reference, users.clone(), WARMUP).await?;
    let empty = rounds(setup, &users, "empty list").await?;

    let followers: Vec<SocketAddr> = std::iter::once(setup.following)
        .chain(setup.others.iter().copied())
        .collect();
    let mut before = Vec::new();
    for &instance in &followers {
        before.push(listed_sessions(instance).await?);
    }
    let listed_before = before[0];
    let rss_before_kb = machine::status_kb(setup.following_pid, "VmRSS")?;
    let insert = insert_events(setup).await?;
    let committed = Instant::now();
    let mut intake = vec![None; followers.len()];
    while intake.iter().any(Option::is_none) {
        for (slot, &instance) in followers.iter().enumerate() {
            if intake[slot].is_none()
                && listed_sessions(instance).await? >= before[slot] + setup.events
            {
                intake[slot] = Some(committed.elapsed());
            }
        }
        if committed.elapsed() > INTAKE_WITHIN {
            return Err(format!("the events were not all listed within {INTAKE_WITHIN:?}").into());
        }
        tokio::time::sleep(INTAKE_POLL).await;
    }
    let intake = intake.into_iter().flatten().collect();
    let rss_after_kb = machine::status_kb(setup.following_pid, "VmRSS")?;
    let filled = rounds(setup, &users, "full list").await?;
    Ok(Outcome {
        empty,
        filled,
        listed_before,
        rss_before_kb,
        rss_after_kb,
        insert,
        intake,
    })
}

async fn rounds(setup: &Setup, users: &[Repeat], what: &str) -> Result<Rates, Error> {
    let mut rates = Rates::default();
    for i in 0..setup.rounds {
        // Which instance goes first alternates, so neither always follows the other's round.
        let (following, reference) = if i % 2 == 0 {
            let following = load::run(setup.following, users.to_vec(), setup.round).await?;
            (
                following,
                load::run(setup.reference, users.to_vec(), setup.round).await?,
            )
        } else {
            let reference = load::run(setup.reference, users.to_vec(), setup.round).await?;
            (
                load::run(setup.following, users.to_vec(), setup.round).await?,
                reference,
            )
        };
        let (following, reference) = (following.0, reference.0);
        eprintln!(
            "revocation: {what}, round {}/{}: following {:.0}/s, reference {:.0}/s",
            i + 1,
            setup.rounds,
            following.per_second(),
            reference.per_second()
        );
        rates.following.push(following.per_second());
        rates.reference.push(reference.per_second());
        rates.errors += following.errors + reference.errors;
    }
    Ok(rates)
}

/// Writes the events in one statement through `record_event`, as auth-service writes its own
/// (docs/EVENTS.md, Guarantees); they all commit, and reach the feed, at once.
async fn insert_events(setup: &Setup) -> Result<Duration, Error> {
    let sql = format!(
        "SELECT record_event('session.revoked', u, jsonb_build_object('user_id', u, \
         'session_id', gen_random_uuid(), 'reason', 'bench')) \
         FROM (SELECT gen_random_uuid() AS u FROM generate_series(1, {})) s",
        setup.events
    );
    let started = Instant::now();
    let status = tokio::process::Command::new(&setup.psql)
        .args([
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            &setup.auth_db,
            "-c",
            &sql,
        ])
        .stdout(Stdio::null())
        .status()
        .await?;
    if !status.success() {
        return Err(format!("psql writing the events: {status}").into());
    }
    Ok(started.elapsed())
}
