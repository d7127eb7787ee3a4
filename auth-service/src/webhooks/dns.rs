//! The name lookup of the webhook client (docs/EVENTS.md, Webhooks): the system resolver, with
//! every address [`address_guard`](super::address_guard) refuses dropped before the client sees
//! it. The check happens where the connection's address is chosen, so a name that answers with a
//! public address once and a private one the next time (DNS rebinding) gains nothing.

use super::address_guard::is_public;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::SocketAddr;

/// A name whose every address is refused.
#[derive(Debug, thiserror::Error)]
#[error("{host} resolves to no address webhooks may reach (see WEBHOOK_ALLOW_PRIVATE)")]
pub struct AddressRefused {
    pub host: String,
}

/// Resolves with the system resolver (as the client would) and keeps public addresses only.
pub struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(async move {
            let host = name.as_str().to_owned();
            // Port 0: the client puts the URL's port in.
            let found = tokio::net::lookup_host((host.as_str(), 0)).await?;
            let allowed: Vec<SocketAddr> = found.filter(|addr| is_public(addr.ip())).collect();
            if allowed.is_empty() {
                return Err(Box::new(AddressRefused { host }) as _);
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}
