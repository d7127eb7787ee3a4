//! A real SMTP server for tests (docs/RECOVERY.md, Tests), in the test's own process: the
//! `mailin` crate speaks SMTP, this module listens and keeps every message it accepts as an
//! `.eml` file, which a test reads back as a mail client would. A test can stop it (connections
//! refused, those open cut) and start it again on the same port. `cargo test` needs nothing
//! but PostgreSQL for it.

use mail_parser::MessageParser;
use mailin::{Action, Handler, Response, SessionBuilder};
use std::io::{BufRead, BufReader, ErrorKind, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How often a waiting connection or the listener looks whether the server was stopped.
const POLL: Duration = Duration::from_millis(20);

pub struct SmtpServer {
    port: u16,
    inbox: tempfile::TempDir,
    behaviour: Behaviour,
    running: Option<Running>,
}

/// How the server answers.
#[derive(Debug, Clone, Copy, Default)]
struct Behaviour {
    /// Each message is accepted only this long after it arrived: a slow server.
    delay: Duration,
    /// Every recipient is deferred with a 450 reply that quotes the address.
    reject: bool,
}

struct Running {
    stop: Arc<AtomicBool>,
    listener: JoinHandle<()>,
}

/// A delivered mail, decoded.
#[derive(Debug, Clone)]
pub struct Delivered {
    pub to: String,
    pub from: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub raw: String,
}

impl Delivered {
    /// The first link in the plain-text part that starts with `prefix`.
    pub fn link(&self, prefix: &str) -> Option<String> {
        let start = self.text.find(prefix)?;
        let rest = &self.text[start..];
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        Some(rest[..end].to_owned())
    }

    /// The `token` parameter of the first link that starts with `prefix`.
    pub fn token(&self, prefix: &str) -> Option<String> {
        let link = self.link(prefix)?;
        let (_, token) = link.split_once("token=")?;
        Some(token.to_owned())
    }
}

impl SmtpServer {
    pub fn start() -> Self {
        Self::start_as(Behaviour::default())
    }

    /// A server that accepts each message only `delay` after it arrived.
    pub fn slow(delay: Duration) -> Self {
        Self::start_as(Behaviour {
            delay,
            ..Behaviour::default()
        })
    }

    /// A server that defers every recipient with a 450 reply quoting the address, as real
    /// servers' refusals do.
    pub fn deferring() -> Self {
        Self::start_as(Behaviour {
            reject: true,
            ..Behaviour::default()
        })
    }

    fn start_as(behaviour: Behaviour) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let port = listener.local_addr().expect("the port").port();
        let mut server = Self {
            port,
            inbox: tempfile::tempdir().expect("an inbox directory"),
            behaviour,
            running: None,
        };
        server.listen(listener);
        server
    }

    /// `smtp://127.0.0.1:<port>`, for `SMTP_URL`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Stops the server: open connections are cut, and new ones refused until
    /// [`SmtpServer::resume`].
    pub fn stop(&mut self) {
        if let Some(running) = self.running.take() {
            running.stop.store(true, Ordering::SeqCst);
            let _ = running.listener.join();
        }
    }

    /// Starts the server again on its port, and returns once it accepts connections.
    pub fn resume(&mut self) {
        assert!(self.running.is_none(), "the SMTP server is running already");
        let deadline = Instant::now() + Duration::from_secs(10);
        let listener = loop {
            match TcpListener::bind(("127.0.0.1", self.port)) {
                Ok(listener) => break listener,
                Err(_) if Instant::now() < deadline => std::thread::sleep(POLL),
                Err(e) => panic!("the SMTP server cannot listen on {} again: {e}", self.port),
            }
        };
        self.listen(listener);
    }

    fn listen(&mut self, listener: TcpListener) {
        listener
            .set_nonblocking(true)
            .expect("a non-blocking listener");
        let stop = Arc::new(AtomicBool::new(false));
        let keep = Keep {
            dir: self.inbox.path().to_owned(),
            behaviour: self.behaviour,
            numbers: Arc::default(),
            message: Vec::new(),
        };
        let watched = Arc::clone(&stop);
        let listener = std::thread::spawn(move || accept(&listener, &keep, &watched));
        self.running = Some(Running { stop, listener });
    }

    /// Every mail delivered so far, oldest first.
    pub fn delivered(&self) -> Vec<Delivered> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.inbox.path())
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        files.iter().map(|file| parse(file)).collect()
    }

    /// Waits up to `within` for a mail to `to` whose subject contains `subject`. Async: the
    /// service's mail worker may run on the test's own thread.
    pub async fn wait_for(&self, to: &str, subject: &str, within: Duration) -> Delivered {
        let deadline = Instant::now() + within;
        loop {
            if let Some(mail) = self
                .delivered()
                .into_iter()
                .find(|m| m.to == to && m.subject.contains(subject))
            {
                return mail;
            }
            assert!(
                Instant::now() < deadline,
                "no mail to {to} about {subject:?} within {within:?}; delivered: {:?}",
                self.delivered()
                    .iter()
                    .map(|m| (&m.to, &m.subject))
                    .collect::<Vec<_>>()
            );
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The mails delivered to `to`.
    pub fn to(&self, to: &str) -> Vec<Delivered> {
        self.delivered()
            .into_iter()
            .filter(|m| m.to == to)
            .collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Accepts connections until `stop`, each served on a thread of its own; then waits for those
/// threads, which end their connections at once.
fn accept(listener: &TcpListener, keep: &Keep, stop: &Arc<AtomicBool>) {
    let mut connections = Vec::new();
    while !stop.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((stream, _)) => {
                let (keep, stop) = (keep.clone(), Arc::clone(stop));
                connections.push(std::thread::spawn(move || {
                    let _ = serve(stream, keep, &stop);
                }));
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => std::thread::sleep(POLL),
            Err(_) => std::thread::sleep(POLL),
        }
    }
    for connection in connections {
        let _ = connection.join();
    }
}

/// One SMTP session: each line the client sends goes to `mailin`, and its answer back.
fn serve(stream: TcpStream, keep: Keep, stop: &AtomicBool) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(POLL))?;
    let mut session = SessionBuilder::new("smtp-sink").build(stream.peer_addr()?.ip(), keep);
    let mut writer = stream.try_clone()?;
    session.greeting().write_to(&mut writer)?;
    let mut reader = BufReader::new(stream);
    let mut line = Vec::new();
    loop {
        if stop.load(Ordering::SeqCst) {
            return Ok(());
        }
        // On a timeout the bytes read so far stay in `line`, and the read goes on.
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => return Ok(()),
            Ok(_) if !line.ends_with(b"\n") => {}
            Ok(_) => {
                let response = session.process(&line);
                line.clear();
                match response.action {
                    Action::Reply => response.write_to(&mut writer)?,
                    Action::NoReply => {}
                    Action::Close | Action::UpgradeTls => {
                        response.write_to(&mut writer)?;
                        return Ok(());
                    }
                }
                writer.flush()?;
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(e) => return Err(e),
        }
    }
}

/// Keeps every message it accepts as an `.eml` file in `dir`, written under a temporary name and
/// renamed, so a reader never sees half a file.
#[derive(Clone)]
struct Keep {
    dir: PathBuf,
    behaviour: Behaviour,
    /// Numbers the files of messages accepted in the same nanosecond.
    numbers: Arc<AtomicU64>,
    /// The message being received.
    message: Vec<u8>,
}

impl Handler for Keep {
    fn rcpt(&mut self, to: &str) -> Response {
        if self.behaviour.reject {
            // A refusal for now that quotes the recipient, as real servers' replies do.
            return Response::custom(
                450,
                format!("4.2.1 <{to}>: Recipient address deferred: mailbox {to} busy"),
            );
        }
        mailin::response::OK
    }

    fn data_start(
        &mut self,
        _domain: &str,
        _from: &str,
        _is8bit: bool,
        _to: &[String],
    ) -> Response {
        self.message.clear();
        mailin::response::OK
    }

    fn data(&mut self, line: &[u8]) -> std::io::Result<()> {
        self.message.extend_from_slice(line);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        std::thread::sleep(self.behaviour.delay);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let number = self.numbers.fetch_add(1, Ordering::SeqCst);
        let name = format!("{nanos:020}-{number:06}.eml");
        let partial = self.dir.join(format!(".{name}.partial"));
        let kept = std::fs::write(&partial, &self.message)
            .and_then(|()| std::fs::rename(&partial, self.dir.join(&name)));
        self.message.clear();
        match kept {
            Ok(()) => Response::custom(250, "Message accepted for delivery".to_owned()),
            Err(_) => mailin::response::INTERNAL_ERROR,
        }
    }
}
/// Reads one `.eml` file as a mail client would: headers decoded, the text and HTML parts
/// decoded from their transfer encoding.
pub fn parse(file: &Path) -> Delivered {
    let raw = std::fs::read(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let message = MessageParser::default()
        .parse(&raw)
        .unwrap_or_else(|| panic!("{} is not a mail", file.display()));
    let address = |list: Option<&mail_parser::Address<'_>>| {
        list.and_then(|a| a.first())
            .and_then(|a| a.address())
            .unwrap_or_default()
            .to_owned()
    };
    Delivered {
        to: address(message.to()),
        from: address(message.from()),
        subject: message.subject().unwrap_or_default().to_owned(),
        text: message
            .body_text(0)
            .map(|t| t.into_owned())
            .unwrap_or_default(),
        html: message
            .body_html(0)
            .map(|t| t.into_owned())
            .unwrap_or_default(),
        raw: String::from_utf8_lossy(&raw).into_owned(),
    }
}

/// The mails written as `.eml` files into `dir` (auth-service's `MAIL_DIR`), oldest first.
pub fn read_dir(dir: &Path) -> Vec<Delivered> {
    let mut files: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
                .map(|e| {
                    let modified = e
                        .metadata()
                        .and_then(|m| m.modified())
                        .unwrap_or(std::time::UNIX_EPOCH);
                    (modified, e.path())
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files.iter().map(|(_, file)| parse(file)).collect()
}
