//! resource-service's domain counters, registered in the application's [`service_kit::Metrics`].

use prometheus::IntCounter;
use service_kit::Metrics;

pub struct ResourceMetrics {
    photos_uploaded: IntCounter,
    photo_bytes_uploaded: IntCounter,
}

impl ResourceMetrics {
    pub fn register(metrics: &Metrics) -> Result<Self, prometheus::Error> {
        let photos_uploaded = IntCounter::new("photos_uploaded_total", "Photos stored by uploads")?;
        let photo_bytes_uploaded = IntCounter::new(
            "photo_bytes_uploaded_total",
            "Bytes of the photos stored by uploads",
        )?;
        metrics.register(photos_uploaded.clone())?;
        metrics.register(photo_bytes_uploaded.clone())?;
        Ok(Self {
            photos_uploaded,
            photo_bytes_uploaded,
        })
    }

    /// One photo of `bytes` bytes was stored (its transaction committed).
    pub fn photo_uploaded(&self, bytes: u64) {
        self.photos_uploaded.inc();
        self.photo_bytes_uploaded.inc_by(bytes);
    }
}
