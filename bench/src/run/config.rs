//! What `bench run` works with, from its flags (`args.rs`).

use crate::args::RunArgs;
use crate::machine;
use crate::pgbench::PgBench;
use crate::photos::PhotoConfig;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

pub(super) struct Config {
    pub(super) auth: SocketAddr,
    pub(super) resource: SocketAddr,
    /// The bare actix-web + jsonwebtoken reference server (examples/bare_whoami.rs), if running.
    pub(super) bare: Option<SocketAddr>,
    pub(super) auth_pid: u32,
    pub(super) resource_pid: u32,
    pub(super) record: PathBuf,
    pub(super) rounds: usize,
    pub(super) round: Duration,
    pub(super) conns: usize,
    /// Virtual users (each with its connection) of the open-loop pool.
    pub(super) open_conns: usize,
    pub(super) login_vus: usize,
    pub(super) bcrypt_cost: u32,
    pub(super) criterion_dir: Option<PathBuf>,
    pub(super) pgbench: PgBench,
    pub(super) photos: Option<PhotoConfig>,
}

impl Config {
    pub(super) fn from_args(args: &RunArgs) -> Self {
        let rounds = args.rounds.max(1);
        Self {
            auth: args.auth,
            resource: args.resource,
            bare: args.bare,
            auth_pid: args.auth_pid,
            resource_pid: args.resource_pid,
            record: args.record.clone(),
            rounds,
            round: args.secs,
            conns: args.conns,
            open_conns: args.open_conns.max(1),
            login_vus: args.login_vus.unwrap_or_else(|| 4 * machine::cores()),
            bcrypt_cost: args.bcrypt_cost,
            criterion_dir: args.criterion_dir.clone(),
            pgbench: PgBench {
                bin: args.pgbench.clone(),
                host: args.pg_host.clone(),
                port: args.pg_port.to_string(),
                user: args.pg_user.clone(),
                database: args.pgbench_db.clone(),
                script: args.pgbench_script.clone(),
                minimal_script: args.pgbench_minimal_script.clone(),
                clients: args.conns,
                threads: machine::cores(),
                log_dir: args.log_dir.clone(),
            },
            photos: PhotoConfig::from_args(
                args,
                args.resource,
                args.resource_pid,
                rounds,
                args.secs,
            ),
        }
    }
}
