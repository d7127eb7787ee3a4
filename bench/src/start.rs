//! `bench start`: P5 (time from process start to `/readyz` 200) and P4's idle memory.

use crate::args::StartArgs;
use crate::http::{self, Req};
use crate::{machine, Error};
use hyper::StatusCode;
use std::fs::OpenOptions;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long a service may take to become ready before the bench gives up on it.
const READY_TIMEOUT: Duration = Duration::from_secs(60);
/// Time between readiness polls.
const POLL_EVERY: Duration = Duration::from_millis(2);
/// How long a fresh service sits idle before its memory is read.
const SETTLE: Duration = Duration::from_secs(1);

pub async fn start(args: &StartArgs) -> Result<(), Error> {
    let name = &args.name;
    let ready = args.ready;
    let log = args.log.display();
    let Some((binary, binary_args)) = args.command.split_first() else {
        return Err("start needs `-- BINARY [ARGS...]`".into());
    };
    let log_file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&args.log)?;

    let spawned = Instant::now();
    let mut child = Command::new(binary)
        .args(binary_args)
        .stdin(Stdio::null())
        .stdout(log_file.try_clone()?)
        .stderr(log_file)
        .spawn()
        .map_err(|e| format!("cannot start {binary}: {e}"))?;
    let readyz = Req::get("/readyz");
    let ready_after = loop {
        if let Ok((StatusCode::OK, _)) = http::once(ready, &readyz).await {
            break spawned.elapsed();
        }
        if let Some(status) = child.try_wait()? {
            return Err(format!("{name} exited before it was ready ({status}); see {log}").into());
        }
        if spawned.elapsed() > READY_TIMEOUT {
            let _ = child.kill();
            return Err(format!("{name} was not ready within {READY_TIMEOUT:?}; see {log}").into());
        }
        tokio::time::sleep(POLL_EVERY).await;
    };
    let pid = child.id();

    if let Some(record) = &args.record {
        tokio::time::sleep(SETTLE).await;
        let rss_kb = machine::status_kb(pid, "VmRSS")?;
        let mut file = OpenOptions::new().create(true).append(true).open(record)?;
        writeln!(
            file,
            "start_ms {name} {:.3}",
            ready_after.as_secs_f64() * 1000.0
        )?;
        writeln!(file, "idle_rss_kb {name} {rss_kb}")?;
    }
    eprintln!(
        "bench: {name} ready after {:.1} ms (pid {pid})",
        ready_after.as_secs_f64() * 1000.0
    );
    // The service outlives this command: the script stops it by this pid.
    println!("{pid}");
    Ok(())
}
