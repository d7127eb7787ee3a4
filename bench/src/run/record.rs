//! The record file `bench start --record` appends to: one `kind name value` line per figure,
//! read back for P4's idle memory and P5.

use crate::Error;
use std::path::Path;

/// `(name, value)` pairs of one kind from the record file `bench start` appends to.
pub(super) fn recorded(record: &Path, kind: &str) -> Result<Vec<(String, f64)>, Error> {
    let text = std::fs::read_to_string(record)
        .map_err(|e| format!("cannot read {}: {e}", record.display()))?;
    Ok(text
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            if words.next()? != kind {
                return None;
            }
            let name = words.next()?.to_owned();
            Some((name, words.next()?.parse().ok()?))
        })
        .collect())
}

pub(super) fn recorded_for(record: &[(String, f64)], name: &str) -> Vec<f64> {
    record
        .iter()
        .filter(|(n, _)| n == name)
        .map(|(_, v)| *v)
        .collect()
}
