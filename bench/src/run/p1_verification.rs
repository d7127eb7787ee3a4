//! P1, stateless verification (docs/BENCHMARKS.md): `GET /whoami` against `GET /healthz`, and
//! the bare actix-web + jsonwebtoken reference when it runs.

use super::config::Config;
use super::open::{maximum, open_rounds, open_rows};
use super::series::{progress, Series};
use super::WARMUP;
use crate::http::Req;
use crate::load::{self, Repeat};
use crate::machine;
use crate::report::{Goal, Report, Unit};
use crate::stats::ratios;
use crate::Error;
use hyper::StatusCode;

/// P1: `GET /whoami` with a valid token against `GET /healthz` on resource-service. Returns
/// resource-service's RSS (kB) at the end of each whoami round.
pub(super) async fn p1_verification(
    config: &Config,
    access_token: &str,
    report: &mut Report,
) -> Result<Vec<f64>, Error> {
    let whoami = Repeat {
        req: Req::get("/whoami").bearer(access_token)?,
        expect: StatusCode::OK,
    };
    let healthz = Repeat {
        req: Req::get("/healthz"),
        expect: StatusCode::OK,
    };
    let users = |r: &Repeat| vec![r.clone(); config.conns];
    load::run(config.resource, users(&whoami), WARMUP).await?;
    load::run(config.resource, users(&healthz), WARMUP).await?;

    if let Some(bare) = config.bare {
        load::run(bare, users(&whoami), WARMUP).await?;
        load::run(bare, users(&healthz), WARMUP).await?;
    }

    let (mut w, mut h, mut rss) = (Series::default(), Series::default(), Vec::new());
    let (mut bw, mut bh) = (Series::default(), Series::default());
    for i in 0..config.rounds {
        let (round, _) = load::run(config.resource, users(&whoami), config.round).await?;
        progress("P1", i, config.rounds, "whoami", &round);
        w.push(&round);
        rss.push(machine::status_kb(config.resource_pid, "VmRSS")? as f64);
        let (round, _) = load::run(config.resource, users(&healthz), config.round).await?;
        progress("P1", i, config.rounds, "healthz", &round);
        h.push(&round);
        if let Some(bare) = config.bare {
            let (round, _) = load::run(bare, users(&whoami), config.round).await?;
            progress("P1", i, config.rounds, "bare whoami", &round);
            bw.push(&round);
            let (round, _) = load::run(bare, users(&healthz), config.round).await?;
            progress("P1", i, config.rounds, "bare healthz", &round);
            bh.push(&round);
        }
    }
    let (open, _) = open_rounds(
        "P1",
        "whoami",
        config.resource,
        vec![whoami.clone(); config.open_conns],
        maximum(&w.rate),
        config.rounds,
        config.round,
    )
    .await?;
    let c = config.conns;
    report.row(
        "P1",
        format!("whoami, {c} conns"),
        Unit::PerSecond,
        &w.rate,
        None,
    );
    report.row("P1", "whoami p50", Unit::Millis, &w.p50, None);
    report.row("P1", "whoami p99", Unit::Millis, &w.p99, None);
    report.row(
        "P1",
        "whoami errors",
        Unit::Count,
        &w.errors,
        Some(Goal::Zero),
    );
    report.row(
        "P1",
        format!("healthz, {c} conns"),
        Unit::PerSecond,
        &h.rate,
        None,
    );
    report.row("P1", "healthz p50", Unit::Millis, &h.p50, None);
    report.row("P1", "healthz p99", Unit::Millis, &h.p99, None);
    report.row(
        "P1",
        "**ratio whoami / healthz**",
        Unit::Ratio,
        &ratios(&w.rate, &h.rate),
        Some(Goal::AtLeast(0.90)),
    );
    if config.bare.is_some() {
        let what = "bare actix-web + jsonwebtoken";
        report.row(
            "P1",
            format!("{what}: whoami"),
            Unit::PerSecond,
            &bw.rate,
            None,
        );
        report.row(
            "P1",
            format!("{what}: healthz"),
            Unit::PerSecond,
            &bh.rate,
            None,
        );
        report.row(
            "P1",
            format!("{what}: ratio whoami / healthz"),
            Unit::Ratio,
            &ratios(&bw.rate, &bh.rate),
            None,
        );
        report.row(
            "P1",
            format!("our whoami / {what} whoami"),
            Unit::Ratio,
            &ratios(&w.rate, &bw.rate),
            None,
        );
    }
    for load in &open {
        open_rows(report, "P1", "whoami", load, None);
    }
    Ok(rss)
}
