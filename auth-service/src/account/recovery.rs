//! Password reset by a mailed link (docs/RECOVERY.md, Password reset).

use super::email_change::end_pending_links;
use super::verification::NOTICE_LIFETIME;
use super::{AccountError, Accounts};
use crate::db::audit::{self, AuditEvent, AuditKind};
use crate::db::email_tokens::{self, PASSWORD_RESET};
use crate::db::{self, events, outbox, sessions, users};
use crate::domain::{ClientInfo, Email, InvalidFields, LinkToken, Password};
use chrono::Utc;
use diesel::Connection;

/// A reset: the link's token and a new password that follows the registration rule.
pub struct PasswordReset {
    token: LinkToken,
    new: Password,
}

impl PasswordReset {
    /// A token that cannot be one we issued is [`AccountError::InvalidLinkToken`], like an
    /// unknown one; the password is then checked against the rule.
    pub fn parse(token: Option<String>, new: Option<String>) -> Result<Self, AccountError> {
        let token = token
            .as_deref()
            .and_then(LinkToken::parse)
            .ok_or(AccountError::InvalidLinkToken)?;
        let new = match new {
            Some(p) => Password::parse(&p).map_err(|e| InvalidFields::one("new_password", &e))?,
            None => return Err(InvalidFields::one("new_password", "is required").into()),
        };
        Ok(Self { token, new })
    }
}

impl Accounts {
    /// Records a request for a reset link to `email`. The caller sees the same answer in the
    /// same time whether or not an account uses the address: the request path writes the same
    /// rows either way, and the mail worker, off the request path, makes the link (or nothing).
    /// The per-recipient limit counts unknown addresses too.
    pub async fn request_password_reset(
        &self,
        email: Email,
        client: ClientInfo,
    ) -> Result<(), AccountError> {
        self.allow_mail(email.as_str(), None, &client)?;
        let lifetime = self.outbox.settings().reset_lifetime;
        let expires_at = crate::mail::expiry(lifetime);
        db::blocking(&self.pool, move |conn| {
            Ok::<_, AccountError>(email_tokens::queue_reset_request(
                conn,
                email.as_str(),
                expires_at,
                client.ip.as_deref(),
                client.user_agent.as_deref(),
            )?)
        })
        .await?;
        self.outbox.wake();
        Ok(())
    }

    /// Sets the new password, ends every session of the account, a pending email change and
    /// every other reset and verification link, and queues the "password changed" notice, all in
    /// one transaction.
    pub async fn reset_password(
        &self,
        reset: PasswordReset,
        client: ClientInfo,
    ) -> Result<(), AccountError> {
        let token_hash = reset.token.hash();
        // A dead link costs no bcrypt.
        let check = token_hash.clone();
        db::blocking(&self.pool, move |conn| {
            email_tokens::usable(conn, &check, PASSWORD_RESET, Utc::now())?
                .ok_or(AccountError::InvalidLinkToken)
        })
        .await?;
        let hash = self.hash(reset.new.expose().to_owned()).await?;
        let notice = self.outbox.templates().password_changed();
        let (user_id, revoked) = db::blocking(&self.pool, move |conn| {
            conn.transaction(|conn| {
                let now = Utc::now();
                let (user_id, proven) =
                    email_tokens::consume(conn, &token_hash, PASSWORD_RESET, now)?
                        .ok_or(AccountError::InvalidLinkToken)?;
                let before = users::find(conn, user_id)?;
                let user = users::reset_password(conn, user_id, &hash, &proven, now)?;
                end_pending_links(conn, user_id, now)?;
                let revoked =
                    sessions::revoke_all_for_user(conn, user_id, None, "password_reset", now)?;
                audit::record(
                    conn,
                    &AuditEvent::by(AuditKind::PasswordReset, &client)
                        .user(user_id)
                        .detail(serde_json::json!({ "sessions_revoked": revoked.len() })),
                )?;
                outbox::enqueue(conn, &notice.outbox_row(&user.email, now + NOTICE_LIFETIME))?;
                events::user_updated(conn, &before, &user)?;
                events::sessions_revoked(conn, user_id, &revoked, "password_reset")?;
                Ok::<_, AccountError>((user_id, revoked.len()))
            })
        })
        .await?;
        self.outbox.wake();
        log::info!("password reset: user_id={user_id} sessions_revoked={revoked}");
        Ok(())
    }
}
