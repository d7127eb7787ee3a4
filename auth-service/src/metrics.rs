//! auth-service's domain counters, registered in the application's [`service_kit::Metrics`].

use prometheus::{IntCounterVec, IntGauge, Opts};
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

/// What became of one attempt to send a queued mail (docs/RECOVERY.md, Mail delivery).
#[derive(Debug, Clone, Copy)]
pub enum MailOutcome {
    Sent,
    /// Failed for now; it is tried again later.
    Retried,
    /// Refused for good by the mail server, or its link expired before it could be sent.
    Dropped,
}

pub struct AuthMetrics {
    logins: IntCounterVec,
    refreshes: IntCounterVec,
    mails: IntCounterVec,
    outbox_depth: IntGauge,
    outbox_oldest: IntGauge,
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
        let mails = IntCounterVec::new(
            Opts::new(
                "auth_mails_total",
                "Attempts to send queued mails by outcome",
            ),
            &["outcome"],
        )?;
        metrics.register(logins.clone())?;
        metrics.register(refreshes.clone())?;
        metrics.register(mails.clone())?;
        let outbox_depth = IntGauge::new(
            "auth_mail_outbox_depth",
            "Mails waiting in the outbox, as the mail worker last counted them",
        )?;
        let outbox_oldest = IntGauge::new(
            "auth_mail_outbox_oldest_age_seconds",
            "Age of the oldest unsent mail in the outbox (0 when it is empty)",
        )?;
        metrics.register(outbox_depth.clone())?;
        metrics.register(outbox_oldest.clone())?;
        for outcome in ["sent", "retried", "dropped"] {
            mails.with_label_values(&[outcome]);
        }
        // Every outcome is exported from the start, at zero, so dashboards and alerts on rates
        // work before the first event.
        for outcome in ["succeeded", "failed", "throttled"] {
            logins.with_label_values(&[outcome]);
        }
        for outcome in ["rotated", "grace_reissued", "reuse_detected", "rejected"] {
            refreshes.with_label_values(&[outcome]);
        }
        Ok(Self {
            logins,
            refreshes,
            mails,
            outbox_depth,
            outbox_oldest,
        })
    }

    pub fn mail(&self, outcome: MailOutcome) {
        let label = match outcome {
            MailOutcome::Sent => "sent",
            MailOutcome::Retried => "retried",
            MailOutcome::Dropped => "dropped",
        };
        self.mails.with_label_values(&[label]).inc();
    }

    /// The outbox as last counted: how many mails wait, and the oldest one's age in seconds.
    pub fn outbox(&self, depth: i64, oldest_age_seconds: i64) {
        self.outbox_depth.set(depth);
        self.outbox_oldest.set(oldest_age_seconds);
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
