//! `password-flood`: another user's login latency while one account floods wrong password
//! re-checks (docs/BENCHMARKS.md, Password flood; run through `scripts/password-flood.sh`).
//!
//! ```text
//! password-flood --auth http://127.0.0.1:PORT [--conns 256] [--secs 20]
//! ```
//! Three phases against a running auth-service that trusts 127.0.0.1 as a proxy:
//! 1. quiet: the victim logs in, one login at a time, alone;
//! 2. one address: the attacker's 256 connections send `PATCH /auth/me` (a new email with a
//!    wrong `current_password`) from the attacker's one address, as fast as answers come back,
//!    while the victim logs in as in phase 1;
//! 3. many addresses: the same flood, each request from another address (`X-Forwarded-For`), so
//!    the per-address limit cannot help and only the per-account throttle and the bound on
//!    bcrypt work stand between the flood and the cores.
//!
//! The victim's logins each come from a fresh address, so the login route's own per-address
//! limit never refuses them. Prints the victim's latency (p50, p99, max) and the flood's
//! answers by status per phase.

use clap::Parser;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

type Statuses = Arc<Mutex<BTreeMap<u16, u64>>>;

/// Another user's login latency while one account floods wrong password re-checks
/// (docs/BENCHMARKS.md, Password flood).
#[derive(Parser)]
#[command(name = "password-flood", args_override_self = true)]
struct Options {
    /// auth-service's base URL; it must trust 127.0.0.1 as a proxy.
    #[arg(long, value_name = "http://HOST:PORT", value_parser = base_url)]
    auth: String,
    /// The attacker's flooding connections.
    #[arg(long, value_name = "N", default_value_t = 256)]
    conns: usize,
    /// Seconds each phase measures.
    #[arg(long, value_name = "S", default_value_t = 20)]
    secs: u64,
}

/// The base URL without its trailing slashes, as paths are appended to it; empty is refused.
fn base_url(value: &str) -> Result<String, String> {
    match value.trim_end_matches('/') {
        "" => Err("an http://HOST:PORT address is needed".into()),
        url => Ok(url.to_owned()),
    }
}

/// A forwarded address no other request of this run uses.
fn address(counter: &AtomicU64) -> String {
    let n = counter.fetch_add(1, Ordering::Relaxed);
    format!("10.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255)
}

async fn register(
    client: &reqwest::Client,
    auth: &str,
    name: &str,
    ip: &str,
) -> Result<(), String> {
    let body = serde_json::json!({
        "username": name, "email": format!("{name}@flood.example"),
        "password": "a long enough passphrase", "full_name": name,
    });
    let response = client
        .post(format!("{auth}/auth/register"))
        .header("x-forwarded-for", ip)
        .json(&body)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    match response.status().as_u16() {
        201 => Ok(()),
        status => Err(format!("register {name}: {status}")),
    }
}

async fn login(
    client: &reqwest::Client,
    auth: &str,
    name: &str,
    ip: &str,
) -> Result<reqwest::Response, String> {
    let body = serde_json::json!({"username": name, "password": "a long enough passphrase"});
    client
        .post(format!("{auth}/auth/login"))
        .header("x-forwarded-for", ip)
        .json(&body)
        .send()
        .await
        .map_err(|e| e.to_string())
}

/// The victim's logins until `stop`; their latencies, and the answers that were not 200.
async fn victim(
    client: reqwest::Client,
    auth: String,
    name: String,
    ips: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
) -> (Vec<Duration>, BTreeMap<u16, u64>) {
    let (mut latencies, mut refused) = (Vec::new(), BTreeMap::new());
    while !stop.load(Ordering::Relaxed) {
        let started = Instant::now();
        match login(&client, &auth, &name, &address(&ips)).await {
            Ok(response) if response.status() == 200 => latencies.push(started.elapsed()),
            Ok(response) => *refused.entry(response.status().as_u16()).or_default() += 1,
            Err(_) => *refused.entry(0).or_default() += 1,
        }
    }
    (latencies, refused)
}

/// One flooding connection: wrong re-checks until `stop`.
async fn flood(
    client: reqwest::Client,
    auth: String,
    access: String,
    spread: bool,
    ips: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    statuses: Statuses,
) {
    let body =
        serde_json::json!({"email": "taken@flood.example", "current_password": "wrong guess"});
    while !stop.load(Ordering::Relaxed) {
        let mut request = client
            .patch(format!("{auth}/auth/me"))
            .bearer_auth(&access)
            .json(&body);
        if spread {
            request = request.header("x-forwarded-for", address(&ips));
        }
        let status = match request.send().await {
            Ok(response) => response.status().as_u16(),
            Err(_) => 0,
        };
        if let Ok(mut map) = statuses.lock() {
            *map.entry(status).or_default() += 1;
        }
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

async fn phase(
    name: &str,
    options: &Options,
    victim_name: &str,
    attacker: Option<(&str, bool)>,
    ips: &Arc<AtomicU64>,
) {
    let stop = Arc::new(AtomicBool::new(false));
    let statuses: Statuses = Arc::default();
    let mut flooders = Vec::new();
    if let Some((access, spread)) = attacker {
        for _ in 0..options.conns {
            let client = reqwest::Client::new();
            flooders.push(tokio::spawn(flood(
                client,
                options.auth.clone(),
                access.to_owned(),
                spread,
                ips.clone(),
                stop.clone(),
                statuses.clone(),
            )));
        }
        // Let the flood fill every queue before measuring.
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    let measured = tokio::spawn(victim(
        reqwest::Client::new(),
        options.auth.clone(),
        victim_name.to_owned(),
        ips.clone(),
        stop.clone(),
    ));
    tokio::time::sleep(Duration::from_secs(options.secs)).await;
    stop.store(true, Ordering::Relaxed);
    let (mut latencies, refused) = measured.await.unwrap_or_default();
    for flooder in flooders {
        let _ = flooder.await;
    }
    latencies.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let flood: BTreeMap<u16, u64> = statuses.lock().map(|m| m.clone()).unwrap_or_default();
    println!(
        "| {name} | {} | {:.0} | {:.0} | {:.0} | {refused:?} | {flood:?} |",
        latencies.len(),
        ms(percentile(&latencies, 50.0)),
        ms(percentile(&latencies, 99.0)),
        ms(latencies.last().copied().unwrap_or_default()),
    );
}

#[tokio::main]
async fn main() {
    // Bad flags end here, with clap's message and exit status 2.
    let options = Options::parse();
    let ips = Arc::new(AtomicU64::new(1));
    let run = std::process::id();
    let (victim_name, attacker_name) = (format!("victim{run}"), format!("attacker{run}"));
    let client = reqwest::Client::new();
    for name in [&victim_name, &attacker_name] {
        if let Err(e) = register(&client, &options.auth, name, &address(&ips)).await {
            eprintln!("password-flood: {e}");
            std::process::exit(1);
        }
    }
    let access = match login(&client, &options.auth, &attacker_name, &address(&ips)).await {
        Ok(response) => response
            .json::<serde_json::Value>()
            .await
            .ok()
            .and_then(|v| v["access_token"].as_str().map(str::to_owned)),
        Err(_) => None,
    };
    let Some(access) = access else {
        eprintln!("password-flood: the attacker could not log in");
        std::process::exit(1);
    };
    println!("| phase ({} s each, {} flooding connections) | victim logins | p50 ms | p99 ms | max ms | victim refused | flood answers by status |", options.secs, options.conns);
    println!("|---|---:|---:|---:|---:|---|---|");
    phase("quiet", &options, &victim_name, None, &ips).await;
    phase(
        "flood from one address",
        &options,
        &victim_name,
        Some((&access, false)),
        &ips,
    )
    .await;
    phase(
        "flood from many addresses",
        &options,
        &victim_name,
        Some((&access, true)),
        &ips,
    )
    .await;
}
