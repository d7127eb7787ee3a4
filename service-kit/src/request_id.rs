//! `X-Request-Id`: taken from the request when it is sane, generated otherwise, returned on the
//! response and attached to every log line written while the request is handled, including lines
//! written on the blocking pool.

use actix_web::http::header::HeaderValue;
use std::cell::RefCell;
use std::fmt;
use std::future::Future;

pub const HEADER: &str = "x-request-id";

/// Longest id accepted from a client; longer ones are replaced, so nobody can bloat our logs.
pub const MAX_LEN: usize = 128;

/// A request id: 1 to [`MAX_LEN`] characters of `A-Z a-z 0-9 - _ . :`, so it is safe to print in
/// a log line and to echo in a header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(String);

impl RequestId {
    /// Accepts a client-supplied id only when it is sane; anything else is `None`.
    pub fn parse(value: &str) -> Option<Self> {
        let sane = !value.is_empty()
            && value.len() <= MAX_LEN
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'));
        sane.then(|| Self(value.to_owned()))
    }

    /// A fresh random id (a UUID v4). Drawn from the thread's generator, not the operating
    /// system's: an id names a request in logs and is no secret, and asking the kernel for
    /// random bytes on every request costs a system call (docs/BENCHMARKS.md).
    pub fn generate() -> Self {
        let id = uuid::Builder::from_random_bytes(rand::random()).into_uuid();
        Self(id.hyphenated().to_string())
    }

    /// The client's id when it sent a sane one, a fresh one otherwise.
    pub fn from_header(value: Option<&HeaderValue>) -> Self {
        value
            .and_then(|v| v.to_str().ok())
            .and_then(Self::parse)
            .unwrap_or_else(Self::generate)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn header_value(&self) -> HeaderValue {
        // Only visible ASCII passes `parse`/`generate`, which is always a valid header value.
        HeaderValue::from_str(&self.0).unwrap_or_else(|_| HeaderValue::from_static("invalid"))
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

tokio::task_local! {
    static TASK_ID: RequestId;
}

thread_local! {
    static THREAD_ID: RefCell<Option<RequestId>> = const { RefCell::new(None) };
}

/// Runs `future` with `id` as the current request id.
pub async fn scope<F: Future>(id: RequestId, future: F) -> F::Output {
    TASK_ID.scope(id, future).await
}

/// The id of the request being handled on this task or blocking thread, if any.
pub fn current() -> Option<RequestId> {
    TASK_ID
        .try_with(Clone::clone)
        .ok()
        .or_else(|| THREAD_ID.with(|cell| cell.borrow().clone()))
}

/// Runs blocking work with `id` as the current request id, so its log lines carry it too. Call it
/// inside the closure given to the blocking pool, with the id taken by [`current`] before.
pub fn in_blocking<T>(id: Option<RequestId>, work: impl FnOnce() -> T) -> T {
    struct Restore(Option<RequestId>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            THREAD_ID.with(|cell| *cell.borrow_mut() = previous);
        }
    }
    let previous = THREAD_ID.with(|cell| cell.replace(id));
    let _restore = Restore(previous);
    work()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sane_ids_are_kept_and_others_replaced() {
        for ok in [
            "abc",
            "0f8fad5b-d9cb-469f-a165-70867728950e",
            "trace:1.2_3",
            &"a".repeat(128),
        ] {
            assert_eq!(RequestId::parse(ok).map(|id| id.0), Some(ok.to_owned()));
        }
        for bad in [
            "",
            " ",
            "a b",
            "x\ny",
            "ä",
            "<script>",
            "id;drop",
            &"a".repeat(129),
        ] {
            assert_eq!(RequestId::parse(bad), None, "{bad:?}");
        }
        let generated = RequestId::from_header(Some(&HeaderValue::from_static("has space")));
        assert!(RequestId::parse(generated.as_str()).is_some());
        assert_ne!(generated.as_str(), "has space");
    }

    #[test]
    fn generated_ids_are_distinct_version_4_uuids() {
        let ids: std::collections::HashSet<String> =
            (0..10_000).map(|_| RequestId::generate().0).collect();
        assert_eq!(ids.len(), 10_000);
        for id in ids.iter().take(100) {
            let uuid = uuid::Uuid::parse_str(id).unwrap();
            assert_eq!(uuid.get_version_num(), 4, "{id}");
            assert_eq!(uuid.hyphenated().to_string(), *id);
        }
    }

    #[test]
    fn blocking_work_sees_the_id_and_the_thread_is_left_clean() {
        let id = RequestId::generate();
        let seen = in_blocking(Some(id.clone()), current);
        assert_eq!(seen, Some(id));
        assert_eq!(current(), None);
    }

    #[actix_web::test]
    async fn a_scope_sets_the_id_for_its_future_only() {
        let id = RequestId::generate();
        let seen = scope(id.clone(), async { current() }).await;
        assert_eq!(seen, Some(id));
        assert_eq!(current(), None);
    }
}
