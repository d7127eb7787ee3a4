//! Who is calling, as sessions and the audit trail remember them, and the key the failed-login
//! throttle counts an address under. `http::client_address` reads it from the request.

use ipnet::Ipv6Net;
use std::net::IpAddr;

/// The caller's address (already resolved through trusted proxies) and user agent.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

impl ClientInfo {
    /// The key failed logins are counted under: the address's [`bucket`].
    pub fn throttle_key(&self) -> String {
        self.ip
            .as_deref()
            .and_then(|ip| ip.parse().ok())
            .map_or_else(|| "unknown".to_owned(), |ip| bucket(ip).to_string())
    }
}

/// The key an address is counted under by the limits and the throttle: IPv4 as it is (an
/// IPv4-mapped IPv6 address counts as its IPv4 address), IPv6 as the network address of its /64,
/// since one host is routinely given a whole /64 and could otherwise take a fresh address for
/// every attempt.
pub fn bucket(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => Ipv6Net::new(v6, 64).map_or(ip, |net| IpAddr::V6(net.network())),
        },
    }
}

/// The wider network an IPv6 address is also counted under: its /48, the usual assignment to a
/// site, which holds 65,536 /64s. `None` for IPv4 (and IPv4-mapped) addresses.
pub fn site_bucket(ip: IpAddr) -> Option<IpAddr> {
    match bucket(ip) {
        IpAddr::V4(_) => None,
        IpAddr::V6(v6) => Ipv6Net::new(v6, 48)
            .ok()
            .map(|net| IpAddr::V6(net.network())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_also_count_by_their_48_and_ipv4_by_nothing_more() {
        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:ffff::1".parse().unwrap();
        let other: IpAddr = "2001:db8:2::1".parse().unwrap();
        assert_eq!(site_bucket(a), Some("2001:db8:1::".parse().unwrap()));
        assert_eq!(site_bucket(a), site_bucket(b));
        assert_ne!(site_bucket(a), site_bucket(other));
        assert_eq!(site_bucket("192.0.2.7".parse().unwrap()), None);
        assert_eq!(site_bucket("::ffff:192.0.2.7".parse().unwrap()), None);
    }

    #[test]
    fn ipv6_clients_count_by_their_64_and_mapped_ipv4_as_ipv4() {
        let a = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b = "2001:db8:1:2:ffff:1:2:3".parse().unwrap();
        let other = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(bucket(a), bucket(b));
        assert_eq!(bucket(a), "2001:db8:1:2::".parse::<IpAddr>().unwrap());
        assert_ne!(bucket(a), bucket(other));
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(bucket(mapped), "192.0.2.7".parse::<IpAddr>().unwrap());
        let v4: IpAddr = "192.0.2.7".parse().unwrap();
        assert_eq!(bucket(v4), v4);
    }

    #[test]
    fn the_throttle_key_is_the_bucket() {
        let info = |ip: &str| ClientInfo {
            ip: Some(ip.to_owned()),
            user_agent: None,
        };
        assert_eq!(info("2001:db8::1").throttle_key(), "2001:db8::");
        assert_eq!(info("2001:db8::2").throttle_key(), "2001:db8::");
        assert_eq!(info("192.0.2.1").throttle_key(), "192.0.2.1");
        assert_eq!(ClientInfo::default().throttle_key(), "unknown");
    }
}
