//! Link mails are made when they are sent (docs/RECOVERY.md, Mail delivery): the outbox holds only
//! the request (kind, recipient, account), and the worker makes the token, stores its hash and
//! renders the mail in memory right before handing it to the mail server. A copy of the outbox
//! opens nothing; a link mail whose purpose is gone (the change cancelled, the password reset
//! meanwhile, no account at the address) is dropped unsent.

use super::{Mail, Outbox};
use crate::db::outbox::{QueuedMail, CHANGE_NOTICE_REQUEST, RESET_REQUEST, VERIFICATION_REQUEST};
use crate::db::{self, email_tokens, PgPool};
use crate::domain::LinkToken;
use service_kit::DbError;

/// A link mail ready to go, and the hash of its token, retired if the mail does not go out.
pub struct LinkMail {
    pub mail: Mail,
    pub token_hash: Vec<u8>,
}

/// Whether rows of `kind` are link requests, rendered only when sent.
pub fn is_link(kind: &str) -> bool {
    [RESET_REQUEST, VERIFICATION_REQUEST, CHANGE_NOTICE_REQUEST].contains(&kind)
}

/// Makes the token of `row`'s link and renders its mail; `None` when the account no longer
/// wants it.
pub async fn render(
    pool: &PgPool,
    outbox: &Outbox,
    row: &QueuedMail,
) -> Result<Option<LinkMail>, DbError> {
    let settings = outbox.settings();
    let lifetime = match row.kind.as_str() {
        RESET_REQUEST => settings.reset_lifetime,
        CHANGE_NOTICE_REQUEST => settings.cancel_lifetime,
        _ => settings.verification_lifetime,
    };
    let token = LinkToken::generate();
    let token_hash = token.hash();
    let (kind, recipient, user_id) = (row.kind.clone(), row.recipient.clone(), row.user_id);
    let hash = token_hash.clone();
    let expires_at = super::expiry(lifetime);
    let minted = db::blocking(pool, move |conn| {
        Ok::<_, DbError>(email_tokens::mint(
            conn, &kind, &recipient, user_id, &hash, expires_at,
        )?)
    })
    .await?;
    let Some(minted) = minted else {
        return Ok(None);
    };
    let templates = outbox.templates();
    let mail = match row.kind.as_str() {
        RESET_REQUEST => templates.password_reset(token.expose()),
        CHANGE_NOTICE_REQUEST => {
            let new_email = minted.pending_email.unwrap_or_default();
            templates.email_change_requested(&new_email, token.expose())
        }
        _ => templates.email_verification(token.expose()),
    };
    Ok(Some(LinkMail { mail, token_hash }))
}
