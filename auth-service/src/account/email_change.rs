//! Changing the address, and taking a change back (docs/RECOVERY.md, Changing the address).
//!
//! A change waits in `pending_email` until the new address's link is used. The current address
//! is told at once, with a link that needs no session: it cancels the change while it waits, or
//! undoes it once made, and logs every device out. A new password (reset or change) ends a
//! pending change and every outstanding reset and verification link, so a thief's change does
//! not survive the owner's reset.

use super::verification::NOTICE_LIFETIME;
use super::{AccountError, Accounts};
use crate::db::audit::{self, AuditEvent, AuditKind};
use crate::db::email_tokens::{self, EMAIL_CHANGE_CANCEL, EMAIL_VERIFICATION, PASSWORD_RESET};
use crate::db::models::UserRow;
use crate::db::outbox::{self, CHANGE_NOTICE_REQUEST, VERIFICATION_REQUEST};
use crate::db::{self, events, sessions, users};
use crate::domain::{ClientInfo, LinkToken};
use crate::mail;
use chrono::{DateTime, Utc};
use diesel::{Connection, PgConnection, QueryResult};
use serde::Serialize;
use uuid::Uuid;

/// What a cancel link did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CancelOutcome {
    /// The change was waiting for verification; it is gone.
    Cancelled,
    /// The change was made; the address is the one the link was mailed to again.
    Reverted,
    /// Nothing was pending and the address is unchanged.
    NothingPending,
}

/// Ends what a new password must end: a pending email change, the unsent mails of its links, and
/// every unused reset and verification link. The cancel links of change notices stay: they are
/// the owner's way back when someone else set the password.
pub(super) fn end_pending_links(
    conn: &mut PgConnection,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    email_tokens::retire(conn, user_id, PASSWORD_RESET, now)?;
    drop_pending_change(conn, user_id, now)
}

/// Cancels a pending change: its verification links (sent or not) and its notice, if unsent.
fn drop_pending_change(
    conn: &mut PgConnection,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    email_tokens::retire(conn, user_id, EMAIL_VERIFICATION, now)?;
    outbox::drop_links(conn, user_id, VERIFICATION_REQUEST)?;
    outbox::drop_links(conn, user_id, CHANGE_NOTICE_REQUEST)?;
    users::set_pending_email(conn, user_id, None, now)?;
    Ok(())
}

impl Accounts {
    /// Starts an email change inside the caller's transaction: older links are void, the new
    /// address waits in `pending_email` and is mailed its link, and the current address is told.
    pub(super) fn request_change(
        &self,
        conn: &mut PgConnection,
        user: &UserRow,
        new_email: &str,
        client: &ClientInfo,
    ) -> Result<UserRow, AccountError> {
        let now = Utc::now();
        if users::find_by_email(conn, new_email)?.is_some() {
            return Err(AccountError::Taken("email"));
        }
        email_tokens::retire(conn, user.id, EMAIL_VERIFICATION, now)?;
        outbox::drop_links(conn, user.id, VERIFICATION_REQUEST)?;
        let changed = users::set_pending_email(conn, user.id, Some(new_email), now)?;
        self.queue_verification(conn, user.id, new_email)?;
        let lifetime = self.outbox.settings().cancel_lifetime;
        outbox::enqueue_link(
            conn,
            CHANGE_NOTICE_REQUEST,
            &user.email,
            user.id,
            mail::expiry(lifetime).min(now + NOTICE_LIFETIME),
        )?;
        audit::record(
            conn,
            &AuditEvent::by(AuditKind::EmailChangeRequested, client).user(user.id),
        )?;
        Ok(changed)
    }

    /// Uses the link of a change notice: cancels the pending change, or undoes the change if
    /// it was made (unless another account took the old address meanwhile:
    /// [`AccountError::Taken`]), and ends every session of the account either way.
    pub async fn cancel_email_change(
        &self,
        token: Option<String>,
        client: ClientInfo,
    ) -> Result<CancelOutcome, AccountError> {
        let token = token
            .as_deref()
            .and_then(LinkToken::parse)
            .ok_or(AccountError::InvalidLinkToken)?;
        let hash = token.hash();
        let (user_id, outcome) = db::blocking(&self.pool, move |conn| {
            conn.transaction(|conn| {
                let now = Utc::now();
                let (user_id, address) =
                    email_tokens::consume(conn, &hash, EMAIL_CHANGE_CANCEL, now)?
                        .ok_or(AccountError::InvalidLinkToken)?;
                let user = users::find(conn, user_id)?;
                let mut reverted = None;
                let outcome = if user.pending_email.is_some() {
                    drop_pending_change(conn, user_id, now)?;
                    CancelOutcome::Cancelled
                } else if user.email != address {
                    if users::find_by_email(conn, &address)?.is_some() {
                        return Err(AccountError::Taken("email"));
                    }
                    let after = users::verify_email(conn, user_id, &address, now)?;
                    end_pending_links(conn, user_id, now)?;
                    reverted = Some(after);
                    CancelOutcome::Reverted
                } else {
                    CancelOutcome::NothingPending
                };
                let revoked = sessions::revoke_all_for_user(
                    conn,
                    user_id,
                    None,
                    "email_change_cancelled",
                    now,
                )?;
                let kind = match outcome {
                    CancelOutcome::Reverted => AuditKind::EmailChangeReverted,
                    _ => AuditKind::EmailChangeCancelled,
                };
                audit::record(
                    conn,
                    &AuditEvent::by(kind, &client)
                        .user(user_id)
                        .detail(serde_json::json!({
                            "sessions_revoked": revoked.len(),
                        })),
                )?;
                if let Some(after) = reverted {
                    events::user_updated(conn, &user, &after)?;
                }
                events::sessions_revoked(conn, user_id, &revoked, "email_change_cancelled")?;
                Ok::<_, AccountError>((user_id, outcome))
            })
        })
        .await?;
        log::info!("email change taken back: user_id={user_id} outcome={outcome:?}");
        Ok(outcome)
    }
}
