//! The outermost middleware of both services: gives each request its id, scopes the handling in
//! it (so every log line carries it), returns it as `X-Request-Id`, writes the access log line and
//! counts the request in the metrics.

use crate::metrics::Metrics;
use crate::request_id::{self, RequestId};
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::HeaderName;
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, HttpRequest};
use std::time::Instant;

/// The route label of a request that matched no route: one series for all of them, whatever the
/// path, so scanners cannot blow up the number of series.
pub const UNMATCHED: &str = "unmatched";

/// The method label: the standard methods by name, anything else as `other`, since a client may
/// send any token as a method and each new label would be a new series forever.
pub fn method_label(method: &Method) -> &'static str {
    const KNOWN: [Method; 7] = [
        Method::GET,
        Method::HEAD,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
        Method::OPTIONS,
    ];
    KNOWN
        .iter()
        .find(|known| *known == method)
        .map_or("other", Method::as_str)
}

/// Probes that would drown the access log; they are still counted in the metrics.
const QUIET_ROUTES: &[&str] = &["/healthz", "/readyz", "/metrics"];

/// Use with `actix_web::middleware::from_fn(service_kit::observe)`, wrapped last so it sees
/// every answer, including those of the other middleware.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = RequestId::from_header(req.headers().get(request_id::HEADER));
    request_id::scope(id.clone(), handle(id, req, next)).await
}

async fn handle(
    id: RequestId,
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = method_label(req.method());
    // The template (`/photos/{id}`), never the raw path: ids and anything a client puts in the
    // path stay out of labels and logs; the query string is never looked at.
    let route = req.match_pattern();
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();

    // Our middleware answer with responses, not errors; should an error come up anyway, it is
    // still counted and logged (actix renders it, without the request id header).
    let result = next.call(req).await;
    let status = match &result {
        Ok(res) => res.status(),
        Err(error) => error.as_response_error().status_code(),
    };
    let seconds = started.elapsed().as_secs_f64();
    let route = route.as_deref().unwrap_or(UNMATCHED);
    if let Some(metrics) = &metrics {
        metrics.observe_request(method, route, status, seconds);
        let rejected = result.as_ref().ok().and_then(|res| {
            let on_response = res.response().extensions().get::<TokenRejected>().copied();
            on_response.or_else(|| res.request().extensions().get::<TokenRejected>().copied())
        });
        if let Some(TokenRejected(reason)) = rejected {
            metrics.token_rejected(reason);
        }
    }
    let level = if QUIET_ROUTES.contains(&route) {
        log::Level::Debug
    } else {
        log::Level::Info
    };
    log::log!(
        target: "access",
        level,
        "{method} {route} {} {:.1}ms",
        status.as_str(),
        seconds * 1000.0
    );
    result.map(|mut res| {
        res.headers_mut().insert(
            HeaderName::from_static(request_id::HEADER),
            id.header_value(),
        );
        res
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn made_up_methods_share_one_label() {
        assert_eq!(method_label(&Method::GET), "GET");
        assert_eq!(method_label(&Method::DELETE), "DELETE");
        for made_up in ["X1", "X2", "PROPFIND", "get"] {
            let method = Method::from_bytes(made_up.as_bytes()).unwrap();
            assert_eq!(method_label(&method), "other", "{made_up}");
        }
        assert_eq!(method_label(&Method::TRACE), "other");
    }
}

/// Left in the request's extensions (by an extractor) or the response's (by an error's answer)
/// when a token was refused, with a short stable reason, so the metrics middleware can count
/// refusals by reason without the token crate knowing about metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenRejected(pub &'static str);

/// Records why a token of `req` was refused (see [`TokenRejected`]).
pub fn record_rejection(req: &HttpRequest, reason: &'static str) {
    req.extensions_mut().insert(TokenRejected(reason));
}
