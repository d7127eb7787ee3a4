//! What reads a request, as auth-service's `src/http/`: the caller from the verified access token
//! (`caller.rs`, the one place the token's claims become a `domain::Caller`).

pub mod caller;

pub use caller::{RecentlySignedIn, SignedIn};
