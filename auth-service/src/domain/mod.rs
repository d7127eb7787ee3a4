//! Inputs parsed into types that can only hold valid values (docs/API.md, Input rules).
//! Once the code holds a `Username`, it is normalised and valid; nothing re-checks it.

mod client_info;
mod email;
mod full_name;
mod link_token;
mod password;
mod username;

#[cfg(test)]
mod properties;

pub use client_info::{bucket, site_bucket, ClientInfo};
pub use email::Email;
pub use full_name::FullName;
pub use link_token::LinkToken;
pub use password::Password;
/// The one rule for client text that reaches the database (no NUL).
pub use service_kit::text::storable;
pub use username::Username;

use std::collections::BTreeMap;

/// Input with one or more bad fields: each name with its reason (docs/API.md, Error body).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid fields: {0:?}")]
pub struct InvalidFields(pub BTreeMap<String, String>);

impl InvalidFields {
    pub fn one(field: &str, reason: &str) -> Self {
        Self(BTreeMap::from([(field.to_owned(), reason.to_owned())]))
    }
}

/// Collects per-field parse errors so a client learns about every bad field at once.
#[derive(Default)]
pub struct FieldErrors(BTreeMap<String, String>);

impl FieldErrors {
    /// Parses `value` with `parse`, remembering the error under `field`.
    pub fn check<T>(&mut self, field: &str, parsed: Result<T, String>) -> Option<T> {
        match parsed {
            Ok(v) => Some(v),
            Err(reason) => {
                self.0.insert(field.to_owned(), reason);
                None
            }
        }
    }

    pub fn missing(&mut self, field: &str) {
        self.0.insert(field.to_owned(), "is required".to_owned());
    }

    /// `Ok(())` when every field parsed, else every bad one with its reason.
    pub fn finish(self) -> Result<(), InvalidFields> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(InvalidFields(self.0))
        }
    }
}
