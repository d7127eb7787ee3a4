//! What each command does, through `photo-auth-client`; printing is `output`'s.

use crate::args::{Args, Command, PhotosCommand, ProfileCommand, SessionsCommand};
use crate::output::Output;
use futures_util::{StreamExt, TryStreamExt};
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use photo_auth_client::{Client, ClientError, FileStore, Owner, Progress};
use std::io::BufRead;
use std::path::PathBuf;
use std::sync::Arc;

pub async fn run(args: &Args) -> Result<(), ClientError> {
    let out = Output { json: args.json };
    let store = FileStore::new(session_file(args)?);
    let client = Client::with_store(&args.auth_url, &args.api_url, Box::new(store))?;
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
    }
    Ok(())
}

async fn photos(client: &Client, out: &Output, command: &PhotosCommand) -> Result<(), ClientError> {
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
fn session_file(args: &Args) -> Result<PathBuf, ClientError> {
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

/// The password: from the terminal without echo, or the first line of stdin for scripts.
fn read_password(from_stdin: bool) -> Result<String, ClientError> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_owned());
    }
    Ok(rpassword::prompt_password("Password: ")?)
}
