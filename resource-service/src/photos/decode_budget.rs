//! The memory all decodes together may hold (docs/PHOTOS.md, Memory): `UPLOAD_DECODE_MEMORY`
//! bytes, however many photo threads there are. Each decode reserves what its header says it
//! will take (`decode_cost.rs`) before it reads its file, waits its turn when the budget is
//! spent, and gives the bytes back only when the decode has ended: the reservation travels into
//! the worker's job, so a client that hangs up does not free it while the decode goes on.

use super::PhotoError;
use prometheus::IntGauge;
use std::sync::Arc;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The semaphore counts KiB: tokio takes at most `u32::MAX` permits at once.
const UNIT: u64 = 1024;

#[derive(Debug, Clone)]
pub struct DecodeBudget {
    permits: Arc<Semaphore>,
    total: u64,
    /// `photo_decode_memory_reserved_bytes`.
    reserved: IntGauge,
}

/// Bytes of the budget held by one decode, given back when dropped.
#[derive(Debug)]
pub struct Reservation {
    _permit: OwnedSemaphorePermit,
    bytes: u64,
    reserved: IntGauge,
}

impl DecodeBudget {
    /// A budget of `total` bytes (rounded down to whole KiB), reported in `reserved`.
    pub fn new(total: u64, reserved: IntGauge) -> DecodeBudget {
        let units = usize::try_from((total / UNIT).min(u64::from(u32::MAX))).unwrap_or(0);
        DecodeBudget {
            permits: Arc::new(Semaphore::new(units)),
            total: units as u64 * UNIT,
            reserved,
        }
    }

    /// Waits until `bytes` are free and holds them; an image that needs more than the whole
    /// budget is refused at once.
    pub async fn reserve(&self, bytes: u64) -> Result<Reservation, PhotoError> {
        let units = bytes.div_ceil(UNIT);
        let refused = PhotoError::DecodeTooLarge {
            needed: bytes,
            budget: self.total,
        };
        if units * UNIT > self.total {
            return Err(refused);
        }
        let units = u32::try_from(units).map_err(|_| refused)?;
        let permit = Arc::clone(&self.permits)
            .acquire_many_owned(units)
            .await
            .map_err(|_| PhotoError::WorkerLost)?;
        let bytes = u64::from(units) * UNIT;
        self.reserved.add(i64::try_from(bytes).unwrap_or(i64::MAX));
        Ok(Reservation {
            _permit: permit,
            bytes,
            reserved: self.reserved.clone(),
        })
    }
}

impl Reservation {
    /// The bytes held: the most the decoder is allowed to allocate.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        self.reserved
            .sub(i64::try_from(self.bytes).unwrap_or(i64::MAX));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::FutureExt;

    fn budget(total: u64) -> DecodeBudget {
        DecodeBudget::new(total, IntGauge::new("reserved", "test").unwrap())
    }

    #[tokio::test]
    async fn an_image_larger_than_the_whole_budget_is_refused_at_once() {
        let budget = budget(1 << 20);
        let refused = budget.reserve((1 << 20) + 1).await;
        assert!(
            matches!(
                refused,
                Err(PhotoError::DecodeTooLarge {
                    budget: 1_048_576,
                    ..
                })
            ),
            "{refused:?}"
        );
    }

    #[tokio::test]
    async fn a_decode_waits_until_the_bytes_it_needs_are_given_back() {
        let budget = budget(1 << 20);
        let first = budget.reserve(700 * 1024).await.unwrap();
        assert_eq!(budget.reserved.get(), 700 * 1024);
        let waiting = budget.reserve(400 * 1024);
        tokio::pin!(waiting);
        assert!(waiting.as_mut().now_or_never().is_none(), "waits");
        drop(first);
        let second = waiting.await.unwrap();
        assert_eq!(second.bytes(), 400 * 1024);
        assert_eq!(budget.reserved.get(), 400 * 1024);
    }
}
