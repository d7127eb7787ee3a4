//! The one integration-test binary of resource-service: the real app on port 0 against a fresh
//! PostgreSQL database per test, spoken to over HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod attacks;
mod browsers;
mod cli;
mod compose;
mod consistency;
mod e2e;
mod env_example;
mod health;
mod helpers;
mod hidden_bytes;
mod image_safety;
mod jwks;
mod likes;
mod memory;
mod openapi;
mod outage;
mod photo_serving;
mod photo_storage;
mod photos;
mod photos_upload;
mod profile;
mod reauth;
mod revocation;
mod shutdown;
mod stored_objects;
mod tokens;
mod upload_floods;
mod upload_limits;
mod whoami;
