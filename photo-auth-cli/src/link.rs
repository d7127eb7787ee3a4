//! The token of a link from a mail: `password reset` and `email verify` take the whole link
//! (`{PUBLIC_URL}/#/reset-password?token=...`) or the bare token, on the command line or, with
//! `--link-stdin`, as the first line of stdin (docs/CLI.md, Links from mails).

use std::io::{BufRead, Read};

/// The most bytes a link read from stdin may have: a mailed link is a few hundred at most.
pub const MOST_ON_STDIN: u64 = 4096;

/// Which mail a link comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    PasswordReset,
    EmailVerification,
}

impl Kind {
    /// The web app's route the link opens.
    fn route(self) -> &'static str {
        match self {
            Self::PasswordReset => "/reset-password",
            Self::EmailVerification => "/verify-email",
        }
    }

    fn command(self) -> &'static str {
        match self {
            Self::PasswordReset => "photo-auth password reset",
            Self::EmailVerification => "photo-auth email verify",
        }
    }

    fn what(self) -> &'static str {
        match self {
            Self::PasswordReset => "a password-reset link",
            Self::EmailVerification => "an email-verification link",
        }
    }

    fn other(self) -> Self {
        match self {
            Self::PasswordReset => Self::EmailVerification,
            Self::EmailVerification => Self::PasswordReset,
        }
    }
}

/// The token in `input`: the value of `token=` in a link, or `input` itself when it is no link.
/// Blanks, quotes and angle brackets around it (as mail programs and shells leave them) go.
pub fn token(input: &str, kind: Kind) -> Result<String, String> {
    let input = input
        .trim()
        .trim_matches(|c| matches!(c, '<' | '>' | '"' | '\''))
        .trim();
    if input.is_empty() {
        return Err("give the link from the mail, or the token in it".into());
    }
    let is_link = input.contains("://") || input.starts_with("token=") || param(input).is_some();
    if !is_link {
        if input.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(
                "a token has no blanks: give the link from the mail, or the token in it".into(),
            );
        }
        return Ok(input.to_owned());
    }
    let other = kind.other();
    if input.contains(other.route()) && !input.contains(kind.route()) {
        return Err(format!(
            "this is {}: use `{}` with it",
            other.what(),
            other.command()
        ));
    }
    let value = input
        .strip_prefix("token=")
        .or_else(|| param(input))
        .ok_or_else(|| "no token=... in this link: give the whole link from the mail".to_owned())?;
    let value = value
        .split(['&', '#'])
        .next()
        .unwrap_or_default()
        .trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '.' | ',' | ')'));
    let value = percent_decode(value)?;
    if value.is_empty() {
        return Err("the link's token=... is empty: give the whole link from the mail".into());
    }
    Ok(value)
}

/// The token of the link (or the bare token) on the first line of `input`, which is read no
/// further than [`MOST_ON_STDIN`] bytes.
pub fn read_token(input: &mut impl BufRead, kind: Kind) -> Result<String, String> {
    let mut line = String::new();
    input
        .by_ref()
        .take(MOST_ON_STDIN + 1)
        .read_line(&mut line)
        .map_err(|e| format!("cannot read the link from stdin: {e}"))?;
    let line = line.trim_end_matches(['\r', '\n']);
    if line.len() as u64 > MOST_ON_STDIN {
        return Err(format!(
            "the first line of stdin is longer than {MOST_ON_STDIN} bytes: no link from a mail is"
        ));
    }
    if line.trim().is_empty() {
        return Err(
            "--link-stdin: stdin's first line is empty; give it the link from the mail, \
             or the token in it"
                .into(),
        );
    }
    token(line, kind)
}

/// What follows `?token=` or `&token=`, if either is there.
fn param(input: &str) -> Option<&str> {
    ["?token=", "&token="]
        .iter()
        .filter_map(|key| input.find(key).map(|at| &input[at + key.len()..]))
        .next()
}

/// `%XX` escapes decoded, as a browser would before the web app read the token.
fn percent_decode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let byte = text
                .get(i + 1..i + 3)
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
                .ok_or_else(|| "the link's token has a broken %-escape".to_owned())?;
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "the link's token is not text".to_owned())
}

#[cfg(test)]
mod tests {
    use super::Kind::{EmailVerification, PasswordReset};
    use super::*;

    #[test]
    fn a_bare_token_is_taken_as_it_is() {
        assert_eq!(token("abcDEF123_-", PasswordReset).unwrap(), "abcDEF123_-");
        assert_eq!(token("  abc\n", EmailVerification).unwrap(), "abc");
        assert_eq!(token("'abc'", EmailVerification).unwrap(), "abc");
    }

    #[test]
    fn the_token_of_a_link_is_its_token_parameter() {
        let link = "http://localhost:3000/#/reset-password?token=XYZ";
        assert_eq!(token(link, PasswordReset).unwrap(), "XYZ");
        let link = "https://photos.example.com/#/verify-email?token=a-b_c&lang=en";
        assert_eq!(token(link, EmailVerification).unwrap(), "a-b_c");
        let link = "<https://photos.example.com/#/verify-email?x=1&token=X%2BY%3D>";
        assert_eq!(token(link, EmailVerification).unwrap(), "X+Y=");
        assert_eq!(token("token=XYZ", PasswordReset).unwrap(), "XYZ");
        assert_eq!(
            token("/#/reset-password?token=XYZ.", PasswordReset).unwrap(),
            "XYZ",
            "the full stop of a sentence is no part of it"
        );
    }

    #[test]
    fn the_other_mails_link_is_named() {
        let verify = "http://localhost:3000/#/verify-email?token=XYZ";
        let error = token(verify, PasswordReset).unwrap_err();
        assert!(error.contains("photo-auth email verify"), "{error}");
        let reset = "http://localhost:3000/#/reset-password?token=XYZ";
        let error = token(reset, EmailVerification).unwrap_err();
        assert!(error.contains("photo-auth password reset"), "{error}");
    }

    #[test]
    fn a_link_without_a_token_or_a_broken_one_is_refused() {
        for bad in [
            "",
            "   ",
            "http://localhost:3000/#/reset-password",
            "http://localhost:3000/#/reset-password?mytoken=XYZ",
            "http://localhost:3000/#/reset-password?token=",
            "http://localhost:3000/#/reset-password?token=%zz",
            "two words",
        ] {
            assert!(token(bad, PasswordReset).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_first_line_of_stdin_is_read_as_the_link() {
        let mut input =
            "  http://localhost:3000/#/verify-email?token=abc \r\nsecond line\n".as_bytes();
        assert_eq!(read_token(&mut input, EmailVerification).unwrap(), "abc");
        assert_eq!(
            input, b"second line\n",
            "the next line is left for the password"
        );
        assert_eq!(
            read_token(&mut "XYZ".as_bytes(), PasswordReset).unwrap(),
            "XYZ"
        );
        let verify = "http://localhost:3000/#/verify-email?token=abc\n";
        let error = read_token(&mut verify.as_bytes(), PasswordReset).unwrap_err();
        assert!(error.contains("photo-auth email verify"), "{error}");
    }

    #[test]
    fn an_empty_or_overlong_stdin_is_refused() {
        for empty in ["", "\n", "   \r\n", "\nXYZ\n"] {
            let error = read_token(&mut empty.as_bytes(), PasswordReset).unwrap_err();
            assert!(error.contains("empty"), "{empty:?}: {error}");
        }
        let longest = "A".repeat(MOST_ON_STDIN as usize);
        let taken = read_token(&mut format!("{longest}\r\n").as_bytes(), PasswordReset);
        assert_eq!(taken.unwrap(), longest);
        let endless = std::io::repeat(b'A');
        let error = read_token(&mut std::io::BufReader::new(endless), PasswordReset).unwrap_err();
        assert!(error.contains("longer than 4096 bytes"), "{error}");
    }
}
