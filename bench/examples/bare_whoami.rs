//! P1's reference point: the least a `/whoami` can be on actix-web + jsonwebtoken. It decodes
//! the bearer token with HS256 or EdDSA, issuer and audience checks and echoes the claims,
//! nothing more: no `typ`/`kid`/`crit`/lifetime rules, no cookie, no extra headers.
//! scripts/bench.sh starts it beside the real services so the table shows its whoami/healthz
//! ratio from the same run.
//!
//! Reads `ACCESS_TOKEN_SECRET` (HS256) or `ACCESS_TOKEN_PUBLIC_KEYS_FILE` (EdDSA, one public key),
//! `BIND_ADDR` (default 127.0.0.1:18082), and optionally `JWT_ISSUER`/`JWT_AUDIENCE` (defaults
//! as in docs/CONFIGURATION.md).

use actix_web::http::header::AUTHORIZATION;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct Claims {
    iss: String,
    aud: String,
    sub: String,
    sid: String,
    jti: String,
    iat: i64,
    exp: i64,
    username: String,
    email: String,
    name: String,
    roles: Vec<String>,
}

struct Verifier {
    key: DecodingKey,
    validation: Validation,
}

async fn whoami(req: HttpRequest, verifier: web::Data<Verifier>) -> HttpResponse {
    let token = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "));
    let Some(token) = token else {
        return HttpResponse::Unauthorized().finish();
    };
    match jsonwebtoken::decode::<Claims>(token, &verifier.key, &verifier.validation) {
        Ok(data) => HttpResponse::Ok().json(data.claims),
        Err(_) => HttpResponse::Unauthorized().finish(),
    }
}

async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
}

/// The HS256 secret, or with `ACCESS_TOKEN_PUBLIC_KEYS_FILE` the Ed25519 public key, as
/// jsonwebtoken takes it.
fn key() -> std::io::Result<(DecodingKey, Algorithm)> {
    if let Ok(path) = std::env::var("ACCESS_TOKEN_PUBLIC_KEYS_FILE") {
        let pem = std::fs::read_to_string(path)?;
        let keys =
            shared_tokens::ed25519::parse_public_keys(&pem).map_err(std::io::Error::other)?;
        let key = DecodingKey::from_ed_components(&keys[0].x()).map_err(std::io::Error::other)?;
        return Ok((key, Algorithm::EdDSA));
    }
    let secret = std::env::var("ACCESS_TOKEN_SECRET")
        .map_err(|_| std::io::Error::other("ACCESS_TOKEN_SECRET is not set"))?;
    Ok((
        DecodingKey::from_secret(secret.as_bytes()),
        Algorithm::HS256,
    ))
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let var = |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.into());
    let (key, algorithm) = key()?;
    let mut validation = Validation::new(algorithm);
    validation.set_issuer(&[var("JWT_ISSUER", "auth-service")]);
    validation.set_audience(&[var("JWT_AUDIENCE", "resource-service")]);
    let verifier = web::Data::new(Verifier { key, validation });
    HttpServer::new(move || {
        App::new()
            .app_data(verifier.clone())
            .route("/whoami", web::get().to(whoami))
            .route("/healthz", web::get().to(healthz))
            .route("/readyz", web::get().to(healthz))
    })
    .bind(var("BIND_ADDR", "127.0.0.1:18082"))?
    .run()
    .await
}
