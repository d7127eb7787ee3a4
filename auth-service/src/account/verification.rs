//! Email verification (docs/RECOVERY.md, Email verification): a link mailed on registration,
//! on an email change and on request; using it marks the address verified, or makes the pending
//! address the account's.

use super::{AccountError, Accounts};
use crate::db::audit::{self, AuditEvent, AuditKind};
use crate::db::email_tokens::{self, NewEmailToken, EMAIL_VERIFICATION};
use crate::db::models::UserRow;
use crate::db::{self, outbox, users};
use crate::domain::{ClientInfo, LinkToken};
use crate::mail::{self, Mail};
use chrono::{DateTime, TimeDelta, Utc};
use diesel::{Connection, PgConnection, QueryResult};
use uuid::Uuid;

/// How long a notice about the account (no link in it) may wait for the mail server.
pub(super) const NOTICE_LIFETIME: TimeDelta = TimeDelta::days(2);

/// A verification link made ready outside the transaction (the random token, the rendered
/// mail), to be stored with [`VerificationLink::queue`] inside it.
pub(super) struct VerificationLink {
    token_hash: Vec<u8>,
    mail: Mail,
    expires_at: DateTime<Utc>,
}

impl VerificationLink {
    /// Stores the token for `email` and queues its mail to that address.
    pub(super) fn queue(
        &self,
        conn: &mut PgConnection,
        user_id: Uuid,
        email: &str,
    ) -> QueryResult<()> {
        email_tokens::insert(
            conn,
            &NewEmailToken {
                token_hash: &self.token_hash,
                purpose: EMAIL_VERIFICATION,
                user_id,
                email,
                expires_at: self.expires_at,
            },
        )?;
        outbox::enqueue(conn, &self.mail, email, self.expires_at)?;
        Ok(())
    }
}

impl Accounts {
    pub(super) fn verification_link(&self) -> VerificationLink {
        let token = LinkToken::generate();
        let lifetime = self.outbox.settings().verification_lifetime;
        VerificationLink {
            token_hash: token.hash(),
            mail: self.outbox.templates().email_verification(token.expose()),
            expires_at: mail::expiry(lifetime),
        }
    }

    /// Counts one requested mail to `recipient` against its limit.
    pub(super) fn allow_mail_to(&self, recipient: &str) -> Result<(), AccountError> {
        self.outbox
            .allow(recipient)
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
                    outbox::enqueue(conn, &notice, &before.email, now + NOTICE_LIFETIME)?;
                }
                audit::record(
                    conn,
                    &AuditEvent::by(AuditKind::EmailVerified, &client)
                        .user(user_id)
                        .detail(serde_json::json!({ "address_changed": changed })),
                )?;
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
    pub async fn resend_verification(&self, user_id: Uuid) -> Result<(), AccountError> {
        let user = self.profile(user_id).await?;
        let target = match (user.pending_email, user.email_verified) {
            (Some(pending), _) => pending,
            (None, false) => user.email,
            (None, true) => return Err(AccountError::NothingToVerify),
        };
        self.allow_mail_to(&target)?;
        let link = self.verification_link();
        db::blocking(&self.pool, move |conn| {
            Ok::<_, AccountError>(link.queue(conn, user_id, &target)?)
        })
        .await?;
        self.outbox.wake();
        log::info!("verification mail queued again: user_id={user_id}");
        Ok(())
    }
}

/// Starts an email change inside the caller's transaction: older links are void, the new
/// address waits in `pending_email`, and its link is queued.
pub(super) fn request_change(
    conn: &mut PgConnection,
    user_id: Uuid,
    new_email: &str,
    link: &VerificationLink,
    client: &ClientInfo,
) -> Result<UserRow, AccountError> {
    let now = Utc::now();
    if users::find_by_email(conn, new_email)?.is_some() {
        return Err(AccountError::Taken("email"));
    }
    email_tokens::retire(conn, user_id, EMAIL_VERIFICATION, now)?;
    let user = users::set_pending_email(conn, user_id, Some(new_email), now)?;
    link.queue(conn, user_id, new_email)?;
    audit::record(
        conn,
        &AuditEvent::by(AuditKind::EmailChangeRequested, client).user(user_id),
    )?;
    Ok(user)
}
