//! `ACCESS_TOKEN_ALG` and the keys of each mode (docs/TOKENS.md, Keys):
//! HS256 with a shared secret, or EdDSA where auth-service alone holds the private key and every
//! verifier holds public keys only.

use crate::ed25519::{parse_public_keys, PrivateKey, PublicKey};
use crate::keys::{KeyRing, Secret};
use crate::signing::{Signer, VerifyingKeys};
use service_kit::env::{ConfigError, Env};

/// The `kid` of the development key pair in `deploy/dev-keys/`, which docker-compose.yml uses:
/// `APP_ENV=production` refuses it, as it refuses the `dev-only-` secrets.
pub const DEVELOPMENT_KEY_IDS: &[&str] = &["7uzmmVHwxMseBioj8esLOCXibdfjfR_2ntvTiykui3E"];

/// Which side of the tokens a service is on: the issuer may hold the private key, a verifier
/// must not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Issuer,
    Verifier,
}

#[derive(Debug, Clone)]
pub enum AccessKeys {
    /// `ACCESS_TOKEN_ALG=HS256` (the default): every service holds the secret.
    Hs256 {
        secret: Secret,
        previous: Vec<Secret>,
    },
    /// `ACCESS_TOKEN_ALG=EdDSA` on auth-service: the private key signs; its public half and
    /// `previous` verify and are published.
    Ed25519Signing {
        private: PrivateKey,
        previous: Vec<PublicKey>,
    },
    /// `ACCESS_TOKEN_ALG=EdDSA` on a verifier: public keys given, or fetched from `jwks_url`.
    Ed25519Verifying {
        public: Vec<PublicKey>,
        jwks_url: Option<String>,
    },
}

const EDDSA_ONLY: [&str; 7] = [
    "ACCESS_TOKEN_PRIVATE_KEY",
    "ACCESS_TOKEN_PRIVATE_KEY_FILE",
    "ACCESS_TOKEN_PUBLIC_KEYS",
    "ACCESS_TOKEN_PUBLIC_KEYS_FILE",
    "ACCESS_TOKEN_PREVIOUS_PUBLIC_KEYS",
    "ACCESS_TOKEN_PREVIOUS_PUBLIC_KEYS_FILE",
    "JWKS_URL",
];
const HS256_ONLY: [&str; 2] = ["ACCESS_TOKEN_SECRET", "ACCESS_TOKEN_PREVIOUS_SECRETS"];

impl AccessKeys {
    pub fn from_env(env: &Env<'_>, role: Role) -> Result<Self, ConfigError> {
        match env.string_or("ACCESS_TOKEN_ALG", "HS256").trim() {
            alg if alg.eq_ignore_ascii_case("HS256") => {
                refuse_set(env, &EDDSA_ONLY, "unset: it is for ACCESS_TOKEN_ALG=EdDSA")?;
                Ok(Self::Hs256 {
                    secret: crate::config::secret(env, "ACCESS_TOKEN_SECRET")?,
                    previous: crate::config::secrets(env, "ACCESS_TOKEN_PREVIOUS_SECRETS")?,
                })
            }
            alg if alg.eq_ignore_ascii_case("EdDSA") => {
                refuse_set(
                    env,
                    &HS256_ONLY,
                    "unset: with ACCESS_TOKEN_ALG=EdDSA no service holds a shared access secret",
                )?;
                Self::ed25519(env, role)
            }
            _ => Err(ConfigError::new("ACCESS_TOKEN_ALG", "HS256 or EdDSA")),
        }
    }

    fn ed25519(env: &Env<'_>, role: Role) -> Result<Self, ConfigError> {
        let production = env.is_production()?;
        let mut public = public_keys(
            env,
            "ACCESS_TOKEN_PUBLIC_KEYS",
            "ACCESS_TOKEN_PUBLIC_KEYS_FILE",
        )?;
        public.extend(public_keys(
            env,
            "ACCESS_TOKEN_PREVIOUS_PUBLIC_KEYS",
            "ACCESS_TOKEN_PREVIOUS_PUBLIC_KEYS_FILE",
        )?);
        if production {
            if let Some(key) = public
                .iter()
                .find(|k| DEVELOPMENT_KEY_IDS.contains(&k.kid()))
            {
                return Err(development_key("ACCESS_TOKEN_PUBLIC_KEYS", key.kid()));
            }
        }
        let private =
            env.value_or_file("ACCESS_TOKEN_PRIVATE_KEY", "ACCESS_TOKEN_PRIVATE_KEY_FILE")?;
        match role {
            Role::Issuer => {
                let (var, pem) = private.ok_or_else(|| {
                    ConfigError::new(
                        "ACCESS_TOKEN_PRIVATE_KEY",
                        "an Ed25519 private key in PEM, or ACCESS_TOKEN_PRIVATE_KEY_FILE naming a \
                         file that holds one (auth-service gen-keypair makes one)",
                    )
                })?;
                let private = PrivateKey::from_pem(&pem).map_err(|e| ConfigError::new(var, e))?;
                if production && DEVELOPMENT_KEY_IDS.contains(&private.kid()) {
                    return Err(development_key(var, private.kid()));
                }
                Ok(Self::Ed25519Signing {
                    private,
                    previous: public,
                })
            }
            Role::Verifier => {
                if let Some((var, _)) = private {
                    return Err(ConfigError::new(
                        var,
                        "unset: a verifier gets public keys only (ACCESS_TOKEN_PUBLIC_KEYS or \
                         JWKS_URL); only auth-service holds the private key",
                    ));
                }
                let jwks_url = jwks_url(env)?;
                if public.is_empty() && jwks_url.is_none() {
                    return Err(ConfigError::new(
                        "ACCESS_TOKEN_PUBLIC_KEYS",
                        "one or more Ed25519 public keys in PEM, or JWKS_URL, with \
                         ACCESS_TOKEN_ALG=EdDSA",
                    ));
                }
                Ok(Self::Ed25519Verifying { public, jwks_url })
            }
        }
    }

    /// The keys that verify access tokens in this service.
    pub fn verifying_keys(&self) -> VerifyingKeys {
        match self {
            Self::Hs256 { secret, previous } => {
                VerifyingKeys::Hs256(KeyRing::new(secret, previous))
            }
            Self::Ed25519Signing { private, previous } => {
                Signer::Ed25519(private.clone()).verifying_keys(previous)
            }
            Self::Ed25519Verifying { public, .. } => VerifyingKeys::ed25519(public.iter().cloned()),
        }
    }

    /// What signs access tokens: `None` for a verifier in EdDSA mode, which has nothing to sign
    /// with.
    pub fn signer(&self) -> Option<Signer> {
        match self {
            Self::Hs256 { secret, previous } => Some(Signer::Hs256(KeyRing::new(secret, previous))),
            Self::Ed25519Signing { private, .. } => Some(Signer::Ed25519(private.clone())),
            Self::Ed25519Verifying { .. } => None,
        }
    }

    /// The shared secrets, to check that the refresh secret differs from all of them.
    pub fn secrets(&self) -> Vec<&Secret> {
        match self {
            Self::Hs256 { secret, previous } => std::iter::once(secret).chain(previous).collect(),
            _ => Vec::new(),
        }
    }
}

fn refuse_set(env: &Env<'_>, vars: &[&'static str], expected: &str) -> Result<(), ConfigError> {
    match vars.iter().find(|var| env.get(var).is_some()) {
        Some(var) => Err(ConfigError::new(var, expected)),
        None => Ok(()),
    }
}

fn development_key(var: &'static str, kid: &str) -> ConfigError {
    ConfigError::new(
        var,
        format!(
            "a real key: APP_ENV=production refuses the development key {kid} of \
             deploy/dev-keys (make one with `auth-service gen-keypair`)"
        ),
    )
}

fn public_keys(
    env: &Env<'_>,
    var: &'static str,
    file_var: &'static str,
) -> Result<Vec<PublicKey>, ConfigError> {
    match env.value_or_file(var, file_var)? {
        Some((var, text)) => parse_public_keys(&text).map_err(|e| ConfigError::new(var, e)),
        None => Ok(Vec::new()),
    }
}

fn jwks_url(env: &Env<'_>) -> Result<Option<String>, ConfigError> {
    let Some(url) = env.get("JWKS_URL") else {
        return Ok(None);
    };
    let url = url.trim();
    let valid = (url.starts_with("http://") || url.starts_with("https://"))
        && !url.contains(char::is_whitespace);
    if !valid {
        return Err(ConfigError::new(
            "JWKS_URL",
            "an http(s) URL like http://auth-service:8080/.well-known/jwks.json",
        ));
    }
    env.https_in_production(
        "JWKS_URL",
        url,
        "a network attacker could serve its own key and mint tokens (without https, give the \
         public keys in ACCESS_TOKEN_PUBLIC_KEYS instead)",
    )?;
    Ok(Some(url.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn read(vars: &[(&str, &str)], role: Role) -> Result<AccessKeys, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let lookup = move |k: &str| map.get(k).cloned();
        AccessKeys::from_env(&Env::new(&lookup), role)
    }

    fn pems() -> (String, String) {
        let key = PrivateKey::generate().unwrap();
        (key.to_pem().unwrap(), key.public().to_pem())
    }

    #[test]
    fn eddsa_gives_the_issuer_a_signer_and_a_verifier_nothing_to_sign_with() {
        let (private, public) = pems();
        let issuer = read(
            &[
                ("ACCESS_TOKEN_ALG", "EdDSA"),
                ("ACCESS_TOKEN_PRIVATE_KEY", &private),
            ],
            Role::Issuer,
        )
        .unwrap();
        assert!(matches!(issuer.signer(), Some(Signer::Ed25519(_))));
        let verifier = read(
            &[
                ("ACCESS_TOKEN_ALG", "eddsa"),
                ("ACCESS_TOKEN_PUBLIC_KEYS", &public),
            ],
            Role::Verifier,
        )
        .unwrap();
        assert!(verifier.signer().is_none());
        assert_eq!(
            verifier.verifying_keys().kids(),
            issuer.verifying_keys().kids()
        );
    }

    #[test]
    fn a_verifier_refuses_a_private_key_and_a_shared_secret_in_eddsa_mode() {
        let (private, public) = pems();
        let alg = ("ACCESS_TOKEN_ALG", "EdDSA");
        let keys = ("ACCESS_TOKEN_PUBLIC_KEYS", public.as_str());
        for (extra, var) in [
            (
                ("ACCESS_TOKEN_PRIVATE_KEY", private.as_str()),
                "ACCESS_TOKEN_PRIVATE_KEY",
            ),
            (
                ("ACCESS_TOKEN_PRIVATE_KEY_FILE", "/k.pem"),
                "ACCESS_TOKEN_PRIVATE_KEY_FILE",
            ),
            (
                ("ACCESS_TOKEN_SECRET", &"s".repeat(40)),
                "ACCESS_TOKEN_SECRET",
            ),
            (
                ("ACCESS_TOKEN_PUBLIC_KEYS", private.as_str()),
                "ACCESS_TOKEN_PUBLIC_KEYS",
            ),
        ] {
            let err = read(&[alg, keys, extra], Role::Verifier).unwrap_err();
            assert_eq!(err.var, var);
        }
        let err = read(&[alg], Role::Verifier).unwrap_err();
        assert_eq!(
            err.var, "ACCESS_TOKEN_PUBLIC_KEYS",
            "no key and no JWKS_URL"
        );
        assert!(read(
            &[alg, ("JWKS_URL", "http://auth:8080/.well-known/jwks.json")],
            Role::Verifier
        )
        .is_ok());
        let err = read(&[alg, ("JWKS_URL", "ftp://x")], Role::Verifier).unwrap_err();
        assert_eq!(err.var, "JWKS_URL");
    }

    #[test]
    fn production_refuses_a_plain_http_jwks_url_even_on_loopback() {
        let alg = ("ACCESS_TOKEN_ALG", "EdDSA");
        let production = ("APP_ENV", "production");
        for url in [
            "http://auth-service:8080/.well-known/jwks.json",
            "http://127.0.0.1:8080/.well-known/jwks.json",
            "http://localhost:8080/.well-known/jwks.json",
        ] {
            let err = read(&[alg, production, ("JWKS_URL", url)], Role::Verifier).unwrap_err();
            assert_eq!(err.var, "JWKS_URL", "{url}");
            assert!(err.to_string().starts_with("JWKS_URL: "), "{err}");
            assert!(err.to_string().contains("https://"), "{err}");
            // Development still fetches over http.
            let development = ("APP_ENV", "development");
            assert!(read(&[alg, development, ("JWKS_URL", url)], Role::Verifier).is_ok());
        }
        let https = ("JWKS_URL", "https://auth.example.com/.well-known/jwks.json");
        assert!(read(&[alg, production, https], Role::Verifier).is_ok());
    }

    #[test]
    fn the_modes_keep_to_their_own_variables() {
        let (_, public) = pems();
        let secret = "s".repeat(40);
        let err = read(
            &[
                ("ACCESS_TOKEN_SECRET", &secret),
                ("ACCESS_TOKEN_PUBLIC_KEYS", &public),
            ],
            Role::Verifier,
        )
        .unwrap_err();
        assert_eq!(
            err.var, "ACCESS_TOKEN_PUBLIC_KEYS",
            "EdDSA keys need ACCESS_TOKEN_ALG"
        );
        let err = read(&[("ACCESS_TOKEN_ALG", "RS256")], Role::Verifier).unwrap_err();
        assert_eq!(err.var, "ACCESS_TOKEN_ALG");
        let err = read(&[("ACCESS_TOKEN_ALG", "EdDSA")], Role::Issuer).unwrap_err();
        assert_eq!(err.var, "ACCESS_TOKEN_PRIVATE_KEY");
    }

    #[test]
    fn the_private_key_is_read_from_a_file_but_not_from_both_places() {
        let (private, _) = pems();
        let dir = std::env::temp_dir().join(format!("access-keys-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("key.pem");
        std::fs::write(&path, &private).unwrap();
        let path = path.to_str().unwrap();
        let alg = ("ACCESS_TOKEN_ALG", "EdDSA");
        assert!(read(
            &[alg, ("ACCESS_TOKEN_PRIVATE_KEY_FILE", path)],
            Role::Issuer
        )
        .is_ok());
        let both = [
            alg,
            ("ACCESS_TOKEN_PRIVATE_KEY_FILE", path),
            ("ACCESS_TOKEN_PRIVATE_KEY", &private),
        ];
        assert_eq!(
            read(&both, Role::Issuer).unwrap_err().var,
            "ACCESS_TOKEN_PRIVATE_KEY"
        );
        let missing = [
            alg,
            ("ACCESS_TOKEN_PRIVATE_KEY_FILE", "/nonexistent/key.pem"),
        ];
        assert_eq!(
            read(&missing, Role::Issuer).unwrap_err().var,
            "ACCESS_TOKEN_PRIVATE_KEY_FILE"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn production_refuses_the_development_key_pair() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../deploy/dev-keys");
        let private = std::fs::read_to_string(format!("{dir}/access-token-private.pem")).unwrap();
        let public = std::fs::read_to_string(format!("{dir}/access-token-public.pem")).unwrap();
        let issuer = [
            ("ACCESS_TOKEN_ALG", "EdDSA"),
            ("ACCESS_TOKEN_PRIVATE_KEY", private.as_str()),
        ];
        let verifier = [
            ("ACCESS_TOKEN_ALG", "EdDSA"),
            ("ACCESS_TOKEN_PUBLIC_KEYS", public.as_str()),
        ];
        assert!(read(&issuer, Role::Issuer).is_ok());
        assert!(read(&verifier, Role::Verifier).is_ok());
        let production = ("APP_ENV", "production");
        let err = read(&[issuer[0], issuer[1], production], Role::Issuer).unwrap_err();
        assert_eq!(err.var, "ACCESS_TOKEN_PRIVATE_KEY");
        let err = read(&[verifier[0], verifier[1], production], Role::Verifier).unwrap_err();
        assert_eq!(err.var, "ACCESS_TOKEN_PUBLIC_KEYS");
    }
}
