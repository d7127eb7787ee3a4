//! The body of `POST /photos` as the handler reads it (docs/PHOTOS.md, Limits): cut when it sends
//! nothing for `UPLOAD_STALL_TIMEOUT` (answered 408), and, whenever the answer goes out before the
//! body has ended, its connection closed rather than drained.
//!
//! actix-web drains the rest of a chunked body whose reader was dropped for as long as the client
//! keeps it coming, with no timeout, so a refused upload could still hold its connection forever;
//! a body of declared length it does not drain but closes. It closes for both when the request's
//! payload is still alive once the answer is sent: so the answer's body keeps it until then.

use crate::error::ApiError;
use crate::photos::Photos;
use actix_web::body::{BodySize, BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::middleware::Next;
use actix_web::web::{self, Bytes};
use actix_web::{Error, HttpMessage, ResponseError};
use futures_util::Stream;
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::time::{sleep, Instant, Sleep};

/// The middleware of the upload route.
pub async fn guard_upload_body(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<HoldingPayload>, Error> {
    let idle = req
        .app_data::<web::Data<Photos>>()
        .map_or(Duration::from_secs(30), |photos| photos.stall_timeout());
    let payload = Rc::new(RefCell::new(req.take_payload()));
    let stalled = Rc::new(Cell::new(false));
    let cut = IdleCut {
        payload: Rc::clone(&payload),
        idle,
        timer: Box::pin(sleep(idle)),
        stalled: Rc::clone(&stalled),
    };
    req.set_payload(Payload::Stream {
        payload: Box::pin(cut),
    });
    let response = next.call(req).await?.map_into_boxed_body();
    // Whatever the handler made of the cut-off body, the cause is the stall.
    let response = if stalled.get() {
        let stalled = ApiError::BodyStalled {
            seconds: idle.as_secs(),
        };
        response.into_response(stalled.error_response())
    } else {
        response
    };
    Ok(response.map_body(|_, body| HoldingPayload {
        body,
        _payload: payload,
    }))
}

/// The request's payload, ended with an error once nothing has come for `idle`.
struct IdleCut {
    payload: Rc<RefCell<Payload>>,
    idle: Duration,
    timer: Pin<Box<Sleep>>,
    stalled: Rc<Cell<bool>>,
}

impl Stream for IdleCut {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.stalled.get() {
            return Poll::Ready(None);
        }
        let polled = Pin::new(&mut *this.payload.borrow_mut()).poll_next(cx);
        match polled {
            Poll::Ready(item) => {
                this.timer.as_mut().reset(Instant::now() + this.idle);
                Poll::Ready(item)
            }
            Poll::Pending => match this.timer.as_mut().poll(cx) {
                Poll::Ready(()) => {
                    this.stalled.set(true);
                    let error = std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        "the upload body stalled",
                    );
                    Poll::Ready(Some(Err(PayloadError::Io(error))))
                }
                Poll::Pending => Poll::Pending,
            },
        }
    }
}

/// An answer's body that keeps the request's payload alive until it has been sent, so that
/// actix-web closes the connection of a body not read to its end instead of draining it.
pub struct HoldingPayload {
    body: BoxBody,
    _payload: Rc<RefCell<Payload>>,
}

impl MessageBody for HoldingPayload {
    type Error = <BoxBody as MessageBody>::Error;

    fn size(&self) -> BodySize {
        self.body.size()
    }

    fn poll_next(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        Pin::new(&mut self.get_mut().body).poll_next(cx)
    }
}
