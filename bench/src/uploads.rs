//! Uploads, the second half of the photo part (docs/BENCHMARKS.md): uploads/s of a 1 MiB JPEG
//! from a few concurrent uploaders, the CPU resource-service spends on each, and the in-process
//! time of the preparation every upload goes through.

use crate::http::Req;
use crate::load::{self, VirtualUser};
use crate::photos::{PhotoConfig, PhotoReply};
use crate::report::{Goal, Report, Unit};
use crate::run::series::{progress, Series};
use crate::run::WARMUP;
use crate::{jpeg, machine, Error};
use bytes::Bytes;
use hyper::header::HeaderValue;
use hyper::StatusCode;
use resource_service::config::DEFAULT_DECODE_MEMORY;
use resource_service::domain::ImageType;
use resource_service::photos::prepare;
use std::sync::Arc;
use std::time::Instant;

/// The uploaded photo: a phone photo as a browser or app sends it, after its own resizing.
const UPLOAD_BYTES: usize = 1024 * 1024;
/// Runs of `prepare` whose median is reported.
const PREPARE_RUNS: usize = 20;

/// One uploader: a new variant of the photo each time, so every upload is new bytes with objects
/// of their own, as real uploads are, rather than the same name written again.
struct Uploader {
    /// The multipart body around the base photo.
    template: Arc<Vec<u8>>,
    /// Where in `template` the variant bytes are.
    offset: usize,
    next: u32,
    step: u32,
    /// The size a correct answer reports: the photo after metadata stripping.
    stored_len: u64,
    req: Req,
}

impl Uploader {
    fn advance(&mut self) {
        let mut body = self.template.as_ref().clone();
        jpeg::set_variant(&mut body, self.offset, self.next);
        self.req.body = Bytes::from(body);
        self.next = self.next.wrapping_add(self.step);
    }
}

impl VirtualUser for Uploader {
    fn next_request(&mut self) -> &Req {
        &self.req
    }
    fn on_response(&mut self, status: StatusCode, body: &Bytes) -> bool {
        let ok = status == StatusCode::CREATED
            && serde_json::from_slice::<PhotoReply>(body)
                .is_ok_and(|reply| reply.size_bytes == self.stored_len);
        self.advance();
        ok
    }
}

/// Milliseconds of each of [`PREPARE_RUNS`] calls of `resource_service::photos::prepare` on
/// `photo`, one after another on one blocking thread, and the size of the prepared photo.
async fn time_prepare(photo: Vec<u8>) -> Result<(Vec<f64>, usize), Error> {
    tokio::task::spawn_blocking(move || -> Result<(Vec<f64>, usize), Error> {
        let (mut ms, mut stored) = (Vec::with_capacity(PREPARE_RUNS), 0);
        for _ in 0..PREPARE_RUNS {
            let bytes = photo.clone();
            let started = Instant::now();
            let prepared = prepare(ImageType::Jpeg, bytes, DEFAULT_DECODE_MEMORY)
                .map_err(|e| format!("prepare refused the upload photo: {e}"))?;
            ms.push(started.elapsed().as_secs_f64() * 1000.0);
            stored = prepared.bytes.len();
        }
        Ok((ms, stored))
    })
    .await?
}

/// Returns resource-service's RSS (kB) at the end of each upload round.
pub async fn run(
    config: &PhotoConfig,
    token: &str,
    report: &mut Report,
) -> Result<Vec<f64>, Error> {
    let photo = jpeg::about(UPLOAD_BYTES)?;
    let (size, (width, height)) = (photo.bytes.len(), (photo.width, photo.height));
    // Timed first, while the service is idle: the timing wants the machine to itself.
    let (prepare_ms, stored_len) = time_prepare(photo.bytes.clone()).await?;

    let (body, start) = jpeg::multipart(&photo.bytes);
    let offset = start + jpeg::variant_offset(&photo.bytes)?;
    let template = Arc::new(body);
    let req = Req::post(
        "/photos",
        HeaderValue::from_static(jpeg::MULTIPART_TYPE),
        Bytes::new(),
    )
    .bearer(token)?;
    let n = config.uploaders;
    let mut users: Vec<Uploader> = (0..n)
        .map(|i| {
            let mut user = Uploader {
                template: Arc::clone(&template),
                offset,
                next: i as u32,
                step: n as u32,
                stored_len: stored_len as u64,
                req: req.clone(),
            };
            user.advance();
            user
        })
        .collect();
    let (_, back) = load::run(config.resource, users, WARMUP).await?;
    users = back;

    let (mut uploads, mut cpu_ms, mut rss) = (Series::default(), Vec::new(), Vec::new());
    for i in 0..config.rounds {
        let before = machine::cpu_secs(config.resource_pid)?;
        let (round, back) = load::run(config.resource, users, config.round).await?;
        let cpu = machine::cpu_secs(config.resource_pid)? - before;
        users = back;
        progress("uploads", i, config.rounds, "upload", &round);
        if round.ok > 0 {
            let per_upload = cpu * 1000.0 / round.ok as f64;
            eprintln!(
                "bench: uploads round {}: {per_upload:.1} ms CPU per upload",
                i + 1
            );
            cpu_ms.push(per_upload);
        }
        uploads.push(&round);
        rss.push(machine::status_kb(config.resource_pid, "VmRSS")? as f64);
    }

    let kib = size as f64 / 1024.0;
    report.row(
        "uploads",
        format!("uploads of a {kib:.0} KiB {width}x{height} JPEG, {n} uploaders"),
        Unit::PerSecond,
        &uploads.rate,
        None,
    );
    report.row("uploads", "upload p50", Unit::Millis, &uploads.p50, None);
    report.row("uploads", "upload p99", Unit::Millis, &uploads.p99, None);
    let errors = "upload errors (not 201 with the stripped size)";
    report.row(
        "uploads",
        errors,
        Unit::Count,
        &uploads.errors,
        Some(Goal::Zero),
    );
    report.row(
        "uploads",
        "resource-service CPU per upload (utime + stime / uploads)",
        Unit::Millis,
        &cpu_ms,
        None,
    );
    report.row(
        "uploads",
        format!("prepare (strip, decode, thumbnail, hash) in-process, 1 core, {PREPARE_RUNS} runs"),
        Unit::Millis,
        &prepare_ms,
        None,
    );
    report.note(format!(
        "uploaded photo: {size} bytes, {width}x{height} JPEG at quality 90 (generated; each \
         upload a variant with other bytes), {stored_len} bytes once stripped"
    ));
    Ok(rss)
}
