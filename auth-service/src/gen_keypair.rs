//! `auth-service gen-keypair`: a fresh Ed25519 key pair for `ACCESS_TOKEN_ALG=EdDSA`
//! (docs/OPERATIONS.md, Key rotation). The private key goes to a file created for the owner
//! alone when one is named, so it never passes through a terminal or a shell history.

use shared_tokens::ed25519::PrivateKey;
use std::io::Write;
use std::path::Path;

/// Returns what to print on stdout: the public key, preceded by the private key when no file was
/// named for it. The `kid` goes to stderr, for the operator.
pub fn gen_keypair(private_key_out: Option<&Path>) -> Result<String, String> {
    let key = PrivateKey::generate()?;
    let private = key.to_pem()?;
    let public = key.public().to_pem();
    eprintln!("kid: {}", key.kid());
    match private_key_out {
        Some(path) => {
            write_owner_only(path, &private)
                .map_err(|e| format!("{}: cannot write the private key: {e}", path.display()))?;
            eprintln!("private key written to {}", path.display());
            Ok(public.trim_end().to_owned())
        }
        None => Ok(format!("{private}{}", public.trim_end())),
    }
}

/// Creates `path` (never overwriting: an existing key may still be in use) readable by its
/// owner only, and writes `text` into it.
fn write_owner_only(path: &Path, text: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared_tokens::ed25519::parse_public_keys;

    #[test]
    fn the_private_key_file_is_the_owners_alone_and_matches_the_printed_public_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("access.pem");
        let public = gen_keypair(Some(&path)).unwrap();
        let private = PrivateKey::from_pem(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(parse_public_keys(&public).unwrap()[0].kid(), private.kid());
        assert!(!public.contains("PRIVATE"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(
            gen_keypair(Some(&path)).is_err(),
            "an existing file is kept"
        );
    }

    #[test]
    fn without_a_file_both_halves_are_printed() {
        let both = gen_keypair(None).unwrap();
        let private = PrivateKey::from_pem(&both).unwrap();
        assert_eq!(
            parse_public_keys(both.split_once("-----END PRIVATE KEY-----").unwrap().1).unwrap()[0]
                .kid(),
            private.kid()
        );
    }
}
