//! The query string of `GET /photos`: `owner`, `limit` and `cursor`, each checked, every one at
//! fault named in one 400.

use crate::domain::{ListLimit, OwnerFilter, PhotoCursor};
use crate::error::ApiError;
use crate::photos::PageQuery;
use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::future::{ready, Ready};
use utoipa::IntoParams;

/// The parameters as sent: text, so that a bad one is named in `fields` rather than failing the
/// whole query string.
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

/// The parameters checked: the page the listing asks for.
#[derive(Debug)]
pub struct ListQuery(PageQuery);

impl ListQuery {
    pub fn into_inner(self) -> PageQuery {
        self.0
    }
}

impl FromRequest for ListQuery {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        // Through `web::Query`, so a query string that is no `ListParams` at all is answered as
        // on every route (`service_kit::request_errors::query_config`).
        let checked = web::Query::<ListParams>::from_request(req, payload)
            .into_inner()
            .and_then(|params| Ok(ListQuery(params.into_inner().parse()?)));
        ready(checked)
    }
}

impl ListParams {
    fn parse(self) -> Result<PageQuery, ApiError> {
        let mut fields = BTreeMap::new();
        let owner = parse_param(&mut fields, "owner", self.owner, OwnerFilter::parse);
        let limit = parse_param(&mut fields, "limit", self.limit, ListLimit::parse);
        let cursor = parse_param(&mut fields, "cursor", self.cursor, PhotoCursor::parse);
        if !fields.is_empty() {
            return Err(ApiError::invalid_fields(fields));
        }
        Ok(PageQuery {
            owner,
            limit: limit.unwrap_or(ListLimit::DEFAULT),
            cursor,
        })
    }
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
