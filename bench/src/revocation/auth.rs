//! The auth-service calls the revocation benchmark makes (docs/API.md, auth-service), and the
//! reset link read back from the `.eml` files of `MAIL_DIR`.

use crate::Error;
use reqwest::{Client, Response, StatusCode};
use serde_json::{json, Value};
use std::collections::HashSet;
use std::ffi::OsString;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// A logged-in session: its access token and id.
pub struct Session {
    pub access: String,
    pub id: String,
}

#[derive(Clone)]
pub struct Auth {
    client: Client,
    base: String,
}

/// `response` when its status is `expected`, else an error naming `what`.
async fn expect(response: Response, expected: StatusCode, what: &str) -> Result<Response, Error> {
    match response.status() {
        status if status == expected => Ok(response),
        status => {
            let body = response.text().await.unwrap_or_default();
            Err(format!("{what}: {status} {body}").into())
        }
    }
}

impl Auth {
    pub fn new(base: &str) -> Self {
        Self {
            client: Client::new(),
            base: base.trim_end_matches('/').to_owned(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The address `register` gives `name`.
    pub fn email(name: &str) -> String {
        format!("{name}@revocation.example")
    }

    pub async fn register(&self, name: &str, password: &str) -> Result<(), Error> {
        let body = json!({
            "username": name, "email": Self::email(name), "password": password, "full_name": name,
        });
        let response = self
            .client
            .post(self.url("/auth/register"))
            .json(&body)
            .send()
            .await?;
        expect(response, StatusCode::CREATED, "register").await?;
        Ok(())
    }

    pub async fn login(&self, name: &str, password: &str) -> Result<Session, Error> {
        let body = json!({"username": name, "password": password});
        let response = self
            .client
            .post(self.url("/auth/login"))
            .json(&body)
            .send()
            .await?;
        let tokens: Value = expect(response, StatusCode::OK, "login")
            .await?
            .json()
            .await?;
        match (
            tokens["access_token"].as_str(),
            tokens["session_id"].as_str(),
        ) {
            (Some(access), Some(id)) => Ok(Session {
                access: access.to_owned(),
                id: id.to_owned(),
            }),
            _ => Err("login: no access_token or session_id in the answer".into()),
        }
    }

    pub async fn logout_all(&self, session: &Session) -> Result<(), Error> {
        let response = self
            .client
            .post(self.url("/auth/logout-all"))
            .bearer_auth(&session.access)
            .send()
            .await?;
        expect(response, StatusCode::NO_CONTENT, "logout-all").await?;
        Ok(())
    }

    /// `DELETE /auth/sessions/{id}`, asked by another session of the same user.
    pub async fn delete_session(&self, by: &Session, id: &str) -> Result<(), Error> {
        let response = self
            .client
            .delete(self.url(&format!("/auth/sessions/{id}")))
            .bearer_auth(&by.access)
            .send()
            .await?;
        expect(response, StatusCode::NO_CONTENT, "delete session").await?;
        Ok(())
    }

    pub async fn forgot(&self, email: &str) -> Result<(), Error> {
        let response = self
            .client
            .post(self.url("/auth/password/forgot"))
            .json(&json!({"email": email}))
            .send()
            .await?;
        expect(response, StatusCode::ACCEPTED, "forgot").await?;
        Ok(())
    }

    pub async fn reset(&self, token: &str, new_password: &str) -> Result<(), Error> {
        let body = json!({"token": token, "new_password": new_password});
        let response = self
            .client
            .post(self.url("/auth/password/reset"))
            .json(&body)
            .send()
            .await?;
        expect(response, StatusCode::NO_CONTENT, "reset").await?;
        Ok(())
    }

    /// `DELETE /auth/me`; `session` must come from a recent login (docs/TOKENS.md, Recent login).
    pub async fn delete_account(&self, session: &Session, password: &str) -> Result<(), Error> {
        let response = self
            .client
            .delete(self.url("/auth/me"))
            .bearer_auth(&session.access)
            .json(&json!({"password": password}))
            .send()
            .await?;
        expect(response, StatusCode::NO_CONTENT, "delete account").await?;
        Ok(())
    }
}

/// auth-service's `MAIL_DIR`, read as the reset mails arrive.
pub struct Mailbox {
    dir: PathBuf,
    /// Files already read whole: each is looked at once.
    seen: HashSet<OsString>,
}

/// The link's route in a reset mail (docs/RECOVERY.md, Password reset).
const RESET_LINK: &str = "/#/reset-password?token=";

impl Mailbox {
    pub fn new(dir: PathBuf) -> Self {
        Self {
            dir,
            seen: HashSet::new(),
        }
    }

    /// The token of a reset mail to `email` that arrived since the last call, waiting for it up
    /// to `within`. The mail's plain-text part is not transfer-encoded, so the link reads whole
    /// in the raw file (auth-service/src/mail/transport.rs, `plain_part`).
    pub async fn reset_token(&mut self, email: &str, within: Duration) -> Result<String, Error> {
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            for entry in std::fs::read_dir(&self.dir)? {
                let entry = entry?;
                let name = entry.file_name();
                if self.seen.contains(&name) || !name.to_string_lossy().ends_with(".eml") {
                    continue;
                }
                let raw = std::fs::read_to_string(entry.path()).unwrap_or_default();
                // A file is written in one go, but may be caught empty or half written: it is
                // read again until its multipart body's closing boundary is there.
                if !raw.trim_end().ends_with("--") {
                    continue;
                }
                self.seen.insert(name);
                if let (true, Some((_, rest))) = (raw.contains(email), raw.split_once(RESET_LINK)) {
                    let token: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
                        .collect();
                    if !token.is_empty() {
                        return Ok(token);
                    }
                }
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        Err(format!("no reset mail to {email} in MAIL_DIR within {within:?}").into())
    }
}
