//! Account recovery through a real SMTP server (docs/RECOVERY.md, Tests): `test_support::smtp`
//! runs one in process for each test, it receives what the mail worker sends over SMTP, and the
//! tests follow the links in the delivered mails as a person would.

mod delivery;
mod relay;
mod reset;
mod takeover;
mod verification;

use crate::helpers::{spawn_app_with, TestApp};
use diesel::sql_types::BigInt;
use diesel::{QueryableByName, RunQueryDsl};
use std::collections::HashMap;
use std::time::Duration;
use test_support::smtp::SmtpServer;

/// The web app the links point at (`PUBLIC_URL`).
const PUBLIC: &str = "https://photos.example";
const RESET_LINK: &str = "https://photos.example/#/reset-password?token=";
const VERIFY_LINK: &str = "https://photos.example/#/verify-email?token=";
/// How long a test waits for a mail to arrive.
const WAIT: Duration = Duration::from_secs(30);
const NEW_PASSWORD: &str = "a fresh passphrase for rosa";

/// An app that sends through `smtp`, retrying fast, with the settings in `extra` on top.
async fn app_sending_to(smtp: &SmtpServer, extra: &[(&str, &str)]) -> TestApp {
    let url = smtp.url();
    let extra: HashMap<String, String> = extra
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    spawn_app_with(move |vars| {
        vars.insert("SMTP_URL".to_owned(), url);
        vars.insert(
            "MAIL_FROM".to_owned(),
            "Snapshots <no-reply@photos.example>".to_owned(),
        );
        vars.insert("PUBLIC_URL".to_owned(), PUBLIC.to_owned());
        vars.insert("PRODUCT_NAME".to_owned(), "Snapshots".to_owned());
        vars.insert("MAIL_RETRY_INITIAL".to_owned(), "100ms".to_owned());
        vars.insert("MAIL_RETRY_MAX".to_owned(), "400ms".to_owned());
        vars.extend(extra);
    })
    .await
}

/// One number from the app's database.
fn scalar(app: &TestApp, sql: &str) -> i64 {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    diesel::sql_query(sql)
        .get_result::<Row>(&mut app.db.connect())
        .unwrap()
        .n
}

/// Waits until `sql` counts `expected`.
async fn until_count(app: &TestApp, sql: &str, expected: i64) {
    for _ in 0..400 {
        if scalar(app, sql) == expected {
            return;
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "{sql} never counted {expected} (it counts {})",
        scalar(app, sql)
    );
}
