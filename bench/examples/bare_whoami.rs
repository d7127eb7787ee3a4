//! P1's reference point: the least a `/whoami` can be on actix-web + jsonwebtoken. It decodes
//! the bearer token with HS256, issuer and audience checks and echoes the claims, nothing more:
//! no `typ`/`kid`/`crit`/lifetime rules, no cookie, no extra headers. scripts/bench.sh starts it
//! beside the real services so the table shows its whoami/healthz ratio from the same run.
//!
//! Reads `ACCESS_TOKEN_SECRET`, `BIND_ADDR` (default 127.0.0.1:18082), and optionally
//! `JWT_ISSUER`/`JWT_AUDIENCE` (defaults as in docs/CONFIGURATION.md).

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

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let var = |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.into());
    let secret = std::env::var("ACCESS_TOKEN_SECRET")
        .map_err(|_| std::io::Error::other("ACCESS_TOKEN_SECRET is not set"))?;
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_issuer(&[var("JWT_ISSUER", "auth-service")]);
    validation.set_audience(&[var("JWT_AUDIENCE", "resource-service")]);
    let verifier = web::Data::new(Verifier {
        key: DecodingKey::from_secret(secret.as_bytes()),
        validation,
    });
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
