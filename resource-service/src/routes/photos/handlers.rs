//! `GET /photos`, `GET` and `DELETE /photos/{id}`, `GET /photos/{id}/content`. The upload is in
//! `upload.rs`.

use super::conditional::{self, IfNoneMatch};
use super::list_query::ListParams;
use super::view::{PhotoPage, PhotoView};
use crate::db::DbPool;
use crate::error::ApiError;
use crate::photos;
use crate::routes::blocking;
use crate::routes::photo_id;
use crate::routes::responses::PhotoNotFound;
use crate::routes::schemas::ImageBytes;
use actix_web::{web, HttpRequest, HttpResponse};
use service_kit::openapi::ApiErrorBody;
use service_kit::openapi_responses::{ServerErrors, TwoTokens, Unauthorized};
use shared_tokens::Authenticated;

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
        (
            status = 400,
            description = "Invalid `owner`, `limit` or `cursor` (`fields` says which), or two \
                           different tokens",
            body = ApiErrorBody
        ),
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
    let query = params.into_inner().parse()?;
    let claims = auth.claims;
    let owner = query.owner(claims.sub);
    let page = blocking(&pool, move |conn| {
        Ok(photos::page(
            conn,
            &claims,
            owner,
            query.cursor.as_ref(),
            query.limit,
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(PhotoPage::from(page)))
}

/// `GET /photos/{id}`.
#[utoipa::path(
    get,
    path = "/photos/{id}",
    tag = "photos",
    operation_id = "get_photo",
    params(
        ("id" = Uuid, Path, description = "Photo id"),
    ),
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
    let seen = blocking(&pool, move |conn| {
        Ok(photos::find_seen_by(conn, id, viewer)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(PhotoView::from(seen)))
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
        (
            "If-None-Match" = Option<String>,
            Header,
            description = "An ETag the client already holds"
        ),
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
    let if_none_match = IfNoneMatch::of(&req);
    let content = blocking(&pool, move |conn| {
        Ok(photos::read_content(conn, id, |sha256| {
            if_none_match.holds(sha256)
        })?)
    })
    .await?;
    Ok(conditional::respond(content))
}

/// `DELETE /photos/{id}`: the owner or an `admin`.
#[utoipa::path(
    delete,
    path = "/photos/{id}",
    tag = "photos",
    operation_id = "delete_photo",
    params(
        ("id" = Uuid, Path, description = "Photo id"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        TwoTokens,
        Unauthorized,
        (
            status = 403,
            description = "`forbidden`: neither the owner nor an admin; or `csrf_rejected`",
            body = ApiErrorBody
        ),
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
    let caller = auth.claims;
    blocking(&pool, move |conn| Ok(photos::delete_as(conn, id, &caller)?)).await?;
    Ok(HttpResponse::NoContent().finish())
}
