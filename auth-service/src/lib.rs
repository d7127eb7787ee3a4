//! auth-service: the issuer. Users, sessions and refresh-token families in PostgreSQL; login,
//! rotation with reuse detection, and the account endpoints of docs/API.md.
//!
//! Layers, top down: `routes` (handlers: parse, call, respond) and `http` (extractors, cookies,
//! rate limit) translate HTTP; `account` and `sessions` hold the work; `db` (Diesel queries) and
//! `domain` (validated input types) know nothing of HTTP. `error` maps every failure to its
//! answer once.

pub mod account;
pub mod cleanup;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod events;
pub mod gen_keypair;
pub mod http;
pub mod issuer;
pub mod mail;
pub mod metrics;
pub mod password_hashing;
pub mod password_work;
pub mod routes;
pub mod sessions;
pub mod startup;
pub mod views;
pub mod webhooks;
