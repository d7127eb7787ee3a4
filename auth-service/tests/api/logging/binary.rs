//! How the binary refuses a bad configuration, and its subcommands.

use super::*;

#[actix_web::test]
async fn the_binary_refuses_a_missing_short_or_shared_secret_in_one_line() {
    let short = "too-short-secret";
    let cases: [(&[(&str, &str)], &str); 6] = [
        (
            &[("REFRESH_TOKEN_SECRET", REFRESH_SECRET)],
            "ACCESS_TOKEN_SECRET",
        ),
        (
            &[("ACCESS_TOKEN_SECRET", ACCESS_SECRET)],
            "REFRESH_TOKEN_SECRET",
        ),
        (
            &[
                ("ACCESS_TOKEN_SECRET", short),
                ("REFRESH_TOKEN_SECRET", REFRESH_SECRET),
            ],
            "ACCESS_TOKEN_SECRET",
        ),
        (
            &[
                ("ACCESS_TOKEN_SECRET", ACCESS_SECRET),
                ("REFRESH_TOKEN_SECRET", short),
            ],
            "REFRESH_TOKEN_SECRET",
        ),
        (
            &[
                ("ACCESS_TOKEN_SECRET", ACCESS_SECRET),
                ("REFRESH_TOKEN_SECRET", ACCESS_SECRET),
            ],
            "REFRESH_TOKEN_SECRET",
        ),
        (
            &[
                ("ACCESS_TOKEN_SECRET", ACCESS_SECRET),
                ("REFRESH_TOKEN_SECRET", REFRESH_SECRET),
                ("REFRESH_REUSE_GRACE", "ten seconds"),
            ],
            "REFRESH_REUSE_GRACE",
        ),
    ];

    for (vars, named) in cases {
        let mut all = vec![
            ("DATABASE_URL", "postgres://127.0.0.1:1/unused"),
            ("BIND_ADDR", "127.0.0.1:0"),
        ];
        all.extend_from_slice(vars);

        let output = binary(&all).output().unwrap();

        assert!(!output.status.success(), "{named}: must not start");
        let stderr = String::from_utf8(output.stderr).unwrap();
        let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(lines.len(), 1, "{named}: one line, got {stderr:?}");
        assert!(lines[0].contains(named), "{named}: {stderr:?}");
        assert!(!stderr.contains(short), "the line does not echo a secret");
        assert!(
            !stderr.contains(ACCESS_SECRET),
            "the line does not echo a secret"
        );
        assert!(output.stdout.is_empty(), "{named}");
    }
}

#[actix_web::test]
async fn the_grant_role_subcommand_adds_a_role() {
    let app = crate::helpers::spawn_app().await;
    let user = app.register_user("alice").await;

    let output = binary(&[
        ("DATABASE_URL", app.db.url()),
        ("ACCESS_TOKEN_SECRET", ACCESS_SECRET),
        ("REFRESH_TOKEN_SECRET", REFRESH_SECRET),
    ])
    .args(["grant-role", "alice", "admin"])
    .output()
    .unwrap();

    assert!(output.status.success(), "{output:?}");
    let tokens = app.login_as(&user).await;
    assert_eq!(tokens.body["user"]["roles"], json!(["user", "admin"]));
}

#[test]
fn gen_keypair_writes_a_private_key_only_its_owner_reads_and_prints_the_public_half() {
    let path = scratch_dir().join("access.pem");
    let path_arg = path.to_str().unwrap();
    let output = binary(&[])
        .args(["gen-keypair", "--private-key-out", path_arg])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stdout.starts_with("-----BEGIN PUBLIC KEY-----"), "{stdout}");
    assert!(!stdout.contains("PRIVATE"), "{stdout}");

    let private = std::fs::read_to_string(&path).unwrap();
    let private = shared_tokens::ed25519::PrivateKey::from_pem(&private).unwrap();
    let public = shared_tokens::ed25519::parse_public_keys(&stdout).unwrap();
    assert_eq!(public[0].kid(), private.kid());
    assert!(
        stderr.contains(&format!("kid: {}", private.kid())),
        "{stderr}"
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);

    // An existing key file is never overwritten.
    let again = binary(&[])
        .args(["gen-keypair", "--private-key-out", path_arg])
        .output()
        .unwrap();
    assert!(!again.status.success());
    let unchanged = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        shared_tokens::ed25519::PrivateKey::from_pem(&unchanged)
            .unwrap()
            .kid(),
        private.kid()
    );
}
