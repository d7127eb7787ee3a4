//! An upload's file on disk while it waits to be prepared (docs/PHOTOS.md, Memory): an unnamed
//! temporary file in `TMPDIR`, removed by the system once closed, even if the service dies.

use super::workers::PrepareWorkers;
use super::PhotoError;
use std::io::{BufReader, Read, Seek, SeekFrom, Write};
use std::sync::Arc;

/// The spool while the file part streams in. Its writes run on the workers' two I/O threads:
/// through the shared blocking pool, sixteen uploads at once meant sixteen threads, each keeping
/// a heap of its own (docs/PHOTOS.md, Memory).
#[derive(Debug)]
pub struct SpoolWriter {
    file: Arc<std::fs::File>,
    len: usize,
    workers: PrepareWorkers,
}

/// The whole file part, written.
#[derive(Debug)]
pub struct SpooledFile {
    file: std::fs::File,
    len: usize,
}

fn io_error(error: PhotoError) -> std::io::Error {
    match error {
        PhotoError::Spool(error) => error,
        other => std::io::Error::other(other.to_string()),
    }
}

impl SpoolWriter {
    pub async fn create(workers: &PrepareWorkers) -> std::io::Result<SpoolWriter> {
        let file = workers
            .run_io(tempfile::tempfile)
            .await
            .map_err(io_error)??;
        Ok(SpoolWriter {
            file: Arc::new(file),
            len: 0,
            workers: workers.clone(),
        })
    }

    /// Bytes written so far.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends `buffer` and hands it back emptied, to be filled again.
    pub async fn write(&mut self, mut buffer: Vec<u8>) -> std::io::Result<Vec<u8>> {
        let file = Arc::clone(&self.file);
        let written = buffer.len();
        let buffer = self
            .workers
            .run_io(move || {
                (&*file).write_all(&buffer)?;
                buffer.clear();
                Ok::<_, std::io::Error>(buffer)
            })
            .await
            .map_err(io_error)??;
        self.len += written;
        Ok(buffer)
    }

    pub fn finish(self) -> std::io::Result<SpooledFile> {
        let file = Arc::try_unwrap(self.file)
            .map_err(|_| std::io::Error::other("a write to the spool is still in flight"))?;
        Ok(SpooledFile {
            file,
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

    /// The file from its start, for reading its header. Blocking: call it on a worker.
    pub fn header(&mut self) -> std::io::Result<BufReader<&std::fs::File>> {
        self.file.seek(SeekFrom::Start(0))?;
        Ok(BufReader::new(&self.file))
    }

    /// Everything written, read back into memory. Blocking: call it on a worker.
    pub fn read_all(&mut self) -> std::io::Result<Vec<u8>> {
        self.file.seek(SeekFrom::Start(0))?;
        let mut bytes = Vec::with_capacity(self.len);
        (&self.file).take(self.len as u64).read_to_end(&mut bytes)?;
        Ok(bytes)
    }

    /// [`SpooledFile::read_all`], for the last read of the file.
    pub fn into_bytes(mut self) -> std::io::Result<Vec<u8>> {
        self.read_all()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn what_is_written_is_read_back_whole() {
        let gauge = || prometheus::IntGauge::new("gauge", "test").unwrap();
        let budget = crate::photos::DecodeBudget::new(1 << 24, gauge());
        let workers = PrepareWorkers::new(1, budget, gauge()).unwrap();
        let mut spool = SpoolWriter::create(&workers).await.unwrap();
        let chunk: Vec<u8> = (0..=255).cycle().take(100_000).collect();
        let emptied = spool.write(chunk.clone()).await.unwrap();
        assert!(
            emptied.is_empty() && emptied.capacity() >= 100_000,
            "handed back for reuse"
        );
        spool.write(b"tail".to_vec()).await.unwrap();
        let spooled = spool.finish().unwrap();
        assert_eq!(spooled.len(), 100_004);
        let bytes = tokio::task::spawn_blocking(move || spooled.into_bytes())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(&bytes[..100_000], &chunk[..]);
        assert_eq!(&bytes[100_000..], b"tail");
    }
}
