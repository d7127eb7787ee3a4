//! Origins compared the way browsers send them: `ALLOWED_ORIGINS`, the CORS layer and the origin
//! check of docs/COOKIES.md all normalise through this one function.

/// `scheme://host[:port]` in lower case, without the scheme's default port, or `None` when
/// `input` is no origin.
pub fn normalise_origin(input: &str) -> Option<String> {
    let input = input.trim().trim_end_matches('/');
    let (scheme, rest) = input.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => ":80",
        "https" => ":443",
        _ => return None,
    };
    if rest.is_empty() || rest.contains(['/', '?', '#', ' ', '@', ',', ';', '"', '\\']) {
        return None;
    }
    let host = rest.to_ascii_lowercase();
    let host = host.strip_suffix(default_port).unwrap_or(&host);
    if host.is_empty() || host.starts_with(':') {
        return None;
    }
    Some(format!("{scheme}://{host}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_normalised() {
        assert_eq!(
            normalise_origin("HTTPS://App.Example.com/"),
            Some("https://app.example.com".into())
        );
        assert_eq!(
            normalise_origin("https://a.example:443"),
            Some("https://a.example".into())
        );
        assert_eq!(
            normalise_origin("http://a.example:443"),
            Some("http://a.example:443".into())
        );
        assert_eq!(normalise_origin("null"), None);
        assert_eq!(normalise_origin("ftp://x"), None);
        assert_eq!(normalise_origin("https://x/path"), None);
        assert_eq!(normalise_origin("https://x, https://y"), None);
        assert_eq!(normalise_origin("https://:443"), None);
    }
}
