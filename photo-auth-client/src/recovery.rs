//! Account recovery and email verification (docs/API.md, auth-service): a password reset by a
//! link sent by mail, and the link that verifies an email address. The tokens of these links are
//! not the session's: a refused one is [`ApiCode::InvalidLinkToken`] (400), which never renews
//! or ends the session.
//!
//! [`ApiCode::InvalidLinkToken`]: crate::ApiCode::InvalidLinkToken

use crate::client::{expect_no_content, parse, Client};
use crate::error::ClientError;
use photo_auth_types::User;
use reqwest::Method;
use serde::Serialize;

#[derive(Serialize)]
struct ForgotBody<'a> {
    email: &'a str,
}

#[derive(Serialize)]
struct ResetBody<'a> {
    token: &'a str,
    new_password: &'a str,
}

#[derive(Serialize)]
struct VerifyBody<'a> {
    token: &'a str,
}

impl Client {
    /// Asks for a password-reset link to be mailed to `email`. The answer is the same whether
    /// or not an account uses the address, so it says nothing about who has an account.
    pub async fn forgot_password(&self, email: &str) -> Result<(), ClientError> {
        let response = self
            .auth(Method::POST, "/auth/password/forgot")
            .json(&ForgotBody { email })
            .send();
        expect_no_content(response.await?).await
    }

    /// Sets a new password with the token of a reset link. Every session of the account ends,
    /// so its owner logs in again; this client keeps whatever session it holds (the token does
    /// not say whose account it was), and its next call finds out whether that session ended.
    pub async fn reset_password(&self, token: &str, new_password: &str) -> Result<(), ClientError> {
        let response = self
            .auth(Method::POST, "/auth/password/reset")
            .json(&ResetBody {
                token,
                new_password,
            })
            .send();
        expect_no_content(response.await?).await
    }

    /// Verifies an email address with the token of a verification link, which needs no session
    /// (the link may be opened anywhere). Answers the account as it now is: verified, and with
    /// the new address if the link confirmed a change. When this client holds a session, its
    /// tokens are renewed, so the next access token says the address is verified; a failed
    /// renewal is logged and does not undo the verification's answer.
    pub async fn verify_email(&self, token: &str) -> Result<User, ClientError> {
        let response = self
            .auth(Method::POST, "/auth/email/verify")
            .json(&VerifyBody { token })
            .send();
        let user: User = parse(response.await?).await?;
        if let Err(e) = self.renew_if_logged_in().await {
            log::info!("the session was not renewed after the verification: {e}");
        }
        Ok(user)
    }

    /// Mails the logged-in user's verification link again: to the pending address when a
    /// change waits for one, else to the unverified address. 409 `conflict` when there is
    /// nothing to verify.
    pub async fn resend_verification(&self) -> Result<(), ClientError> {
        let response = self
            .authorized(|c, token| {
                c.auth(Method::POST, "/auth/email/verify/resend")
                    .bearer_auth(token)
            })
            .await?;
        expect_no_content(response).await
    }
}
