//! auth-service integration tests: the real app on port 0, a fresh PostgreSQL database per test,
//! HTTP in and out (CONTRIBUTING.md, The whole suite).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod abuse;
mod attacks;
mod audit;
mod cleanup;
mod compose;
mod cookies_csrf;
mod events;
mod health;
mod jwks;
mod logging;
mod login;
mod logout;
mod me;
mod openapi;
mod operations;
mod outage;
mod password;
mod reauth;
mod recovery;
mod refresh;
mod refresh_concurrency;
mod register;
mod requests;
mod roles;
mod rotation_model;
mod round_trips;
mod sessions;
mod token_delivery;
mod webhooks;
