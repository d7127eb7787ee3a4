//! Per-address rate limits on the routes that cost a bcrypt comparison or a session (login,
//! register, refresh, password change, account deletion), on by default:
//! `RATE_LIMIT_PER_IP=20/min` with a burst (`RATE_LIMIT_BURST`) that defaults to a quarter of
//! the rate, at least 5. The limiter is `governor`'s keyed GCRA; each
//! route has its own bucket per address ([`crate::domain::bucket`]: IPv6 by its /64). An IPv6
//! client is also counted by its /48 ([`crate::domain::site_bucket`]), which gets
//! [`SITE_FACTOR`] times an address's budget: a site can hold 65,536 /64s, and must not get
//! 65,536 budgets. Over either limit: 429 with `Retry-After`.
//!
//! The limit is a middleware on the route itself (see `routes::configure`), not a match on the
//! request path: it runs after routing, so every spelling of a path that reaches a limited
//! handler (percent-encoded, with other case or slashes) is counted.

use super::client_address::TrustedProxies;
use crate::config::RateLimit;
use crate::domain;
use crate::error::ApiError;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, ResponseError};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

/// How many addresses' budgets one IPv6 /48 gets together.
pub const SITE_FACTOR: u32 = 16;

pub struct RateLimiters {
    limiter: DefaultKeyedRateLimiter<(&'static str, IpAddr)>,
    sites: DefaultKeyedRateLimiter<(&'static str, IpAddr)>,
}

fn quota(limit: RateLimit, burst: NonZeroU32) -> Quota {
    let per_request = limit.period / limit.count.get();
    Quota::with_period(per_request.max(Duration::from_nanos(1)))
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MAX))
        .allow_burst(burst)
}

fn wait(not_until: governor::NotUntil<governor::clock::QuantaInstant>) -> u64 {
    let wait = not_until.wait_time_from(DefaultClock::default().now());
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

impl RateLimiters {
    /// `limit` per address and route, of which `burst` may come at once.
    pub fn new(limit: RateLimit, burst: NonZeroU32) -> Self {
        let site_limit = RateLimit {
            count: limit
                .count
                .saturating_mul(NonZeroU32::MIN.saturating_add(SITE_FACTOR - 1)),
            period: limit.period,
        };
        let site_burst = burst.saturating_mul(NonZeroU32::MIN.saturating_add(SITE_FACTOR - 1));
        Self {
            limiter: RateLimiter::keyed(quota(limit, burst)),
            sites: RateLimiter::keyed(quota(site_limit, site_burst)),
        }
    }

    /// `Err(seconds to wait)` when the client at `ip` has used up its budget on `route`: its
    /// address's ([`domain::bucket`]) or, for IPv6, its site's ([`domain::site_bucket`]).
    pub fn check(&self, route: &'static str, ip: IpAddr) -> Result<(), u64> {
        self.limiter
            .check_key(&(route, domain::bucket(ip)))
            .map_err(wait)?;
        match domain::site_bucket(ip) {
            Some(site) => self.sites.check_key(&(route, site)).map_err(wait),
            None => Ok(()),
        }
    }

    /// Forgets addresses whose buckets are full again, so memory follows active clients only.
    pub fn forget_idle(&self) {
        for limiter in [&self.limiter, &self.sites] {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }
}

/// Route middleware: counts the requests that reach the route it wraps under `route`, per
/// client address. Use as `.wrap(from_fn(|req, next| ratelimit::limit("login", req, next)))`.
pub async fn limit(
    route: &'static str,
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let limiters = req
        .app_data::<Option<web::Data<RateLimiters>>>()
        .and_then(Option::as_ref);
    let proxies = req.app_data::<web::Data<TrustedProxies>>();
    if let (Some(limiters), Some(proxies)) = (limiters, proxies) {
        if let Some(ip) = proxies.client_ip(req.peer_addr().map(|a| a.ip()), req.headers()) {
            if let Err(retry_after) = limiters.check(route, ip) {
                log::info!("rate limit: route={route} ip={ip} retry_after={retry_after}s");
                // A response, not an error, so the outer middleware see it like any other.
                let refusal = ApiError::TooManyRequests { retry_after }.error_response();
                return Ok(req.into_response(refusal).map_into_right_body());
            }
        }
    }
    Ok(next.call(req).await?.map_into_left_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twenty_simultaneous_requests_pass_at_a_high_rate() {
        let limit = RateLimit::parse("1000000/min").unwrap().unwrap();
        let limiters = RateLimiters::new(limit, limit.default_burst());
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        for i in 0..20 {
            assert!(limiters.check("refresh", ip).is_ok(), "request {i}");
        }
    }

    #[test]
    fn the_burst_is_small_and_buckets_are_per_route_and_address() {
        let limit = RateLimit::parse("20/min").unwrap().unwrap();
        let limiters = RateLimiters::new(limit, limit.default_burst());
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        for _ in 0..5 {
            assert!(limiters.check("login", a).is_ok());
        }
        let wait = limiters.check("login", a).unwrap_err();
        assert!((1..=3).contains(&wait), "{wait}");
        assert!(limiters.check("login", b).is_ok());
        assert!(limiters.check("register", a).is_ok());
    }

    #[test]
    fn an_ipv6_site_gets_sixteen_budgets_however_many_64s_it_uses() {
        let limit = RateLimit::parse("20/min").unwrap().unwrap();
        let limiters = RateLimiters::new(limit, limit.default_burst());
        // A fresh /64 of the same /48 for every request: each /64 stays within its own burst.
        let passed = (0..1000u32)
            .filter(|i| {
                let ip: IpAddr = format!("2001:db8:7:{:x}::1", i).parse().unwrap();
                limiters.check("login", ip).is_ok()
            })
            .count();
        assert_eq!(passed, 5 * SITE_FACTOR as usize, "{passed}");
        let elsewhere: IpAddr = "2001:db8:8::1".parse().unwrap();
        assert!(limiters.check("login", elsewhere).is_ok());
    }
}
