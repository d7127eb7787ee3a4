//! The two ways a mail leaves: SMTP (`SMTP_URL`) or an `.eml` file (`MAIL_DIR`).

use crate::config::{Delivery, MailSettings};
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Body, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;
use std::path::PathBuf;
use std::time::Duration;

/// How long one SMTP exchange may take before the attempt counts as failed.
const SMTP_TIMEOUT: Duration = Duration::from_secs(10);

pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Directory(AsyncFileTransport<Tokio1Executor>),
}

/// Why a mail was not sent: `permanent` when sending it again cannot help (a bad address, a
/// 5xx reply), so it is dropped instead of retried.
#[derive(Debug)]
pub struct SendError {
    pub message: String,
    pub permanent: bool,
}

impl Transport {
    /// Builds the transport; for a directory, creates it and says where it is.
    pub fn build(settings: &MailSettings) -> Result<Self, String> {
        match &settings.delivery {
            Delivery::Smtp(url) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose_secret())
                    .map_err(|_| "SMTP_URL is not a usable SMTP address".to_owned())?
                    .timeout(Some(SMTP_TIMEOUT))
                    .build();
                log::info!("mail: sending through the SMTP server of SMTP_URL");
                Ok(Self::Smtp(transport))
            }
            Delivery::Directory(dir) => {
                std::fs::create_dir_all(dir)
                    .map_err(|e| format!("cannot create MAIL_DIR {}: {e}", dir.display()))?;
                let shown = std::fs::canonicalize(dir).unwrap_or_else(|_| PathBuf::from(dir));
                log::warn!(
                    "mail: no SMTP_URL; mails are written as .eml files to {}",
                    shown.display()
                );
                Ok(Self::Directory(AsyncFileTransport::new(dir)))
            }
        }
    }

    pub async fn send(
        &self,
        from: &Mailbox,
        recipient: &str,
        subject: &str,
        text: String,
        html: String,
    ) -> Result<(), SendError> {
        let to: Mailbox = recipient.parse().map_err(|_| SendError {
            message: "the recipient is not a valid address".to_owned(),
            permanent: true,
        })?;
        let message = Message::builder()
            .from(from.clone())
            .to(to)
            .subject(subject)
            .multipart(
                MultiPart::alternative()
                    .singlepart(plain_part(text))
                    .singlepart(SinglePart::html(html)),
            )
            .map_err(|e| SendError {
                message: format!("the mail could not be built: {e}"),
                permanent: true,
            })?;
        match self {
            Self::Smtp(smtp) => smtp.send(message).await.map(|_| ()).map_err(|e| SendError {
                permanent: e.is_permanent(),
                message: without_addresses(&e.to_string()),
            }),
            Self::Directory(files) => {
                files
                    .send(message)
                    .await
                    .map(|_| ())
                    .map_err(|e| SendError {
                        message: e.to_string(),
                        permanent: false,
                    })
            }
        }
    }
}

/// A mail server's reply with every word that holds an `@` replaced: servers quote the
/// recipient ("550 5.1.1 <bob@example.com>: unknown user"), and the message goes to the log and
/// to `mail_outbox.last_error`, neither of which may name who was mailed.
pub fn without_addresses(reply: &str) -> String {
    let mut out = String::with_capacity(reply.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.contains('@') {
            out.push_str("[address]");
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in reply.chars() {
        if c.is_whitespace()
            || matches!(
                c,
                '<' | '>' | '"' | '\'' | '(' | ')' | ',' | ';' | '[' | ']'
            )
        {
            flush(&mut word, &mut out);
            out.push(c);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// The plain-text part, left unencoded when it is plain ASCII with lines within SMTP's limit of
/// 998 octets: the link then reads whole in the raw `.eml` file too, where quoted-printable
/// would break it across lines and turn its `=` into `=3D`. lettre picks quoted-printable for
/// any line over 76 characters, and the link is longer, hence the pre-encoded body, whose rules
/// (ASCII, no NUL, CRLF line ends, short enough lines) are checked here. Anything else is left to
/// lettre's choice of encoding.
fn plain_part(text: String) -> SinglePart {
    let plain = text.is_ascii()
        && !text.contains('\0')
        && !text.contains('\r')
        && text.lines().all(|line| line.len() <= 998);
    let body = if plain {
        Body::dangerous_pre_encoded(
            text.replace('\n', "\r\n").into_bytes(),
            ContentTransferEncoding::SevenBit,
        )
    } else {
        Body::new(text)
    };
    SinglePart::builder()
        .header(ContentType::TEXT_PLAIN)
        .body(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_reply_loses_every_address_it_quotes() {
        let reply = "permanent error (550): 5.1.1 <Bob.Smith@Example.com>: Recipient \
                     address rejected; user bob.smith@example.com unknown";
        let cleaned = without_addresses(reply);
        assert!(!cleaned.to_lowercase().contains("bob.smith"), "{cleaned}");
        assert!(!cleaned.contains('@'), "{cleaned}");
        assert!(
            cleaned.contains("550") && cleaned.contains("Recipient"),
            "{cleaned}"
        );
        assert_eq!(
            without_addresses("connection refused"),
            "connection refused"
        );
    }

    #[test]
    fn a_plain_text_part_keeps_its_long_link_line_whole() {
        let link = format!(
            "https://photos.example/#/reset-password?token={}",
            "A".repeat(43)
        );
        let part = plain_part(format!("Hello,\n\n{link}\n"));
        let text = String::from_utf8(part.formatted()).unwrap();
        assert!(text.contains(&format!("\r\n{link}\r\n")), "{text}");
        assert!(text.contains("Content-Transfer-Encoding: 7bit"), "{text}");
        let accented = plain_part("Grüße\n".to_owned());
        let text = String::from_utf8(accented.formatted()).unwrap();
        assert!(!text.contains("7bit"), "{text}");
    }
}
