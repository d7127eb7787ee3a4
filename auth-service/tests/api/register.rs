use crate::helpers::{assert_error, spawn_app};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeSet;

fn valid_body() -> Value {
    json!({
        "username": "alice",
        "email": "alice@example.com",
        "full_name": "Alice Liddell",
        "password": "correct horse battery staple",
    })
}

fn with(field: &str, value: Value) -> Value {
    let mut body = valid_body();
    if value.is_null() {
        body.as_object_mut().unwrap().remove(field);
    } else {
        body[field] = value;
    }
    body
}

#[actix_web::test]
async fn registering_returns_201_and_the_user_without_any_hash() {
    let app = spawn_app().await;

    let response = app.post_json("/auth/register", &valid_body(), None).await;

    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    let keys: BTreeSet<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    assert_eq!(
        keys,
        BTreeSet::from([
            "id",
            "username",
            "email",
            "full_name",
            "roles",
            "created_at",
            "email_verified",
            "pending_email"
        ])
    );
    assert_eq!(body["email_verified"], false);
    assert_eq!(body["pending_email"], Value::Null);
    assert!(body["id"].as_str().unwrap().parse::<uuid::Uuid>().is_ok());
    assert_eq!(body["username"], "alice");
    assert_eq!(body["email"], "alice@example.com");
    assert_eq!(body["full_name"], "Alice Liddell");
    assert_eq!(body["roles"], json!(["user"]));
    assert!(!body.to_string().contains("$2"), "no bcrypt hash: {body}");
}

#[actix_web::test]
async fn registering_stores_the_normalised_username_email_and_name() {
    let app = spawn_app().await;

    let response = app
        .register(
            "  ＡＬＩＣＥ_01 ",
            " Alice@Example.COM ",
            "  Alice  ",
            "correct horse",
        )
        .await;

    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["username"], "alice_01");
    assert_eq!(body["email"], "alice@example.com");
    assert_eq!(body["full_name"], "Alice");
}

#[actix_web::test]
async fn registering_with_a_bad_field_is_400_naming_that_field() {
    let app = spawn_app().await;
    let long_email = format!("{}@example.com", "a".repeat(243)); // 255 bytes
    let cases = [
        ("username", Value::Null, "missing"),
        ("username", json!(""), "empty"),
        ("username", json!("ab"), "too short"),
        ("username", json!("a".repeat(33)), "too long"),
        ("username", json!("alice smith"), "a space inside"),
        ("username", json!("alice!"), "punctuation"),
        ("username", json!("élodie"), "non-ASCII letter"),
        ("email", Value::Null, "missing"),
        ("email", json!("alice"), "no @"),
        ("email", json!("@example.com"), "no local part"),
        ("email", json!("alice@"), "no domain"),
        ("email", json!("a@b@example.com"), "two @"),
        ("email", json!("al ice@example.com"), "a space inside"),
        ("email", json!(long_email), "over 254 bytes"),
        ("full_name", Value::Null, "missing"),
        ("full_name", json!("   "), "blank"),
        ("full_name", json!("x".repeat(101)), "101 characters"),
        ("password", Value::Null, "missing"),
        ("password", json!("seven77"), "7 characters"),
        ("password", json!("p".repeat(129)), "129 characters"),
        (
            "password",
            json!("é".repeat(129)),
            "129 two-byte characters",
        ),
    ];

    for (field, value, why) in cases {
        let response = app
            .post_json("/auth/register", &with(field, value), None)
            .await;

        let body = assert_error(response, StatusCode::BAD_REQUEST, "invalid_request").await;
        let fields = body["fields"].as_object().unwrap_or_else(|| {
            panic!("{field} ({why}): a validation error carries `fields`: {body}")
        });
        assert_eq!(
            fields.keys().collect::<Vec<_>>(),
            vec![field],
            "{field} ({why}): {body}"
        );
    }
}

#[actix_web::test]
async fn registering_reports_every_bad_field_at_once() {
    let app = spawn_app().await;

    let response = app.register("x", "nope", "", "short").await;

    let body = assert_error(response, StatusCode::BAD_REQUEST, "invalid_request").await;
    let fields: BTreeSet<&str> = body["fields"]
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    assert_eq!(
        fields,
        BTreeSet::from(["username", "email", "full_name", "password"])
    );
}

#[actix_web::test]
async fn edge_lengths_are_accepted() {
    let app = spawn_app().await;
    let cases = [
        ("abc", "abc@example.com", "A", "12345678"),
        (
            &"b".repeat(32) as &str,
            "b@example.com",
            &"é".repeat(100) as &str,
            &"é".repeat(128) as &str,
        ),
    ];

    for (username, email, full_name, password) in cases {
        let response = app.register(username, email, full_name, password).await;

        assert_eq!(response.status(), StatusCode::CREATED, "{username}");
    }
}

#[actix_web::test]
async fn a_duplicate_username_or_email_is_409_even_after_normalisation() {
    let app = spawn_app().await;
    app.register_user("alice").await;
    let cases = [
        ("alice", "other1@example.com", "username", "same username"),
        (
            " ALICE ",
            "other2@example.com",
            "username",
            "username in other case",
        ),
        (
            "ａｌｉｃｅ",
            "other3@example.com",
            "username",
            "fullwidth username",
        ),
        ("bob1", "alice@example.com", "email", "same email"),
        ("bob2", "Alice@Example.com", "email", "email in other case"),
        ("bob3", "  alice@EXAMPLE.com ", "email", "email with spaces"),
    ];

    for (username, email, field, why) in cases {
        let response = app
            .register(username, email, "Someone", "correct horse battery")
            .await;

        let body = assert_error(response, StatusCode::CONFLICT, "conflict").await;
        assert!(body["fields"].get(field).is_some(), "{why}: {body}");
    }
}

#[actix_web::test]
async fn the_database_itself_refuses_a_duplicate_username() {
    let app = spawn_app().await;
    app.register_user("alice").await;

    let result = diesel::RunQueryDsl::execute(
        diesel::sql_query(
            "INSERT INTO users (id, username, email, full_name, password_hash) \
             VALUES (gen_random_uuid(), 'alice', 'x@example.com', 'X', 'h')",
        ),
        &mut app.db.connect(),
    );

    assert!(result.is_err(), "a unique constraint must refuse it");
}

#[actix_web::test]
async fn a_128_character_password_is_accepted_and_129_is_refused() {
    let app = spawn_app().await;

    let ok = app
        .register("long", "long@example.com", "Long", &"p".repeat(128))
        .await;
    let too_long = app
        .register("longer", "longer@example.com", "Longer", &"p".repeat(129))
        .await;

    assert_eq!(ok.status(), StatusCode::CREATED);
    let body = assert_error(too_long, StatusCode::BAD_REQUEST, "invalid_request").await;
    assert!(body["fields"]["password"].is_string(), "{body}");
}

#[actix_web::test]
async fn an_eight_emoji_password_is_accepted_and_logs_in() {
    let app = spawn_app().await;
    let password = "🔑🔒🗝🔓🔐🛡🧩🎲";
    assert_eq!(password.chars().count(), 8);

    let user = app.register_user_with_password("emoji", password).await;
    let tokens = app.login_as(&user).await;

    assert_eq!(tokens.body["user"]["username"], "emoji");
}
