//! Resetting the password by the mailed link (docs/CLI.md, Links from mails): a weak new password
//! is refused (7), `password reset --link-stdin --password-stdin` takes the link and the new
//! password, every session ends (3), the link works once (8), and the new password logs in.

use crate::common::{
    mailed_links, photo_auth, register, spawn_services, stderr, stdout, LINK_INVALID, LOGIN_NEEDED,
    PASSWORD, REFUSED,
};

#[actix_web::test]
async fn reset_by_the_mailed_link_then_log_in_with_the_new_password() {
    let services = spawn_services().await;
    register(&services, "gail").await;
    let config = tempfile::tempdir().unwrap();
    let config = config.path();
    let login = photo_auth(
        &services,
        config,
        &["login", "gail", "--password-stdin"],
        PASSWORD,
    )
    .await;
    assert!(login.status.success(), "{login:?}");

    let forgot = photo_auth(
        &services,
        config,
        &["password", "forgot", "gail@example.com"],
        "",
    )
    .await;
    assert!(forgot.status.success(), "{forgot:?}");
    let links = mailed_links(&services.mail, "gail@example.com", "reset-password", 1).await;
    let link = &links[0];

    let weak = photo_auth(
        &services,
        config,
        &["password", "reset", link, "--password-stdin"],
        "short\n",
    )
    .await;
    assert_eq!(weak.status.code(), Some(REFUSED), "{weak:?}");
    assert!(stderr(&weak).contains("new_password: "), "{weak:?}");

    // The link on stdin's first line, the new password on its second.
    let new_password = "a much better passphrase";
    let reset = photo_auth(
        &services,
        config,
        &["password", "reset", "--link-stdin", "--password-stdin"],
        &format!("{link}\n{new_password}\n"),
    )
    .await;
    assert!(reset.status.success(), "{reset:?}");
    assert!(stdout(&reset).starts_with("Password changed."), "{reset:?}");

    // Every session ended, the one kept here too.
    let whoami = photo_auth(&services, config, &["whoami"], "").await;
    assert_eq!(whoami.status.code(), Some(LOGIN_NEEDED), "{whoami:?}");
    let again = photo_auth(
        &services,
        config,
        &["password", "reset", link, "--password-stdin"],
        &format!("{new_password}\n"),
    )
    .await;
    assert_eq!(again.status.code(), Some(LINK_INVALID), "{again:?}");
    let login = photo_auth(
        &services,
        config,
        &["login", "gail", "--password-stdin"],
        new_password,
    )
    .await;
    assert!(login.status.success(), "{login:?}");
}
