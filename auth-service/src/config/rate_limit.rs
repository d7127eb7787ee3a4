//! `RATE_LIMIT_PER_IP` and the mail budgets are rates written `20/min`: this is their value type.
//! The limiters that enforce them are `http/rate_limit.rs` and `mail/limits.rs`.

use std::num::NonZeroU32;
use std::time::Duration;

/// `RATE_LIMIT_PER_IP` parsed: `count` requests per `period`; `None` when switched off with `0`.
/// The smallest default burst: a page load's few parallel calls always pass.
const MIN_BURST: u32 = 5;

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

    /// The burst when `RATE_LIMIT_BURST` is not set: a quarter of one period's budget (at least
    /// [`MIN_BURST`], at most the whole budget), so it grows with the rate: 5 at `20/min`, 25 at
    /// `100/min`. Many tabs, or many users behind one NAT, refresh at once.
    pub fn default_burst(&self) -> NonZeroU32 {
        let count = self.count.get();
        NonZeroU32::new((count / 4).max(MIN_BURST).min(count)).unwrap_or(NonZeroU32::MIN)
    }
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
    fn the_default_burst_follows_the_rate() {
        let burst = |rate: &str| {
            RateLimit::parse(rate)
                .unwrap()
                .unwrap()
                .default_burst()
                .get()
        };
        assert_eq!(burst("20/min"), 5);
        assert_eq!(burst("3/min"), 3);
        assert_eq!(burst("100/min"), 25);
        assert_eq!(burst("1000000/min"), 250_000);
    }
}
