//! Where the client keeps its tokens between calls, and between runs: in memory, or in a file
//! only its owner can read, replaced atomically so a crash never leaves half a file.

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;
use uuid::Uuid;

/// A session's tokens. `Debug` prints neither token.
#[derive(Clone)]
pub struct StoredTokens {
    pub access_token: SecretString,
    pub refresh_token: SecretString,
    /// When the access token is to be renewed, Unix seconds: shortly before it runs out.
    pub renew_at: i64,
    pub session_id: Uuid,
}

impl fmt::Debug for StoredTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredTokens")
            .field("renew_at", &self.renew_at)
            .field("session_id", &self.session_id)
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

#[derive(Serialize, Deserialize)]
struct FileForm {
    access_token: String,
    refresh_token: String,
    renew_at: i64,
    session_id: Uuid,
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
        Ok(Some(StoredTokens {
            access_token: form.access_token.into(),
            refresh_token: form.refresh_token.into(),
            renew_at: form.renew_at,
            session_id: form.session_id,
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
}
