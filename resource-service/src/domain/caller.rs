//! Who makes a request, as the work layer knows them. `http/caller.rs` builds one from the
//! verified access token; below `routes/`, this is all that is known of the token.

use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub id: Uuid,
    /// The name the token was issued under: recorded as the account's newest known name
    /// (`db::known_users`) and written on the photos the caller uploads.
    pub username: String,
    /// Holds the `admin` role: may delete anyone's photo.
    pub is_admin: bool,
    /// The token says the email address is verified (`REQUIRE_VERIFIED_EMAIL`, uploads).
    pub email_verified: bool,
    /// When the token was issued, in seconds since the epoch: of two names seen for one account,
    /// the one from the newer token wins.
    pub token_issued_at: i64,
}
