//! The bench user's account: registered once, then logged in for the tokens the parts use.

use crate::http::{self, Req};
use crate::Error;
use hyper::StatusCode;
use serde::Deserialize;
use std::net::SocketAddr;

const USERNAME: &str = "bench_user";
const PASSWORD: &str = "bench password, long enough";

#[derive(Deserialize)]
pub(super) struct TokenReply {
    pub access_token: String,
    pub refresh_token: String,
}

pub(super) fn json(value: serde_json::Value) -> Result<Vec<u8>, Error> {
    Ok(serde_json::to_vec(&value)?)
}

/// Registers the bench user (a fresh database has none) and logs in once for an access token.
pub(super) async fn register_and_login(auth: SocketAddr) -> Result<String, Error> {
    let register = Req::post_json(
        "/auth/register",
        json(serde_json::json!({
            "username": USERNAME,
            "email": "bench_user@example.com",
            "full_name": "Bench User",
            "password": PASSWORD,
        }))?,
    );
    let (status, body) = http::once(auth, &register).await?;
    if status != StatusCode::CREATED && status != StatusCode::CONFLICT {
        return Err(format!(
            "register answered {status}: {}",
            String::from_utf8_lossy(&body)
        )
        .into());
    }
    let (status, body) = http::once(auth, &login_request()?).await?;
    if status != StatusCode::OK {
        return Err(format!(
            "login answered {status}: {}",
            String::from_utf8_lossy(&body)
        )
        .into());
    }
    Ok(serde_json::from_slice::<TokenReply>(&body)?.access_token)
}

pub(super) fn login_request() -> Result<Req, Error> {
    Ok(Req::post_json(
        "/auth/login",
        json(serde_json::json!({"username": USERNAME, "password": PASSWORD}))?,
    ))
}
