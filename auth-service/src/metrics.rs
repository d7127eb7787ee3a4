//! auth-service's domain counters, registered in the application's [`service_kit::Metrics`].

use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts};
use service_kit::Metrics;
use std::time::Duration;

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

/// What became of one attempt to post an event to a webhook endpoint, or of the event there
/// (docs/EVENTS.md, Webhooks).
#[derive(Debug, Clone, Copy)]
pub enum WebhookOutcome {
    /// A 2xx answer: the endpoint has the event.
    Delivered,
    /// No 2xx answer (an error status, a redirect, a timeout, no connection); tried again later.
    Failed,
    /// The endpoint's address is not one webhooks may reach; tried again later.
    Refused,
    /// The event was tried `WEBHOOK_MAX_ATTEMPTS` times; the endpoint goes on without it.
    GaveUp,
}

pub struct AuthMetrics {
    logins: IntCounterVec,
    refreshes: IntCounterVec,
    mails: IntCounterVec,
    outbox_depth: IntGauge,
    outbox_oldest: IntGauge,
    webhook_deliveries: IntCounterVec,
    webhook_seconds: HistogramVec,
    webhook_backlog: IntGaugeVec,
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
        // Labelled by the endpoint's host[:port], which comes from WEBHOOK_URLS: as many series
        // as configured endpoints.
        let webhook_deliveries = IntCounterVec::new(
            Opts::new(
                "webhook_deliveries_total",
                "Webhook delivery attempts (delivered, failed, refused) and events given up on \
                 (gave_up), by endpoint",
            ),
            &["endpoint", "outcome"],
        )?;
        let webhook_seconds = HistogramVec::new(
            HistogramOpts::new(
                "webhook_delivery_seconds",
                "How long one webhook delivery attempt took, whatever its outcome",
            )
            .buckets(vec![
                0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0,
            ]),
            &["endpoint"],
        )?;
        let webhook_backlog = IntGaugeVec::new(
            Opts::new(
                "webhook_backlog_events",
                "Events in the log not yet delivered to the endpoint, as counted by the \
                 instance delivering to it (0 on the others)",
            ),
            &["endpoint"],
        )?;
        metrics.register(webhook_deliveries.clone())?;
        metrics.register(webhook_seconds.clone())?;
        metrics.register(webhook_backlog.clone())?;
        Ok(Self {
            logins,
            refreshes,
            mails,
            outbox_depth,
            outbox_oldest,
            webhook_deliveries,
            webhook_seconds,
            webhook_backlog,
        })
    }

    /// Exports the series of one webhook endpoint at zero, before its first event.
    pub fn webhook_endpoint(&self, endpoint: &str) {
        for outcome in ["delivered", "failed", "refused", "gave_up"] {
            self.webhook_deliveries
                .with_label_values(&[endpoint, outcome]);
        }
        self.webhook_seconds.with_label_values(&[endpoint]);
        self.webhook_backlog.with_label_values(&[endpoint]).set(0);
    }

    pub fn webhook(&self, endpoint: &str, outcome: WebhookOutcome) {
        let label = match outcome {
            WebhookOutcome::Delivered => "delivered",
            WebhookOutcome::Failed => "failed",
            WebhookOutcome::Refused => "refused",
            WebhookOutcome::GaveUp => "gave_up",
        };
        self.webhook_deliveries
            .with_label_values(&[endpoint, label])
            .inc();
    }

    pub fn webhook_attempt_took(&self, endpoint: &str, took: Duration) {
        self.webhook_seconds
            .with_label_values(&[endpoint])
            .observe(took.as_secs_f64());
    }

    pub fn webhook_backlog(&self, endpoint: &str, events: i64) {
        self.webhook_backlog
            .with_label_values(&[endpoint])
            .set(events);
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
