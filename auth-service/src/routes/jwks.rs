//! `GET /.well-known/jwks.json`: the public keys that verify access tokens now, current and
//! previous, for verifiers that hold no secret (docs/TOKENS.md, Keys). Empty with a shared secret,
//! which is never published.

use actix_web::http::header::{CacheControl, CacheDirective};
use actix_web::{web, HttpResponse};
use shared_tokens::jwks::JwkSet;
use shared_tokens::AccessPolicy;

/// How long a verifier or a proxy may reuse the document. A verifier that meets a key it does
/// not hold fetches again sooner, so a rotation does not wait for this.
const MAX_AGE_SECONDS: u32 = 300;

/// The access-token verification keys (JWK Set, RFC 7517).
#[utoipa::path(
    get,
    path = "/.well-known/jwks.json",
    tag = "tokens",
    responses((status = 200, description = "The Ed25519 public keys that verify access tokens \
        (none with ACCESS_TOKEN_ALG=HS256)", body = JwkSet))
)]
pub async fn jwks(policy: web::Data<AccessPolicy>) -> HttpResponse {
    let keys = policy.verifier.keys();
    HttpResponse::Ok()
        .insert_header(CacheControl(vec![
            CacheDirective::Public,
            CacheDirective::MaxAge(MAX_AGE_SECONDS),
        ]))
        .json(JwkSet::of(keys.public_keys()))
}
