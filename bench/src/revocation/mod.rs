//! The revocation benchmark (docs/BENCHMARKS.md, Revocation at the verifiers; run through
//! `scripts/revocation-bench.sh`, binary `src/bin/revocation.rs`): how soon a revoked session's
//! access token is refused by resource-service instances that follow auth-service's event feed
//! (docs/TOKENS.md, Revocation), and what a long revocation list costs a request.

pub mod auth;
pub mod first_401;
pub mod full_list;

use crate::Error;
use std::net::SocketAddr;

/// The `revocations.sessions` count of a resource-service's `GET /readyz` (docs/EVENTS.md,
/// Readiness): the revoked sessions its list holds.
pub async fn listed_sessions(instance: SocketAddr) -> Result<u64, Error> {
    let (status, body) = crate::http::once(instance, &crate::http::Req::get("/readyz")).await?;
    let ready: serde_json::Value = serde_json::from_slice(&body)?;
    ready["revocations"]["sessions"]
        .as_u64()
        .ok_or_else(|| format!("{instance}: /readyz ({status}) shows no revocation list").into())
}
