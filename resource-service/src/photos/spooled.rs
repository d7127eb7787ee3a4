//! An upload's file on disk while it waits to be prepared (docs/PHOTOS.md, Memory): an unnamed
//! temporary file in `TMPDIR`, removed by the system once closed, even if the service dies.

use std::io::{Read, Seek, SeekFrom};
use tokio::io::AsyncWriteExt;

/// The spool while the file part streams in.
#[derive(Debug)]
pub struct SpoolWriter {
    file: tokio::fs::File,
    len: usize,
}

/// The whole file part, written and flushed.
#[derive(Debug)]
pub struct SpooledFile {
    file: std::fs::File,
    len: usize,
}

impl SpoolWriter {
    pub async fn create() -> std::io::Result<SpoolWriter> {
        let file = tokio::task::spawn_blocking(tempfile::tempfile)
            .await
            .map_err(std::io::Error::other)??;
        Ok(SpoolWriter {
            file: tokio::fs::File::from_std(file),
            len: 0,
        })
    }

    /// Bytes written so far.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub async fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.file.write_all(bytes).await?;
        self.len += bytes.len();
        Ok(())
    }

    /// Waits for every write to land (an error of one surfaces here).
    pub async fn finish(mut self) -> std::io::Result<SpooledFile> {
        self.file.flush().await?;
        Ok(SpooledFile {
            file: self.file.into_std().await,
            len: self.len,
        })
    }
}

impl SpooledFile {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Everything written, read back into memory. Blocking: call it on the blocking pool.
    pub fn into_bytes(mut self) -> std::io::Result<Vec<u8>> {
        self.file.seek(SeekFrom::Start(0))?;
        let mut bytes = Vec::with_capacity(self.len);
        self.file.take(self.len as u64).read_to_end(&mut bytes)?;
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn what_is_written_is_read_back_whole() {
        let mut spool = SpoolWriter::create().await.unwrap();
        let chunk: Vec<u8> = (0..=255).cycle().take(100_000).collect();
        spool.write(&chunk).await.unwrap();
        spool.write(b"tail").await.unwrap();
        let spooled = spool.finish().await.unwrap();
        assert_eq!(spooled.len(), 100_004);
        let bytes = tokio::task::spawn_blocking(move || spooled.into_bytes())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(&bytes[..100_000], &chunk[..]);
        assert_eq!(&bytes[100_000..], b"tail");
    }
}
