//! `PHOTO_STORE` (docs/CONFIGURATION.md): which store holds the photo bytes.

use std::fmt;
use std::path::PathBuf;

/// A directory (`file:///var/lib/photos`, or a plain path) or an S3-compatible bucket with an
/// optional key prefix (`s3://bucket/prefix`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreLocation {
    Directory(PathBuf),
    S3 { bucket: String, prefix: String },
}

impl StoreLocation {
    /// What `PHOTO_STORE` must look like, for the configuration error.
    pub const EXPECTED: &'static str =
        "file:///absolute/directory, a directory path, or s3://bucket[/prefix]";

    pub fn parse(value: &str) -> Result<StoreLocation, &'static str> {
        let value = value.trim();
        if let Some(rest) = value.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            let bucket_ok = (3..=63).contains(&bucket.len())
                && bucket
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-.".contains(&b));
            if !bucket_ok {
                return Err(Self::EXPECTED);
            }
            let prefix = prefix.trim_matches('/').to_owned();
            return Ok(StoreLocation::S3 {
                bucket: bucket.to_owned(),
                prefix,
            });
        }
        let path = match value.strip_prefix("file://") {
            Some(path) if path.starts_with('/') => path,
            Some(_) => return Err(Self::EXPECTED),
            None if value.contains("://") || value.is_empty() => return Err(Self::EXPECTED),
            None => value,
        };
        Ok(StoreLocation::Directory(PathBuf::from(path)))
    }
}

impl fmt::Display for StoreLocation {
    /// Names the store for the start-up log; holds no credential (those come from `AWS_*`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreLocation::Directory(dir) => write!(f, "file://{}", dir.display()),
            StoreLocation::S3 { bucket, prefix } => write!(f, "s3://{bucket}/{prefix}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directories_and_buckets_are_read_and_anything_else_refused() {
        let dir = |p: &str| Ok(StoreLocation::Directory(PathBuf::from(p)));
        assert_eq!(
            StoreLocation::parse("file:///var/lib/photos"),
            dir("/var/lib/photos")
        );
        assert_eq!(StoreLocation::parse("./data/photos"), dir("./data/photos"));
        assert_eq!(
            StoreLocation::parse("s3://photos-bucket/prod/eu/"),
            Ok(StoreLocation::S3 {
                bucket: "photos-bucket".into(),
                prefix: "prod/eu".into()
            })
        );
        assert_eq!(
            StoreLocation::parse("s3://photos"),
            Ok(StoreLocation::S3 {
                bucket: "photos".into(),
                prefix: String::new()
            })
        );
        for bad in [
            "",
            "file://relative",
            "gs://bucket",
            "s3://",
            "s3://Upper",
            "s3://a",
        ] {
            assert!(StoreLocation::parse(bad).is_err(), "{bad:?}");
        }
    }
}
