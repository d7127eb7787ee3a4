//! The JSON bodies of the two APIs (docs/API.md), written once: the services serialise them and
//! describe them in their OpenAPI documents, `photo-auth-client` reads them back.

pub mod auth;
pub mod resource;

pub use auth::{SessionList, SessionView, TokenResponse, User};
pub use resource::{PhotoPage, PhotoView, ProfileView};
