//! What reads a request or shapes a response beyond one handler: the client's address, the
//! access and refresh tokens, JSON bodies that must be objects, the token cookies, how the refresh
//! token is delivered and the per-address rate limit.

pub mod client_address;
pub mod cookies;
pub mod current_session;
pub mod json_body;
pub mod rate_limit;
pub mod refresh_token;
pub mod token_delivery;

pub use current_session::CurrentSession;
pub use json_body::JsonObject;
pub use refresh_token::MaybeRefreshToken;
pub use token_delivery::{TokenDelivery, TokenDeliveryHeader};
