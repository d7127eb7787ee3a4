use uuid::Uuid;

/// Whose photos a listing shows: the caller's (`me`) or a given user's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnerFilter {
    Me,
    User(Uuid),
}

impl OwnerFilter {
    pub fn parse(input: &str) -> Result<OwnerFilter, String> {
        let input = input.trim();
        if input == "me" {
            return Ok(OwnerFilter::Me);
        }
        Uuid::try_parse(input)
            .map(OwnerFilter::User)
            .map_err(|_| "must be `me` or a user id (UUID)".to_owned())
    }

    /// The user id meant, for a request made by `caller`.
    pub fn resolve(self, caller: Uuid) -> Uuid {
        match self {
            OwnerFilter::Me => caller,
            OwnerFilter::User(id) => id,
        }
    }
}

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
        for bad in ["", "ME", "you", "1234", "not-a-uuid"] {
            assert!(OwnerFilter::parse(bad).is_err(), "{bad:?}");
        }
    }
}
