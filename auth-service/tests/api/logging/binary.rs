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
