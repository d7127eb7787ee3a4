//! A client of the two services (docs/CLIENT.md): log in once, and every call carries a fresh
//! access token. The token is renewed shortly before it runs out and once after a 401, by a
//! single refresh however many tasks share the client; a refused refresh, or a 401
//! `session_revoked`, ends the session. The refresh token is kept by a [`TokenStore`] and never
//! printed, and sent only to the servers it was obtained from.

mod client;
mod error;
mod reauth;
mod recovery;
mod resource;
mod server;
mod store;

pub use client::Client;
pub use error::{ApiCode, ClientError};
pub use photo_auth_types as types;
pub use resource::{Owner, Progress};
pub use server::{BadUrl, BaseUrl, Servers};
pub use store::{FileStore, MemoryStore, StoredTokens, TokenStore};
