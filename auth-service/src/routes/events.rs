//! `GET /events`: the event feed resource-service follows (docs/EVENTS.md, The feed). Read with
//! `Authorization: Bearer <EVENT_FEED_SECRET>`; without that setting there is no feed (404).

use crate::error::ApiError;
use crate::events::{Envelope, EventFeed, FeedError, Start, MAX_PAGE, MAX_WAIT};
use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use service_kit::openapi_responses::ServerErrors;
use sha2::{Digest, Sha256};
use shared_tokens::extract::bearer_token;
use shared_tokens::{AuthError, Secret};
use std::time::Duration;
use utoipa::{IntoParams, ToSchema};

/// Who may read the feed: registered only when `EVENT_FEED_SECRET` is set.
pub struct FeedAccess {
    digest: [u8; 32],
}

impl FeedAccess {
    pub fn new(secret: &Secret) -> Self {
        Self {
            digest: Sha256::digest(secret.expose()).into(),
        }
    }

    /// Compares digests, so the time taken says nothing about how much of the secret matched.
    fn admits(&self, req: &HttpRequest) -> bool {
        match bearer_token(req) {
            Ok(Some(token)) => <[u8; 32]>::from(Sha256::digest(token.as_bytes())) == self.digest,
            _ => false,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedQuery {
    /// The position after which to read: the last `position` answered. Not with `since`.
    after: Option<i64>,
    /// Unix seconds: start at the first event at or after this time. Not with `after`.
    since: Option<i64>,
    /// Events per page, 1 to 1000 (default 500).
    limit: Option<i64>,
    /// Seconds to hold the request open when nothing is new yet, 0 to 30 (default 0).
    wait: Option<u64>,
}

/// A page of the event log.
#[derive(Serialize, ToSchema)]
pub struct FeedPage<'a> {
    events: Vec<Envelope<'a>>,
    /// The `after` of the next request.
    position: i64,
    /// More events follow at once: ask again without waiting.
    more: bool,
}

impl FeedQuery {
    fn start(&self) -> Result<Start, ApiError> {
        match (self.after, self.since) {
            (Some(_), Some(_)) => Err(ApiError::invalid("Give `after` or `since`, not both.")),
            (Some(after), None) if after >= 0 => Ok(Start::After(after)),
            (Some(_), None) => Err(ApiError::invalid("`after` is a position, 0 or more.")),
            (None, Some(since)) => chrono::DateTime::from_timestamp(since, 0)
                .map(Start::Since)
                .ok_or_else(|| ApiError::invalid("`since` is a time in Unix seconds.")),
            (None, None) => Ok(Start::After(0)),
        }
    }

    fn limit(&self) -> Result<i64, ApiError> {
        match self.limit {
            None => Ok(500),
            Some(limit) if (1..=MAX_PAGE).contains(&limit) => Ok(limit),
            Some(_) => Err(ApiError::invalid("`limit` is from 1 to 1000.")),
        }
    }

    fn wait(&self) -> Result<Duration, ApiError> {
        let wait = Duration::from_secs(self.wait.unwrap_or(0));
        if wait > MAX_WAIT {
            return Err(ApiError::invalid("`wait` is from 0 to 30 seconds."));
        }
        Ok(wait)
    }
}

/// Events after a position, in the order they were committed; held open up to `wait` seconds
/// when there is none yet.
#[utoipa::path(
    get,
    path = "/events",
    tag = "events",
    params(FeedQuery),
    responses(
        (status = 200, body = FeedPage),
        (status = 400, description = "A bad parameter", body = service_kit::openapi::ApiErrorBody),
        (status = 401, description = "Not the feed's secret", body = service_kit::openapi::ApiErrorBody),
        (status = 404, description = "EVENT_FEED_SECRET is not set", body = service_kit::openapi::ApiErrorBody),
        (status = 409, description = "`after` is past the log's last position: the log was restored or reset", body = service_kit::openapi::ApiErrorBody),
        ServerErrors,
    ),
    security(("bearer" = []))
)]
pub async fn feed(
    req: HttpRequest,
    query: web::Query<FeedQuery>,
    feed: web::Data<EventFeed>,
    access: Option<web::Data<FeedAccess>>,
) -> Result<HttpResponse, ApiError> {
    let Some(access) = access else {
        return Err(ApiError::NotFound);
    };
    if !access.admits(&req) {
        return Err(AuthError::InvalidToken.into());
    }
    let page = match feed
        .page(query.start()?, query.limit()?, query.wait()?)
        .await
    {
        Ok(page) => page,
        Err(FeedError::Database(e)) => return Err(e.into()),
        Err(unknown @ FeedError::UnknownPosition { .. }) => {
            return Err(ApiError::Conflict(format!(
                "{unknown}: it was restored or reset; read again from `since`."
            )))
        }
    };
    let mut response = HttpResponse::Ok().json(FeedPage {
        events: page.events.iter().map(Envelope::from).collect(),
        position: page.position,
        more: page.more,
    });
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
