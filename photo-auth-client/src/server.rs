//! The addresses of the two services, normalised, and the pair a session belongs to: a session's
//! tokens go only to the servers it was obtained from (docs/CLIENT.md, Where the tokens go).

use reqwest::Url;
use std::fmt;

/// A service's base address, such as `https://photos.example.com/auth`: `http` or `https`, a host,
/// and a path prefix, without user name, query or fragment. Two spellings of one address are
/// equal: the scheme and host in any case, the default port written or not, with or without a
/// trailing `/`. Another scheme, host, port or path prefix is another address.
#[derive(Clone, PartialEq, Eq)]
pub struct BaseUrl(String);

/// Why a text is not a service's base address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{input:?} is not a service address: {why}")]
pub struct BadUrl {
    pub input: String,
    pub why: &'static str,
}

impl BaseUrl {
    pub fn parse(input: &str) -> Result<Self, BadUrl> {
        let bad = |why| BadUrl {
            input: input.to_owned(),
            why,
        };
        let url = Url::parse(input.trim()).map_err(|_| bad("not a URL"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(bad("it must start with http:// or https://"));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(bad("it has no host"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(bad("it must not hold a user name or password"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(bad("it must not hold a query (?) or a fragment (#)"));
        }
        // `Url` already writes the scheme and host in lower case and drops a default port.
        Ok(Self(url.as_str().trim_end_matches('/').to_owned()))
    }

    /// The address without a trailing `/`: a request's path is appended to it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

/// auth-service's and resource-service's addresses: those a client talks to, or those a kept
/// session was obtained from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Servers {
    pub auth: BaseUrl,
    pub api: BaseUrl,
}

impl Servers {
    pub fn parse(auth_url: &str, api_url: &str) -> Result<Self, BadUrl> {
        Ok(Self {
            auth: BaseUrl::parse(auth_url)?,
            api: BaseUrl::parse(api_url)?,
        })
    }
}

impl fmt::Display for Servers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "auth-service {} and resource-service {}",
            self.auth, self.api
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(input: &str) -> BaseUrl {
        BaseUrl::parse(input).unwrap()
    }

    #[test]
    fn spellings_of_one_address_are_equal() {
        let canonical = base("https://photos.example.com");
        assert_eq!(canonical.as_str(), "https://photos.example.com");
        for spelling in [
            "https://photos.example.com/",
            "HTTPS://Photos.Example.COM",
            "https://photos.example.com:443",
            "https://PHOTOS.example.com:443/",
            " https://photos.example.com ",
        ] {
            assert_eq!(base(spelling), canonical, "{spelling}");
        }
        assert_eq!(base("http://h:80/auth/"), base("http://H/auth"));
        assert_eq!(
            base("http://127.0.0.1:8080/").as_str(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(base("http://[::1]:8080").as_str(), "http://[::1]:8080");
    }

    #[test]
    fn another_scheme_host_port_or_prefix_is_another_address() {
        let kept = base("https://photos.example.com/auth");
        for other in [
            "http://photos.example.com/auth",
            "https://evil.example/auth",
            "https://photos.example.com.evil.example/auth",
            "https://photos.example.com:8443/auth",
            "https://photos.example.com/other",
            "https://photos.example.com/auth/x",
            "https://photos.example.com",
            "https://127.0.0.1/auth",
        ] {
            assert_ne!(base(other), kept, "{other}");
        }
    }

    #[test]
    fn what_is_no_base_address_is_refused() {
        for bad in [
            "",
            "localhost:8080",
            "photos.example.com",
            "ftp://photos.example.com",
            "file:///etc/passwd",
            "http://",
            "https://user:pw@photos.example.com",
            "https://user@photos.example.com",
            "https://photos.example.com/?next=evil",
            "https://photos.example.com/#x",
        ] {
            assert!(BaseUrl::parse(bad).is_err(), "{bad}");
        }
        let error = BaseUrl::parse("localhost:8080").unwrap_err();
        assert_eq!(
            error.to_string(),
            "\"localhost:8080\" is not a service address: it must start with http:// or https://"
        );
    }
}
