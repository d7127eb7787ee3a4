//! The mails' words: each kind in plain text and in HTML, with the product name and the link
//! base from the settings (docs/RECOVERY.md, The mails). The HTML is a single column with inline
//! styles, which the common mail clients render alike; every value put into it is escaped.

use super::settings::MailSettings;
use html_escape::{encode_double_quoted_attribute, encode_text};
use std::time::Duration;

/// A rendered mail, ready for the outbox.
pub struct Mail {
    /// The template's name, for logs and metrics: never the recipient or the link.
    pub kind: &'static str,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// One paragraph of a mail, with an optional button.
struct Body<'a> {
    greeting: &'a str,
    lines: Vec<String>,
    button: Option<(&'a str, &'a str)>,
    after: Vec<String>,
}

pub struct Templates<'a> {
    settings: &'a MailSettings,
}

impl<'a> Templates<'a> {
    pub fn new(settings: &'a MailSettings) -> Self {
        Self { settings }
    }

    /// The web app's page for `route` with the token in the fragment, which browsers never
    /// send to a server: the token stays out of access logs and `Referer` headers.
    pub fn link(&self, route: &str, token: &str) -> String {
        format!("{}/#/{route}?token={token}", self.settings.public_url)
    }

    pub fn password_reset(&self, token: &str) -> Mail {
        let link = self.link("reset-password", token);
        let product = &self.settings.product_name;
        let minutes = minutes(self.settings.reset_lifetime);
        self.render(
            "password_reset",
            format!("Reset your password for {product}"),
            Body {
                greeting: "Hello,",
                lines: vec![format!(
                    "someone asked to reset the password of your {product} account. \
                     To choose a new password, open this link within {minutes}:"
                )],
                button: Some(("Choose a new password", &link)),
                after: vec![
                    "The link works once. If you did not ask for it, ignore this mail: \
                     your password stays as it is."
                        .to_owned(),
                ],
            },
        )
    }

    pub fn email_verification(&self, token: &str) -> Mail {
        let link = self.link("verify-email", token);
        let product = &self.settings.product_name;
        let hours = minutes(self.settings.verification_lifetime);
        self.render(
            "email_verification",
            format!("Verify your email address for {product}"),
            Body {
                greeting: "Hello,",
                lines: vec![format!(
                    "please confirm that this address belongs to your {product} account \
                     by opening this link within {hours}:"
                )],
                button: Some(("Verify this address", &link)),
                after: vec!["If you did not create an account or change your address, \
                     ignore this mail."
                    .to_owned()],
            },
        )
    }

    /// To the current address when the account asks to move to `new_email`: told at once, with
    /// a link that cancels the change, or undoes it once made, without logging in.
    pub fn email_change_requested(&self, new_email: &str, token: &str) -> Mail {
        let link = self.link("cancel-email-change", token);
        let product = &self.settings.product_name;
        let days = minutes(self.settings.cancel_lifetime);
        self.render(
            "email_change_requested",
            format!("Your email address is about to change for {product}"),
            Body {
                greeting: "Hello,",
                lines: vec![format!(
                    "someone with the password of your {product} account asked to change its \
                     email address from this one to {new_email}. If that was you, there is \
                     nothing to do."
                )],
                button: Some(("This was not me: keep this address", &link)),
                after: vec![format!(
                    "If it was not you, open the link above within {days}: it cancels the \
                     change, or undoes it if it was already made, and logs every device out. \
                     Then choose a new password: someone else knows yours."
                )],
            },
        )
    }

    pub fn password_changed(&self) -> Mail {
        let product = &self.settings.product_name;
        let login = format!("{}/#/forgot-password", self.settings.public_url);
        self.render(
            "password_changed",
            format!("Your password was changed for {product}"),
            Body {
                greeting: "Hello,",
                lines: vec![format!(
                    "the password of your {product} account was just reset through a link \
                     mailed to this address, and every device was logged out."
                )],
                button: None,
                after: vec![format!(
                    "If this was not you, reset your password again at {login} and check \
                     who can read this mailbox."
                )],
            },
        )
    }

    pub fn email_changed(&self, new_email: &str) -> Mail {
        let product = &self.settings.product_name;
        self.render(
            "email_changed",
            format!("Your email address was changed for {product}"),
            Body {
                greeting: "Hello,",
                lines: vec![format!(
                    "the email address of your {product} account is now {new_email}; \
                     mail for the account no longer comes here."
                )],
                button: None,
                after: vec![
                    "If this was not you, open the link in the mail we sent here when the \
                     change was asked for: it undoes the change. Then reset your password."
                        .to_owned(),
                ],
            },
        )
    }

    fn render(&self, kind: &'static str, subject: String, body: Body<'_>) -> Mail {
        let product = &self.settings.product_name;
        let mut text = format!("{}\n\n", body.greeting);
        for line in &body.lines {
            text.push_str(&format!("{line}\n\n"));
        }
        if let Some((_, link)) = body.button {
            text.push_str(&format!("{link}\n\n"));
        }
        for line in &body.after {
            text.push_str(&format!("{line}\n\n"));
        }
        text.push_str(&format!("-- \n{product}\n"));

        let paragraph = |line: &str| {
            format!(
                "<p style=\"margin:0 0 16px;line-height:1.5\">{}</p>",
                encode_text(line)
            )
        };
        let mut html = String::from(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width\"></head>\
             <body style=\"margin:0;padding:24px;background:#f4f4f5;\
             font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#18181b\">\
             <div style=\"max-width:480px;margin:0 auto;background:#ffffff;padding:24px;\
             border-radius:8px\">",
        );
        html.push_str(&format!(
            "<h1 style=\"font-size:18px;margin:0 0 16px\">{}</h1>",
            encode_text(product)
        ));
        html.push_str(&paragraph(body.greeting));
        for line in &body.lines {
            html.push_str(&paragraph(line));
        }
        if let Some((label, link)) = body.button {
            html.push_str(&format!(
                "<p style=\"margin:0 0 16px\"><a href=\"{href}\" style=\"display:inline-block;\
                 background:#2563eb;color:#ffffff;padding:10px 16px;border-radius:6px;\
                 text-decoration:none\">{label}</a></p>\
                 <p style=\"margin:0 0 16px;font-size:13px;color:#52525b;word-break:break-all\">\
                 Or paste this address into your browser: {text}</p>",
                href = encode_double_quoted_attribute(link),
                label = encode_text(label),
                text = encode_text(link),
            ));
        }
        for line in &body.after {
            html.push_str(&paragraph(line));
        }
        html.push_str("</div></body></html>");
        Mail {
            kind,
            subject,
            text,
            html,
        }
    }
}

/// "30 minutes", "24 hours", "1 hour": how long a link lives, as a person says it.
fn minutes(lifetime: Duration) -> String {
    let minutes = lifetime.as_secs().div_ceil(60).max(1);
    match minutes {
        m if m % 1440 == 0 && m >= 2880 => plural(m / 1440, "day"),
        m if m % 60 == 0 && m >= 60 => plural(m / 60, "hour"),
        m => plural(m, "minute"),
    }
}

fn plural(n: u64, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::settings::Delivery;
    use std::path::PathBuf;

    fn settings(product: &str) -> MailSettings {
        MailSettings {
            delivery: Delivery::Directory(PathBuf::from("mail")),
            from: "x <x@example.com>".parse().unwrap(),
            public_url: "https://photos.example".to_owned(),
            product_name: product.to_owned(),
            reset_lifetime: Duration::from_secs(1800),
            verification_lifetime: Duration::from_secs(86_400),
            cancel_lifetime: Duration::from_secs(7 * 86_400),
            limits: Default::default(),
            retry_initial: Duration::from_secs(1),
            retry_max: Duration::from_secs(2),
        }
    }

    #[test]
    fn the_link_carries_the_token_in_the_fragment_in_both_parts() {
        let s = settings("Snapshots");
        let mail = Templates::new(&s).password_reset("tok-EN_1");
        let link = "https://photos.example/#/reset-password?token=tok-EN_1";
        assert!(mail.text.contains(link), "{}", mail.text);
        assert!(mail.html.contains(link), "{}", mail.html);
        assert!(mail.subject.contains("Snapshots"));
        assert!(mail.text.contains("within 30 minutes"), "{}", mail.text);
    }

    #[test]
    fn the_product_name_is_escaped_in_html() {
        let s = settings("<script>alert(1)</script> & co");
        let mail = Templates::new(&s).email_verification("t");
        assert!(!mail.html.contains("<script>"), "{}", mail.html);
        assert!(mail.html.contains("&lt;script&gt;"), "{}", mail.html);
        assert!(mail.text.contains("within 24 hours"), "{}", mail.text);
    }

    #[test]
    fn the_change_notice_names_the_new_address_and_carries_the_cancel_link() {
        let s = settings("Snapshots");
        let mail = Templates::new(&s).email_change_requested("new@example.com", "tok");
        let link = "https://photos.example/#/cancel-email-change?token=tok";
        assert!(mail.text.contains(link), "{}", mail.text);
        assert!(mail.text.contains("new@example.com"), "{}", mail.text);
        assert!(mail.text.contains("within 7 days"), "{}", mail.text);
    }

    #[test]
    fn lifetimes_read_as_people_say_them() {
        assert_eq!(minutes(Duration::from_secs(1800)), "30 minutes");
        assert_eq!(minutes(Duration::from_secs(3600)), "1 hour");
        assert_eq!(minutes(Duration::from_secs(90)), "2 minutes");
        assert_eq!(minutes(Duration::from_secs(7200)), "2 hours");
        assert_eq!(minutes(Duration::from_secs(7 * 86_400)), "7 days");
    }
}
