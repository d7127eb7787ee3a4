use uuid::Uuid;

/// `8-4-4-4-12` hex digits and hyphens.
const HYPHENATED_LEN: usize = 36;

/// Whose photos a listing shows: the caller's (`me`) or a given user's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnerFilter {
    Me,
    User(Uuid),
}

impl OwnerFilter {
    /// `me`, or a user id in the hyphenated form ids are shown in, exactly ([`Self::PATTERN`]).
    pub fn parse(input: &str) -> Result<OwnerFilter, String> {
        if input == "me" {
            return Ok(OwnerFilter::Me);
        }
        // The other spellings `Uuid::try_parse` knows (braces, `urn:uuid:`, no hyphens) are
        // nothing this service shows, so they are not in the document and not taken.
        match Uuid::try_parse(input) {
            Ok(id) if input.len() == HYPHENATED_LEN => Ok(OwnerFilter::User(id)),
            _ => Err("must be `me` or a user id (UUID)".to_owned()),
        }
    }

    /// What [`Self::parse`] takes, as a JSON Schema pattern.
    pub const PATTERN: &str =
        "^(?:me|[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})$";

    /// The user id meant, for a request made by `caller`.
    pub fn resolve(self, caller: Uuid) -> Uuid {
        match self {
            OwnerFilter::Me => caller,
            OwnerFilter::User(id) => id,
        }
    }
}

/// The rule of `parse`, as the documents state it.
impl utoipa::PartialSchema for OwnerFilter {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        service_kit::openapi::string_schema(
            Self::PATTERN.to_owned(),
            "`me`, or a user id (a UUID, hyphenated).",
        )
        .into()
    }
}

impl utoipa::ToSchema for OwnerFilter {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn me_resolves_to_the_caller() {
        let caller = Uuid::new_v4();
        assert_eq!(OwnerFilter::parse("me").unwrap().resolve(caller), caller);
    }

    #[test]
    fn a_uuid_resolves_to_itself() {
        let other = Uuid::new_v4();
        let filter = OwnerFilter::parse(&other.to_string()).unwrap();
        assert_eq!(filter.resolve(Uuid::new_v4()), other);
    }

    #[test]
    fn anything_else_is_refused() {
        let simple = Uuid::new_v4().simple().to_string();
        let braced = Uuid::new_v4().braced().to_string();
        let padded = format!(" {}", Uuid::new_v4());
        for bad in [
            "",
            "ME",
            " me",
            "you",
            "1234",
            "not-a-uuid",
            &simple,
            &braced,
            &padded,
        ] {
            assert!(OwnerFilter::parse(bad).is_err(), "{bad:?}");
        }
    }
}
