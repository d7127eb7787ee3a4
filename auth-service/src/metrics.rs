//! auth-service's domain counters, registered in the application's [`service_kit::Metrics`].

use prometheus::{IntCounterVec, Opts};
use service_kit::Metrics;

/// How a login attempt ended.
#[derive(Debug, Clone, Copy)]
pub enum LoginOutcome {
    Succeeded,
    Failed,
    Throttled,
}

/// How a presented refresh token was handled.
#[derive(Debug, Clone, Copy)]
pub enum RefreshOutcome {
    Rotated,
    GraceReissued,
    ReuseDetected,
    Rejected,
}

pub struct AuthMetrics {
    logins: IntCounterVec,
    refreshes: IntCounterVec,
}

impl AuthMetrics {
    pub fn register(metrics: &Metrics) -> Result<Self, prometheus::Error> {
        let logins = IntCounterVec::new(
            Opts::new("auth_logins_total", "Password logins by outcome"),
            &["outcome"],
        )?;
        let refreshes = IntCounterVec::new(
            Opts::new(
                "auth_refresh_total",
                "Refresh-token presentations by outcome",
            ),
            &["outcome"],
        )?;
        metrics.register(logins.clone())?;
        metrics.register(refreshes.clone())?;
        // Every outcome is exported from the start, at zero, so dashboards and alerts on rates
        // work before the first event.
        for outcome in ["succeeded", "failed", "throttled"] {
            logins.with_label_values(&[outcome]);
        }
        for outcome in ["rotated", "grace_reissued", "reuse_detected", "rejected"] {
            refreshes.with_label_values(&[outcome]);
        }
        Ok(Self { logins, refreshes })
    }

    pub fn login(&self, outcome: LoginOutcome) {
        let label = match outcome {
            LoginOutcome::Succeeded => "succeeded",
            LoginOutcome::Failed => "failed",
            LoginOutcome::Throttled => "throttled",
        };
        self.logins.with_label_values(&[label]).inc();
    }

    pub fn refresh(&self, outcome: RefreshOutcome) {
        let label = match outcome {
            RefreshOutcome::Rotated => "rotated",
            RefreshOutcome::GraceReissued => "grace_reissued",
            RefreshOutcome::ReuseDetected => "reuse_detected",
            RefreshOutcome::Rejected => "rejected",
        };
        self.refreshes.with_label_values(&[label]).inc();
    }
}
