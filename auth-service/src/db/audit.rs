//! Inserts into `audit_events`, always inside the transaction of the event recorded.

use crate::db::schema::audit_events;
use diesel::prelude::*;
use uuid::Uuid;

/// What happened. Stored as its `as_str()` name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditKind {
    Registered,
    LoginSucceeded,
    LoginFailed,
    LoginThrottled,
    RefreshReuseDetected,
    SessionRevoked,
    LogoutAll,
    PasswordChanged,
    AccountDeleted,
    RoleGranted,
    PasswordResetRequested,
    PasswordReset,
    EmailChangeRequested,
    EmailVerified,
    EmailChangeCancelled,
    EmailChangeReverted,
    Reauthenticated,
}

impl AuditKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Registered => "registered",
            Self::LoginSucceeded => "login_succeeded",
            Self::LoginFailed => "login_failed",
            Self::LoginThrottled => "login_throttled",
            Self::RefreshReuseDetected => "refresh_reuse_detected",
            Self::SessionRevoked => "session_revoked",
            Self::LogoutAll => "logout_all",
            Self::PasswordChanged => "password_changed",
            Self::AccountDeleted => "account_deleted",
            Self::RoleGranted => "role_granted",
            Self::PasswordResetRequested => "password_reset_requested",
            Self::PasswordReset => "password_reset",
            Self::EmailChangeRequested => "email_change_requested",
            Self::EmailVerified => "email_verified",
            Self::EmailChangeCancelled => "email_change_cancelled",
            Self::EmailChangeReverted => "email_change_reverted",
            Self::Reauthenticated => "reauthenticated",
        }
    }
}

/// One audit row. `detail` holds counts and reasons, never a password or a token.
pub struct AuditEvent<'a> {
    pub kind: AuditKind,
    pub user_id: Option<Uuid>,
    pub session_id: Option<Uuid>,
    pub ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    pub detail: Option<serde_json::Value>,
}

impl<'a> AuditEvent<'a> {
    /// An event caused by the request of `client`.
    pub fn by(kind: AuditKind, client: &'a crate::domain::ClientInfo) -> Self {
        Self {
            kind,
            user_id: None,
            session_id: None,
            ip: client.ip.as_deref(),
            user_agent: client.user_agent.as_deref(),
            detail: None,
        }
    }

    pub fn user(mut self, id: Uuid) -> Self {
        self.user_id = Some(id);
        self
    }

    pub fn session(mut self, id: Uuid) -> Self {
        self.session_id = Some(id);
        self
    }

    pub fn detail(mut self, detail: serde_json::Value) -> Self {
        self.detail = Some(detail);
        self
    }
}

pub fn record(conn: &mut PgConnection, event: &AuditEvent<'_>) -> QueryResult<()> {
    diesel::insert_into(audit_events::table)
        .values((
            audit_events::kind.eq(event.kind.as_str()),
            audit_events::user_id.eq(event.user_id),
            audit_events::session_id.eq(event.session_id),
            audit_events::ip.eq(event.ip),
            audit_events::user_agent.eq(event.user_agent),
            audit_events::detail.eq(&event.detail),
        ))
        .execute(conn)
        .map(|_| ())
}
