//! The photo part (docs/BENCHMARKS.md): resource-service serving one photo's bytes and its
//! thumbnail against nginx serving the same files straight from the photo store, then uploads
//! (`uploads.rs`).

use crate::args::RunArgs;
use crate::http::{self, Conn, Req};
use crate::load::{self, VirtualUser};
use crate::report::{Goal, Report, Unit};
use crate::run::series::{progress, Series};
use crate::run::WARMUP;
use crate::stats::ratios;
use crate::{jpeg, machine, uploads, Error};
use bytes::Bytes;
use hyper::header::{CONTENT_LENGTH, ETAG};
use hyper::StatusCode;
use serde::Deserialize;
use std::net::SocketAddr;
use std::time::Duration;

/// The photo that is served: about the size of a phone photo resized for the web.
const SERVED_BYTES: usize = 500 * 1024;

pub struct PhotoConfig {
    pub resource: SocketAddr,
    /// nginx, with the photo store's directory as its root.
    pub nginx: SocketAddr,
    pub resource_pid: u32,
    pub rounds: usize,
    pub round: Duration,
    /// Connections of the serving load.
    pub conns: usize,
    /// Concurrent uploaders.
    pub uploaders: usize,
}

impl PhotoConfig {
    /// `None` when no nginx is given: the photo part does not run.
    pub fn from_args(
        args: &RunArgs,
        resource: SocketAddr,
        resource_pid: u32,
        rounds: usize,
        round: Duration,
    ) -> Option<Self> {
        Some(Self {
            resource,
            nginx: args.nginx?,
            resource_pid,
            rounds,
            round,
            conns: args.photo_conns.max(1),
            uploaders: args.uploaders.max(1),
        })
    }
}

/// What `POST /photos` answers with (the fields the bench reads).
#[derive(Deserialize)]
pub struct PhotoReply {
    pub size_bytes: u64,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub content_url: String,
    pub thumbnail_url: Option<String>,
}

/// A GET whose answer counts only when it is 200 with exactly the expected number of bytes.
#[derive(Clone)]
struct Fetch {
    req: Req,
    len: usize,
}

impl VirtualUser for Fetch {
    fn next_request(&mut self) -> &Req {
        &self.req
    }
    fn on_response(&mut self, status: StatusCode, body: &Bytes) -> bool {
        status == StatusCode::OK && body.len() == self.len
    }
}

/// One kind of bytes served both ways.
struct Target {
    what: &'static str,
    ours: Fetch,
    nginx: Fetch,
    goal: f64,
}

/// resource-service's RSS (kB) at the end of each round of one kind.
pub type LoadedRss = (&'static str, Vec<f64>);

/// Runs the photo part; returns resource-service's RSS at the end of its serving rounds and of
/// its upload rounds, apart: uploads hold far more memory than serving does.
pub async fn run(
    config: &PhotoConfig,
    token: &str,
    report: &mut Report,
) -> Result<Vec<LoadedRss>, Error> {
    let serving = serve(config, token, report).await?;
    let uploading = uploads::run(config, token, report).await?;
    Ok(vec![("photo serving", serving), ("upload", uploading)])
}

/// The path lives as long as the program: leaking these few strings is how `Req` keeps them.
fn leak(path: String) -> &'static str {
    Box::leak(path.into_boxed_str())
}

/// GETs `path` once and checks that the answer is a whole 200 whose `Content-Length` is its
/// body's length; returns the body and the ETag without its quotes.
async fn fetch_once(addr: SocketAddr, req: &Req) -> Result<(Bytes, Option<String>), Error> {
    let (status, headers, body) = Conn::open(addr).await?.exchange(req).await?;
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if status != StatusCode::OK || declared != Some(body.len()) {
        return Err(format!(
            "GET {} on {addr} answered {status}, Content-Length {declared:?}, {} bytes",
            req.path,
            body.len()
        )
        .into());
    }
    let etag = headers
        .get(ETAG)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim_matches('"').to_owned());
    Ok((body, etag))
}

/// Uploads the served photo and builds both sides of each target, after checking that nginx
/// hands out byte for byte what resource-service does.
async fn targets(config: &PhotoConfig, token: &str) -> Result<(Vec<Target>, String), Error> {
    let photo = jpeg::about(SERVED_BYTES)?;
    let (status, body) =
        http::once(config.resource, &jpeg::upload_request(&photo.bytes, token)?).await?;
    if status != StatusCode::CREATED {
        let body = String::from_utf8_lossy(&body);
        return Err(format!("upload of the served photo answered {status}: {body}").into());
    }
    let reply: PhotoReply = serde_json::from_slice(&body)?;
    let thumbnail_url = reply
        .thumbnail_url
        .ok_or("the served photo was stored without a thumbnail")?;
    let content = Req::get(leak(reply.content_url)).bearer(token)?;
    let (ours_content, etag) = fetch_once(config.resource, &content).await?;
    // The strong ETag is the SHA-256 that names the objects (docs/PHOTOS.md).
    let sha = etag.ok_or("the content answer has no ETag")?;
    if sha.len() != 64 || ours_content.len() as u64 != reply.size_bytes {
        return Err(format!("unexpected ETag {sha:?} or size {}", ours_content.len()).into());
    }
    let thumbnail = Req::get(leak(thumbnail_url)).bearer(token)?;
    let (ours_thumbnail, _) = fetch_once(config.resource, &thumbnail).await?;

    let mut targets = Vec::new();
    for (what, dir, ours, ours_bytes, goal) in [
        ("content", "originals", content, &ours_content, 0.25),
        ("thumbnail", "thumbnails", thumbnail, &ours_thumbnail, 0.5),
    ] {
        let nginx = Req::get(leak(format!("/{dir}/{}/{sha}", &sha[..2])));
        let (nginx_bytes, _) = fetch_once(config.nginx, &nginx).await?;
        if nginx_bytes != *ours_bytes {
            return Err(format!("nginx serves other bytes than ours at {}", nginx.path).into());
        }
        let len = ours_bytes.len();
        targets.push(Target {
            what,
            ours: Fetch { req: ours, len },
            nginx: Fetch { req: nginx, len },
            goal,
        });
    }
    let described = format!(
        "served photo: {} bytes, {}x{} JPEG at quality 90 (generated); its thumbnail {} bytes",
        ours_content.len(),
        reply.width.unwrap_or(photo.width),
        reply.height.unwrap_or(photo.height),
        ours_thumbnail.len(),
    );
    Ok((targets, described))
}

/// Closed-loop GETs of each target, ours and nginx alternating within every round.
async fn serve(config: &PhotoConfig, token: &str, report: &mut Report) -> Result<Vec<f64>, Error> {
    let (targets, described) = targets(config, token).await?;
    report.note(described);
    let c = config.conns;
    let mut rss = Vec::new();
    for t in &targets {
        load::run(config.resource, vec![t.ours.clone(); c], WARMUP).await?;
        load::run(config.nginx, vec![t.nginx.clone(); c], WARMUP).await?;
        let (mut ours, mut nginx) = (Series::default(), Series::default());
        for i in 0..config.rounds {
            let (round, _) =
                load::run(config.resource, vec![t.ours.clone(); c], config.round).await?;
            progress(
                "photos",
                i,
                config.rounds,
                &format!("{} ours", t.what),
                &round,
            );
            ours.push(&round);
            rss.push(machine::status_kb(config.resource_pid, "VmRSS")? as f64);
            let (round, _) =
                load::run(config.nginx, vec![t.nginx.clone(); c], config.round).await?;
            progress(
                "photos",
                i,
                config.rounds,
                &format!("{} nginx", t.what),
                &round,
            );
            nginx.push(&round);
        }
        let (what, kib) = (t.what, t.ours.len as f64 / 1024.0);
        report.row(
            "photos",
            format!("{what} ({kib:.0} KiB), {c} conns: ours"),
            Unit::PerSecond,
            &ours.rate,
            None,
        );
        report.row(
            "photos",
            format!("{what}: ours p50"),
            Unit::Millis,
            &ours.p50,
            None,
        );
        report.row(
            "photos",
            format!("{what}: ours p99"),
            Unit::Millis,
            &ours.p99,
            None,
        );
        let errors = format!("{what}: ours errors (not 200 with the whole body)");
        report.row(
            "photos",
            errors,
            Unit::Count,
            &ours.errors,
            Some(Goal::Zero),
        );
        report.row(
            "photos",
            format!("{what}: nginx, same file, {c} conns"),
            Unit::PerSecond,
            &nginx.rate,
            None,
        );
        report.row(
            "photos",
            format!("{what}: nginx p99"),
            Unit::Millis,
            &nginx.p99,
            None,
        );
        let errors = format!("{what}: nginx errors");
        report.row(
            "photos",
            errors,
            Unit::Count,
            &nginx.errors,
            Some(Goal::Zero),
        );
        report.row(
            "photos",
            format!("**ratio {what} ours / nginx**"),
            Unit::Ratio,
            &ratios(&ours.rate, &nginx.rate),
            Some(Goal::AtLeast(t.goal)),
        );
    }
    Ok(rss)
}
