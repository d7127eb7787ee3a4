//! A minimal HTTP/1.1 keep-alive client on hyper: one TCP connection per virtual user, requests
//! sent one after another. Nothing is pooled or shared, so the client costs as little CPU as it
//! can and the server, not the load generator, is what the numbers describe.

use crate::Error;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE, HOST};
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use tokio::net::TcpStream;

/// One request, built once and sent many times.
#[derive(Clone)]
pub struct Req {
    pub method: Method,
    pub path: &'static str,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Bytes,
}

impl Req {
    pub fn get(path: &'static str) -> Self {
        Self {
            method: Method::GET,
            path,
            headers: Vec::new(),
            body: Bytes::new(),
        }
    }

    pub fn post_json(path: &'static str, body: Vec<u8>) -> Self {
        Self::post(
            path,
            HeaderValue::from_static("application/json"),
            Bytes::from(body),
        )
    }

    pub fn post(path: &'static str, content_type: HeaderValue, body: Bytes) -> Self {
        Self {
            method: Method::POST,
            path,
            headers: vec![(CONTENT_TYPE, content_type)],
            body,
        }
    }

    pub fn bearer(mut self, token: &str) -> Result<Self, Error> {
        let value = HeaderValue::try_from(format!("Bearer {token}"))?;
        self.headers.push((AUTHORIZATION, value));
        Ok(self)
    }
}

/// A keep-alive connection to one server.
pub struct Conn {
    sender: SendRequest<Full<Bytes>>,
    host: HeaderValue,
}

impl Conn {
    pub async fn open(addr: SocketAddr) -> Result<Self, Error> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let (sender, connection) = http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(async move {
            // The connection ends when the sender is dropped or the server closes it; either
            // way the next `send` reports it.
            let _ = connection.await;
        });
        Ok(Self {
            sender,
            host: HeaderValue::try_from(addr.to_string())?,
        })
    }

    /// Sends `req` and reads the whole response body.
    pub async fn send(&mut self, req: &Req) -> Result<(StatusCode, Bytes), Error> {
        let (status, _, body) = self.exchange(req).await?;
        Ok((status, body))
    }

    /// Sends `req` and reads the whole response: status, headers and body.
    pub async fn exchange(&mut self, req: &Req) -> Result<(StatusCode, HeaderMap, Bytes), Error> {
        self.sender.ready().await?;
        let mut builder = Request::builder()
            .method(req.method.clone())
            .uri(req.path)
            .header(HOST, self.host.clone());
        for (name, value) in &req.headers {
            builder = builder.header(name, value);
        }
        let request = builder.body(Full::new(req.body.clone()))?;
        let response = self.sender.send_request(request).await?;
        let status = response.status();
        let (parts, body) = response.into_parts();
        let body = body.collect().await?.to_bytes();
        Ok((status, parts.headers, body))
    }
}

/// One request on a fresh connection (setup calls, readiness polls).
pub async fn once(addr: SocketAddr, req: &Req) -> Result<(StatusCode, Bytes), Error> {
    Conn::open(addr).await?.send(req).await
}
