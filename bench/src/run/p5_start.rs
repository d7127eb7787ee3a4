//! P5, start time (docs/BENCHMARKS.md), as `bench start --record` measured it.

use super::config::Config;
use super::record::{recorded, recorded_for};
use crate::report::{Goal, Report, Unit};
use crate::Error;

/// P5: spawn to `/readyz` 200 on a migrated database, as `bench start` recorded it.
pub(super) fn p5_start(config: &Config, report: &mut Report) -> Result<(), Error> {
    let starts = recorded(&config.record, "start_ms")?;
    for name in ["auth-service", "resource-service"] {
        report.row(
            "P5",
            format!("{name} start to /readyz 200"),
            Unit::Millis,
            &recorded_for(&starts, name),
            Some(Goal::Below(200.0)),
        );
    }
    Ok(())
}
