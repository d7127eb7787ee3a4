//! `TRUSTED_PROXIES` (docs/CONFIGURATION.md): the reverse proxies whose forwarding headers are
//! believed. Both services read them through this one type: the client's address for the rate
//! limits (`X-Forwarded-For`) and the origin the request was sent to (`Forwarded`,
//! `X-Forwarded-Host`, `X-Forwarded-Proto`; docs/COOKIES.md, Origin check). From any other peer
//! those headers are ignored, since anyone can send them.

use actix_web::http::header::HeaderMap;
use actix_web::HttpRequest;
use ipnet::IpNet;
use std::collections::HashSet;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

/// How many distinct peers get their own "X-Forwarded-For ignored" warning; past that the
/// warnings stop, so a scanner cannot grow the set or flood the log.
const MAX_WARNED_PEERS: usize = 256;

/// `TRUSTED_PROXIES`: addresses or CIDRs whose forwarding headers we believe.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies {
    nets: Vec<IpNet>,
    /// Untrusted peers already warned about.
    warned: Arc<Mutex<HashSet<IpAddr>>>,
}

impl TrustedProxies {
    pub fn parse(list: &[String]) -> Result<Self, String> {
        list.iter()
            .map(|entry| {
                entry
                    .parse::<IpNet>()
                    .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("addresses or CIDRs, not {entry:?}"))
            })
            .collect::<Result<_, _>>()
            .map(|nets| Self {
                nets,
                warned: Arc::default(),
            })
    }

    pub fn trusts(&self, ip: &IpAddr) -> bool {
        self.nets.iter().any(|net| net.contains(ip))
    }

    /// Whether the peer of `req` is one of them, so its forwarding headers count.
    pub fn trusts_peer_of(&self, req: &HttpRequest) -> bool {
        req.peer_addr().is_some_and(|peer| self.trusts(&peer.ip()))
    }

    /// An untrusted peer sent `X-Forwarded-For`: usually a proxy missing from `TRUSTED_PROXIES`,
    /// which puts every user behind it under one address. Said once per peer.
    fn warn_ignored_forwarding(&self, peer: IpAddr) {
        let Ok(mut warned) = self.warned.lock() else {
            return;
        };
        if warned.len() < MAX_WARNED_PEERS && warned.insert(peer) {
            log::warn!(
                "X-Forwarded-For from {peer} ignored: the peer is not in TRUSTED_PROXIES \
                 (if it is your proxy, every client behind it shares one rate limit)"
            );
        }
    }

    /// The address a request is counted against. Without trusted proxies it is the peer, and
    /// `X-Forwarded-For` (which anyone can send) is ignored.
    pub fn client_ip(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> Option<IpAddr> {
        let peer = peer?;
        if !self.trusts(&peer) {
            if headers.contains_key("x-forwarded-for") {
                self.warn_ignored_forwarding(peer);
            }
            return Some(peer);
        }
        let mut last_trusted = peer;
        for value in headers.get_all("x-forwarded-for").rev() {
            let Ok(value) = value.to_str() else {
                return Some(last_trusted);
            };
            for entry in value.rsplit(',') {
                match entry.trim().parse::<IpAddr>() {
                    Ok(ip) if self.trusts(&ip) => last_trusted = ip,
                    Ok(ip) => return Some(ip),
                    // A garbled entry: nothing left of it can be believed.
                    Err(_) => return Some(last_trusted),
                }
            }
        }
        Some(last_trusted)
    }

    pub fn of_request(&self, req: &HttpRequest) -> Option<IpAddr> {
        self.client_ip(req.peer_addr().map(|a| a.ip()), req.headers())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::{HeaderName, HeaderValue};

    fn headers(xff: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for v in xff {
            map.append(
                HeaderName::from_static("x-forwarded-for"),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        map
    }

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn without_trusted_proxies_the_peer_counts_and_xff_is_ignored() {
        let none = TrustedProxies::default();
        assert_eq!(
            none.client_ip(ip("10.0.0.1"), &headers(&["6.6.6.6"])),
            ip("10.0.0.1")
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_right_most_untrusted_entry_counts() {
        let proxies = TrustedProxies::parse(&["10.0.0.0/8".into(), "192.168.1.1".into()]).unwrap();
        // The client can put anything on the left; only what our proxies appended counts.
        let h = headers(&["6.6.6.6, 203.0.113.7, 10.0.0.5"]);
        assert_eq!(proxies.client_ip(ip("10.0.0.2"), &h), ip("203.0.113.7"));
        let h = headers(&["6.6.6.6", "203.0.113.9"]);
        assert_eq!(proxies.client_ip(ip("192.168.1.1"), &h), ip("203.0.113.9"));
        // All trusted: the left-most trusted hop is the best we know.
        let h = headers(&["10.1.1.1"]);
        assert_eq!(proxies.client_ip(ip("10.0.0.2"), &h), ip("10.1.1.1"));
        // Not from a trusted peer: its header is ignored.
        assert_eq!(proxies.client_ip(ip("8.8.8.8"), &h), ip("8.8.8.8"));
        // Garbage stops the walk.
        let h = headers(&["1.2.3.4, garbage, 10.0.0.9"]);
        assert_eq!(proxies.client_ip(ip("10.0.0.2"), &h), ip("10.0.0.9"));
    }

    #[test]
    fn an_untrusted_peer_sending_forwarding_headers_is_remembered_once_and_boundedly() {
        let none = TrustedProxies::default();
        let h = headers(&["6.6.6.6"]);
        for _ in 0..3 {
            none.client_ip(ip("10.0.0.1"), &h);
        }
        assert_eq!(none.warned.lock().unwrap().len(), 1);
        for i in 0..(MAX_WARNED_PEERS as u32 + 50) {
            none.client_ip(Some(IpAddr::from(i.to_be_bytes())), &h);
        }
        assert_eq!(none.warned.lock().unwrap().len(), MAX_WARNED_PEERS);
        // Without the header nothing is remembered.
        let quiet = TrustedProxies::default();
        quiet.client_ip(ip("10.0.0.1"), &HeaderMap::new());
        assert!(quiet.warned.lock().unwrap().is_empty());
    }

    #[test]
    fn bad_entries_are_refused() {
        assert!(TrustedProxies::parse(&["not-an-ip".into()]).is_err());
        assert!(TrustedProxies::parse(&["10.0.0.0/33".into()]).is_err());
    }
}
