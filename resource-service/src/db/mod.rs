//! Everything that talks to PostgreSQL: the pool, the generated schema, row structs and one
//! module of small synchronous queries per table. Handlers reach it only through
//! `routes::blocking`, off the async workers.

pub mod erase;
pub mod known_users;
pub mod likes;
pub mod models;
pub mod moved_out;
pub mod objects;
pub mod photos;
pub mod pool;
pub mod profiles;
pub mod schema;

pub use pool::{DbPool, MIGRATIONS, SCHEMA};
