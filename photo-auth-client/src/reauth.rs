//! Recent login (docs/TOKENS.md, Recent login): deleting the account or its data and changing the
//! password or the email need a login no older than the services' `REAUTH_WINDOW`. An older one
//! is refused with [`ApiCode::ReauthRequired`]; [`Client::reauthenticate`] proves the password
//! again in the same session, and the refused call can be sent once more.
//!
//! [`ApiCode::ReauthRequired`]: crate::ApiCode::ReauthRequired

use crate::client::{parse, Client};
use crate::error::ClientError;
use photo_auth_types::{TokenResponse, User};
use reqwest::Method;
use serde::Serialize;

#[derive(Serialize)]
struct ReauthenticateBody<'a> {
    password: &'a str,
}

impl Client {
    /// Proves `password` again in the session held (`POST /auth/reauthenticate`): the new access
    /// token says the login is recent, and the session keeps its refresh token. A wrong password
    /// is [`ApiCode::Forbidden`](crate::ApiCode::Forbidden), with `Retry-After` once the account
    /// is in backoff, and leaves the session as it was.
    pub async fn reauthenticate(&self, password: &str) -> Result<User, ClientError> {
        let response = self
            .authorized(|c, token| {
                c.auth(Method::POST, "/auth/reauthenticate")
                    .bearer_auth(token)
                    .json(&ReauthenticateBody { password })
            })
            .await?;
        let tokens: TokenResponse = parse(response).await?;
        let user = tokens.user.clone();
        self.keep_access(tokens).await?;
        Ok(user)
    }
}
