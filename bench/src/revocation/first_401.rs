//! Time to the first 401: how long after the answer to a revoking request each resource-service
//! instance starts refusing the session's access token (docs/TOKENS.md, Revocation).
//!
//! One try: get a session, check that `GET /whoami` with its access token is 200 on both
//! instances, wait a random 0 to 100 ms ([`jitter`]), send the revoking request, start the
//! clock when its answer arrives, then poll `GET /whoami` on both instances at once, each on its
//! own keep-alive connection every [`POLL_EVERY`], until each answers 401 `session_revoked`.
//! Each instance's time is taken when its 401 arrives. Tries run one after another, so they
//! never wait on each other.

use super::auth::{Auth, Mailbox, Session};
use crate::http::{Conn, Req};
use crate::Error;
use hyper::StatusCode;
use std::hash::{BuildHasher, RandomState};
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::time::MissedTickBehavior;

const POLL_EVERY: Duration = Duration::from_millis(5);
/// A try whose 401 has not come by then counts as missed; the goal is 2 s.
pub const GIVE_UP_AFTER: Duration = Duration::from_secs(10);
const MAIL_WITHIN: Duration = Duration::from_secs(10);

/// The four ways a session ends early that the benchmark times.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    LogoutAll,
    DeleteSession,
    PasswordReset,
    DeleteAccount,
}

impl Kind {
    pub const ALL: [Kind; 4] = [
        Kind::LogoutAll,
        Kind::DeleteSession,
        Kind::PasswordReset,
        Kind::DeleteAccount,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Kind::LogoutAll => "`POST /auth/logout-all`",
            Kind::DeleteSession => "`DELETE /auth/sessions/{id}` (from another session)",
            Kind::PasswordReset => "password reset (`POST /auth/password/reset`)",
            Kind::DeleteAccount => "account deletion (`DELETE /auth/me`)",
        }
    }

    fn tag(self) -> &'static str {
        match self {
            Kind::LogoutAll => "la",
            Kind::DeleteSession => "ds",
            Kind::PasswordReset => "pr",
            Kind::DeleteAccount => "da",
        }
    }
}

/// A pause of 0 to 100 ms before each revoking request. auth-service wakes held feed requests
/// on a 100 ms cycle (docs/EVENTS.md, The feed); tries run back to back would otherwise fall in
/// step with it, each at the same point of the cycle as the one before, and measure that point
/// instead of the spread a revocation at any moment sees.
fn jitter() -> Duration {
    let random = RandomState::new().hash_one(Instant::now());
    Duration::from_micros(random % 100_000)
}

/// One instance's `GET /whoami`, on a keep-alive connection opened again if it breaks.
pub struct Poller {
    addr: SocketAddr,
    conn: Option<Conn>,
}

impl Poller {
    pub fn new(addr: SocketAddr) -> Self {
        Self { addr, conn: None }
    }

    async fn whoami(&mut self, req: &Req) -> Result<(StatusCode, bool), Error> {
        if self.conn.is_none() {
            self.conn = Some(Conn::open(self.addr).await?);
        }
        let Some(conn) = self.conn.as_mut() else {
            return Err("no connection".into());
        };
        match conn.send(req).await {
            Ok((status, body)) => {
                let revoked = String::from_utf8_lossy(&body).contains("\"session_revoked\"");
                Ok((status, revoked))
            }
            Err(e) => {
                self.conn = None;
                Err(e)
            }
        }
    }

    /// Polls until a 401 `session_revoked`; the time from `start` to its arrival, or `None`
    /// after [`GIVE_UP_AFTER`].
    async fn until_revoked(
        &mut self,
        req: &Req,
        start: Instant,
    ) -> Result<Option<Duration>, Error> {
        let mut tick = tokio::time::interval(POLL_EVERY);
        tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
        while start.elapsed() < GIVE_UP_AFTER {
            tick.tick().await;
            match self.whoami(req).await? {
                (StatusCode::UNAUTHORIZED, true) => return Ok(Some(start.elapsed())),
                (StatusCode::OK, _) => {}
                (status, _) => {
                    return Err(format!("{}: whoami answered {status}", self.addr).into())
                }
            }
        }
        Ok(None)
    }
}

/// One kind's times on each instance, sorted, and the tries each instance missed.
pub struct Times {
    pub per_instance: [Vec<Duration>; 2],
    pub missed: [usize; 2],
}

/// Runs `tries` tries of `kind`; `run` keeps this run's account names apart from earlier runs'.
pub async fn measure(
    kind: Kind,
    tries: usize,
    auth: &Auth,
    mailbox: &mut Mailbox,
    pollers: &mut [Poller; 2],
    run: &str,
) -> Result<Times, Error> {
    let name = format!("rv{run}{}", kind.tag());
    let mut password = String::from("a long enough passphrase 0");
    if !matches!(kind, Kind::DeleteAccount) {
        auth.register(&name, &password).await?;
    }
    let mut times = Times {
        per_instance: [Vec::new(), Vec::new()],
        missed: [0, 0],
    };
    for i in 0..tries {
        // Everything up to the revoking request's answer is set-up, outside the clock.
        let (session, revoke) = match kind {
            Kind::LogoutAll => (auth.login(&name, &password).await?, Revoke::LogoutAll),
            Kind::DeleteSession => {
                let session = auth.login(&name, &password).await?;
                let other = auth.login(&name, &password).await?;
                (session, Revoke::Session(other))
            }
            Kind::PasswordReset => {
                let session = auth.login(&name, &password).await?;
                let email = Auth::email(&name);
                auth.forgot(&email).await?;
                let token = mailbox.reset_token(&email, MAIL_WITHIN).await?;
                password = format!("a long enough passphrase {}", i + 1);
                (session, Revoke::Reset(token))
            }
            Kind::DeleteAccount => {
                let fresh = format!("{name}{i}");
                auth.register(&fresh, &password).await?;
                (auth.login(&fresh, &password).await?, Revoke::Account)
            }
        };
        let whoami = Req::get("/whoami").bearer(&session.access)?;
        for poller in pollers.iter_mut() {
            let (status, _) = poller.whoami(&whoami).await?;
            if status != StatusCode::OK {
                return Err(
                    format!("{}: whoami before the revocation: {status}", poller.addr).into(),
                );
            }
        }
        tokio::time::sleep(jitter()).await;
        match &revoke {
            Revoke::LogoutAll => auth.logout_all(&session).await?,
            Revoke::Session(other) => auth.delete_session(other, &session.id).await?,
            Revoke::Reset(token) => auth.reset(token, &password).await?,
            Revoke::Account => auth.delete_account(&session, &password).await?,
        }
        let start = Instant::now();
        let [a, b] = pollers;
        let (first, second) = tokio::join!(
            a.until_revoked(&whoami, start),
            b.until_revoked(&whoami, start)
        );
        for (slot, outcome) in [first?, second?].into_iter().enumerate() {
            match outcome {
                Some(took) => times.per_instance[slot].push(took),
                None => times.missed[slot] += 1,
            }
        }
    }
    for list in &mut times.per_instance {
        list.sort();
    }
    Ok(times)
}

/// The revoking request of one try.
enum Revoke {
    LogoutAll,
    /// Sent by this other session of the same user.
    Session(Session),
    /// The reset link's token; the new password is the try's.
    Reset(String),
    Account,
}
