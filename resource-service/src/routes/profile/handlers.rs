//! `GET`, `PATCH` and `DELETE /profile`: the token's identity merged with what is stored, and
//! the erasure of everything the caller owns here.

use super::view::{profile_view, ProfileView};
use crate::error::ApiError;
use crate::http::{ProfilePatch, ProfilePatchBody, RecentlySignedIn, SignedIn};
use crate::profile::Profiles;
use actix_web::{web, HttpResponse};
use service_kit::openapi::ApiErrorBody;
use service_kit::openapi_responses::{
    CsrfRejected, NotJson, ServerErrors, TooLarge, TwoTokens, Unauthorized,
};

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
    signed_in: SignedIn,
    profiles: web::Data<Profiles>,
) -> Result<HttpResponse, ApiError> {
    let stored = profiles.read(&signed_in.caller).await?;
    Ok(HttpResponse::Ok().json(profile_view(signed_in.claims, stored)))
}

/// Changes the bio or the avatar; the answer is the whole profile.
#[utoipa::path(
    patch,
    path = "/profile",
    tag = "profile",
    request_body = ProfilePatch,
    responses(
        (status = 200, description = "The caller's profile", body = ProfileView),
        (
            status = 400,
            description = "Malformed JSON or invalid fields (`fields` says which)",
            body = ApiErrorBody
        ),
        Unauthorized,
        CsrfRejected,
        TooLarge,
        NotJson,
        ServerErrors,
    ),
    security(("bearer" = []), ("access_cookie" = []))
)]
pub async fn patch_profile(
    signed_in: SignedIn,
    body: ProfilePatchBody,
    profiles: web::Data<Profiles>,
) -> Result<HttpResponse, ApiError> {
    let stored = profiles
        .update(&signed_in.caller, body.into_inner())
        .await?;
    Ok(HttpResponse::Ok().json(profile_view(signed_in.claims, stored)))
}

/// Erases everything the caller owns here: photos (with their bytes and the likes they got),
/// the likes the caller gave, the profile. The first step of deleting an account
/// (docs/OPERATIONS.md, "Deleting an account"); running it again is harmless. Needs a recent
/// login (docs/TOKENS.md, Recent login): a token stolen earlier cannot erase anything.
#[utoipa::path(
    delete,
    path = "/profile",
    tag = "profile",
    operation_id = "erase_profile",
    responses(
        (status = 204, description = "Everything the caller owned here is gone"),
        TwoTokens,
        Unauthorized,
        (
            status = 403,
            description = "`reauth_required`: the login is older than `REAUTH_WINDOW` (prove \
                           the password again at auth-service's `POST /auth/reauthenticate`); \
                           or `csrf_rejected`",
            body = ApiErrorBody
        ),
        ServerErrors,
    ),
    security(("bearer" = []), ("access_cookie" = []))
)]
pub async fn erase_profile(
    recently_signed_in: RecentlySignedIn,
    profiles: web::Data<Profiles>,
) -> Result<HttpResponse, ApiError> {
    profiles.erase(&recently_signed_in.caller).await?;
    Ok(HttpResponse::NoContent().finish())
}
