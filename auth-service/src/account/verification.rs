//! Email verification (docs/RECOVERY.md, Email verification): a link mailed on registration,
//! on an email change and on request; using it marks the address verified, or makes the pending
//! address the account's.

use super::{AccountError, Accounts};
use crate::db::audit::{self, AuditEvent, AuditKind};
use crate::db::email_tokens::{self, EMAIL_VERIFICATION};
use crate::db::models::UserRow;
use crate::db::outbox::{self, VERIFICATION_REQUEST};
use crate::db::{self, events, users};
use crate::domain::{ClientInfo, LinkToken};
use crate::mail::{self, MailAsk};
use chrono::{TimeDelta, Utc};
use diesel::{Connection, PgConnection, QueryResult};
use uuid::Uuid;

/// How long a notice about the account (no link in it) may wait for the mail server.
pub(super) const NOTICE_LIFETIME: TimeDelta = TimeDelta::days(2);

impl Accounts {
    /// Queues the verification mail of `email` for the account, inside the caller's transaction;
    /// its link is made when it is sent (docs/RECOVERY.md, Mail delivery).
    pub(super) fn queue_verification(
        &self,
        conn: &mut PgConnection,
        user_id: Uuid,
        email: &str,
    ) -> QueryResult<usize> {
        let lifetime = self.outbox.settings().verification_lifetime;
        outbox::enqueue_link(
            conn,
            VERIFICATION_REQUEST,
            email,
            user_id,
            mail::expiry(lifetime),
        )
    }

    /// Counts one requested mail to `recipient`, asked by `account` (if signed in) from
    /// `client`, against every mail budget (docs/RECOVERY.md, Limits).
    pub(super) fn allow_mail(
        &self,
        recipient: &str,
        account: Option<Uuid>,
        client: &ClientInfo,
    ) -> Result<(), AccountError> {
        let client = client.throttle_key();
        self.outbox
            .allow(&MailAsk {
                recipient,
                account,
                client: &client,
            })
            .map_err(|retry_after| AccountError::TooManyMails { retry_after })
    }

    /// Uses a verification link. The pending address replaces the old one only now; if another
    /// account took it meanwhile, that is [`AccountError::Taken`] and the link stays usable.
    pub async fn verify_email(
        &self,
        token: Option<String>,
        client: ClientInfo,
    ) -> Result<UserRow, AccountError> {
        let token = token
            .as_deref()
            .and_then(LinkToken::parse)
            .ok_or(AccountError::InvalidLinkToken)?;
        let hash = token.hash();
        let mail = self.outbox.clone();
        let user = db::blocking(&self.pool, move |conn| {
            conn.transaction(|conn| {
                let now = Utc::now();
                let (user_id, email) = email_tokens::consume(conn, &hash, EMAIL_VERIFICATION, now)?
                    .ok_or(AccountError::InvalidLinkToken)?;
                let before = users::find(conn, user_id)?;
                let changed = before.email != email;
                if changed && before.pending_email.as_deref() != Some(email.as_str()) {
                    // A link to an address the owner has since changed their mind about.
                    return Err(AccountError::InvalidLinkToken);
                }
                let user = users::verify_email(conn, user_id, &email, now)?;
                if changed {
                    // The old address learns of the change: the owner's last line of defence
                    // when someone else changed it.
                    let notice = mail.templates().email_changed(&email);
                    outbox::enqueue(
                        conn,
                        &notice.outbox_row(&before.email, now + NOTICE_LIFETIME),
                    )?;
                }
                audit::record(
                    conn,
                    &AuditEvent::by(AuditKind::EmailVerified, &client)
                        .user(user_id)
                        .detail(serde_json::json!({ "address_changed": changed })),
                )?;
                events::user_updated(conn, &before, &user)?;
                Ok::<_, AccountError>(user)
            })
        })
        .await?;
        self.outbox.wake();
        log::info!("email verified: user_id={}", user.id);
        Ok(user)
    }

    /// Mails a new link for what waits for verification: the pending address, or the account's
    /// own while it is unverified.
    pub async fn resend_verification(
        &self,
        user_id: Uuid,
        client: ClientInfo,
    ) -> Result<(), AccountError> {
        let user = self.profile(user_id).await?;
        let target = match (user.pending_email, user.email_verified) {
            (Some(pending), _) => pending,
            (None, false) => user.email,
            (None, true) => return Err(AccountError::NothingToVerify),
        };
        self.allow_mail(&target, Some(user_id), &client)?;
        let this = self.clone();
        db::blocking(&self.pool, move |conn| {
            Ok::<_, AccountError>(this.queue_verification(conn, user_id, &target)?)
        })
        .await?;
        self.outbox.wake();
        log::info!("verification mail queued again: user_id={user_id}");
        Ok(())
    }
}
