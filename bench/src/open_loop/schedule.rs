//! The schedule of an open-loop run: when each request is due.

use crate::Error;
use std::time::Duration;

/// When each request of a run is due: request `i` at `i / rate` seconds after the start, for
/// the `i` with `i / rate < duration`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Schedule {
    rate: f64,
    total: u64,
}

impl Schedule {
    pub fn new(rate: f64, duration: Duration) -> Result<Self, Error> {
        if !(rate.is_finite() && rate > 0.0) {
            return Err(format!("open loop: rate must be above 0/s, not {rate}").into());
        }
        // Less a hair, so that 0.3 s x 10/s is the 3 requests it should be despite rounding.
        let total = (duration.as_secs_f64() * rate - 1e-9).ceil().max(0.0) as u64;
        Ok(Self { rate, total })
    }

    pub fn rate(&self) -> f64 {
        self.rate
    }

    /// How many requests the run sends.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// When request `i` is due, after the start.
    pub fn offset(&self, i: u64) -> Duration {
        Duration::from_secs_f64(i as f64 / self.rate)
    }

    /// The end (exclusive) of the batch of requests from `next` on that are due `elapsed` after
    /// the start. The timer wakes the dispatcher a millisecond or so late, and at thousands of
    /// requests a second several are due by then: all of them go out at once.
    pub fn due_until(&self, next: u64, elapsed: Duration) -> u64 {
        let mut end = next;
        while end < self.total && self.offset(end) <= elapsed {
            end += 1;
        }
        end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_i_is_due_at_i_over_the_rate() {
        let s = Schedule::new(1000.0, Duration::from_secs(2)).unwrap();
        assert_eq!(s.total(), 2000);
        assert_eq!(s.offset(0), Duration::ZERO);
        assert_eq!(s.offset(1), Duration::from_millis(1));
        assert_eq!(s.offset(1500), Duration::from_millis(1500));
        let s = Schedule::new(100.0, Duration::from_secs(1)).unwrap();
        assert_eq!(s.offset(7), Duration::from_millis(70));
        assert_eq!(s.total(), 100);
    }

    #[test]
    fn the_count_is_the_requests_due_before_the_end() {
        let count = |rate, ms| {
            Schedule::new(rate, Duration::from_millis(ms))
                .unwrap()
                .total()
        };
        assert_eq!(count(10.0, 300), 3);
        assert_eq!(count(10.0, 301), 4);
        assert_eq!(count(4.5, 10_000), 45);
        assert_eq!(count(1000.0, 0), 0);
        assert!(Schedule::new(0.0, Duration::from_secs(1)).is_err());
        assert!(Schedule::new(f64::NAN, Duration::from_secs(1)).is_err());
    }

    #[test]
    fn a_late_wake_up_releases_every_request_already_due() {
        let s = Schedule::new(1000.0, Duration::from_secs(1)).unwrap();
        // Woken 10.5 ms in: requests 0 to 10 are due.
        assert_eq!(s.due_until(0, Duration::from_micros(10_500)), 11);
        // On time for request 11 only.
        assert_eq!(s.due_until(11, Duration::from_millis(11)), 12);
        // Not yet.
        assert_eq!(s.due_until(12, Duration::from_micros(11_900)), 12);
        // Never past the end.
        assert_eq!(s.due_until(12, Duration::from_secs(5)), 1000);
    }
}
