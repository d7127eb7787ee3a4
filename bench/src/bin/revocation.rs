//! `revocation`: how soon resource-service instances refuse a revoked session's access token,
//! and what a list of 100,000 revoked sessions costs `GET /whoami` (docs/BENCHMARKS.md,
//! Revocation at the verifiers; run through `scripts/revocation-bench.sh`, which starts one
//! auth-service, two resource-service instances following its feed and one that does not).
//!
//! ```text
//! revocation --auth http://127.0.0.1:PORT --following HOST:PORT --following HOST:PORT
//!            --following-pid PID --reference HOST:PORT --mail-dir DIR --auth-db NAME [options]
//! ```
//! Prints two markdown tables; progress goes to stderr. The parts are in
//! `bench/src/revocation/`.

use bench::revocation::first_401::{self, Kind, Poller, Times};
use bench::revocation::full_list::{self, Outcome, Setup};
use bench::revocation::{auth::Auth, auth::Mailbox};
use bench::stats::{ratios, Summary};
use bench::Error;
use clap::Parser;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// How soon revoked sessions are refused, and what a long revocation list costs a request
/// (docs/BENCHMARKS.md, Revocation at the verifiers).
#[derive(Parser)]
#[command(name = "revocation", args_override_self = true)]
struct Options {
    /// auth-service's base URL.
    #[arg(long, value_name = "http://HOST:PORT")]
    auth: String,
    /// The two resource-service instances that follow the feed (give it twice); the first is
    /// also the one loaded.
    #[arg(long, value_name = "HOST:PORT", num_args = 1, required = true)]
    following: Vec<SocketAddr>,
    /// The pid of the first following instance, for its memory.
    #[arg(long, value_name = "PID")]
    following_pid: u32,
    /// A resource-service instance without EVENT_FEED_URL: the throughput reference.
    #[arg(long, value_name = "HOST:PORT")]
    reference: SocketAddr,
    /// auth-service's MAIL_DIR, where the reset mails arrive.
    #[arg(long, value_name = "DIR")]
    mail_dir: PathBuf,
    /// auth-service's database, for the events written straight into it.
    #[arg(long, value_name = "NAME")]
    auth_db: String,
    #[arg(long, value_name = "PATH", default_value = "psql")]
    psql: String,
    /// Tries per kind of revocation.
    #[arg(long, value_name = "N", default_value_t = 100)]
    tries: usize,
    /// Alternating throughput rounds with each list: many short ones, since each ratio pairs two
    /// rounds and on 2 shared cores rounds a few seconds apart differ by 10% and more.
    #[arg(long, value_name = "N", default_value_t = 10)]
    rounds: usize,
    /// Seconds per throughput round.
    #[arg(long, value_name = "S", default_value_t = 3)]
    secs: u64,
    /// Keep-alive connections of the throughput rounds.
    #[arg(long, value_name = "N", default_value_t = 64)]
    conns: usize,
    /// `session.revoked` events written for the full list.
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    events: u64,
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> ExitCode {
    // Bad flags end here, with clap's message and exit status 2.
    let options = Options::parse();
    match run(&options).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("revocation: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(options: &Options) -> Result<(), Error> {
    let [a, b] = options.following[..] else {
        return Err("--following: give exactly two instances".into());
    };
    let auth = Auth::new(&options.auth);
    let mut mailbox = Mailbox::new(options.mail_dir.clone());
    let mut pollers = [Poller::new(a), Poller::new(b)];
    // Account names of this run, apart from any earlier run's on the same database.
    let run = format!("{}x{}", std::process::id(), unix_now());
    let mut timed = Vec::new();
    for kind in Kind::ALL {
        eprintln!("revocation: {} tries of {}", options.tries, kind.label());
        let times =
            first_401::measure(kind, options.tries, &auth, &mut mailbox, &mut pollers, &run)
                .await?;
        for (slot, sorted) in times.per_instance.iter().enumerate() {
            eprintln!(
                "revocation:   instance {}: p50 {} ms, p99 {} ms, {} missed",
                ["A", "B"][slot],
                ms_or_missed(quantile(sorted, times.missed[slot], 50.0)),
                ms_or_missed(quantile(sorted, times.missed[slot], 99.0)),
                times.missed[slot]
            );
        }
        timed.push((kind, times));
    }

    let name = format!("rv{run}load");
    auth.register(&name, "a long enough passphrase").await?;
    let session = auth.login(&name, "a long enough passphrase").await?;
    let setup = Setup {
        following: a,
        following_pid: options.following_pid,
        reference: options.reference,
        others: vec![b],
        conns: options.conns,
        rounds: options.rounds,
        round: Duration::from_secs(options.secs),
        events: options.events,
        psql: options.psql.clone(),
        auth_db: options.auth_db.clone(),
    };
    eprintln!(
        "revocation: whoami throughput, {} rounds of {} s per list and instance",
        options.rounds, options.secs
    );
    let outcome = full_list::measure(&setup, &session.access).await?;
    print_times(&timed, [a, b]);
    println!();
    print_list(options, &outcome);
    Ok(())
}

/// Seconds since the epoch, to tell runs apart.
fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

fn ms(d: Duration) -> String {
    format!("{:.0}", d.as_secs_f64() * 1000.0)
}

/// The `p` percentile (nearest rank) of a kind's tries on one instance, a missed try counting
/// as slower than any other; `None` when that rank is a missed one.
fn quantile(sorted: &[Duration], missed: usize, p: f64) -> Option<Duration> {
    let tries = sorted.len() + missed;
    let rank = ((p / 100.0) * tries as f64).ceil() as usize;
    sorted.get(rank.clamp(1, tries.max(1)) - 1).copied()
}

fn ms_or_missed(d: Option<Duration>) -> String {
    d.map_or_else(|| format!("> {}", ms(first_401::GIVE_UP_AFTER)), ms)
}

fn print_times(timed: &[(Kind, Times)], instances: [SocketAddr; 2]) {
    println!("| revocation | instance | 401s / tries | p50 ms | p99 ms | max ms | p99 ≤ 2 s |");
    println!("|---|---|---:|---:|---:|---:|---|");
    for (kind, times) in timed {
        for (slot, sorted) in times.per_instance.iter().enumerate() {
            let missed = times.missed[slot];
            let p99 = quantile(sorted, missed, 99.0);
            let max = if missed > 0 {
                None
            } else {
                sorted.last().copied()
            };
            let met = p99.is_some_and(|d| d <= Duration::from_secs(2));
            println!(
                "| {} | {} ({}) | {} / {} | {} | {} | {} | {} |",
                kind.label(),
                ["A", "B"][slot],
                instances[slot],
                sorted.len(),
                sorted.len() + missed,
                ms_or_missed(quantile(sorted, missed, 50.0)),
                ms_or_missed(p99),
                ms_or_missed(max),
                if met { "met" } else { "**missed**" },
            );
        }
    }
}

/// `n` with a comma between thousands, as docs/BENCHMARKS.md writes rates.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The median of rounds with their min and max; rates (`digits` 0) with thousands marked.
fn summary(values: &[f64], digits: usize) -> String {
    let show = |v: f64| match digits {
        0 => thousands(v.round() as u64),
        _ => format!("{v:.digits$}"),
    };
    match Summary::of(values) {
        Some(s) => format!("{} ({}–{})", show(s.median), show(s.min), show(s.max)),
        None => "–".into(),
    }
}

fn print_list(options: &Options, o: &Outcome) {
    let events = thousands(options.events);
    let empty = ratios(&o.empty.following, &o.empty.reference);
    let full = ratios(&o.filled.following, &o.filled.reference);
    let full_ok = Summary::of(&full).is_some_and(|s| s.median >= 0.95);
    let mb = |kb: u64| kb as f64 / 1024.0;
    println!(
        "| `GET /whoami`, {} keep-alive connections, {} rounds of {} s | median (min–max) | goal |",
        options.conns, options.rounds, options.secs
    );
    println!("|---|---|---|");
    let rows = [
        (
            format!(
                "reference (no feed), while A's list held {} sessions, /s",
                thousands(o.listed_before)
            ),
            summary(&o.empty.reference, 0),
            String::new(),
        ),
        (
            "A, following, same rounds, /s".into(),
            summary(&o.empty.following, 0),
            String::new(),
        ),
        ("A / reference".into(), summary(&empty, 3), String::new()),
        (
            format!(
                "reference (no feed), while A's list held {} more, /s",
                events
            ),
            summary(&o.filled.reference, 0),
            String::new(),
        ),
        (
            "A, following, same rounds, /s".into(),
            summary(&o.filled.following, 0),
            String::new(),
        ),
        (
            format!("**A / reference, {events} more revoked sessions listed**"),
            summary(&full, 3),
            format!("≥ 0.95: {}", if full_ok { "met" } else { "**missed**" }),
        ),
        (
            "the same ÷ A / reference before the events (medians)".into(),
            match (Summary::of(&full), Summary::of(&empty)) {
                (Some(f), Some(e)) if e.median > 0.0 => format!("{:.3}", f.median / e.median),
                _ => "–".into(),
            },
            String::new(),
        ),
        (
            "answers other than 200, all rounds".into(),
            (o.empty.errors + o.filled.errors).to_string(),
            "0".into(),
        ),
        (
            "A's VmRSS before / after the events, MiB".into(),
            format!(
                "{:.1} / {:.1} (+{:.1})",
                mb(o.rss_before_kb),
                mb(o.rss_after_kb),
                mb(o.rss_after_kb.saturating_sub(o.rss_before_kb))
            ),
            String::new(),
        ),
        (
            format!("writing the {events} events (one statement through psql), s"),
            format!("{:.2}", o.insert.as_secs_f64()),
            String::new(),
        ),
        (
            "from their commit until A / B listed them all, s".into(),
            o.intake
                .iter()
                .map(|d| format!("{:.2}", d.as_secs_f64()))
                .collect::<Vec<_>>()
                .join(" / "),
            String::new(),
        ),
    ];
    for (what, value, goal) in rows {
        println!("| {what} | {value} | {goal} |");
    }
}
