//! Registration: a new account from four valid fields.

use super::{AccountError, Accounts};
use crate::db::audit::{self, AuditEvent, AuditKind};
use crate::db::models::{NewUser, UserRow};
use crate::db::{self, events, users};
use crate::domain::{ClientInfo, Email, FieldErrors, FullName, InvalidFields, Password, Username};
use diesel::Connection;
use uuid::Uuid;

/// A registration whose every field parsed.
pub struct Registration {
    pub username: Username,
    pub email: Email,
    pub full_name: FullName,
    pub password: Password,
}

impl Registration {
    /// Every field is required and must follow its type's rule; the error names each bad one.
    pub fn parse(
        username: Option<String>,
        email: Option<String>,
        full_name: Option<String>,
        password: Option<String>,
    ) -> Result<Self, InvalidFields> {
        let mut errors = FieldErrors::default();
        let mut field = |name: &str, value: Option<String>| {
            if value.is_none() {
                errors.missing(name);
            }
            value
        };
        let (u, e, f, p) = (
            field("username", username),
            field("email", email),
            field("full_name", full_name),
            field("password", password),
        );
        let username = u.and_then(|v| errors.check("username", Username::parse(&v)));
        let email = e.and_then(|v| errors.check("email", Email::parse(&v)));
        let full_name = f.and_then(|v| errors.check("full_name", FullName::parse(&v)));
        let password = p.and_then(|v| errors.check("password", Password::parse(&v)));
        errors.finish()?;
        match (username, email, full_name, password) {
            (Some(username), Some(email), Some(full_name), Some(password)) => Ok(Self {
                username,
                email,
                full_name,
                password,
            }),
            // `finish` above already refused any field that did not parse.
            _ => Err(InvalidFields::one("body", "is invalid")),
        }
    }
}

impl Accounts {
    /// Creates the account and queues the mail that verifies its address; a username or email already taken is [`AccountError::Taken`].
    pub async fn register(
        &self,
        registration: Registration,
        client: ClientInfo,
    ) -> Result<UserRow, AccountError> {
        let hash = self.hash(registration.password.expose().to_owned()).await?;
        let this = self.clone();
        let user = db::blocking(&self.pool, move |conn| {
            conn.transaction(|conn| {
                let user = users::insert(
                    conn,
                    &NewUser {
                        id: Uuid::new_v4(),
                        username: registration.username.as_str(),
                        email: registration.email.as_str(),
                        full_name: &registration.full_name.into_inner(),
                        password_hash: &hash,
                    },
                )?;
                this.queue_verification(conn, user.id, &user.email)?;
                audit::record(
                    conn,
                    &AuditEvent::by(AuditKind::Registered, &client).user(user.id),
                )?;
                events::user_created(conn, &user)?;
                Ok::<_, AccountError>(user)
            })
        })
        .await?;
        self.outbox.wake();
        log::info!("user registered: user_id={}", user.id);
        Ok(user)
    }
}
