//! What the commands make of a link that is no good (docs/CLI.md, Links from mails and Exit
//! codes): `password forgot` answers alike for any address, an unknown link exits 8 and names the
//! command that gets a new one, a link of the other kind or an empty `--link-stdin` line exits 2.

use crate::common::{
    photo_auth, register, spawn_services, stderr, stdout, LINK_INVALID, REFUSED, USAGE,
};

#[actix_web::test]
async fn forgot_answers_alike_a_bad_link_exits_8_and_a_wrong_or_empty_one_2() {
    let services = spawn_services().await;
    register(&services, "erin").await;
    let config = tempfile::tempdir().unwrap();
    let config = config.path();

    for email in ["erin@example.com", "nobody@example.com"] {
        let forgot = photo_auth(&services, config, &["password", "forgot", email], "").await;
        assert!(forgot.status.success(), "{forgot:?}");
        assert!(
            stdout(&forgot).starts_with(&format!("If an account uses {email}, ")),
            "{forgot:?}"
        );
    }
    let json = photo_auth(
        &services,
        config,
        &["--json", "password", "forgot", "erin@example.com"],
        "",
    )
    .await;
    let body: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(body["ok"], true, "{json:?}");
    let no_address = photo_auth(&services, config, &["password", "forgot", "erin"], "").await;
    assert_eq!(no_address.status.code(), Some(REFUSED), "{no_address:?}");
    assert!(stderr(&no_address).contains("email: "), "{no_address:?}");

    let unknown = format!(
        "http://localhost:3000/#/reset-password?token={}",
        "A".repeat(43)
    );
    let reset = photo_auth(
        &services,
        config,
        &["password", "reset", &unknown, "--password-stdin"],
        "a brand new password\n",
    )
    .await;
    assert_eq!(reset.status.code(), Some(LINK_INVALID), "{reset:?}");
    assert!(
        stderr(&reset).contains("photo-auth password forgot EMAIL"),
        "{reset:?}"
    );
    let verify = photo_auth(&services, config, &["email", "verify", &"A".repeat(43)], "").await;
    assert_eq!(verify.status.code(), Some(LINK_INVALID), "{verify:?}");
    assert!(
        stderr(&verify).contains("photo-auth email resend"),
        "{verify:?}"
    );
    // A verification link given to `password reset` is bad usage, named as such.
    let swapped = unknown.replace("reset-password", "verify-email");
    let wrong = photo_auth(&services, config, &["password", "reset", &swapped], "").await;
    assert_eq!(wrong.status.code(), Some(USAGE), "{wrong:?}");
    assert!(
        stderr(&wrong).contains("photo-auth email verify"),
        "{wrong:?}"
    );
    let wrong = photo_auth(
        &services,
        config,
        &["password", "reset", "--link-stdin"],
        &swapped,
    )
    .await;
    assert_eq!(wrong.status.code(), Some(USAGE), "{wrong:?}");
    assert!(
        stderr(&wrong).contains("photo-auth email verify"),
        "{wrong:?}"
    );
    for (args, stdin) in [
        (&["email", "verify", "--link-stdin"][..], ""),
        (&["email", "verify", "--link-stdin"], "  \n"),
        (
            &["password", "reset", "--link-stdin", "--password-stdin"],
            "\na brand new password\n",
        ),
    ] {
        let empty = photo_auth(&services, config, args, stdin).await;
        assert_eq!(empty.status.code(), Some(USAGE), "{args:?}: {empty:?}");
        assert!(
            stderr(&empty).contains("--link-stdin: stdin's first line is empty"),
            "{empty:?}"
        );
    }
}
