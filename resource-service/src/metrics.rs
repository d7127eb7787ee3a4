//! resource-service's domain counters, registered in the application's [`service_kit::Metrics`].

use prometheus::{IntCounter, IntGauge};
use service_kit::Metrics;

pub struct ResourceMetrics {
    photos_uploaded: IntCounter,
    photo_bytes_uploaded: IntCounter,
    /// Bytes of the decode budget held (docs/PHOTOS.md, Memory).
    pub decode_memory_reserved: IntGauge,
    /// Photos being prepared on the photo threads right now.
    pub prepares_running: IntGauge,
}

impl ResourceMetrics {
    pub fn register(metrics: &Metrics) -> Result<Self, prometheus::Error> {
        let photos_uploaded = IntCounter::new("photos_uploaded_total", "Photos stored by uploads")?;
        let photo_bytes_uploaded = IntCounter::new(
            "photo_bytes_uploaded_total",
            "Bytes of the photos stored by uploads",
        )?;
        let decode_memory_reserved = IntGauge::new(
            "photo_decode_memory_reserved_bytes",
            "Bytes of UPLOAD_DECODE_MEMORY held by decodes under way or about to start",
        )?;
        let prepares_running = IntGauge::new(
            "photo_prepares_running",
            "Photos being stripped, decoded and thumbnailed on the photo threads",
        )?;
        metrics.register(photos_uploaded.clone())?;
        metrics.register(photo_bytes_uploaded.clone())?;
        metrics.register(decode_memory_reserved.clone())?;
        metrics.register(prepares_running.clone())?;
        Ok(Self {
            photos_uploaded,
            photo_bytes_uploaded,
            decode_memory_reserved,
            prepares_running,
        })
    }

    /// One photo of `bytes` bytes was stored (its transaction committed).
    pub fn photo_uploaded(&self, bytes: u64) {
        self.photos_uploaded.inc();
        self.photo_bytes_uploaded.inc_by(bytes);
    }
}
