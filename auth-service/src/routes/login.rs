use super::{client_of, token_response};
use crate::db::{self, users, PgPool};
use crate::domain::{Email, Username};
use crate::error::ApiError;
use crate::passwords::PasswordHasher;
use crate::rotation::{start_session, Client};
use crate::tokens::Issuer;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
pub struct LoginBody {
    username: Option<String>,
    email: Option<String>,
    password: Option<String>,
}

enum Identifier {
    Username(String),
    Email(String),
}

/// Unknown user and wrong password take the same path: one lookup, one bcrypt comparison (against
/// a dummy hash when there is no user), one answer.
pub async fn login(
    req: HttpRequest,
    body: web::Json<LoginBody>,
    pool: web::Data<PgPool>,
    hasher: web::Data<PasswordHasher>,
    issuer: web::Data<Issuer>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let identifier = match (body.username, body.email) {
        (Some(u), _) if !u.trim().is_empty() => Identifier::Username(Username::normalise(&u)),
        (_, Some(e)) if !e.trim().is_empty() => Identifier::Email(Email::normalise(&e)),
        _ => {
            return Err(ApiError::invalid_fields(BTreeMap::from([(
                "username".to_owned(),
                "username or email is required".to_owned(),
            )])))
        }
    };
    let Some(password) = body.password.filter(|p| !p.is_empty()) else {
        return Err(ApiError::invalid_fields(BTreeMap::from([(
            "password".to_owned(),
            "is required".to_owned(),
        )])));
    };

    let user = db::blocking(&pool, move |conn| {
        Ok(match identifier {
            Identifier::Username(u) => users::find_by_username(conn, &u)?,
            Identifier::Email(e) => users::find_by_email(conn, &e)?,
        })
    })
    .await?;
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    let hasher = hasher.get_ref().clone();
    let verified = web::block(move || hasher.verify(&password, stored.as_deref())).await?;
    let user = match (verified, user) {
        (true, Some(user)) => user,
        _ => {
            log::info!("login failed");
            return Err(ApiError::InvalidCredentials);
        }
    };

    let (user_agent, ip) = client_of(&req);
    let issuer_for_db = issuer.clone();
    let granted = db::blocking(&pool, move |conn| {
        let client = Client {
            user_agent: user_agent.as_deref(),
            ip: ip.as_deref(),
        };
        start_session(conn, &issuer_for_db, user, &client)
    })
    .await?;
    log::info!(
        "login succeeded: user_id={} session_id={}",
        granted.user.id,
        granted.session_id
    );
    token_response(&issuer, granted)
}
