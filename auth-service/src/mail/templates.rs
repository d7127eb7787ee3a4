//! The mails (docs/RECOVERY.md, The mails): each kind in plain text and in HTML, with the
//! product name and the link base from the settings. The words and markup live in
//! `auth-service/templates/mail/`, compiled in by askama: `<kind>.txt` and `<kind>.html` extend
//! `layout.txt` and `layout.html`. Askama escapes by file extension, so every value written
//! into an `.html` template is HTML-escaped, in attributes too, and the `.txt` ones get the
//! values as they are.

use crate::config::MailSettings;
use crate::db::outbox::NewMail;
use askama::Template;
use chrono::{DateTime, Utc};
use std::time::Duration;

/// A rendered mail, ready for the outbox.
pub struct Mail {
    /// The template's name, for logs and metrics: never the recipient or the link.
    pub kind: &'static str,
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl Mail {
    /// The outbox row of this notice for `recipient`, dropped unsent after `expires_at`.
    pub fn outbox_row<'a>(&'a self, recipient: &'a str, expires_at: DateTime<Utc>) -> NewMail<'a> {
        NewMail {
            kind: self.kind,
            recipient,
            subject: &self.subject,
            text_body: &self.text,
            html_body: &self.html,
            expires_at,
            user_id: None,
        }
    }
}

/// Declares a mail's two templates, `mail/<kind>.txt` and `mail/<kind>.html`, with the same
/// fields; the HTML part is made from the text part's values, so the two cannot differ.
macro_rules! mail_templates {
    ($text:ident = $text_path:tt, $html:ident = $html_path:tt { $($field:ident: $ty:ty),* $(,)? }) => {
        #[derive(Template)]
        #[template(path = $text_path)]
        struct $text<'a> {
            $($field: $ty),*
        }

        #[derive(Template)]
        #[template(path = $html_path)]
        struct $html<'a> {
            $($field: $ty),*
        }

        impl<'a> $text<'a> {
            fn html(&self) -> $html<'a> {
                $html { $($field: self.$field),* }
            }
        }
    };
}

mail_templates!(PasswordResetText = "mail/password_reset.txt",
    PasswordResetHtml = "mail/password_reset.html" {
    product: &'a str,
    link: &'a str,
    lifetime: &'a str,
});

mail_templates!(EmailVerificationText = "mail/email_verification.txt",
    EmailVerificationHtml = "mail/email_verification.html" {
    product: &'a str,
    link: &'a str,
    lifetime: &'a str,
});

mail_templates!(EmailChangeRequestedText = "mail/email_change_requested.txt",
    EmailChangeRequestedHtml = "mail/email_change_requested.html" {
    product: &'a str,
    new_email: &'a str,
    link: &'a str,
    lifetime: &'a str,
});

mail_templates!(PasswordChangedText = "mail/password_changed.txt",
    PasswordChangedHtml = "mail/password_changed.html" {
    product: &'a str,
    login: &'a str,
});

mail_templates!(EmailChangedText = "mail/email_changed.txt",
    EmailChangedHtml = "mail/email_changed.html" {
    product: &'a str,
    new_email: &'a str,
});

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
        let lifetime = minutes(self.settings.reset_lifetime);
        let text = PasswordResetText {
            product,
            link: &link,
            lifetime: &lifetime,
        };
        mail(
            "password_reset",
            format!("Reset your password for {product}"),
            &text,
            &text.html(),
        )
    }

    pub fn email_verification(&self, token: &str) -> Mail {
        let link = self.link("verify-email", token);
        let product = &self.settings.product_name;
        let lifetime = minutes(self.settings.verification_lifetime);
        let text = EmailVerificationText {
            product,
            link: &link,
            lifetime: &lifetime,
        };
        mail(
            "email_verification",
            format!("Verify your email address for {product}"),
            &text,
            &text.html(),
        )
    }

    /// To the current address when the account asks to move to `new_email`: told at once, with
    /// a link that cancels the change, or undoes it once made, without logging in.
    pub fn email_change_requested(&self, new_email: &str, token: &str) -> Mail {
        let link = self.link("cancel-email-change", token);
        let product = &self.settings.product_name;
        let lifetime = minutes(self.settings.cancel_lifetime);
        let text = EmailChangeRequestedText {
            product,
            new_email,
            link: &link,
            lifetime: &lifetime,
        };
        mail(
            "email_change_requested",
            format!("Your email address is about to change for {product}"),
            &text,
            &text.html(),
        )
    }

    pub fn password_changed(&self) -> Mail {
        let product = &self.settings.product_name;
        let login = format!("{}/#/forgot-password", self.settings.public_url);
        let text = PasswordChangedText {
            product,
            login: &login,
        };
        mail(
            "password_changed",
            format!("Your password was changed for {product}"),
            &text,
            &text.html(),
        )
    }

    pub fn email_changed(&self, new_email: &str) -> Mail {
        let product = &self.settings.product_name;
        let text = EmailChangedText { product, new_email };
        mail(
            "email_changed",
            format!("Your email address was changed for {product}"),
            &text,
            &text.html(),
        )
    }
}

/// The subject is a header, not HTML: lettre encodes it, nothing escapes it.
fn mail(kind: &'static str, subject: String, text: &impl Template, html: &impl Template) -> Mail {
    // Through `Display`, as `format!` would: the values are strings, so writing them into a
    // `String` cannot fail, and the mail functions stay infallible.
    Mail {
        kind,
        subject,
        text: text.to_string(),
        html: html.to_string(),
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
    use crate::config::Delivery;
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

    fn every_mail(templates: &Templates<'_>, new_email: &str, token: &str) -> Vec<Mail> {
        vec![
            templates.password_reset(token),
            templates.email_verification(token),
            templates.email_change_requested(new_email, token),
            templates.password_changed(),
            templates.email_changed(new_email),
        ]
    }

    #[test]
    fn the_link_carries_the_token_in_the_fragment_in_both_parts() {
        let s = settings("Snapshots");
        let mail = Templates::new(&s).password_reset("tok-EN_1");
        let link = "https://photos.example/#/reset-password?token=tok-EN_1";
        assert!(mail.text.contains(link), "{}", mail.text);
        assert!(
            mail.html.contains(&format!("href=\"{link}\"")),
            "{}",
            mail.html
        );
        assert!(mail.subject.contains("Snapshots"));
        assert!(mail.text.contains("within 30 minutes"), "{}", mail.text);
    }

    #[test]
    fn the_text_part_reads_as_before() {
        let s = settings("Snapshots");
        let mail = Templates::new(&s).password_reset("tok");
        assert_eq!(
            mail.text,
            "Hello,\n\n\
             someone asked to reset the password of your Snapshots account. To choose a new \
             password, open this link within 30 minutes:\n\n\
             https://photos.example/#/reset-password?token=tok\n\n\
             The link works once. If you did not ask for it, ignore this mail: your password \
             stays as it is.\n\n\
             -- \nSnapshots\n"
        );
        let mail = Templates::new(&s).password_changed();
        assert_eq!(
            mail.text,
            "Hello,\n\n\
             the password of your Snapshots account was just reset through a link mailed to \
             this address, and every device was logged out.\n\n\
             If this was not you, reset your password again at \
             https://photos.example/#/forgot-password and check who can read this mailbox.\n\n\
             -- \nSnapshots\n"
        );
    }

    #[test]
    fn the_product_name_is_escaped_in_html_and_left_alone_in_text() {
        let product = "<script>alert(\"1\")</script> & 'co'";
        let s = settings(product);
        for mail in every_mail(&Templates::new(&s), "new@example.com", "t") {
            assert!(!mail.html.contains("<script"), "{}", mail.html);
            assert!(!mail.html.contains("alert(\""), "{}", mail.html);
            // Escaped once: the paragraphs' macro does not escape its body a second time.
            assert!(
                mail.html.contains(
                    "&#60;script&#62;alert(&#34;1&#34;)&#60;/script&#62; &#38; &#39;co&#39;"
                ),
                "{}: {}",
                mail.kind,
                mail.html
            );
            assert!(!mail.html.contains("&#38;#"), "{}", mail.html);
            assert!(mail.text.contains(product), "{}: {}", mail.kind, mail.text);
            assert!(!mail.text.contains("&#"), "{}: {}", mail.kind, mail.text);
            assert!(mail.subject.ends_with(product), "{}", mail.subject);
        }
        let mail = Templates::new(&s).email_verification("t");
        assert!(mail.text.contains("within 24 hours"), "{}", mail.text);
    }

    #[test]
    fn a_link_cannot_break_out_of_the_href() {
        let s = settings("Snapshots");
        let mail = Templates::new(&s).password_reset("x\" onclick=\"alert(1)\"><script>'");
        let escaped = "https://photos.example/#/reset-password?token=\
                       x&#34; onclick=&#34;alert(1)&#34;&#62;&#60;script&#62;&#39;";
        assert!(
            mail.html.contains(&format!("<a href=\"{escaped}\" style=")),
            "{}",
            mail.html
        );
        assert!(!mail.html.contains("onclick=\""), "{}", mail.html);
        assert!(!mail.html.contains("<script"), "{}", mail.html);
        assert!(
            mail.html.contains(&format!(
                "Or paste this address into your browser: {escaped}</p>"
            )),
            "{}",
            mail.html
        );
        assert!(
            mail.text.contains(
                "https://photos.example/#/reset-password?token=x\" onclick=\"alert(1)\"><script>'"
            ),
            "{}",
            mail.text
        );
    }

    #[test]
    fn the_change_notice_names_the_new_address_and_carries_the_cancel_link() {
        let s = settings("Snapshots");
        let mail = Templates::new(&s).email_change_requested("new@example.com", "tok");
        let link = "https://photos.example/#/cancel-email-change?token=tok";
        assert!(mail.text.contains(link), "{}", mail.text);
        assert!(mail.html.contains(link), "{}", mail.html);
        assert!(mail.text.contains("new@example.com"), "{}", mail.text);
        assert!(mail.html.contains("new@example.com"), "{}", mail.html);
        assert!(mail.text.contains("within 7 days"), "{}", mail.text);
        assert!(
            mail.html.contains("This was not me: keep this address</a>"),
            "{}",
            mail.html
        );
    }

    #[test]
    fn a_new_address_is_escaped_in_html_and_left_alone_in_text() {
        // A quoted local part may hold markup and still be an address.
        let new_email = "\"<img src=x onerror=alert(1)>\"@example.com";
        let s = settings("Snapshots");
        let templates = Templates::new(&s);
        for mail in [
            templates.email_change_requested(new_email, "tok"),
            templates.email_changed(new_email),
        ] {
            assert!(!mail.html.contains("<img"), "{}", mail.html);
            assert!(
                mail.html
                    .contains("&#34;&#60;img src=x onerror=alert(1)&#62;&#34;@example.com"),
                "{}",
                mail.html
            );
            assert!(mail.text.contains(new_email), "{}", mail.text);
        }
    }

    /// Every mail's HTML is the layout's frame, and each element it opens closes, in order.
    #[test]
    fn every_html_part_is_well_formed() {
        let s = settings("Snapshots & <Co>");
        for mail in every_mail(&Templates::new(&s), "a<b>@example.com", "t\"<>") {
            let html = mail.html.as_str();
            assert!(html.starts_with("<!DOCTYPE html>\n<html>"), "{html}");
            assert!(
                html.ends_with("</html>\n") || html.ends_with("</html>"),
                "{html}"
            );
            assert_eq!(
                html.matches("<p style=").count(),
                html.matches("</p>").count()
            );
            let mut open: Vec<&str> = Vec::new();
            let mut rest = html;
            while let Some(start) = rest.find('<') {
                let end = start + rest[start..].find('>').unwrap();
                let tag = &rest[start + 1..end];
                rest = &rest[end + 1..];
                let name = tag.split_whitespace().next().unwrap_or_default();
                if name.starts_with('!') || name == "meta" {
                    continue;
                }
                match name.strip_prefix('/') {
                    Some(closed) => assert_eq!(open.pop(), Some(closed), "{}: {html}", mail.kind),
                    None => open.push(name),
                }
            }
            assert!(open.is_empty(), "{}: {open:?} left open", mail.kind);
        }
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
