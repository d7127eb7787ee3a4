//! Photos: upload (streamed, capped, sniffed), read, list with keyset pagination, delete.

use super::photo_id;
use super::responses::PhotoNotFound;
use super::schemas::ImageBytes;
use crate::db::models::{ContentMeta, PhotoRow};
use crate::db::{blocking, known_users, likes, photos, DbPool};
use crate::domain::{ListLimit, OwnerFilter, PhotoCursor};
use crate::error::ApiError;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use diesel::pg::PgConnection;
use diesel::{Connection, QueryResult};
use serde::{Deserialize, Serialize};
use service_kit::openapi::ApiErrorBody;
use service_kit::openapi_responses::{ServerErrors, TwoTokens, Unauthorized};
use shared_tokens::Authenticated;
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// `Photo` of docs/API.md, as one viewer sees it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Photo)]
pub struct PhotoView {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub owner_username: String,
    pub caption: Option<String>,
    /// `image/jpeg`, `image/png`, `image/gif` or `image/webp`.
    pub content_type: String,
    pub size_bytes: i64,
    pub like_count: i64,
    pub liked_by_me: bool,
    pub created_at: DateTime<Utc>,
    /// Where the image bytes are: `/photos/{id}/content`.
    pub content_url: String,
}

impl PhotoView {
    pub(super) fn new(row: PhotoRow, like_count: i64, liked_by_me: bool) -> Self {
        Self {
            content_url: format!("/photos/{}/content", row.id),
            id: row.id,
            owner_id: row.owner_id,
            owner_username: row.owner_username,
            caption: row.caption,
            content_type: row.content_type,
            size_bytes: row.size_bytes,
            like_count,
            liked_by_me,
            created_at: row.created_at,
        }
    }
}

/// Adds like counts and the viewer's own likes to `rows`, in two queries for the whole page.
fn views(
    conn: &mut PgConnection,
    viewer: Uuid,
    rows: Vec<PhotoRow>,
) -> QueryResult<Vec<PhotoView>> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let counts = likes::counts(conn, &ids)?;
    let mine = likes::liked_by(conn, viewer, &ids)?;
    let owners: Vec<Uuid> = rows.iter().map(|r| r.owner_id).collect();
    let names = known_users::usernames(conn, &owners)?;
    Ok(rows
        .into_iter()
        .map(|mut row| {
            let count = counts.get(&row.id).copied().unwrap_or(0);
            let liked = mine.contains(&row.id);
            // The owner's newest known name, not the one at upload time.
            if let Some(name) = names.get(&row.owner_id) {
                row.owner_username.clone_from(name);
            }
            PhotoView::new(row, count, liked)
        })
        .collect())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// `me` or a user id; without it, every user's photos.
    #[param(value_type = Option<OwnerFilter>, inline)]
    owner: Option<String>,
    /// Page size, 1 to 100; 20 by default.
    #[param(value_type = Option<u8>, minimum = 1, maximum = 100)]
    limit: Option<String>,
    /// The `next_cursor` of the previous page.
    #[param(value_type = Option<PhotoCursor>, inline)]
    cursor: Option<String>,
}

/// Parses an optional query parameter, recording why it failed under its name.
fn parse_param<T>(
    fields: &mut BTreeMap<String, String>,
    name: &str,
    raw: Option<String>,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Option<T> {
    match parse(raw.as_deref()?) {
        Ok(value) => Some(value),
        Err(reason) => {
            fields.insert(name.to_owned(), reason);
            None
        }
    }
}

/// One page of photos, newest first; `next_cursor` is `null` on the last page.
#[derive(Debug, Serialize, ToSchema)]
struct PhotoPage {
    photos: Vec<PhotoView>,
    next_cursor: Option<String>,
}

/// `GET /photos?owner=me|<uuid>&limit=1..100&cursor=...`: newest first. Without `owner`, every
/// user's photos.
#[utoipa::path(
    get,
    path = "/photos",
    tag = "photos",
    operation_id = "list_photos",
    params(ListParams),
    responses(
        (status = 200, description = "One page, newest first", body = PhotoPage),
        (status = 400, description = "Invalid `owner`, `limit` or `cursor` (`fields` says which), or two different tokens", body = ApiErrorBody),
        Unauthorized,
        ServerErrors,
    ),
    security(("bearer" = []), ("access_cookie" = []))
)]
pub async fn list(
    auth: Authenticated,
    pool: web::Data<DbPool>,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, ApiError> {
    let params = params.into_inner();
    let viewer = auth.claims.sub;
    let mut fields = BTreeMap::new();
    let owner = parse_param(&mut fields, "owner", params.owner, OwnerFilter::parse);
    let limit = parse_param(&mut fields, "limit", params.limit, ListLimit::parse);
    let cursor = parse_param(&mut fields, "cursor", params.cursor, PhotoCursor::parse);
    if !fields.is_empty() {
        return Err(ApiError::invalid_fields(fields));
    }
    let owner = owner.map(|o| o.resolve(viewer));
    let limit = limit.unwrap_or(ListLimit::DEFAULT);
    let (username, iat) = (auth.claims.username, auth.claims.iat);

    let page = blocking(&pool, move |conn| {
        known_users::lock_and_record(conn, viewer, &username, iat)?;
        // One extra row tells whether another page follows.
        let mut rows = photos::list(conn, owner, cursor.as_ref(), limit.get() + 1)?;
        let more = rows.len() as i64 > limit.get();
        rows.truncate(limit.get() as usize);
        let next_cursor = more
            .then(|| {
                rows.last()
                    .map(|r| PhotoCursor::new(r.created_at, r.id).encode())
            })
            .flatten();
        Ok(PhotoPage {
            photos: views(conn, viewer, rows)?,
            next_cursor,
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// `GET /photos/{id}`.
#[utoipa::path(
    get,
    path = "/photos/{id}",
    tag = "photos",
    operation_id = "get_photo",
    params(("id" = Uuid, Path, description = "Photo id")),
    responses(
        (status = 200, description = "The photo", body = PhotoView),
        TwoTokens,
        Unauthorized,
        PhotoNotFound,
        ServerErrors,
    ),
    security(("bearer" = []), ("access_cookie" = []))
)]
pub async fn get(
    auth: Authenticated,
    pool: web::Data<DbPool>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = photo_id(&path)?;
    let viewer = auth.claims.sub;
    let mut found = blocking(&pool, move |conn| {
        let row = photos::find(conn, id)?;
        Ok(views(conn, viewer, vec![row])?)
    })
    .await?;
    let view = found.pop().ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().json(view))
}

enum Content {
    NotModified {
        etag: String,
    },
    Full {
        meta: ContentMeta,
        etag: String,
        bytes: Vec<u8>,
    },
}

/// True when an `If-None-Match` value names `etag` (or is `*`); weak tags compare by value.
fn etag_matches(if_none_match: &str, etag: &str) -> bool {
    if_none_match.split(',').map(str::trim).any(|candidate| {
        candidate == "*" || candidate.strip_prefix("W/").unwrap_or(candidate) == etag
    })
}

/// `GET /photos/{id}/content`: the exact bytes, with the stored type and a strong ETag; 304 when
/// the client already has them (without reading the bytes).
#[utoipa::path(
    get,
    path = "/photos/{id}/content",
    tag = "photos",
    operation_id = "get_photo_content",
    params(
        ("id" = Uuid, Path, description = "Photo id"),
        ("If-None-Match" = Option<String>, Header, description = "An ETag the client already holds"),
    ),
    responses(
        (
            status = 200,
            description = "The image bytes, with the stored type",
            content(
                (ImageBytes = "image/jpeg"),
                (ImageBytes = "image/png"),
                (ImageBytes = "image/gif"),
                (ImageBytes = "image/webp"),
            ),
            headers(
                ("ETag" = String, description = "Strong: the SHA-256 of the bytes"),
                ("Content-Length" = i64),
                ("X-Content-Type-Options" = String, description = "`nosniff`"),
            ),
        ),
        (status = 304, description = "The client's copy is current", headers(("ETag" = String))),
        TwoTokens,
        Unauthorized,
        PhotoNotFound,
        ServerErrors,
    ),
    security(("bearer" = []), ("access_cookie" = []))
)]
pub async fn content(
    _auth: Authenticated,
    pool: web::Data<DbPool>,
    path: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let id = photo_id(&path)?;
    let if_none_match = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let content = blocking(&pool, move |conn| {
        let meta = photos::content_meta(conn, id)?;
        let etag = format!("\"{}\"", meta.sha256);
        if if_none_match.is_some_and(|value| etag_matches(&value, &etag)) {
            return Ok(Content::NotModified { etag });
        }
        let bytes = photos::content_bytes(conn, id)?;
        Ok(Content::Full { meta, etag, bytes })
    })
    .await?;

    let (mut response, etag) = match content {
        Content::NotModified { etag } => (HttpResponse::NotModified(), etag),
        Content::Full { meta, etag, bytes } => {
            if i64::try_from(bytes.len()).ok() != Some(meta.size_bytes) {
                log::error!("photo {id}: stored size and bytes disagree");
            }
            let mut response = HttpResponse::Ok();
            response.content_type(meta.content_type);
            return Ok(with_content_headers(&mut response, &etag).body(bytes));
        }
    };
    Ok(with_content_headers(&mut response, &etag).finish())
}

fn with_content_headers<'a>(
    response: &'a mut actix_web::HttpResponseBuilder,
    etag: &str,
) -> &'a mut actix_web::HttpResponseBuilder {
    if let Ok(value) = HeaderValue::from_str(etag) {
        response.insert_header((header::ETAG, value));
    }
    response
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        // Behind authentication: private caches only, and revalidate (the ETag makes it cheap).
        .insert_header((header::CACHE_CONTROL, "private, no-cache"))
        // User content: should a browser ever render it as a document, it runs nothing.
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; sandbox",
        ))
}

/// `DELETE /photos/{id}`: the owner or an `admin`.
#[utoipa::path(
    delete,
    path = "/photos/{id}",
    tag = "photos",
    operation_id = "delete_photo",
    params(("id" = Uuid, Path, description = "Photo id")),
    responses(
        (status = 204, description = "Deleted"),
        TwoTokens,
        Unauthorized,
        (status = 403, description = "`forbidden`: neither the owner nor an admin; or `csrf_rejected`", body = ApiErrorBody),
        PhotoNotFound,
        ServerErrors,
    ),
    security(("bearer" = []), ("access_cookie" = []))
)]
pub async fn delete(
    auth: Authenticated,
    pool: web::Data<DbPool>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = photo_id(&path)?;
    let caller = auth.claims.sub;
    let is_admin = auth.claims.has_role("admin");
    blocking(&pool, move |conn| {
        conn.transaction(|conn| {
            let photo = photos::find(conn, id)?;
            if photo.owner_id != caller && !is_admin {
                return Err(ApiError::Forbidden);
            }
            photos::delete(conn, id)?;
            Ok(())
        })
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_match_exactly_weakly_in_lists_and_by_star() {
        let etag = "\"abc\"";
        assert!(etag_matches("\"abc\"", etag));
        assert!(etag_matches("W/\"abc\"", etag));
        assert!(etag_matches("\"x\", \"abc\"", etag));
        assert!(etag_matches("*", etag));
        assert!(!etag_matches("\"abd\"", etag));
        assert!(!etag_matches("abc", etag));
    }
}
