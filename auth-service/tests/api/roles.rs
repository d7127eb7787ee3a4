use crate::helpers::{decode_jwt, spawn_app};
use serde_json::json;

async fn grant(
    settings: &auth_service::config::Settings,
    username: &str,
    role: &str,
) -> Result<String, String> {
    let (settings, username, role) = (settings.clone(), username.to_owned(), role.to_owned());
    tokio::task::spawn_blocking(move || auth_service::cli::grant_role(&settings, &username, &role))
        .await
        .unwrap()
}

#[actix_web::test]
async fn a_granted_role_shows_in_the_next_login_and_its_access_token() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;

    let line = grant(&app.settings, "alice", "admin").await.unwrap();

    assert!(line.contains("admin"), "{line}");
    let tokens = app.login_as(&user).await;
    assert_eq!(tokens.body["user"]["roles"], json!(["user", "admin"]));
    let (_, claims) = decode_jwt(&tokens.access);
    assert_eq!(claims["roles"], json!(["user", "admin"]));
}

#[actix_web::test]
async fn granting_a_role_twice_keeps_one_copy_and_names_match_normalised() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;

    grant(&app.settings, " ALICE ", "admin").await.unwrap();
    grant(&app.settings, "alice", "admin").await.unwrap();

    let tokens = app.login_as(&user).await;
    assert_eq!(tokens.body["user"]["roles"], json!(["user", "admin"]));
}

#[actix_web::test]
async fn granting_to_an_unknown_user_or_a_malformed_role_fails() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;

    let unknown = grant(&app.settings, "nobody", "admin").await;
    let bad_role = grant(&app.settings, "alice", "Admin; DROP").await;
    let empty_role = grant(&app.settings, "alice", " ").await;

    assert!(unknown.unwrap_err().contains("nobody"));
    assert!(bad_role.is_err());
    assert!(empty_role.is_err());
    let tokens = app.login_as(&user).await;
    assert_eq!(tokens.body["user"]["roles"], json!(["user"]));
}
