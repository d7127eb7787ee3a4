//! resource-service: verifies access tokens statelessly (through `shared-tokens`, never calling
//! auth-service) and serves profiles and photos from its own PostgreSQL database (docs/API.md,
//! resource-service).

pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod fetched;
pub mod http;
pub mod jwks;
pub mod metrics;
pub mod photos;
pub mod profile;
pub mod revocations;
pub mod routes;
pub mod startup;
pub mod storage;
