//! The command line of `bench`: its three subcommands and their flags (clap's derive API).
//!
//! The names and defaults are the ones `scripts/bench.sh` passes and docs/BENCHMARKS.md
//! describes; a flag given twice keeps its last value, as it did when argv was parsed by hand.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// The load generator behind `scripts/bench.sh` (docs/BENCHMARKS.md).
#[derive(Debug, Parser)]
#[command(
    name = "bench",
    arg_required_else_help = true,
    args_override_self = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start a binary, wait for its GET /readyz to answer 200 and print its pid.
    ///
    /// The binary inherits the environment and its output is appended to --log. With --record,
    /// the time from spawn to ready (P5) and the idle VmRSS one second later (P4) are appended
    /// to the record file.
    Start(StartArgs),
    /// Run P1-P3 (and the photo part with --nginx) in alternating rounds and print the table.
    ///
    /// P4/P5 are read from the record file and process status; the markdown table goes to
    /// stdout, progress to stderr. After each part's closed-loop rounds come open-loop rounds at
    /// 50% and 80% of its median rate. P2 runs pgbench with both scripts: the service's
    /// transaction and the minimal rotation.
    Run(Box<RunArgs>),
    /// One GET load on one endpoint, for profiling it (perf, callgrind).
    ///
    /// Closed-loop from --conns connections, or with --rate an open-loop load at that many
    /// requests a second from --open-conns connections.
    Hammer(HammerArgs),
}

#[derive(Debug, Args)]
pub struct StartArgs {
    /// Name of the service, in messages and in the record file.
    #[arg(long)]
    pub name: String,
    /// Address whose GET /readyz is polled until it answers 200.
    #[arg(long, value_name = "HOST:PORT")]
    pub ready: SocketAddr,
    /// File the binary's stdout and stderr are appended to.
    #[arg(long, value_name = "FILE")]
    pub log: PathBuf,
    /// Append the start time (P5) and idle VmRSS (P4) to this file.
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
    /// The binary to start and its arguments, after `--`.
    #[arg(last = true, required = true, value_name = "BINARY")]
    pub command: Vec<String>,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// auth-service's address.
    #[arg(long, value_name = "HOST:PORT")]
    pub auth: SocketAddr,
    /// resource-service's address.
    #[arg(long, value_name = "HOST:PORT")]
    pub resource: SocketAddr,
    /// The bare actix-web + jsonwebtoken reference server of P1 (examples/bare_whoami.rs).
    #[arg(long, value_name = "HOST:PORT")]
    pub bare: Option<SocketAddr>,
    /// auth-service's pid, for its memory (P4).
    #[arg(long, value_name = "PID")]
    pub auth_pid: u32,
    /// resource-service's pid, for its memory (P4).
    #[arg(long, value_name = "PID")]
    pub resource_pid: u32,
    /// The record file `bench start --record` appended to (P4 idle memory, P5).
    #[arg(long, value_name = "FILE")]
    pub record: PathBuf,
    /// Alternating rounds per part (0 counts as 1).
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub rounds: usize,
    /// Seconds per round.
    #[arg(long, value_name = "S", default_value = "6", value_parser = seconds)]
    pub secs: Duration,
    /// Connections (P1) / virtual users (P2), and pgbench's clients.
    #[arg(long, value_name = "N", default_value_t = 64)]
    pub conns: usize,
    /// Connections of the open-loop pool (0 counts as 1).
    #[arg(long, value_name = "N", default_value_t = crate::open_loop::DEFAULT_CONNS)]
    pub open_conns: usize,
    /// Concurrent login users of P3 [default: 4 per core].
    #[arg(long, value_name = "N")]
    pub login_vus: Option<usize>,
    /// auth-service's BCRYPT_COST, for the single-core bcrypt timing of P3.
    #[arg(long, value_name = "C", default_value_t = 12)]
    pub bcrypt_cost: u32,
    /// criterion's output directory: the micro-benchmark rows are read from it.
    #[arg(long, value_name = "DIR")]
    pub criterion_dir: Option<PathBuf>,
    /// The pgbench binary.
    #[arg(long, value_name = "BIN", default_value = "pgbench")]
    pub pgbench: String,
    /// PostgreSQL host for pgbench.
    #[arg(long, value_name = "H", default_value = "127.0.0.1")]
    pub pg_host: String,
    /// PostgreSQL port for pgbench.
    #[arg(long, value_name = "P", default_value_t = 5432)]
    pub pg_port: u16,
    /// PostgreSQL user for pgbench.
    #[arg(long, value_name = "U", default_value = "postgres")]
    pub pg_user: String,
    /// The database pgbench runs in (migrated and seeded by scripts/bench.sh).
    #[arg(long, value_name = "NAME")]
    pub pgbench_db: String,
    /// The service's rotation transaction (bench/pgbench/rotation.sql).
    #[arg(long, value_name = "FILE")]
    pub pgbench_script: PathBuf,
    /// The minimal rotation (bench/pgbench/minimal_rotation.sql).
    #[arg(long, value_name = "FILE")]
    pub pgbench_minimal_script: PathBuf,
    /// Where pgbench's per-transaction logs go.
    #[arg(long, value_name = "DIR", default_value = "/tmp")]
    pub log_dir: PathBuf,
    /// nginx serving the photo store; without it the photo part does not run.
    #[arg(long, value_name = "HOST:PORT")]
    pub nginx: Option<SocketAddr>,
    /// Connections of the photo content and thumbnail loads (0 counts as 1).
    #[arg(long, value_name = "N", default_value_t = 16)]
    pub photo_conns: usize,
    /// Concurrent uploaders of the photo part (0 counts as 1).
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub uploaders: usize,
    /// Stop after this part (and the micro-benchmark).
    #[arg(long, value_enum)]
    pub only: Option<Only>,
}

/// What `--only` can stop after.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Only {
    /// Stateless verification alone, as the comparison of the two access-token modes needs.
    P1,
}

#[derive(Debug, Args)]
pub struct HammerArgs {
    /// The server to load.
    #[arg(long, value_name = "HOST:PORT")]
    pub addr: SocketAddr,
    /// The path to GET.
    #[arg(long)]
    pub path: String,
    /// A bearer token sent with every request.
    #[arg(long, value_name = "TOKEN")]
    pub bearer: Option<String>,
    /// Connections of the closed-loop load.
    #[arg(long, value_name = "N", default_value_t = 64)]
    pub conns: usize,
    /// Seconds of load.
    #[arg(long, value_name = "S", default_value = "10", value_parser = seconds)]
    pub secs: Duration,
    /// Requests a second: an open-loop load instead of the closed loop.
    #[arg(long, value_name = "R")]
    pub rate: Option<f64>,
    /// Connections of the open-loop pool, with --rate (0 counts as 1).
    #[arg(long, value_name = "N", default_value_t = crate::open_loop::DEFAULT_CONNS)]
    pub open_conns: usize,
}

/// A number of seconds, fractions allowed; refused when it is not a finite number of 0 or more
/// (`Duration::from_secs_f64` would panic on it).
fn seconds(value: &str) -> Result<Duration, String> {
    let secs: f64 = value
        .parse()
        .map_err(|_| format!("not a number: {value}"))?;
    Duration::try_from_secs_f64(secs).map_err(|_| format!("not a number of seconds: {value}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn parse(line: &str) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("bench").chain(line.split_whitespace()))
    }

    const RUN: &str = "run --auth 127.0.0.1:1 --resource 127.0.0.1:2 --auth-pid 3 \
        --resource-pid 4 --record r --pgbench-db db --pgbench-script a.sql \
        --pgbench-minimal-script b.sql";

    #[test]
    fn the_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn run_defaults_are_the_documented_ones() {
        let Command::Run(run) = parse(RUN).unwrap().command else {
            panic!("not run");
        };
        assert_eq!(run.rounds, 3);
        assert_eq!(run.secs, Duration::from_secs(6));
        assert_eq!((run.conns, run.open_conns), (64, 256));
        assert_eq!((run.login_vus, run.bcrypt_cost), (None, 12));
        assert_eq!(run.pgbench, "pgbench");
        assert_eq!((run.pg_host.as_str(), run.pg_port), ("127.0.0.1", 5432));
        assert_eq!(run.pg_user, "postgres");
        assert_eq!(run.log_dir, PathBuf::from("/tmp"));
        assert_eq!((run.photo_conns, run.uploaders), (16, 4));
        assert!(run.bare.is_none() && run.nginx.is_none() && run.only.is_none());
    }

    #[test]
    fn run_options_are_read_and_the_last_of_a_repeated_one_wins() {
        let line = format!("{RUN} --secs 0.5 --only p1 --nginx 127.0.0.1:5 --rounds 2 --rounds 4");
        let Command::Run(run) = parse(&line).unwrap().command else {
            panic!("not run");
        };
        assert_eq!(run.secs, Duration::from_millis(500));
        assert_eq!(run.only, Some(Only::P1));
        assert_eq!(run.nginx, Some("127.0.0.1:5".parse().unwrap()));
        assert_eq!(run.rounds, 4);
    }

    #[test]
    fn start_takes_the_command_after_the_double_dash() {
        let line = "start --name n --ready 127.0.0.1:9 --log l -- /bin/nginx -p dir -c conf";
        let Command::Start(start) = parse(line).unwrap().command else {
            panic!("not start");
        };
        assert_eq!(start.command, ["/bin/nginx", "-p", "dir", "-c", "conf"]);
        assert!(start.record.is_none());
        assert!(parse("start --name n --ready 127.0.0.1:9 --log l").is_err());
    }

    #[test]
    fn bad_input_is_refused() {
        assert!(parse("").is_err());
        assert!(parse("hammer --addr 127.0.0.1:1").is_err());
        assert!(parse("hammer --addr nowhere --path /").is_err());
        assert!(parse("hammer --addr 127.0.0.1:1 --path / --secs nan").is_err());
        assert!(parse("hammer --addr 127.0.0.1:1 --path / --unknown 1").is_err());
        assert!(parse(&format!("{RUN} --rounds x")).is_err());
        assert!(parse(&format!("{RUN} --only p2")).is_err());
        assert!(parse(&format!("{RUN} stray")).is_err());
    }
}
