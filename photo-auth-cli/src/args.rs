//! The command line (docs/CLI.md): clap turns it into [`Args`], and bad usage exits 2.

use crate::link;
use clap::{Parser, Subcommand};
use photo_auth_client::BaseUrl;
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
    /// auth-service's address. A kept session goes only to the addresses it was logged in with.
    #[arg(
        long,
        env = "PHOTO_AUTH_AUTH_URL",
        default_value = "http://localhost:8080",
        value_parser = base_url,
        global = true
    )]
    pub auth_url: BaseUrl,
    /// resource-service's address.
    #[arg(
        long,
        env = "PHOTO_AUTH_API_URL",
        default_value = "http://localhost:8081",
        value_parser = base_url,
        global = true
    )]
    pub api_url: BaseUrl,
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
    /// A forgotten password: ask for a reset link by mail, then set a new password with it.
    #[command(subcommand)]
    Password(PasswordCommand),
    /// Verify the account's email address with the link sent by mail, or have it sent again.
    #[command(subcommand)]
    Email(EmailCommand),
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
pub enum PasswordCommand {
    /// Mail a password-reset link to the account that uses this address, if one does.
    Forgot { email: String },
    /// Set a new password with the reset link from the mail (or the token it holds).
    Reset {
        /// The whole link, or the token after `token=` in it.
        #[arg(
            value_name = "LINK_OR_TOKEN",
            value_parser = reset_token,
            required_unless_present = "link_stdin"
        )]
        token: Option<String>,
        /// Read the link (or token) from the first line of stdin, so it stays out of the shell's
        /// history.
        #[arg(long, conflicts_with = "token")]
        link_stdin: bool,
        /// Read the new password from stdin instead of asking for it twice: its first line, or
        /// the second with --link-stdin.
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum EmailCommand {
    /// Verify the address with the link from the mail (or the token it holds); no login needed.
    Verify {
        /// The whole link, or the token after `token=` in it.
        #[arg(
            value_name = "LINK_OR_TOKEN",
            value_parser = verify_token,
            required_unless_present = "link_stdin"
        )]
        token: Option<String>,
        /// Read the link (or token) from the first line of stdin, so it stays out of the shell's
        /// history.
        #[arg(long, conflicts_with = "token")]
        link_stdin: bool,
    },
    /// Mail the verification link again (to the pending address, if a change waits for one).
    Resend,
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

fn base_url(input: &str) -> Result<BaseUrl, String> {
    BaseUrl::parse(input).map_err(|e| e.why.to_owned())
}

fn reset_token(input: &str) -> Result<String, String> {
    link::token(input, link::Kind::PasswordReset)
}

fn verify_token(input: &str) -> Result<String, String> {
    link::token(input, link::Kind::EmailVerification)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn parse(line: &[&str]) -> Result<Args, clap::Error> {
        Args::try_parse_from(std::iter::once("photo-auth").chain(line.iter().copied()))
    }

    #[test]
    fn the_command_line_is_well_formed() {
        Args::command().debug_assert();
    }

    #[test]
    fn password_reset_takes_the_link_or_the_token_and_password_stdin() {
        let link = "http://localhost:3000/#/reset-password?token=XYZ";
        let args = parse(&["password", "reset", link, "--password-stdin"]).unwrap();
        match args.command {
            Command::Password(PasswordCommand::Reset {
                token,
                link_stdin,
                password_stdin,
            }) => {
                assert_eq!(token.as_deref(), Some("XYZ"));
                assert!(!link_stdin);
                assert!(password_stdin);
            }
            other => panic!("{other:?}"),
        }
        let args = parse(&["--json", "password", "reset", "XYZ"]).unwrap();
        assert!(args.json);
        assert!(matches!(
            args.command,
            Command::Password(PasswordCommand::Reset { token: Some(ref token), password_stdin: false, .. })
                if token == "XYZ"
        ));
    }

    #[test]
    fn the_other_commands_of_the_mails() {
        let args = parse(&["password", "forgot", "dora@example.com"]).unwrap();
        assert!(matches!(
            args.command,
            Command::Password(PasswordCommand::Forgot { ref email }) if email == "dora@example.com"
        ));
        let link = "http://localhost:3000/#/verify-email?token=abc";
        let args = parse(&["email", "verify", link]).unwrap();
        assert!(matches!(
            args.command,
            Command::Email(EmailCommand::Verify { token: Some(ref token), link_stdin: false })
                if token == "abc"
        ));
        let args = parse(&["email", "resend"]).unwrap();
        assert!(matches!(args.command, Command::Email(EmailCommand::Resend)));
    }

    #[test]
    fn a_wrong_link_or_a_missing_argument_is_bad_usage() {
        let verify = "http://localhost:3000/#/verify-email?token=abc";
        let error = parse(&["password", "reset", verify]).unwrap_err();
        assert_eq!(error.exit_code(), 2);
        assert!(
            error.to_string().contains("photo-auth email verify"),
            "{error}"
        );
        for line in [
            &["password", "reset"][..],
            &["password", "forgot"],
            &["email", "verify"],
            &["email", "verify", "http://localhost:3000/#/verify-email"],
            &["email", "verify", "abc", "--link-stdin"],
            &["password", "reset", "XYZ", "--link-stdin"],
        ] {
            assert_eq!(parse(line).unwrap_err().exit_code(), 2, "{line:?}");
        }
    }

    #[test]
    fn link_stdin_stands_for_the_link() {
        let args = parse(&["email", "verify", "--link-stdin"]).unwrap();
        assert!(matches!(
            args.command,
            Command::Email(EmailCommand::Verify {
                token: None,
                link_stdin: true
            })
        ));
        let args = parse(&["password", "reset", "--link-stdin", "--password-stdin"]).unwrap();
        assert!(matches!(
            args.command,
            Command::Password(PasswordCommand::Reset {
                token: None,
                link_stdin: true,
                password_stdin: true
            })
        ));
    }

    #[test]
    fn the_addresses_are_normalised_and_a_bad_one_is_bad_usage() {
        let args = parse(&["--auth-url", "HTTP://Example.COM:80/", "whoami"]).unwrap();
        assert_eq!(args.auth_url.as_str(), "http://example.com");
        assert_eq!(args.api_url.as_str(), "http://localhost:8081");
        for bad in [
            "localhost:8080",
            "https://user@example.com",
            "http://h/?x=1",
        ] {
            let error = parse(&["--api-url", bad, "whoami"]).unwrap_err();
            assert_eq!(error.exit_code(), 2, "{bad}");
            assert!(error.to_string().contains("--api-url"), "{error}");
        }
    }
}
