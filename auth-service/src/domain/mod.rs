//! Inputs parsed into types that can only hold valid values (docs/API.md, Input rules).
//! Once a handler holds a `Username`, it is normalised and valid; nothing re-checks it.

mod email;
mod full_name;
mod password;
mod username;

#[cfg(test)]
mod properties;

pub use email::Email;
pub use full_name::FullName;
pub use password::Password;
/// The one rule for client text that reaches the database (no NUL).
pub use service_kit::text::storable;
pub use username::Username;

use crate::error::ApiError;
use std::collections::BTreeMap;

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

    /// `Ok(())` when every field parsed, else the 400 naming each bad one.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::invalid_fields(self.0))
        }
    }
}
