//! The query string of `GET /photos`: `owner`, `limit` and `cursor`, each checked, every one at
//! fault named in one 400.

use crate::domain::{ListLimit, OwnerFilter, PhotoCursor};
use crate::error::ApiError;
use crate::photos::PageQuery;
use serde::Deserialize;
use std::collections::BTreeMap;
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

impl ListParams {
    /// The parameters checked: the page the listing asks for.
    pub fn parse(self) -> Result<PageQuery, ApiError> {
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
