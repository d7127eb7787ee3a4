//! `X-Token-Delivery`: how a client wants the refresh token of login and refresh (docs/COOKIES.md,
//! Cookie-only delivery).
//!
//! A browser app asks for `cookie`: the refresh token then travels only in the `HttpOnly` cookie,
//! so no script on the page, its own or an injected one, ever holds it. Without the header the
//! JSON body carries it too, as every non-browser client expects. Any other value is a 400: a
//! client that misspells it must not silently get the token in the body it meant to avoid.

use crate::error::ApiError;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::{ready, Ready};

pub const HEADER: &str = "X-Token-Delivery";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenDelivery {
    /// In the JSON body and in the cookie (no header).
    BodyAndCookie,
    /// Only in the cookie (`X-Token-Delivery: cookie`).
    CookieOnly,
}

impl TokenDelivery {
    fn read(req: &HttpRequest) -> Result<Self, ApiError> {
        let mut values = req.headers().get_all(HEADER);
        match (values.next(), values.next()) {
            (None, _) => Ok(Self::BodyAndCookie),
            (Some(value), None) if value.as_bytes() == b"cookie" => Ok(Self::CookieOnly),
            _ => Err(ApiError::invalid(
                "X-Token-Delivery must be sent at most once, with the value `cookie`.",
            )),
        }
    }
}

impl FromRequest for TokenDelivery {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Self::read(req))
    }
}

/// The header as the OpenAPI document states it, for `params(...)` of login and refresh.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
pub struct TokenDeliveryHeader {
    /// `cookie`: the refresh token only in its `HttpOnly` cookie, not in the JSON body.
    #[param(rename = "X-Token-Delivery", value_type = TokenDelivery, inline, required = false)]
    _value: Option<String>,
}

/// The header's value: exactly `cookie` when present.
impl utoipa::PartialSchema for TokenDelivery {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(["cookie"]))
            .into()
    }
}

impl utoipa::ToSchema for TokenDelivery {}
