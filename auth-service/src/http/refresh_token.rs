//! The refresh token a request presents, read, checked and verified in one place, the way
//! `shared_tokens::extract` reads the access token (docs/COOKIES.md; docs/TOKENS.md, Refresh
//! tokens):
//!
//! - from the JSON body `{refresh_token}` or from the refresh cookie; the two disagreeing, or
//!   the cookie sent twice, is a 400;
//! - from the cookie only after the origin check, since a browser sends cookies cross-site;
//! - verified later, by `Sessions`, which counts a refusal in one place (a refusal is 401
//!   `invalid_token`, its reason in the access log through `error.rs`).
//!
//! [`PresentedRefreshToken`] requires one (refresh); [`MaybeRefreshToken`] lets a request come
//! without one (logout, which then falls back to the access token), but never lets a bad one
//! through.

use crate::error::ApiError;
use crate::issuer::Issuer;
use crate::sessions::PresentedRefreshToken;
use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use shared_tokens::extract::unique_cookie;
use shared_tokens::origin::check_origin;
use shared_tokens::AuthError;

/// A refresh token, if the request presents one; a bad one is still refused.
pub struct MaybeRefreshToken(pub Option<PresentedRefreshToken>);

impl FromRequest for MaybeRefreshToken {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = web::Bytes::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let body = body.await.map_err(|e| {
                if e.as_response_error().status_code() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::PayloadTooLarge
                } else {
                    ApiError::invalid("The request body could not be read.")
                }
            })?;
            let issuer = req
                .app_data::<web::Data<Issuer>>()
                .ok_or(AuthError::NotConfigured)?;
            let Some((token, from_cookie)) = presented(&req, &body, issuer)? else {
                return Ok(Self(None));
            };
            if from_cookie {
                let policy = issuer.access_policy();
                check_origin(&req, &policy.allowed_origins, &policy.trusted_proxies)?;
            }
            Ok(Self(Some(PresentedRefreshToken { token })))
        })
    }
}

impl FromRequest for PresentedRefreshToken {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let maybe = MaybeRefreshToken::from_request(req, payload);
        Box::pin(async move {
            maybe
                .await?
                .0
                .ok_or(ApiError::Auth(AuthError::MissingCredentials))
        })
    }
}

/// `{refresh_token}`. The whole body is optional: a client that holds the refresh cookie may send
/// nothing else. An empty or `null` token counts as none.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct RefreshBody {
    pub refresh_token: Option<String>,
}

/// The token from the body or the cookie, and whether it came from the cookie.
fn presented(
    req: &HttpRequest,
    body: &[u8],
    issuer: &Issuer,
) -> Result<Option<(String, bool)>, ApiError> {
    // No body and a `null` body are the same: the cookie (or, for logout, the access token) is
    // the credential then. Anything else must be a JSON object (whitespace alone is not JSON).
    let from_body = if body.is_empty() {
        None
    } else {
        let object =
            serde_json::from_slice::<Option<serde_json::Map<_, _>>>(body).map_err(|_| {
                ApiError::invalid("The request body must be a JSON object `{refresh_token}`.")
            })?;
        object
            .map(super::json_body::from_object::<RefreshBody>)
            .transpose()?
            .and_then(|body| body.refresh_token)
            .filter(|t| !t.is_empty())
    };
    let from_cookie = unique_cookie(req, issuer.access_policy().cookies.refresh)?;
    match (from_body, from_cookie) {
        (Some(b), Some(c)) if b != c => Err(ApiError::invalid(
            "The request carries two different refresh tokens.",
        )),
        (Some(b), _) => Ok(Some((b, false))),
        (None, Some(c)) => Ok(Some((c, true))),
        (None, None) => Ok(None),
    }
}
