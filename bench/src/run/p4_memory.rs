//! P4, memory (docs/BENCHMARKS.md): VmRSS idle, at the end of load rounds, and the peak.

use super::config::Config;
use super::record::{recorded, recorded_for};
use crate::machine;
use crate::photos::LoadedRss;
use crate::report::{Goal, Report, Unit};
use crate::Error;

/// Keycloak's sizing guide: memory per instance (docs/BENCHMARKS.md).
const KEYCLOAK_MB_PER_INSTANCE: f64 = 1250.0;

fn mb(kb: &[f64]) -> Vec<f64> {
    kb.iter().map(|k| k / 1024.0).collect()
}

/// P4: resident memory idle (each recorded start, after a second's rest), at the end of each
/// load round, and the peak the kernel saw. The photo part's rounds have rows of their own, so
/// the other rows keep meaning what they meant before it existed.
pub(super) fn p4_memory(
    config: &Config,
    auth_loaded: &[f64],
    resource_loaded: &[f64],
    photo_loaded: &[LoadedRss],
    report: &mut Report,
) -> Result<(), Error> {
    let idle = recorded(&config.record, "idle_rss_kb")?;
    for (name, pid, loaded) in [
        ("auth-service", config.auth_pid, auth_loaded),
        ("resource-service", config.resource_pid, resource_loaded),
    ] {
        report.row(
            "P4",
            format!("{name} RSS idle"),
            Unit::Megabytes,
            &mb(&recorded_for(&idle, name)),
            Some(Goal::Below(20.0)),
        );
        report.row(
            "P4",
            format!("{name} RSS at the end of load rounds"),
            Unit::Megabytes,
            &mb(loaded),
            Some(Goal::Below(64.0)),
        );
        if pid == config.resource_pid {
            for (rounds, loaded) in photo_loaded {
                report.row(
                    "P4",
                    format!("{name} RSS at the end of {rounds} rounds"),
                    Unit::Megabytes,
                    &mb(loaded),
                    Some(Goal::Below(64.0)),
                );
            }
        }
        let peak = machine::status_kb(pid, "VmHWM")? as f64;
        report.row(
            "P4",
            format!("{name} peak RSS (VmHWM); Keycloak anchor {KEYCLOAK_MB_PER_INSTANCE:.0} MB"),
            Unit::Megabytes,
            &mb(&[peak]),
            None,
        );
    }
    Ok(())
}
