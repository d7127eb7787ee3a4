//! The markdown table: one row per figure, median with min and max over the rounds, the goal and
//! whether the median meets it.

use crate::stats::Summary;
use std::fmt::Write;

#[derive(Debug, Clone, Copy)]
pub enum Unit {
    PerSecond,
    Millis,
    Micros,
    Ratio,
    Megabytes,
    Count,
}

impl Unit {
    fn format(self, value: f64) -> String {
        match self {
            Self::PerSecond if value.abs() < 100.0 => format!("{value:.2}"),
            Self::PerSecond | Self::Count => format!("{value:.0}"),
            Self::Millis | Self::Micros | Self::Ratio => format!("{value:.2}"),
            Self::Megabytes => format!("{value:.1}"),
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::PerSecond => "/s",
            Self::Millis => "ms",
            Self::Micros => "µs",
            Self::Ratio => "ratio",
            Self::Megabytes => "MB",
            Self::Count => "count",
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub enum Goal {
    AtLeast(f64),
    Below(f64),
    AtMost(f64),
    Zero,
}

impl Goal {
    fn met(self, value: f64) -> bool {
        match self {
            Self::AtLeast(g) => value >= g,
            Self::Below(g) => value < g,
            Self::AtMost(g) => value <= g,
            Self::Zero => value == 0.0,
        }
    }

    fn describe(self, unit: Unit) -> String {
        match self {
            Self::AtLeast(g) => format!("≥ {}", unit.format(g)),
            Self::Below(g) => format!("< {}", unit.format(g)),
            Self::AtMost(g) => format!("≤ {}", unit.format(g)),
            Self::Zero => "0".into(),
        }
    }
}

struct Row {
    part: &'static str,
    what: String,
    unit: Unit,
    summary: Option<Summary>,
    goal: Option<Goal>,
}

#[derive(Default)]
pub struct Report {
    rows: Vec<Row>,
    notes: Vec<String>,
}

impl Report {
    pub fn row(
        &mut self,
        part: &'static str,
        what: impl Into<String>,
        unit: Unit,
        values: &[f64],
        goal: Option<Goal>,
    ) {
        self.rows.push(Row {
            part,
            what: what.into(),
            unit,
            summary: Summary::of(values),
            goal,
        });
    }

    pub fn note(&mut self, note: impl Into<String>) {
        self.notes.push(note.into());
    }

    /// Goals whose median misses, for the exit status and the summary line.
    pub fn missed(&self) -> Vec<String> {
        self.rows
            .iter()
            .filter_map(|r| match (r.goal, r.summary) {
                (Some(goal), Some(s)) if !goal.met(s.median) => {
                    Some(format!("{} {}", r.part, r.what))
                }
                (Some(_), None) => Some(format!("{} {} (not measured)", r.part, r.what)),
                _ => None,
            })
            .collect()
    }

    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "| part | figure | unit | median | min | max | rounds | goal | met |"
        );
        let _ = writeln!(out, "|---|---|---|---:|---:|---:|---:|---|---|");
        for row in &self.rows {
            let (median, min, max, rounds) = match row.summary {
                Some(s) => (
                    row.unit.format(s.median),
                    row.unit.format(s.min),
                    row.unit.format(s.max),
                    s.rounds.to_string(),
                ),
                None => ("n/a".into(), "n/a".into(), "n/a".into(), "0".into()),
            };
            let (goal, met) = match (row.goal, row.summary) {
                (Some(g), Some(s)) => (
                    g.describe(row.unit),
                    if g.met(s.median) { "yes" } else { "**no**" }.to_owned(),
                ),
                (Some(g), None) => (g.describe(row.unit), "**no**".to_owned()),
                (None, _) => (String::new(), String::new()),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {median} | {min} | {max} | {rounds} | {goal} | {met} |",
                row.part,
                row.what,
                row.unit.label()
            );
        }
        if !self.notes.is_empty() {
            out.push('\n');
            for note in &self.notes {
                let _ = writeln!(out, "- {note}");
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_met_goal_says_yes_and_a_missed_one_is_listed() {
        let mut report = Report::default();
        report.row(
            "P1",
            "ratio",
            Unit::Ratio,
            &[0.95, 0.91, 0.97],
            Some(Goal::AtLeast(0.9)),
        );
        report.row(
            "P2",
            "p99",
            Unit::Millis,
            &[25.0, 21.0, 30.0],
            Some(Goal::Below(20.0)),
        );
        let table = report.markdown();
        assert!(table.contains("| P1 | ratio | ratio | 0.95 | 0.91 | 0.97 | 3 | ≥ 0.90 | yes |"));
        assert!(table.contains("| P2 | p99 | ms | 25.00 | 21.00 | 30.00 | 3 | < 20.00 | **no** |"));
        assert_eq!(report.missed(), vec!["P2 p99".to_owned()]);
    }

    #[test]
    fn a_figure_without_values_is_not_applicable_and_its_goal_is_missed() {
        let mut report = Report::default();
        report.row("P5", "start", Unit::Millis, &[], Some(Goal::Below(200.0)));
        assert!(report.markdown().contains("| n/a | n/a | n/a | 0 |"));
        assert_eq!(report.missed().len(), 1);
    }
}
