//! A fresh PostgreSQL database per test, dropped when the test ends (CONTRIBUTING.md, The whole
//! suite).
//!
//! The server comes from `TEST_DATABASE_URL` (default
//! `postgres://postgres:postgres@localhost:5432/postgres`). When no server answers, the test fails
//! at once with one line saying how to get one: never a silent skip.
//!
//! [`compose`] reads `docker-compose.yml` and the `Dockerfile` just far enough for each service's
//! compose tests to check them against its configuration loader.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

pub mod access_keys;
pub mod compose;
pub mod openapi;
pub mod raw_http;
pub mod routes;
pub mod smtp;
pub mod stand_in;

use diesel::pg::PgConnection;
use diesel::{Connection, RunQueryDsl};
use url::Url;

pub const DEFAULT_TEST_DATABASE_URL: &str = "postgres://postgres:postgres@localhost:5432/postgres";

/// A database that exists for as long as this value does.
pub struct TestDatabase {
    name: String,
    url: String,
    admin_url: String,
}

impl TestDatabase {
    /// Creates `test_<random>` on the test server.
    pub fn create() -> Self {
        let admin_url = std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_TEST_DATABASE_URL.to_owned());
        let name = format!("test_{}", uuid::Uuid::new_v4().simple());
        let mut url = Url::parse(&admin_url)
            .unwrap_or_else(|e| panic!("TEST_DATABASE_URL is not a URL ({e}): {admin_url}"));
        // Plain TCP to the test server unless the URL asks for TLS: the apps a test starts keep
        // their pools until the process ends, and with TLS a pool still reconnecting to a
        // dropped database raced OpenSSL's clean-up at exit (a segfault in libcrypto after every
        // test had passed).
        if !url.query_pairs().any(|(key, _)| key == "sslmode") {
            url.query_pairs_mut().append_pair("sslmode", "disable");
        }
        let admin_url = url.to_string();
        url.set_path(&name);
        let db = Self {
            name,
            url: url.to_string(),
            admin_url,
        };
        db.admin_execute(&format!("CREATE DATABASE \"{}\"", db.name));
        db
    }

    /// The connection URL of this test's own database.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// A direct connection to this test's database, for arranging or inspecting rows.
    pub fn connect(&self) -> PgConnection {
        PgConnection::establish(&self.url)
            .unwrap_or_else(|e| panic!("cannot connect to test database {}: {e}", self.name))
    }

    /// Simulates a database outage (`false`) and its end (`true`) without touching other tests:
    /// new connections are refused and the open ones are cut.
    pub fn set_available(&self, available: bool) {
        self.admin_execute(&format!(
            "ALTER DATABASE \"{}\" ALLOW_CONNECTIONS {available}",
            self.name
        ));
        if !available {
            self.admin_execute(&format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = '{}' AND pid <> pg_backend_pid()",
                self.name
            ));
        }
    }

    fn admin_execute(&self, sql: &str) {
        let mut conn = PgConnection::establish(&self.admin_url).unwrap_or_else(|e| {
            panic!(
                "no PostgreSQL answers at TEST_DATABASE_URL={} ({e}); start one with `bash .ci/run` \
                 (installs and starts it) or point TEST_DATABASE_URL at a server",
                self.admin_url
            )
        });
        diesel::sql_query(sql)
            .execute(&mut conn)
            .unwrap_or_else(|e| panic!("test database setup failed on `{sql}`: {e}"));
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Ok(mut conn) = PgConnection::establish(&self.admin_url) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ))
            .execute(&mut conn);
        }
    }
}

/// The value of one series in a Prometheus text exposition, e.g.
/// `metric(text, r#"auth_logins_total{outcome="failed"}"#)`; `None` when the series is absent.
pub fn metric(exposition: &str, series: &str) -> Option<f64> {
    exposition.lines().find_map(|line| {
        let value = line.strip_prefix(series)?.strip_prefix(' ')?;
        value.trim().parse().ok()
    })
}
