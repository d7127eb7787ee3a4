//! The open-loop rounds after each part's closed-loop ones (docs/BENCHMARKS.md, open loop): the
//! same requests at fixed fractions of the closed loop's median rate, and their rows.

use super::series::Series;
use crate::load::VirtualUser;
use crate::open_loop::{self, OpenRound};
use crate::report::{Goal, Report, Unit};
use crate::stats::Summary;
use crate::Error;
use std::net::SocketAddr;
use std::time::Duration;

/// The open-loop rounds ask for these fractions of the closed loop's median rate: a load the
/// service is sized for, and one near its limit.
pub(super) const OPEN_LOOP_FRACTIONS: [f64; 2] = [0.5, 0.8];
/// A dispatcher this late (at its p99; or a pool with requests still queued at the end) is
/// worth a note.
const RELEASE_LAG_NOTE_MS: f64 = 5.0;

/// The open-loop rounds of one load at one fraction of the closed loop's maximum.
pub(super) struct OpenLoad {
    fraction: f64,
    pub requested: Vec<f64>,
    /// The rate in it is the rate achieved.
    pub series: Series,
    /// Requests per round (for the loads where they are few).
    pub sent: Vec<u64>,
    /// One line for each round whose pool was behind at the end or whose dispatcher was late.
    pub late: Vec<String>,
}

impl OpenLoad {
    fn new(fraction: f64) -> Self {
        Self {
            fraction,
            requested: Vec::new(),
            series: Series::default(),
            sent: Vec::new(),
            late: Vec::new(),
        }
    }

    pub fn percent(&self) -> f64 {
        self.fraction * 100.0
    }
}

/// The median rate of a part's closed-loop rounds: what the open-loop rounds are fractions of.
pub(super) fn maximum(rates: &[f64]) -> Option<f64> {
    Summary::of(rates).map(|s| s.median).filter(|m| *m > 0.0)
}

/// `rounds` open-loop rounds of `round` at each of [`OPEN_LOOP_FRACTIONS`] of `max`, the
/// fractions alternating; gives the users back for their state (refresh chains, tokens).
pub(super) async fn open_rounds<V: VirtualUser>(
    part: &'static str,
    what: &str,
    addr: SocketAddr,
    mut users: Vec<V>,
    max: Option<f64>,
    rounds: usize,
    round: Duration,
) -> Result<(Vec<OpenLoad>, Vec<V>), Error> {
    let mut loads: Vec<OpenLoad> = OPEN_LOOP_FRACTIONS.map(OpenLoad::new).into();
    let Some(max) = max else {
        eprintln!("bench: {part} {what}: no closed-loop rate to take fractions of; no open loop");
        return Ok((loads, users));
    };
    for i in 0..rounds {
        for load in &mut loads {
            let rate = max * load.fraction;
            let (open, back) = open_loop::run(addr, users, rate, round).await?;
            users = back;
            let label = format!("{what}, open loop at {:.0}%", load.percent());
            progress_open(part, i, rounds, &label, &open);
            load.requested.push(open.requested);
            load.series.push(&open.round);
            load.sent.push(open.round.ok + open.round.errors);
            if open.queued_at_end > 0 || open.release_lag_ms(0.99) > RELEASE_LAG_NOTE_MS {
                load.late.push(format!(
                    "round {}: {} requests still queued when the last was due, dispatcher late \
                     by {:.2} ms at p50, {:.1} ms at p99, {:.1} ms at most, {} not sent (past \
                     the drain limit)",
                    i + 1,
                    open.queued_at_end,
                    open.release_lag_ms(0.5),
                    open.release_lag_ms(0.99),
                    open.release_lag_ms(1.0),
                    open.abandoned
                ));
            }
        }
    }
    Ok((loads, users))
}

pub(crate) fn progress_open(part: &str, round: usize, rounds: usize, what: &str, open: &OpenRound) {
    let r = &open.round;
    eprintln!(
        "bench: {part} round {}/{rounds} {what}: asked {:.0}/s got {:.0}/s p50 {:.2} ms p99 \
         {:.2} ms p99.9 {:.2} ms errors {} queued at end {} dispatcher late p50 {:.2} ms max \
         {:.1} ms",
        round + 1,
        open.requested,
        r.per_second(),
        r.quantile_ms(0.5),
        r.quantile_ms(0.99),
        r.quantile_ms(0.999),
        r.errors,
        open.queued_at_end,
        open.release_lag_ms(0.5),
        open.release_lag_ms(1.0)
    );
}

/// The rows of one open-loop load: rate asked and achieved, p50, p99, p99.9 and errors (goal:
/// none). `p99_goal` makes the p99 row a goal, in bold.
pub(super) fn open_rows(
    report: &mut Report,
    part: &'static str,
    what: &str,
    load: &OpenLoad,
    p99_goal: Option<Goal>,
) {
    let at = format!("{what}, open loop at {:.0}% of max", load.percent());
    let s = &load.series;
    report.row(
        part,
        format!("{at}: rate requested"),
        Unit::PerSecond,
        &load.requested,
        None,
    );
    report.row(
        part,
        format!("{at}: rate achieved"),
        Unit::PerSecond,
        &s.rate,
        None,
    );
    report.row(part, format!("{at}: p50"), Unit::Millis, &s.p50, None);
    let p99 = match p99_goal {
        Some(_) => format!("**{at}: p99**"),
        None => format!("{at}: p99"),
    };
    report.row(part, p99, Unit::Millis, &s.p99, p99_goal);
    report.row(part, format!("{at}: p99.9"), Unit::Millis, &s.p999, None);
    report.row(
        part,
        format!("{at}: errors"),
        Unit::Count,
        &s.errors,
        Some(Goal::Zero),
    );
    for late in &load.late {
        report.note(format!("{part} {at}, {late}"));
    }
}
