//! The gauges and counters of following the feed (docs/OPERATIONS.md, Metrics).

use super::list::Standing;
use prometheus::{IntCounter, IntGauge, IntGaugeVec, Opts};
use service_kit::Metrics;

#[derive(Clone)]
pub struct FeedMetrics {
    up: IntGauge,
    entries: IntGaugeVec,
    complete_as_of: IntGauge,
    pub events: IntCounter,
    pub failures: IntCounter,
}

impl FeedMetrics {
    pub fn register(metrics: &Metrics) -> Result<Self, prometheus::Error> {
        let up = IntGauge::new(
            "revocation_feed_up",
            "Whether auth-service's event feed answers (1) or not (0: the last list is kept)",
        )?;
        let entries = IntGaugeVec::new(
            Opts::new(
                "revocation_list_entries",
                "Revoked sessions and deleted accounts held, by kind",
            ),
            &["kind"],
        )?;
        let complete_as_of = IntGauge::new(
            "revocation_list_complete_as_of_seconds",
            "Unix time up to which every revocation is in the list",
        )?;
        let events = IntCounter::new(
            "revocation_feed_events_total",
            "Events read from the feed into the revocation list",
        )?;
        let failures = IntCounter::new(
            "revocation_feed_failures_total",
            "Requests to the event feed that failed",
        )?;
        metrics.register(up.clone())?;
        metrics.register(entries.clone())?;
        metrics.register(complete_as_of.clone())?;
        metrics.register(events.clone())?;
        metrics.register(failures.clone())?;
        Ok(Self {
            up,
            entries,
            complete_as_of,
            events,
            failures,
        })
    }

    pub fn show(&self, standing: &Standing) {
        self.up.set(i64::from(standing.reachable));
        self.entries
            .with_label_values(&["session"])
            .set(standing.sessions as i64);
        self.entries
            .with_label_values(&["user"])
            .set(standing.users as i64);
        self.complete_as_of.set(standing.complete_as_of);
    }
}
