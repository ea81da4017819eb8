//! Where the library is kept, as the settings say: `SHOEBOX_STORAGE` for originals (and, unless
//! `SHOEBOX_STORAGE_DERIVED` says otherwise, for thumbnails and transcodes), `SHOEBOX_S3_*` for
//! the bucket's endpoint and keys, `SHOEBOX_SCRATCH_*` for local space used in passing.

use std::path::PathBuf;

use anyhow::{Result, bail};

/// One place files can be kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageLocation {
    /// A folder on this machine (or a mounted disk).
    Local(PathBuf),
    /// A bucket of an S3-compatible store, under an optional key prefix.
    S3 { bucket: String, prefix: String },
}

impl StorageLocation {
    /// `local` (the data folder), a path or `file:///path`, or `s3://bucket/optional/prefix`.
    pub fn parse(raw: &str, data_dir: &std::path::Path) -> Result<Self> {
        let raw = raw.trim();
        if raw.is_empty() || raw == "local" {
            return Ok(Self::Local(data_dir.to_owned()));
        }
        if let Some(rest) = raw.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                bail!("{raw:?} names no bucket: write s3://bucket or s3://bucket/prefix");
            }
            return Ok(Self::S3 { bucket: bucket.to_owned(), prefix: prefix.trim_matches('/').to_owned() });
        }
        let path = raw.strip_prefix("file://").unwrap_or(raw);
        if !path.starts_with('/') {
            bail!("{raw:?} is not a storage location: use local, an absolute path, file:///path or s3://bucket/prefix");
        }
        Ok(Self::Local(PathBuf::from(path)))
    }
}

impl std::fmt::Display for StorageLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Local(path) => write!(f, "file://{}", path.display()),
            Self::S3 { bucket, prefix } if prefix.is_empty() => write!(f, "s3://{bucket}"),
            Self::S3 { bucket, prefix } => write!(f, "s3://{bucket}/{prefix}"),
        }
    }
}

/// How to reach S3: the endpoint of a compatible store (AWS when unset) and its keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Config {
    /// `SHOEBOX_S3_ENDPOINT`, e.g. `http://seaweedfs:8333`; AWS's own when unset.
    pub endpoint: Option<String>,
    /// `SHOEBOX_S3_REGION`, `us-east-1` by default (most compatible stores ignore it).
    pub region: String,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    /// `SHOEBOX_S3_PATH_STYLE` (default true): `endpoint/bucket/key` rather than
    /// `bucket.endpoint/key`; self-hosted stores need it.
    pub path_style: bool,
    /// `SHOEBOX_S3_MAX_RETRIES`: attempts after a failed request, with backoff.
    pub max_retries: usize,
    /// `SHOEBOX_S3_PRESIGNED_DOWNLOADS`: send clients to a signed address on the store instead
    /// of streaming files through the server (off by default: the store must be reachable by
    /// every client, at the address the server uses).
    pub presigned_downloads: bool,
}

/// The settings, resolved against the data folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageConfig {
    pub originals: StorageLocation,
    pub derived: StorageLocation,
    pub s3: S3Config,
    /// Local space for files in passing (downloaded originals, transcodes being written).
    pub scratch_dir: PathBuf,
    /// Bytes that downloaded copies may take together; one larger file runs alone.
    pub scratch_max_bytes: u64,
}
