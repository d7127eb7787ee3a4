//! A request body that ends with an error once more than a set number of bytes have come in,
//! counted as it streams, before any parser sees it.

use actix_web::error::PayloadError;
use actix_web::web::Bytes;
use futures_util::Stream;
use std::cell::Cell;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

/// `inner`, cut off with [`PayloadError::Overflow`] once more than `limit` bytes have come in.
pub struct CappedPayload<S> {
    inner: S,
    seen: usize,
    limit: usize,
    tripped: Rc<Cell<bool>>,
}

impl<S> CappedPayload<S> {
    pub fn new(inner: S, limit: usize) -> Self {
        Self {
            inner,
            seen: 0,
            limit,
            tripped: Rc::new(Cell::new(false)),
        }
    }

    /// Becomes true when the cut happens, so that whoever reads the body can tell afterwards
    /// that the error it saw is this cut, not a malformed body.
    pub fn tripped(&self) -> Rc<Cell<bool>> {
        Rc::clone(&self.tripped)
    }
}

impl<S> Stream for CappedPayload<S>
where
    S: Stream<Item = Result<Bytes, PayloadError>> + Unpin,
{
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.tripped.get() {
            return Poll::Ready(None);
        }
        match Pin::new(&mut self.inner).poll_next(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                self.seen = self.seen.saturating_add(chunk.len());
                if self.seen > self.limit {
                    self.tripped.set(true);
                    Poll::Ready(Some(Err(PayloadError::Overflow)))
                } else {
                    Poll::Ready(Some(Ok(chunk)))
                }
            }
            other => other,
        }
    }
}
