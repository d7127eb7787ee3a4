//! The error body of docs/API.md: every refusal of both services, from a handler, a middleware
//! or the request configuration, is rendered through this one type.

use actix_web::http::header;
use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use serde::Serialize;
use std::collections::BTreeMap;

/// `{"error": "<code>", "message": "<one human sentence>", "fields"?: {name: reason}}`.
#[derive(Debug, Serialize)]
pub struct ErrorBody<'a> {
    pub error: &'a str,
    pub message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<&'a BTreeMap<String, String>>,
}

impl<'a> ErrorBody<'a> {
    pub fn new(error: &'a str, message: &'a str) -> Self {
        Self {
            error,
            message,
            fields: None,
        }
    }

    pub fn with_fields(mut self, fields: &'a BTreeMap<String, String>) -> Self {
        self.fields = Some(fields);
        self
    }

    /// The response every error of both services is rendered as.
    pub fn respond(&self, status: StatusCode) -> HttpResponse {
        HttpResponse::build(status)
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .json(self)
    }
}
