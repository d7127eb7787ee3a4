//! Who is asking: the access token, verified by `shared_tokens::Authenticated` (header or
//! cookie, the origin check; docs/TOKENS.md), made into the [`Caller`] the work layer takes.
//! This is the one place claims become a caller: below the handlers nothing reads the token.

use crate::domain::Caller;
use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::{LocalBoxFuture, Map};
use futures_util::FutureExt;
use shared_tokens::{AccessClaims, AccessPolicy, AuthError, Authenticated};

/// A request whose access token verified.
pub struct SignedIn {
    pub caller: Caller,
    /// The verified claims, for an answer that shows the token's identity (`GET /profile`).
    pub claims: AccessClaims,
}

/// The caller the claims name.
fn caller_of(claims: &AccessClaims) -> Caller {
    Caller {
        id: claims.sub,
        username: claims.username.clone(),
        is_admin: claims.has_role("admin"),
        email_verified: claims.email_verified,
        token_issued_at: claims.iat,
    }
}

fn signed_in(authenticated: Result<Authenticated, AuthError>) -> Result<SignedIn, AuthError> {
    authenticated.map(|auth| SignedIn {
        caller: caller_of(&auth.claims),
        claims: auth.claims,
    })
}

type Verified = <Authenticated as FromRequest>::Future;

impl FromRequest for SignedIn {
    type Error = AuthError;
    type Future = Map<Verified, fn(Result<Authenticated, AuthError>) -> Result<Self, AuthError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        Authenticated::from_request(req, payload).map(signed_in as fn(_) -> _)
    }
}

/// A request whose access token verified and comes from a login recent enough for erasing
/// (`REAUTH_WINDOW`; docs/TOKENS.md, Recent login): 403 `reauth_required` otherwise, so a token
/// stolen earlier cannot erase anything.
pub struct RecentlySignedIn {
    pub caller: Caller,
}

impl FromRequest for RecentlySignedIn {
    type Error = AuthError;
    type Future = LocalBoxFuture<'static, Result<Self, AuthError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let window = req
            .app_data::<web::Data<AccessPolicy>>()
            .map(|policy| policy.reauth_window);
        let verified = Authenticated::from_request(req, payload);
        Box::pin(async move {
            let auth = verified.await?;
            // Without a policy the token could not have verified: Authenticated says so first.
            let window = window.ok_or(AuthError::NotConfigured)?;
            window.check(&auth.claims)?;
            Ok(RecentlySignedIn {
                caller: caller_of(&auth.claims),
            })
        })
    }
}
