//! Per-address rate limits on `/auth/login`, `/auth/register` and `/auth/refresh` (on by
//! default: `RATE_LIMIT_PER_IP=20/min` with a burst of 5). The limiter is `governor`'s keyed
//! GCRA; each route has its own bucket per address. Over the limit: 429 with `Retry-After`.

use crate::client::TrustedProxies;
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

/// `RATE_LIMIT_PER_IP` parsed: `count` requests per `period`; `None` when switched off with `0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub count: NonZeroU32,
    pub period: Duration,
}

impl RateLimit {
    pub fn parse(input: &str) -> Result<Option<Self>, String> {
        let text = input.trim();
        if text == "0" || text.eq_ignore_ascii_case("off") {
            return Ok(None);
        }
        let (count, unit) = text
            .split_once('/')
            .ok_or_else(|| format!("a rate like 20/min, not {text:?}"))?;
        let count: u32 = count
            .trim()
            .parse()
            .map_err(|_| format!("a whole number before '/', not {count:?}"))?;
        let period = match unit.trim() {
            "s" | "sec" | "second" => Duration::from_secs(1),
            "m" | "min" | "minute" => Duration::from_secs(60),
            "h" | "hour" => Duration::from_secs(3600),
            other => return Err(format!("a unit of sec, min or hour, not {other:?}")),
        };
        Ok(NonZeroU32::new(count).map(|count| Self { count, period }))
    }
}

/// Burst allowed on top of the steady rate: small, so a client cannot spend a minute's budget
/// in one go.
const MAX_BURST: u32 = 5;

pub struct RateLimiters {
    limiter: DefaultKeyedRateLimiter<(&'static str, IpAddr)>,
}

impl RateLimiters {
    pub fn new(limit: RateLimit) -> Self {
        let per_request = limit.period / limit.count.get();
        let burst = NonZeroU32::new(limit.count.get().min(MAX_BURST)).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::with_period(per_request.max(Duration::from_nanos(1)))
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MAX))
            .allow_burst(burst);
        Self {
            limiter: RateLimiter::keyed(quota),
        }
    }

    /// `Err(seconds to wait)` when `ip` has used up its budget on `route`.
    pub fn check(&self, route: &'static str, ip: IpAddr) -> Result<(), u64> {
        self.limiter.check_key(&(route, ip)).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
        })
    }

    /// Forgets addresses whose buckets are full again, so memory follows active clients only.
    pub fn forget_idle(&self) {
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
    }
}

fn limited_route(path: &str) -> Option<&'static str> {
    match path {
        "/auth/login" => Some("login"),
        "/auth/register" => Some("register"),
        "/auth/refresh" => Some("refresh"),
        _ => None,
    }
}

/// Middleware: counts requests to the limited routes per client address.
pub async fn limit(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    if let Some(route) = limited_route(req.path()) {
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
    }
    Ok(next.call(req).await?.map_into_left_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_parse_and_zero_switches_off() {
        assert_eq!(
            RateLimit::parse("20/min").unwrap(),
            Some(RateLimit {
                count: NonZeroU32::new(20).unwrap(),
                period: Duration::from_secs(60)
            })
        );
        assert_eq!(RateLimit::parse("0").unwrap(), None);
        for bad in ["20", "x/min", "20/fortnight", "-1/min"] {
            assert!(RateLimit::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_burst_is_small_and_buckets_are_per_route_and_address() {
        let limiters = RateLimiters::new(RateLimit::parse("20/min").unwrap().unwrap());
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
}
