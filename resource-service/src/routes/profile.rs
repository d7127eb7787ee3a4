//! `GET`, `PATCH` and `DELETE /profile`: the token's identity merged with what is stored, and
//! the erasure of everything the caller owns here.

use super::openapi::{ApiErrorBody, CsrfRejected, ServerErrors, TwoTokens, Unauthorized};
use crate::db::models::{ProfileChanges, ProfileRow};
use crate::db::{blocking, erase, known_users, photos, profiles, DbPool};
use crate::domain::Bio;
use crate::error::ApiError;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde::{Deserialize, Deserializer, Serialize};
use service_kit::openapi_responses::{NotJson, TooLarge};
use shared_tokens::{AccessClaims, Authenticated};
use std::collections::BTreeMap;
use utoipa::ToSchema;
use uuid::Uuid;

/// `Profile` of docs/API.md: the token's identity plus what is stored (defaults until first saved).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Profile)]
pub struct ProfileView {
    pub user_id: Uuid,
    pub username: String,
    pub email: String,
    pub full_name: String,
    pub roles: Vec<String>,
    pub bio: Option<String>,
    pub avatar_photo_id: Option<Uuid>,
    pub photo_count: i64,
    /// `null` until the profile is first saved.
    pub updated_at: Option<DateTime<Utc>>,
}

impl ProfileView {
    fn new(claims: AccessClaims, stored: Option<ProfileRow>, photo_count: i64) -> Self {
        let (bio, avatar_photo_id, updated_at) = match stored {
            Some(row) => (row.bio, row.avatar_photo_id, Some(row.updated_at)),
            None => (None, None, None),
        };
        Self {
            user_id: claims.sub,
            username: claims.username,
            email: claims.email,
            full_name: claims.name,
            roles: claims.roles,
            bio,
            avatar_photo_id,
            photo_count,
            updated_at,
        }
    }
}

/// Tells an absent field (`None`) from an explicit `null` (`Some(None)`).
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// Only the fields present change; `null` clears one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfilePatch {
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Bio>)]
    bio: Option<Option<String>>,
    /// The id of one of the caller's photos.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Uuid>)]
    avatar_photo_id: Option<Option<String>>,
}

#[utoipa::path(
    get,
    path = "/profile",
    tag = "profile",
    responses(
        (status = 200, description = "The caller's profile", body = ProfileView),
        TwoTokens,
        Unauthorized,
        ServerErrors,
    ),
    security(("bearer" = []), ("access_cookie" = []))
)]
pub async fn get_profile(
    auth: Authenticated,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let user_id = auth.claims.sub;
    let (username, iat) = (auth.claims.username.clone(), auth.claims.iat);
    let (stored, count) = blocking(&pool, move |conn| {
        known_users::lock_and_record(conn, user_id, &username, iat)?;
        Ok((
            profiles::find(conn, user_id)?,
            photos::count_by_owner(conn, user_id)?,
        ))
    })
    .await?;
    Ok(HttpResponse::Ok().json(ProfileView::new(auth.claims, stored, count)))
}

const NOT_YOUR_PHOTO: &str = "must be the id of one of your photos, or null";

/// Changes the bio or the avatar; the answer is the whole profile.
#[utoipa::path(
    patch,
    path = "/profile",
    tag = "profile",
    request_body = ProfilePatch,
    responses(
        (status = 200, description = "The caller's profile", body = ProfileView),
        (status = 400, description = "Malformed JSON or invalid fields (`fields` says which)", body = ApiErrorBody),
        Unauthorized,
        CsrfRejected,
        TooLarge,
        NotJson,
        ServerErrors,
    ),
    security(("bearer" = []), ("access_cookie" = []))
)]
pub async fn patch_profile(
    auth: Authenticated,
    pool: web::Data<DbPool>,
    body: web::Json<serde_json::Map<String, serde_json::Value>>,
) -> Result<HttpResponse, ApiError> {
    // Read as an object first: serde would also fill a struct from a JSON array.
    let patch: ProfilePatch = serde_json::from_value(serde_json::Value::Object(body.into_inner()))
        // serde's message may quote the value sent, so it stays out of the answer.
        .map_err(|_| {
            ApiError::invalid("The JSON body must be an object with `bio` and `avatar_photo_id`.")
        })?;
    let mut fields = BTreeMap::new();
    let bio: Option<Option<Bio>> = match patch.bio {
        None => None,
        Some(None) => Some(None),
        Some(Some(text)) => match Bio::parse(&text) {
            Ok(bio) => Some(bio),
            Err(reason) => {
                fields.insert("bio".to_owned(), reason);
                None
            }
        },
    };
    let avatar: Option<Option<Uuid>> = match patch.avatar_photo_id {
        None => None,
        Some(None) => Some(None),
        Some(Some(text)) => match Uuid::try_parse(&text) {
            Ok(id) => Some(Some(id)),
            Err(_) => {
                fields.insert("avatar_photo_id".to_owned(), NOT_YOUR_PHOTO.to_owned());
                None
            }
        },
    };
    if !fields.is_empty() {
        return Err(ApiError::invalid_fields(fields));
    }

    let user_id = auth.claims.sub;
    let (username, iat) = (auth.claims.username.clone(), auth.claims.iat);
    let (stored, count) = blocking(&pool, move |conn| {
        known_users::lock_and_record(conn, user_id, &username, iat)?;
        let changes = ProfileChanges {
            bio: bio.as_ref().map(|b| b.as_ref().map(Bio::as_str)),
            avatar_photo_id: avatar,
        };
        // The database guarantees the avatar is one of the caller's photos.
        let row = match profiles::upsert(conn, user_id, &changes) {
            Err(DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, info))
                if info.constraint_name() == Some(profiles::AVATAR_CONSTRAINT) =>
            {
                return Err(ApiError::invalid_field("avatar_photo_id", NOT_YOUR_PHOTO));
            }
            other => other?,
        };
        Ok((row, photos::count_by_owner(conn, user_id)?))
    })
    .await?;
    Ok(HttpResponse::Ok().json(ProfileView::new(auth.claims, Some(stored), count)))
}

/// Erases everything the caller owns here: photos (with their bytes and the likes they got),
/// the likes the caller gave, the profile. The first step of deleting an account (README,
/// "Deleting an account"); running it again is harmless.
#[utoipa::path(
    delete,
    path = "/profile",
    tag = "profile",
    operation_id = "erase_profile",
    responses(
        (status = 204, description = "Everything the caller owned here is gone"),
        TwoTokens,
        Unauthorized,
        CsrfRejected,
        ServerErrors,
    ),
    security(("bearer" = []), ("access_cookie" = []))
)]
pub async fn erase_profile(
    auth: Authenticated,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let user_id = auth.claims.sub;
    let erased = blocking(&pool, move |conn| Ok(erase::everything_of(conn, user_id)?)).await?;
    log::info!(
        "profile erased: user_id={user_id} photos={} likes={} profile={}",
        erased.photos,
        erased.likes,
        erased.profile
    );
    Ok(HttpResponse::NoContent().finish())
}
