//! `bench run`: P1-P3 and the photo part (`photos.rs`) in alternating rounds, P4/P5 from the
//! record file and `/proc`, the criterion micro-benchmark read back from its estimates, and the
//! table. Each part has its file here; this one runs them in order and writes the notes.

mod config;
mod micro;
pub(crate) mod open;
mod p1_verification;
mod p2_rotation;
mod p3_logins;
mod p4_memory;
mod p5_start;
mod record;
pub(crate) mod series;
mod session;

use crate::args::{Only, RunArgs};
use crate::machine;
use crate::photos;
use crate::report::Report;
use crate::Error;
use config::Config;
use micro::micro;
use open::OPEN_LOOP_FRACTIONS;
use p1_verification::p1_verification;
use p2_rotation::p2_rotation;
use p3_logins::p3_logins;
use p4_memory::p4_memory;
use p5_start::p5_start;
use session::register_and_login;
use std::time::Duration;

/// Warm-up before the first measured round of each part (not counted).
pub(crate) const WARMUP: Duration = Duration::from_secs(1);

pub async fn run(args: &RunArgs) -> Result<(), Error> {
    let config = Config::from_args(args);
    let machine = machine::describe();
    let mut report = Report::default();

    let access_token = register_and_login(config.auth).await?;
    let resource_loaded = p1_verification(&config, &access_token, &mut report).await?;
    // `--only p1`: stateless verification alone, as the comparison of the two access-token
    // modes needs (docs/BENCHMARKS.md).
    if args.only == Some(Only::P1) {
        micro(&config, &mut report)?;
        println!("{}", report.markdown());
        return Ok(());
    }
    let (tokens, mut auth_loaded) = p3_logins(&config, &mut report).await?;
    auth_loaded.extend(p2_rotation(&config, tokens, &mut report).await?);
    // Last of the load parts, so the others run as before it existed (no photo rows, no photo
    // files in the page cache); a fresh token, as the first may be near its expiry by now.
    let mut photo_loaded = Vec::new();
    if let Some(photo_config) = &config.photos {
        let token = register_and_login(config.auth).await?;
        photo_loaded = photos::run(photo_config, &token, &mut report).await?;
    }
    p4_memory(
        &config,
        &auth_loaded,
        &resource_loaded,
        &photo_loaded,
        &mut report,
    )?;
    p5_start(&config, &mut report)?;
    micro(&config, &mut report)?;

    report.note(format!("machine: {machine}"));
    report.note(format!(
        "load average after the run: {}",
        machine::load_average()
    ));
    report.note(format!(
        "settings: {} alternating rounds of {:.0} s per part (+{:.0} s warm-up), {} connections \
         (P1) / virtual users (P2, pgbench clients too), {} login users (P3), BCRYPT_COST={}",
        config.rounds,
        config.round.as_secs_f64(),
        WARMUP.as_secs_f64(),
        config.conns,
        config.login_vus,
        config.bcrypt_cost
    ));
    report.note(format!(
        "open loop: requests at a fixed rate, {:.0}% and {:.0}% of the median rate of the part's \
         closed-loop rounds, one round each per closed-loop round, from a pool of {} \
         connections; request i is due at start + i / rate and its latency runs from that \
         instant to the answer, so time spent queued behind a slow server counts; the \
         dispatcher wakes on tokio's 1 ms timer ticks, so each latency also holds up to about \
         1 ms of the dispatcher's own lateness (its p50 is on stderr with each round)",
        OPEN_LOOP_FRACTIONS[0] * 100.0,
        OPEN_LOOP_FRACTIONS[1] * 100.0,
        config.open_conns
    ));
    if let Some(p) = &config.photos {
        report.note(format!(
            "photos: {} connections for content and thumbnail, ours and nginx alternating; {} \
             concurrent uploaders; the prepare row's min/max are over its runs",
            p.conns, p.uploaders
        ));
    }
    report.note(
        "min/max are over the rounds; each ratio is taken within one pair of back-to-back \
         rounds; `met` judges the median; for µs rows min/max are criterion's 95% interval",
    );
    let missed = report.missed();
    println!("{}", report.markdown());
    if missed.is_empty() {
        eprintln!("bench: every goal met");
    } else {
        eprintln!("bench: goals missed: {}", missed.join("; "));
    }
    Ok(())
}
