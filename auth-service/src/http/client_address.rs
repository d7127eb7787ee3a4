//! Who is calling, read from the request: the client address (the TCP peer, or the right-most
//! untrusted `X-Forwarded-For` entry when the peer is a trusted proxy) and the user agent, as a
//! [`ClientInfo`].

use crate::domain::ClientInfo;
use actix_web::dev::Payload;
use actix_web::http::header::USER_AGENT;
use actix_web::{web, FromRequest, HttpRequest};
use std::convert::Infallible;
use std::future::{ready, Ready};

pub use shared_tokens::TrustedProxies;

impl FromRequest for ClientInfo {
    type Error = Infallible;
    type Future = Ready<Result<Self, Infallible>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let proxies = req.app_data::<web::Data<TrustedProxies>>();
        let ip = match proxies {
            Some(p) => p.of_request(req),
            None => req.peer_addr().map(|a| a.ip()),
        };
        let user_agent = req
            .headers()
            .get(USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|ua| ua.chars().take(256).collect());
        ready(Ok(Self {
            ip: ip.map(|ip| ip.to_string()),
            user_agent,
        }))
    }
}
