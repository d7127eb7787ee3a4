//! The command line (docs/CLI.md): clap turns it into [`Args`], and bad usage exits 2.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use uuid::Uuid;

#[derive(Debug, Parser)]
#[command(
    name = "photo-auth",
    version,
    about = "Log in once, then upload and list photos and \
    manage your sessions on a photo-auth deployment."
)]
pub struct Args {
    /// auth-service's address.
    #[arg(
        long,
        env = "PHOTO_AUTH_AUTH_URL",
        default_value = "http://localhost:8080",
        global = true
    )]
    pub auth_url: String,
    /// resource-service's address.
    #[arg(
        long,
        env = "PHOTO_AUTH_API_URL",
        default_value = "http://localhost:8081",
        global = true
    )]
    pub api_url: String,
    /// Where the session is kept (default: photo-auth in the user's configuration directory).
    #[arg(long, env = "PHOTO_AUTH_CONFIG_DIR", global = true)]
    pub config_dir: Option<PathBuf>,
    /// Print JSON for scripts instead of text for people.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Log in and keep the session for the next commands.
    Login {
        /// Username or email address.
        identifier: String,
        /// Read the password from the first line of stdin instead of asking for it.
        #[arg(long)]
        password_stdin: bool,
    },
    /// End this session (--all: every session of the account).
    Logout {
        #[arg(long)]
        all: bool,
    },
    /// Show the logged-in user.
    Whoami,
    /// Photos: upload, list, download, like, delete.
    #[command(subcommand)]
    Photos(PhotosCommand),
    /// Sessions of the account: list them, revoke one.
    #[command(subcommand)]
    Sessions(SessionsCommand),
    /// The profile kept by resource-service.
    #[command(subcommand)]
    Profile(ProfileCommand),
}

#[derive(Debug, Subcommand)]
pub enum PhotosCommand {
    /// Upload files, with a progress bar each.
    Upload {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long)]
        caption: Option<String>,
    },
    /// List photos, newest first.
    Ls {
        /// `me`, a username, or nothing for everyone's.
        #[arg(long)]
        owner: Option<String>,
        /// How many at most.
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Download a photo's bytes.
    Get {
        id: Uuid,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Like a photo.
    Like { id: Uuid },
    /// Take a like back.
    Unlike { id: Uuid },
    /// Delete one of your photos.
    Rm { id: Uuid },
}

#[derive(Debug, Subcommand)]
pub enum SessionsCommand {
    /// The live sessions; `*` marks this one.
    Ls,
    /// End one session (a stolen one, say).
    Revoke { id: Uuid },
}

#[derive(Debug, Subcommand)]
pub enum ProfileCommand {
    /// Show the profile.
    Show,
    /// Change the profile: --bio TEXT, or --bio "" to clear it.
    Set {
        #[arg(long)]
        bio: String,
    },
}
