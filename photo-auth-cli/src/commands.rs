//! What each command does, through `photo-auth-client`; printing is `output`'s.

use crate::args::{
    Args, Command, EmailCommand, PasswordCommand, PhotosCommand, ProfileCommand, SessionsCommand,
};
use crate::link;
use crate::output::Output;
use futures_util::{StreamExt, TryStreamExt};
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use photo_auth_client::{ApiCode, Client, ClientError, FileStore, Owner, Progress};
use std::io::BufRead;
use std::path::PathBuf;
use std::sync::Arc;

/// Why a command failed: what the client said (with what to do about it, when that is not
/// plain from the message), input refused before any request, a wrong command line that clap
/// could not see (a link read from stdin), or a local file.
#[derive(Debug)]
pub enum Failure {
    Client {
        error: ClientError,
        hint: Option<&'static str>,
    },
    Input(String),
    Usage(String),
    Io(std::io::Error),
}

impl From<ClientError> for Failure {
    fn from(error: ClientError) -> Self {
        const LOG_IN: &str = "log in with `photo-auth login USER_OR_EMAIL`";
        let hint = match error.code() {
            _ if matches!(
                error,
                ClientError::NotLoggedIn | ClientError::UnknownServers
            ) =>
            {
                Some(LOG_IN)
            }
            Some(ApiCode::InvalidToken | ApiCode::RefreshTokenReused) => Some(LOG_IN),
            // resource-service refused a token whose session ended before it ran out; the
            // client has forgotten the session (docs/CLI.md, Exit codes).
            Some(ApiCode::SessionRevoked) => Some(
                "this session was ended on the server, so it is no longer kept; \
                 log in with `photo-auth login USER_OR_EMAIL`",
            ),
            Some(ApiCode::EmailNotVerified) => Some(
                "`photo-auth email verify LINK` with that link; \
                 `photo-auth email resend` mails it again",
            ),
            _ => None,
        };
        Self::Client { error, hint }
    }
}

impl From<std::io::Error> for Failure {
    fn from(error: std::io::Error) -> Self {
        Self::Io(error)
    }
}

/// `error` with `hint` when it is a refused link token: a link says nothing of how to get a
/// new one.
fn on_invalid_link(error: ClientError, hint: &'static str) -> Failure {
    if error.code() == Some(&ApiCode::InvalidLinkToken) {
        return Failure::Client {
            error,
            hint: Some(hint),
        };
    }
    error.into()
}

pub async fn run(args: &Args) -> Result<(), Failure> {
    let out = Output { json: args.json };
    let store = FileStore::new(session_file(args)?);
    let (auth_url, api_url) = (args.auth_url.as_str(), args.api_url.as_str());
    let client = Client::with_store(auth_url, api_url, Box::new(store))?;
    match &args.command {
        Command::Login {
            identifier,
            password_stdin,
        } => {
            let password = read_password(*password_stdin)?;
            let user = client.login(identifier, &password).await?;
            out.logged_in(&user);
        }
        Command::Logout { all: false } => {
            client.logout().await?;
            out.done("logged out");
        }
        Command::Logout { all: true } => {
            client.logout_all().await?;
            out.done("logged out of every session");
        }
        Command::Whoami => out.user(&client.me().await?),
        Command::Photos(command) => photos(&client, &out, command).await?,
        Command::Sessions(SessionsCommand::Ls) => out.sessions(&client.sessions().await?),
        Command::Sessions(SessionsCommand::Revoke { id }) => {
            client.revoke_session(*id).await?;
            out.done(&format!("session {id} revoked"));
        }
        Command::Profile(ProfileCommand::Show) => out.profile(&client.profile().await?),
        Command::Profile(ProfileCommand::Set { bio }) => {
            let bio = Some(bio.as_str()).filter(|b| !b.trim().is_empty());
            out.profile(&client.set_bio(bio).await?);
        }
        Command::Password(command) => password(&client, &out, command).await?,
        Command::Email(command) => email(&client, &out, command).await?,
    }
    Ok(())
}

async fn password(client: &Client, out: &Output, command: &PasswordCommand) -> Result<(), Failure> {
    match command {
        PasswordCommand::Forgot { email } => {
            client.forgot_password(email).await?;
            out.accepted(
                &format!("If an account uses {email}, a password-reset link is on its way there."),
                "Then run `photo-auth password reset LINK` with the link from the mail.",
            );
        }
        PasswordCommand::Reset {
            token,
            link_stdin,
            password_stdin,
        } => {
            let token = &given_token(token, *link_stdin, link::Kind::PasswordReset)?;
            let password = read_new_password(*password_stdin)?;
            client.reset_password(token, &password).await.map_err(|e| {
                on_invalid_link(e, "for a new link: `photo-auth password forgot EMAIL`")
            })?;
            out.accepted(
                "Password changed. Every session of the account has ended.",
                "Log in again with `photo-auth login USER_OR_EMAIL`.",
            );
        }
    }
    Ok(())
}

async fn email(client: &Client, out: &Output, command: &EmailCommand) -> Result<(), Failure> {
    match command {
        EmailCommand::Verify { token, link_stdin } => {
            let token = &given_token(token, *link_stdin, link::Kind::EmailVerification)?;
            let user = client.verify_email(token).await.map_err(|e| {
                on_invalid_link(e, "for a new link: log in, then `photo-auth email resend`")
            })?;
            out.verified(&user);
        }
        EmailCommand::Resend => {
            client.resend_verification().await?;
            // Where it went, for the message: the pending address when a change waits.
            let to = client
                .me()
                .await
                .ok()
                .map(|user| user.pending_email.unwrap_or(user.email));
            let message = match to {
                Some(address) => format!("A verification link is on its way to {address}."),
                None => "A verification link is on its way.".to_owned(),
            };
            out.accepted(
                &message,
                "Open it, or run `photo-auth email verify LINK` with it.",
            );
        }
    }
    Ok(())
}

async fn photos(client: &Client, out: &Output, command: &PhotosCommand) -> Result<(), Failure> {
    match command {
        PhotosCommand::Upload { files, caption } => {
            let bars = MultiProgress::new();
            if out.json {
                bars.set_draw_target(indicatif::ProgressDrawTarget::hidden());
            }
            let mut uploaded = Vec::new();
            for file in files {
                let size = tokio::fs::metadata(file).await?.len();
                let bar = bars.add(ProgressBar::new(size));
                bar.set_style(progress_style());
                bar.set_message(file.display().to_string());
                let shown = bar.clone();
                let progress: Progress = Arc::new(move |sent, total| {
                    shown.set_length(total);
                    shown.set_position(sent);
                });
                let photo = client
                    .upload_photo_file(file, caption.as_deref(), Some(progress))
                    .await?;
                // The bar goes once the file is up: the list below says what each became.
                bar.finish_and_clear();
                uploaded.push(photo);
            }
            out.photos(&uploaded);
        }
        PhotosCommand::Ls { owner, limit } => {
            let owner = match owner.as_deref() {
                None => Owner::Everyone,
                Some("me") => Owner::Me,
                Some(name) => Owner::User(name.to_owned()),
            };
            let page_size = (*limit).clamp(1, 100) as u32;
            let photos: Vec<_> = client
                .photos(owner, page_size)
                .take(*limit)
                .try_collect()
                .await?;
            out.photos(&photos);
        }
        PhotosCommand::Get { id, output } => {
            let bytes = client.photo_content(*id).await?;
            tokio::fs::write(output, &bytes).await?;
            out.done(&format!(
                "{} bytes written to {}",
                bytes.len(),
                output.display()
            ));
        }
        PhotosCommand::Like { id } => {
            client.like(*id).await?;
            out.done(&format!("liked {id}"));
        }
        PhotosCommand::Unlike { id } => {
            client.unlike(*id).await?;
            out.done(&format!("unliked {id}"));
        }
        PhotosCommand::Rm { id } => {
            client.delete_photo(*id).await?;
            out.done(&format!("deleted {id}"));
        }
    }
    Ok(())
}

fn progress_style() -> ProgressStyle {
    ProgressStyle::with_template("{msg:30!} [{bar:30}] {bytes}/{total_bytes}")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
}

/// The file the session is kept in: `session.json` in the configuration directory.
fn session_file(args: &Args) -> Result<PathBuf, std::io::Error> {
    let dir = match &args.config_dir {
        Some(dir) => dir.clone(),
        None => dirs::config_dir()
            .map(|d| d.join("photo-auth"))
            .ok_or_else(|| {
                std::io::Error::other("no configuration directory; set PHOTO_AUTH_CONFIG_DIR")
            })?,
    };
    Ok(dir.join("session.json"))
}

/// The link's token from the command line, or from the first line of stdin with --link-stdin.
fn given_token(
    argument: &Option<String>,
    from_stdin: bool,
    kind: link::Kind,
) -> Result<String, Failure> {
    match argument {
        Some(token) if !from_stdin => Ok(token.clone()),
        _ => link::read_token(&mut std::io::stdin().lock(), kind).map_err(Failure::Usage),
    }
}

/// The password: from the terminal without echo, or the first line of stdin for scripts.
fn read_password(from_stdin: bool) -> Result<String, std::io::Error> {
    if from_stdin {
        return first_line_of_stdin();
    }
    rpassword::prompt_password("Password: ")
}

/// A new password: asked twice without echo (both must match), or the first line of stdin.
fn read_new_password(from_stdin: bool) -> Result<String, Failure> {
    if from_stdin {
        return Ok(first_line_of_stdin()?);
    }
    let first = rpassword::prompt_password("New password: ")?;
    let again = rpassword::prompt_password("New password again: ")?;
    if first != again {
        return Err(Failure::Input(
            "the two passwords differ; the password is unchanged".into(),
        ));
    }
    Ok(first)
}

fn first_line_of_stdin() -> Result<String, std::io::Error> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}
