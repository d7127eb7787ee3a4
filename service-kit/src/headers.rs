//! Response headers every answer of both services carries.

use actix_web::middleware::DefaultHeaders;

/// No MIME sniffing, no referrer leaks, never framed (clickjacking).
pub fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "no-referrer"))
        .add(("Content-Security-Policy", "frame-ancestors 'none'"))
}
