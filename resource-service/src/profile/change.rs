//! A change to a profile, checked, and why a profile change did not happen.

use crate::domain::Bio;
use diesel::result::Error as DieselError;
use service_kit::DbError;
use std::collections::BTreeMap;
use uuid::Uuid;

pub(super) const NOT_YOUR_PHOTO: &str = "must be the id of one of your photos, or null";

/// Why a profile change did not happen. `routes/refusals.rs` turns it into the HTTP answer.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// Fields at fault, each with its reason.
    #[error("invalid fields: {0:?}")]
    Invalid(BTreeMap<String, String>),
    /// The database refused or could not be reached, as `DbError` classified it.
    #[error(transparent)]
    Database(#[from] DbError),
}

impl From<DieselError> for ProfileError {
    fn from(error: DieselError) -> Self {
        Self::Database(error.into())
    }
}

/// A checked change: `None` leaves a field alone, `Some(None)` clears it.
#[derive(Debug)]
pub struct ProfileChange {
    pub(super) bio: Option<Option<Bio>>,
    pub(super) avatar_photo_id: Option<Option<Uuid>>,
}

impl ProfileChange {
    /// Checks the fields as sent (`None`: absent, `Some(None)`: `null`), naming every one at
    /// fault.
    pub fn parse(
        bio: Option<Option<String>>,
        avatar_photo_id: Option<Option<String>>,
    ) -> Result<Self, ProfileError> {
        let mut fields = BTreeMap::new();
        let bio = match bio {
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
        let avatar_photo_id = match avatar_photo_id {
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
            return Err(ProfileError::Invalid(fields));
        }
        Ok(Self {
            bio,
            avatar_photo_id,
        })
    }
}
