//! What the commands print: lines for people, or with `--json` the API's own bodies for scripts.

use crate::commands::Failure;
use photo_auth_client::types::{PhotoView, ProfileView, SessionView, User};
use photo_auth_client::{ClientError, Servers};
use serde::Serialize;

pub struct Output {
    pub json: bool,
}

impl Output {
    fn json<T: Serialize + ?Sized>(&self, value: &T) {
        match serde_json::to_string_pretty(value) {
            Ok(text) => println!("{text}"),
            Err(e) => eprintln!("photo-auth: cannot print JSON: {e}"),
        }
    }

    pub fn done(&self, message: &str) {
        if self.json {
            self.json(&serde_json::json!({ "ok": true, "message": message }));
        } else {
            println!("{message}");
        }
    }

    /// A request the service took on (a mail to send, a password changed), and what to do next;
    /// `--json` prints the same as [`Output::done`], without the next step.
    pub fn accepted(&self, message: &str, next: &str) {
        if self.json {
            return self.done(message);
        }
        println!("{message}");
        println!("{next}");
    }

    pub fn verified(&self, user: &User) {
        if self.json {
            return self.json(user);
        }
        println!("{} is verified as {}'s address.", user.email, user.username);
    }

    pub fn logged_in(&self, user: &User) {
        if self.json {
            self.json(user);
        } else {
            println!("logged in as {}", user.username);
        }
    }

    pub fn user(&self, user: &User) {
        if self.json {
            return self.json(user);
        }
        println!("{} <{}>", user.username, user.email);
        if user.email_verified {
            println!("email:   verified");
        } else {
            println!("email:   not verified (`photo-auth email resend` mails the link again)");
        }
        if let Some(pending) = &user.pending_email {
            println!("pending: {pending} (the address once the link mailed there is opened)");
        }
        println!("name:    {}", user.full_name);
        println!("roles:   {}", user.roles.join(", "));
        println!("id:      {}", user.id);
    }

    pub fn photos(&self, photos: &[PhotoView]) {
        if self.json {
            return self.json(photos);
        }
        for p in photos {
            let caption = p.caption.as_deref().unwrap_or("");
            println!(
                "{}  {:<16} {:>8} B  {:>3} likes  {caption}",
                p.id, p.owner_username, p.size_bytes, p.like_count
            );
        }
        if photos.is_empty() {
            println!("no photos");
        }
    }

    pub fn sessions(&self, sessions: &[SessionView]) {
        if self.json {
            return self.json(sessions);
        }
        for s in sessions {
            let mark = if s.current { "*" } else { " " };
            let agent = s.user_agent.as_deref().unwrap_or("-");
            println!(
                "{mark} {}  last used {}  {agent}",
                s.id,
                s.last_used_at.format("%F %T UTC")
            );
        }
    }

    pub fn profile(&self, profile: &ProfileView) {
        if self.json {
            return self.json(profile);
        }
        println!("{} <{}>", profile.username, profile.email);
        println!("bio:     {}", profile.bio.as_deref().unwrap_or("-"));
        println!("photos:  {}", profile.photo_count);
    }
}

/// Why a command failed, on stderr for people (scripts read the exit code): the API's message,
/// the fields at fault, how long to wait, and what to do next when the message does not say.
pub fn failure(failure: &Failure) {
    for line in failure_lines(failure) {
        eprintln!("photo-auth: {line}");
    }
}

fn failure_lines(failure: &Failure) -> Vec<String> {
    let (error, hint) = match failure {
        Failure::Input(message) | Failure::Usage(message) => return vec![message.clone()],
        Failure::Io(error) => return vec![error.to_string()],
        Failure::Client { error, hint } => (error, hint),
    };
    let mut lines = match error {
        ClientError::Api {
            status,
            code,
            message,
            fields,
            retry_after,
        } => {
            let mut lines = vec![if message.trim().is_empty() {
                format!("refused: {status} {}", code.as_str())
            } else {
                message.trim().to_owned()
            }];
            lines.extend(
                fields
                    .iter()
                    .map(|(field, why)| format!("  {field}: {why}")),
            );
            if let Some(wait) = retry_after {
                lines.push(format!("try again in {} s", wait.as_secs().max(1)));
            }
            lines
        }
        ClientError::OtherServers { kept, given } => return other_servers(kept, given),
        ClientError::UnknownServers => vec![
            "the kept session was saved by an older photo-auth, without the servers it \
             belongs to, so it is sent to none"
                .to_owned(),
        ],
        other => vec![other.to_string()],
    };
    lines.extend(hint.map(str::to_owned));
    lines
}

/// A kept session refused to a command aimed at other servers: which address differs, and the
/// two ways on.
fn other_servers(kept: &Servers, given: &Servers) -> Vec<String> {
    let mut lines =
        vec!["the kept session belongs to another server; it is not sent to this one".into()];
    for (service, kept, given) in [
        ("auth-service:", &kept.auth, &given.auth),
        ("resource-service:", &kept.api, &given.api),
    ] {
        if kept != given {
            lines.push(format!(
                "  {service:<17} the session's {kept}, this command's {given}"
            ));
        }
    }
    lines.push(
        "run it with the session's addresses (--auth-url and --api-url, or \
         PHOTO_AUTH_AUTH_URL and PHOTO_AUTH_API_URL), or log in to this server with \
         `photo-auth login USER_OR_EMAIL`"
            .into(),
    );
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use photo_auth_client::ApiCode;
    use std::collections::BTreeMap;
    use std::time::Duration;

    #[test]
    fn an_api_refusal_reads_as_its_message_fields_wait_and_hint() {
        let failure = Failure::Client {
            error: ClientError::Api {
                status: 400,
                code: ApiCode::InvalidRequest,
                message: "Some fields are invalid.".into(),
                fields: BTreeMap::from([("new_password".into(), "is too short".into())]),
                retry_after: Some(Duration::from_secs(30)),
            },
            hint: Some("do this"),
        };
        assert_eq!(
            failure_lines(&failure),
            [
                "Some fields are invalid.",
                "  new_password: is too short",
                "try again in 30 s",
                "do this"
            ]
        );
        let failure = Failure::from(ClientError::NotLoggedIn);
        assert_eq!(
            failure_lines(&failure),
            [
                "not logged in",
                "log in with `photo-auth login USER_OR_EMAIL`"
            ]
        );
    }

    #[test]
    fn a_session_of_another_server_names_the_address_that_differs() {
        let kept = Servers::parse("http://127.0.0.1:4000", "http://127.0.0.1:4001").unwrap();
        let given = Servers::parse("https://evil.example", "http://127.0.0.1:4001/").unwrap();
        let lines = failure_lines(&Failure::from(ClientError::OtherServers { kept, given }));
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert_eq!(
            lines[1],
            "  auth-service:     the session's http://127.0.0.1:4000, \
             this command's https://evil.example"
        );
        assert!(lines[2].contains("photo-auth login"), "{lines:?}");
    }
}
