//! The database's own speed limit for P2: `pgbench` running the rotation transaction straight
//! against PostgreSQL, with per-transaction logs so its latencies go through the same histogram.

use crate::load::{histogram, Round};
use crate::Error;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::process::Command;

pub struct PgBench {
    pub bin: String,
    pub host: String,
    pub port: String,
    pub user: String,
    pub database: String,
    /// The service's own rotation transaction (rotation.sql).
    pub script: PathBuf,
    /// The least a rotation can be (minimal_rotation.sql), the reference P2's goal is set on.
    pub minimal_script: PathBuf,
    pub clients: usize,
    pub threads: usize,
    /// Where the per-transaction logs go.
    pub log_dir: PathBuf,
}

impl PgBench {
    /// One run of the service's transaction, `secs` seconds; `tag` names its log files.
    pub async fn run(&self, secs: u64, tag: &str) -> Result<Round, Error> {
        self.run_script(&self.script, secs, tag).await
    }

    /// One run of the minimal rotation.
    pub async fn run_minimal(&self, secs: u64, tag: &str) -> Result<Round, Error> {
        self.run_script(&self.minimal_script, secs, tag).await
    }

    async fn run_script(&self, script: &Path, secs: u64, tag: &str) -> Result<Round, Error> {
        let prefix = self.log_dir.join(tag);
        let output = Command::new(&self.bin)
            // Each client carries its chain's generation from one transaction to the next in
            // :gen; -1 tells it to look up where its chain stands first (the scripts' headers).
            .args(["-D", "gen=-1"])
            .args(["-n", "-M", "prepared", "-l"])
            .arg("--log-prefix")
            .arg(&prefix)
            .args(["-c", &self.clients.to_string()])
            .args(["-j", &self.threads.to_string()])
            .args(["-T", &secs.to_string()])
            .arg("-f")
            .arg(script)
            .args(["-h", &self.host, "-p", &self.port, "-U", &self.user])
            .arg(&self.database)
            .output()
            .await
            .map_err(|e| format!("cannot run {}: {e}", self.bin))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() {
            return Err(format!(
                "pgbench failed ({}): {}{}",
                output.status,
                stdout,
                String::from_utf8_lossy(&output.stderr)
            )
            .into());
        }
        let summary = parse_summary(&stdout)
            .ok_or_else(|| format!("cannot read pgbench's summary:\n{stdout}"))?;
        let mut round = Round {
            ok: 0,
            errors: summary.failed,
            elapsed: Duration::ZERO,
            latency: histogram()?,
        };
        for path in log_files(&self.log_dir, tag)? {
            let text = std::fs::read_to_string(&path)?;
            for line in text.lines() {
                match parse_log_line(line) {
                    Some(LogLine::Done(us)) => {
                        round.ok += 1;
                        round.latency.saturating_record(us);
                    }
                    Some(LogLine::Failed) => {}
                    None => return Err(format!("unexpected pgbench log line: {line}").into()),
                }
            }
            std::fs::remove_file(&path)?;
        }
        // pgbench's tps leaves out connection set-up; keep exactly that rate.
        if summary.tps > 0.0 {
            round.elapsed = Duration::from_secs_f64(round.ok as f64 / summary.tps);
        }
        Ok(round)
    }
}

fn log_files(dir: &Path, tag: &str) -> Result<Vec<PathBuf>, Error> {
    let wanted = format!("{tag}.");
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_name().to_string_lossy().starts_with(&wanted) {
            files.push(entry.path());
        }
    }
    Ok(files)
}

#[derive(Debug, PartialEq)]
struct Summary {
    tps: f64,
    failed: u64,
}

fn parse_summary(stdout: &str) -> Option<Summary> {
    let mut tps = None;
    let mut failed = 0;
    for line in stdout.lines() {
        if let Some(rest) = line.strip_prefix("tps = ") {
            tps = rest.split_whitespace().next()?.parse().ok();
        } else if let Some(rest) = line.strip_prefix("number of failed transactions: ") {
            failed = rest.split_whitespace().next()?.parse().ok()?;
        }
    }
    Some(Summary { tps: tps?, failed })
}

#[derive(Debug, PartialEq)]
enum LogLine {
    /// A committed transaction and its latency in µs.
    Done(u64),
    Failed,
}

/// `client_id transaction_no time script_no time_epoch time_us [...]`, `time` in µs or `failed`.
fn parse_log_line(line: &str) -> Option<LogLine> {
    let time = line.split_whitespace().nth(2)?;
    match time {
        "failed" | "skipped" => Some(LogLine::Failed),
        t => t.parse().ok().map(LogLine::Done),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_gives_tps_without_connection_time_and_failures() {
        let out = "transaction type: rotation.sql\nnumber of clients: 64\n\
                   number of failed transactions: 2 (0.010%)\nlatency average = 12.3 ms\n\
                   initial connection time = 80.1 ms\n\
                   tps = 5123.456789 (without initial connection time)\n";
        assert_eq!(
            parse_summary(out),
            Some(Summary {
                tps: 5123.456789,
                failed: 2
            })
        );
        assert_eq!(parse_summary("no numbers here"), None);
    }

    #[test]
    fn log_lines_give_latency_or_failure() {
        assert_eq!(
            parse_log_line("3 17 2410 0 1700000000 123456"),
            Some(LogLine::Done(2410))
        );
        assert_eq!(
            parse_log_line("3 18 failed 0 1700000000 123456"),
            Some(LogLine::Failed)
        );
        assert_eq!(parse_log_line("garbage"), None);
    }
}
