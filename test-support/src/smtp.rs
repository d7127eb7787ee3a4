//! A real SMTP server for tests (docs/RECOVERY.md, Tests): `scripts/smtp-sink.sh` runs Python's
//! aiosmtpd (installed from PyPI into `target/` on first use), which keeps every message it
//! accepts as an `.eml` file. A test can stop it and start it again on the same port, and read
//! what was delivered as a mail client would.

use mail_parser::MessageParser;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long the first start may take: it installs aiosmtpd.
const FIRST_START: Duration = Duration::from_secs(180);

pub struct SmtpServer {
    port: u16,
    inbox: tempfile::TempDir,
    child: Option<Child>,
    /// Extra options of `scripts/smtp_sink.py` (`--delay SECONDS`, `--reject`).
    options: Vec<String>,
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
        Self::start_with(&[])
    }

    /// A server that behaves as `options` say: `["--delay", "0.2"]` accepts each message only
    /// after that many seconds; `["--reject"]` defers every recipient with a 450 reply that
    /// quotes the address.
    pub fn start_with(options: &[&str]) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut server = Self {
            port,
            inbox: tempfile::tempdir().expect("an inbox directory"),
            child: None,
            options: options.iter().map(|o| (*o).to_owned()).collect(),
        };
        server.resume();
        server
    }

    /// `smtp://127.0.0.1:<port>`, for `SMTP_URL`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Stops the server: connections are refused until [`SmtpServer::resume`].
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server (again) on its port, and returns once it accepts connections.
    pub fn resume(&mut self) {
        assert!(self.child.is_none(), "the SMTP server is running already");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/smtp-sink.sh");
        let mut child = Command::new("bash")
            .arg(&script)
            .arg("--port")
            .arg(self.port.to_string())
            .arg("--dir")
            .arg(self.inbox.path())
            .args(&self.options)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", script.display()));
        let stdout = child.stdout.take().expect("the server's stdout");
        let (ready, wait) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut first = String::new();
            let _ = BufReader::new(stdout).read_line(&mut first);
            let _ = ready.send(first);
        });
        match wait.recv_timeout(FIRST_START) {
            Ok(line) if line.contains("listening") => {}
            other => {
                let _ = child.kill();
                panic!(
                    "the SMTP server (scripts/smtp-sink.sh: python3 with aiosmtpd from PyPI) did \
                     not start: {other:?}"
                );
            }
        }
        self.child = Some(child);
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
