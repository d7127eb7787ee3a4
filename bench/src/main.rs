//! `bench`: the load generator behind `scripts/bench.sh`.
//!
//! ```text
//! bench start --name NAME --ready HOST:PORT --log FILE [--record FILE] -- BINARY [ARGS...]
//! bench run --auth HOST:PORT --resource HOST:PORT --auth-pid PID --resource-pid PID
//!           --record FILE --pgbench-db NAME --pgbench-script FILE
//!           --pgbench-minimal-script FILE [options]
//! bench hammer --addr HOST:PORT --path PATH [--bearer TOKEN] [--conns N] [--secs S]
//!              [--rate R --open-conns N]
//! ```
//! `bench help SUBCOMMAND` describes each flag (`args.rs`). `start` spawns a service and waits
//! for it to be ready (P5, P4 idle memory); `run` runs P1-P3 and the photo part in alternating
//! rounds and prints the markdown table; `hammer` loads one endpoint, for profiling it. The
//! script is the intended entry point; see docs/BENCHMARKS.md.

mod args;
mod hammer;
mod jpeg;
mod open_loop;
mod pgbench;
mod photos;
mod report;
mod run;
mod start;
mod uploads;

use args::Command;
// Shared with the other bench binaries (src/lib.rs); `crate::load` and the like resolve to them.
use bench::{http, load, machine, stats};
use clap::Parser;
use std::process::ExitCode;

pub use bench::Error;

#[tokio::main(flavor = "multi_thread")]
async fn main() -> ExitCode {
    // Bad flags end here, with clap's message and exit status 2.
    let cli = args::Cli::parse();
    let result = match cli.command {
        Command::Start(a) => start::start(&a).await,
        Command::Run(a) => run::run(&a).await,
        Command::Hammer(a) => hammer::hammer(&a).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench: {e}");
            ExitCode::FAILURE
        }
    }
}
