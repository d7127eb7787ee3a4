//! auth-service: the issuer. Users, sessions and refresh-token families in PostgreSQL; login,
//! rotation with reuse detection, and the account endpoints of docs/API.md.

pub mod attempts;
pub mod auth;
pub mod cleanup;
pub mod cli;
pub mod client;
pub mod config;
pub mod cookies;
pub mod db;
pub mod domain;
pub mod error;
pub mod metrics;
pub mod passwords;
pub mod ratelimit;
pub mod rotation;
pub mod routes;
pub mod startup;
pub mod throttle;
pub mod tokens;
pub mod views;
