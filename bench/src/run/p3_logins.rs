//! P3, logins (docs/BENCHMARKS.md): logins/s against the bound bcrypt sets, with `/healthz`
//! probed all the while, then open-loop logins.

use super::config::Config;
use super::open::{maximum, open_rounds, open_rows};
use super::series::{progress, Series};
use super::session::{login_request, TokenReply};
use crate::http::Req;
use crate::load::{self, VirtualUser};
use crate::machine;
use crate::report::{Goal, Report, Unit};
use crate::stats::ratios;
use crate::Error;
use bytes::Bytes;
use hyper::StatusCode;
use std::time::{Duration, Instant};

/// Keycloak's sizing guide: password logins per vCPU (docs/BENCHMARKS.md).
const KEYCLOAK_LOGINS_PER_VCPU: f64 = 15.0;
/// What auth-service hands bcrypt: base64 of a SHA-256, 44 bytes (see auth-service passwords.rs).
const PREHASHED_LEN: usize = 44;
/// How often the healthz probe fires while logins load auth-service.
const PROBE_EVERY: Duration = Duration::from_millis(5);
/// The single-core bcrypt timing runs at least this long per round.
const BCRYPT_TIMING: Duration = Duration::from_millis(1500);
/// Open-loop login rounds last at least this long: at a few logins a second a round of the
/// usual length would hold only a few dozen requests.
const OPEN_LOOP_LOGIN_ROUND: Duration = Duration::from_secs(10);

/// A login user: the same login again and again, keeping the refresh tokens it is handed so P2
/// can walk those sessions' chains without paying for more logins.
struct LoginUser {
    req: Req,
    harvested: Vec<String>,
}

impl VirtualUser for LoginUser {
    fn next_request(&mut self) -> &Req {
        &self.req
    }
    fn on_response(&mut self, status: StatusCode, body: &Bytes) -> bool {
        if status != StatusCode::OK {
            return false;
        }
        match serde_json::from_slice::<TokenReply>(body) {
            Ok(reply) => {
                self.harvested.push(reply.refresh_token);
                true
            }
            Err(_) => false,
        }
    }
}

/// Seconds one `bcrypt::verify` takes at `cost` on one core, measured over at least
/// [`BCRYPT_TIMING`] on a blocking thread while nothing else runs.
async fn bcrypt_verify_secs(cost: u32) -> Result<f64, Error> {
    tokio::task::spawn_blocking(move || -> Result<f64, Error> {
        let password = "b".repeat(PREHASHED_LEN);
        let hash = bcrypt::hash(&password, cost)?;
        let started = Instant::now();
        let mut n = 0u32;
        while n < 2 || started.elapsed() < BCRYPT_TIMING {
            if !bcrypt::verify(&password, &hash)? {
                return Err("bcrypt verify of its own hash failed".into());
            }
            n += 1;
        }
        Ok(started.elapsed().as_secs_f64() / f64::from(n))
    })
    .await?
}

/// P3: logins/s against the bound `cores / bcrypt verify time`, with `/healthz` probed all the
/// while. Returns the refresh tokens handed out, and auth-service's RSS (kB) after each round.
pub(super) async fn p3_logins(
    config: &Config,
    report: &mut Report,
) -> Result<(Vec<String>, Vec<f64>), Error> {
    let cores = machine::cores() as f64;
    let login_users = |n: usize| -> Result<Vec<LoginUser>, Error> {
        (0..n)
            .map(|_| {
                Ok(LoginUser {
                    req: login_request()?,
                    harvested: Vec::new(),
                })
            })
            .collect()
    };
    let mut users = login_users(config.login_vus)?;
    let (mut logins, mut bounds, mut probe_p99, mut probe_p50) =
        (Series::default(), Vec::new(), Vec::new(), Vec::new());
    let (mut verify_ms, mut probe_errors, mut rss) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..config.rounds {
        let verify = bcrypt_verify_secs(config.bcrypt_cost).await?;
        verify_ms.push(verify * 1000.0);
        bounds.push(cores / verify);

        let deadline = Instant::now() + config.round;
        let probe = tokio::spawn(load::probe(
            config.auth,
            Req::get("/healthz"),
            PROBE_EVERY,
            deadline,
        ));
        let (round, back) = load::run(config.auth, users, config.round).await?;
        users = back;
        let probe = probe.await??;
        progress("P3", i, config.rounds, "logins", &round);
        progress("P3", i, config.rounds, "healthz probe", &probe);
        eprintln!(
            "bench: P3 round {}/{} bound {:.2}/s (bcrypt verify {:.1} ms x {cores} cores)",
            i + 1,
            config.rounds,
            cores / verify,
            verify * 1000.0
        );
        logins.push(&round);
        probe_p50.push(probe.quantile_ms(0.5));
        probe_p99.push(probe.quantile_ms(0.99));
        probe_errors.push(probe.errors as f64);
        rss.push(machine::status_kb(config.auth_pid, "VmRSS")? as f64);
    }
    let open_round = config.round.max(OPEN_LOOP_LOGIN_ROUND);
    let (open, open_users) = open_rounds(
        "P3",
        "login",
        config.auth,
        login_users(config.open_conns)?,
        maximum(&logins.rate),
        config.rounds,
        open_round,
    )
    .await?;
    let cost = config.bcrypt_cost;
    report.row(
        "P3",
        format!("bcrypt verify, cost {cost}, 1 core"),
        Unit::Millis,
        &verify_ms,
        None,
    );
    report.row(
        "P3",
        format!("bound = {cores} cores / verify time"),
        Unit::PerSecond,
        &bounds,
        None,
    );
    report.row(
        "P3",
        format!("logins, {} users", config.login_vus),
        Unit::PerSecond,
        &logins.rate,
        None,
    );
    report.row("P3", "login p50", Unit::Millis, &logins.p50, None);
    report.row("P3", "login p99", Unit::Millis, &logins.p99, None);
    report.row(
        "P3",
        "login errors",
        Unit::Count,
        &logins.errors,
        Some(Goal::Zero),
    );
    report.row(
        "P3",
        "**ratio logins / bound**",
        Unit::Ratio,
        &ratios(&logins.rate, &bounds),
        Some(Goal::AtLeast(0.90)),
    );
    report.row(
        "P3",
        format!("Keycloak anchor: {KEYCLOAK_LOGINS_PER_VCPU}/s/vCPU x {cores}; ours / anchor"),
        Unit::Ratio,
        &logins
            .rate
            .iter()
            .map(|r| r / (KEYCLOAK_LOGINS_PER_VCPU * cores))
            .collect::<Vec<_>>(),
        None,
    );
    report.row(
        "P3",
        "healthz p50 during logins",
        Unit::Millis,
        &probe_p50,
        None,
    );
    report.row(
        "P3",
        "**healthz p99 during logins**",
        Unit::Millis,
        &probe_p99,
        Some(Goal::Below(10.0)),
    );
    report.row(
        "P3",
        "healthz errors during logins",
        Unit::Count,
        &probe_errors,
        Some(Goal::Zero),
    );
    for load in &open {
        open_rows(report, "P3", "login", load, None);
    }
    let sent: Vec<String> = open
        .iter()
        .map(|load| {
            let counts: Vec<String> = load.sent.iter().map(u64::to_string).collect();
            format!("{} at {:.0}%", counts.join(", "), load.percent())
        })
        .collect();
    report.note(format!(
        "P3 open-loop login rounds last {:.0} s, so they hold few requests ({}): their p99 and \
         p99.9 are close to their slowest login",
        open_round.as_secs_f64(),
        sent.join("; ")
    ));
    let tokens = users
        .into_iter()
        .chain(open_users)
        .flat_map(|u| u.harvested)
        .collect();
    Ok((tokens, rss))
}
