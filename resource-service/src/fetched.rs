//! The body of something this service fetches (the JWKS document, a page of the event feed),
//! read no further than a bound: a peer that sends more, or never stops, costs at most that.

use futures_util::StreamExt;

/// The whole body of `response`, or an error once it passes `max` bytes; `what` names it.
pub async fn body_within(
    response: reqwest::Response,
    max: usize,
    what: &str,
) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    let mut chunks = response.bytes_stream();
    while let Some(chunk) = chunks.next().await {
        body.extend_from_slice(&chunk.map_err(|e| e.without_url().to_string())?);
        if body.len() > max {
            return Err(format!("{what} over {max} bytes"));
        }
    }
    Ok(body)
}
