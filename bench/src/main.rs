//! `bench`: the load generator behind `scripts/bench.sh`.
//!
//! ```text
//! bench start --name NAME --ready HOST:PORT --log FILE [--record FILE] -- BINARY [ARGS...]
//!     Starts BINARY (environment inherited, output appended to FILE), polls GET /readyz on
//!     HOST:PORT until it answers 200 and prints the pid. With --record it also appends the time
//!     from spawn to ready (P5) and the idle VmRSS one second later (P4) to the record file.
//! bench run --auth HOST:PORT --resource HOST:PORT --auth-pid PID --resource-pid PID
//!           --record FILE --pgbench-db NAME --pgbench-script FILE
//!           --pgbench-minimal-script FILE [options]
//!     Runs P1-P3 in alternating rounds, reads P4/P5 from the record file and process status,
//!     and prints the markdown table on stdout (progress goes to stderr). After each part's
//!     closed-loop rounds come open-loop rounds at 50% and 80% of its median rate, from a pool
//!     of --open-conns connections (default 256). P2 runs pgbench with both scripts: the
//!     service's transaction and the minimal rotation. With --nginx HOST:PORT (nginx serving
//!     the photo store) it also runs the photo part: content and thumbnail against nginx
//!     (--photo-conns, default 16), then uploads (--uploaders, default 4).
//! bench hammer --addr HOST:PORT --path PATH [--bearer TOKEN] [--conns N] [--secs S]
//!              [--rate R --open-conns N]
//!     One closed-loop GET load, for profiling a single endpoint (perf, callgrind); with --rate,
//!     an open-loop one at R requests a second instead.
//! ```
//! The script is the intended entry point; see docs/BENCHMARKS.md.

mod args;
mod http;
mod jpeg;
mod load;
mod machine;
mod open_loop;
mod pgbench;
mod photos;
mod report;
mod run;
mod start;
mod stats;
mod uploads;

use std::process::ExitCode;

pub type Error = Box<dyn std::error::Error + Send + Sync>;

const USAGE: &str = "\
usage: bench start --name NAME --ready HOST:PORT --log FILE [--record FILE] -- BINARY [ARGS...]
       bench run --auth HOST:PORT --resource HOST:PORT --auth-pid PID --resource-pid PID
           --record FILE --pgbench-db NAME --pgbench-script FILE --pgbench-minimal-script FILE
           [--bare HOST:PORT --rounds N --secs S --conns N --open-conns N --login-vus N
           --bcrypt-cost C --criterion-dir DIR --pgbench BIN --pg-host H --pg-port P --pg-user U
           --log-dir DIR --nginx HOST:PORT --photo-conns N --uploaders N --only p1]
       bench hammer --addr HOST:PORT --path PATH [--bearer TOKEN] [--conns N] [--secs S]
           [--rate R --open-conns N]";

#[tokio::main(flavor = "multi_thread")]
async fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = argv.split_first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let parsed = match args::Args::parse(rest) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("bench: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let result = match command.as_str() {
        "start" => start::start(&parsed).await,
        "run" => run::run(&parsed).await,
        "hammer" => run::hammer(&parsed).await,
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench: {e}");
            ExitCode::FAILURE
        }
    }
}
