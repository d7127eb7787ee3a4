//! Where the client keeps its tokens between calls, and between runs: in memory, or in a file
//! only its owner can read, replaced atomically so a crash never leaves half a file. The servers
//! a session was obtained from are kept with its tokens.

use crate::server::Servers;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;
use uuid::Uuid;

/// A session's tokens and the servers they belong to. `Debug` prints neither token.
#[derive(Clone)]
pub struct StoredTokens {
    pub access_token: SecretString,
    pub refresh_token: SecretString,
    /// When the access token is to be renewed, Unix seconds: shortly before it runs out.
    pub renew_at: i64,
    pub session_id: Uuid,
    /// The servers the tokens were obtained from, the only ones they are sent to. `None` for a
    /// session kept before the servers were: it is sent nowhere, and a login replaces it.
    pub servers: Option<Servers>,
}

impl fmt::Debug for StoredTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredTokens")
            .field("renew_at", &self.renew_at)
            .field("session_id", &self.session_id)
            .field("servers", &self.servers)
            .finish_non_exhaustive()
    }
}

/// Keeps the tokens of one session.
pub trait TokenStore: Send + Sync {
    fn load(&self) -> std::io::Result<Option<StoredTokens>>;
    fn save(&self, tokens: &StoredTokens) -> std::io::Result<()>;
    fn clear(&self) -> std::io::Result<()>;
}

/// Tokens for the life of the process.
#[derive(Default)]
pub struct MemoryStore(Mutex<Option<StoredTokens>>);

impl TokenStore for MemoryStore {
    fn load(&self) -> std::io::Result<Option<StoredTokens>> {
        Ok(self.0.lock().map_err(|_| poisoned())?.clone())
    }

    fn save(&self, tokens: &StoredTokens) -> std::io::Result<()> {
        *self.0.lock().map_err(|_| poisoned())? = Some(tokens.clone());
        Ok(())
    }

    fn clear(&self) -> std::io::Result<()> {
        *self.0.lock().map_err(|_| poisoned())? = None;
        Ok(())
    }
}

fn poisoned() -> std::io::Error {
    std::io::Error::other("the token store's lock was poisoned")
}

/// Tokens in a JSON file, mode 0600, written to a temporary file beside it and renamed over it.
pub struct FileStore {
    path: PathBuf,
}

/// The file's JSON. A file written before the servers were kept has no `auth_url` and `api_url`.
#[derive(Serialize, Deserialize)]
struct FileForm {
    access_token: String,
    refresh_token: String,
    renew_at: i64,
    session_id: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    auth_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    api_url: Option<String>,
}

impl FileForm {
    /// The servers the file names, or `None` unless it names both as proper addresses: such a
    /// session is kept, and sent nowhere.
    fn servers(&self) -> Option<Servers> {
        Servers::parse(self.auth_url.as_deref()?, self.api_url.as_deref()?).ok()
    }
}

impl FileStore {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }
}

impl TokenStore for FileStore {
    fn load(&self) -> std::io::Result<Option<StoredTokens>> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let form: FileForm = serde_json::from_str(&text).map_err(std::io::Error::other)?;
        let servers = form.servers();
        Ok(Some(StoredTokens {
            access_token: form.access_token.into(),
            refresh_token: form.refresh_token.into(),
            renew_at: form.renew_at,
            session_id: form.session_id,
            servers,
        }))
    }

    fn save(&self, tokens: &StoredTokens) -> std::io::Result<()> {
        let dir = match self.path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&dir)?;
        let form = FileForm {
            access_token: tokens.access_token.expose_secret().to_owned(),
            refresh_token: tokens.refresh_token.expose_secret().to_owned(),
            renew_at: tokens.renew_at,
            session_id: tokens.session_id,
            auth_url: tokens.servers.as_ref().map(|s| s.auth.to_string()),
            api_url: tokens.servers.as_ref().map(|s| s.api.to_string()),
        };
        // tempfile creates the file 0600 on Unix, and `persist` renames it into place.
        let mut file = tempfile::NamedTempFile::new_in(&dir)?;
        file.write_all(&serde_json::to_vec(&form).map_err(std::io::Error::other)?)?;
        file.as_file().sync_all()?;
        file.persist(&self.path).map_err(|e| e.error)?;
        Ok(())
    }

    fn clear(&self) -> std::io::Result<()> {
        match std::fs::remove_file(&self.path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens() -> StoredTokens {
        StoredTokens {
            access_token: "access-secret-value".to_owned().into(),
            refresh_token: "refresh-secret-value".to_owned().into(),
            renew_at: 1_800_000_000,
            session_id: Uuid::nil(),
            servers: Some(Servers::parse("https://a.example", "https://b.example").unwrap()),
        }
    }

    #[test]
    fn debug_output_holds_no_token() {
        let printed = format!("{:?}", tokens());
        assert!(!printed.contains("secret-value"), "{printed}");
    }

    #[test]
    fn the_file_store_keeps_tokens_across_instances_readable_by_its_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested").join("tokens.json");
        FileStore::new(&path).save(&tokens()).unwrap();
        let back = FileStore::new(&path).load().unwrap().unwrap();
        assert_eq!(back.refresh_token.expose_secret(), "refresh-secret-value");
        assert_eq!(back.servers, tokens().servers);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        FileStore::new(&path).clear().unwrap();
        assert!(FileStore::new(&path).load().unwrap().is_none());
        FileStore::new(&path).clear().unwrap();
    }

    #[test]
    fn a_file_without_servers_loads_as_a_session_of_no_known_server() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("session.json");
        let older = r#"{"access_token":"a","refresh_token":"r","renew_at":1,
            "session_id":"00000000-0000-0000-0000-000000000000"}"#;
        std::fs::write(&path, older).unwrap();
        let loaded = FileStore::new(&path).load().unwrap().unwrap();
        assert_eq!(loaded.servers, None);
        let half = older.replace(
            r#""renew_at""#,
            r#""auth_url":"https://a.example","renew_at""#,
        );
        std::fs::write(&path, half).unwrap();
        assert_eq!(FileStore::new(&path).load().unwrap().unwrap().servers, None);
    }
}
