//! Verifying the address by the mailed link (docs/CLI.md, Links from mails): an upload is refused
//! (7) until then, `email resend` mails a new link, `email verify --link-stdin` takes it, the
//! upload is taken at once, and a second resend has nothing left to verify (7).

use crate::common::{
    mailed_links, photo_auth, register, spawn_services, stderr, stdout, LOGIN_NEEDED, PASSWORD,
    REFUSED,
};
use std::path::{Path, PathBuf};

fn png_file(dir: &Path) -> PathBuf {
    let pixels = vec![90u8; 40 * 8 * 3];
    let path = dir.join("a.png");
    image::save_buffer(&path, &pixels, 40, 8, image::ExtendedColorType::Rgb8).unwrap();
    path
}

#[actix_web::test]
async fn verify_by_the_mailed_link_and_uploads_are_taken_at_once() {
    let services = spawn_services().await;
    register(&services, "fred").await;
    let config = tempfile::tempdir().unwrap();
    let config = config.path();

    let resend = photo_auth(&services, config, &["email", "resend"], "").await;
    assert_eq!(resend.status.code(), Some(LOGIN_NEEDED), "{resend:?}");
    let login = photo_auth(
        &services,
        config,
        &["login", "fred", "--password-stdin"],
        PASSWORD,
    )
    .await;
    assert!(login.status.success(), "{login:?}");
    let whoami = photo_auth(&services, config, &["whoami"], "").await;
    assert!(
        stdout(&whoami).contains("email:   not verified"),
        "{whoami:?}"
    );
    let whoami = photo_auth(&services, config, &["--json", "whoami"], "").await;
    let user: serde_json::Value = serde_json::from_slice(&whoami.stdout).unwrap();
    assert_eq!(user["email_verified"], false, "{whoami:?}");

    let files = tempfile::tempdir().unwrap();
    let png = png_file(files.path());
    let upload = ["photos", "upload", png.to_str().unwrap()];
    let refused = photo_auth(&services, config, &upload, "").await;
    assert_eq!(refused.status.code(), Some(REFUSED), "{refused:?}");
    assert!(
        stderr(&refused).contains("photo-auth email resend"),
        "{refused:?}"
    );

    // The registration's mail, then the one sent again.
    mailed_links(&services.mail, "fred@example.com", "verify-email", 1).await;
    let resend = photo_auth(&services, config, &["email", "resend"], "").await;
    assert!(resend.status.success(), "{resend:?}");
    assert!(
        stdout(&resend).starts_with("A verification link is on its way to fred@example.com."),
        "{resend:?}"
    );
    let links = mailed_links(&services.mail, "fred@example.com", "verify-email", 2).await;

    // The link as stdin's first line, so it is not on the command line.
    let link = links.last().unwrap();
    let verify = photo_auth(
        &services,
        config,
        &["email", "verify", "--link-stdin"],
        &format!("{link}\n"),
    )
    .await;
    assert!(verify.status.success(), "{verify:?}");
    assert_eq!(
        stdout(&verify).trim(),
        "fred@example.com is verified as fred's address."
    );
    let whoami = photo_auth(&services, config, &["whoami"], "").await;
    assert!(stdout(&whoami).contains("email:   verified"), "{whoami:?}");
    // The session was renewed by the verification: its token says so already.
    let upload = photo_auth(&services, config, &upload, "").await;
    assert!(upload.status.success(), "{upload:?}");
    let nothing = photo_auth(&services, config, &["email", "resend"], "").await;
    assert_eq!(nothing.status.code(), Some(REFUSED), "{nothing:?}");
}
