//! The criterion micro-benchmark of shared-tokens (docs/BENCHMARKS.md, micro), read back from
//! the estimates criterion wrote.

use super::config::Config;
use crate::report::{Goal, Report, Unit};
use crate::Error;
use serde::Deserialize;

#[derive(Deserialize)]
struct Estimates {
    median: Estimate,
}

#[derive(Deserialize)]
struct Estimate {
    point_estimate: f64,
    confidence_interval: Interval,
}

#[derive(Deserialize)]
struct Interval {
    lower_bound: f64,
    upper_bound: f64,
}

/// The criterion micro-benchmark of shared-tokens, when it ran: the median in µs, with its 95%
/// confidence interval in the min/max columns.
pub(super) fn micro(config: &Config, report: &mut Report) -> Result<(), Error> {
    let Some(dir) = &config.criterion_dir else {
        return Ok(());
    };
    // The 4 µs goal was set for HS256; an Ed25519 signature check costs more by its nature.
    let rows = [
        ("access_token", "HS256", "sign", None),
        ("access_token", "HS256", "verify", Some(Goal::AtMost(4.0))),
        ("access_token_eddsa", "EdDSA", "sign", None),
        ("access_token_eddsa", "EdDSA", "verify", None),
    ];
    for (group, alg, name, goal) in rows {
        let path = dir.join(group).join(name).join("new/estimates.json");
        let Ok(text) = std::fs::read_to_string(&path) else {
            report.note(format!(
                "micro-benchmark {name}: no estimates at {}",
                path.display()
            ));
            continue;
        };
        let m = serde_json::from_str::<Estimates>(&text)?.median;
        let ns = [
            m.point_estimate,
            m.confidence_interval.lower_bound,
            m.confidence_interval.upper_bound,
        ];
        report.row(
            "micro",
            format!("shared-tokens access token {name}, {alg} (criterion)"),
            Unit::Micros,
            &ns.map(|v| v / 1000.0),
            goal,
        );
    }
    Ok(())
}
