//! Files in an S3 bucket (AWS or any compatible store: SeaweedFS, MinIO, Garage), through the
//! `object_store` crate, which signs requests and retries failed ones with backoff.
//!
//! A write is buffered up to one part; a file that outgrows it becomes a multipart upload with
//! at most [`PARTS_IN_FLIGHT`] parts sent at once, so a server receiving a 2 GB video holds a few
//! parts in memory and nothing on disk. Reads are ranged GETs streamed to the caller.

use std::io;
use std::ops::RangeInclusive;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use futures::stream::BoxStream;
use futures::{StreamExt, TryStreamExt};
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path as ObjectPath;
use object_store::signer::Signer;
use object_store::{
    Attribute, AttributeValue, Attributes, BackoffConfig, ClientOptions, GetOptions, GetRange, ObjectStore,
    ObjectStoreExt, PutMode, PutMultipartOptions, PutOptions, PutPayload, RetryConfig, WriteMultipart,
};
use shoebox_core::config::S3Config;
use tokio::io::AsyncWriteExt;

use crate::key::Key;
use crate::scratch::Scratch;
use crate::store::{Listed, LocalCopy, ObjectMeta, ObjectRead, ObjectWriter, Store, WriteMode};

/// Size of one multipart part; S3 allows 10,000 parts, so files up to 160 GB.
pub const PART_SIZE: usize = 16 << 20;
/// Parts of one upload sent at once: bounds the memory an upload holds to about three parts.
pub const PARTS_IN_FLIGHT: usize = 2;

#[derive(Debug, Clone)]
pub struct S3Store {
    client: Arc<AmazonS3>,
    bucket: String,
    /// Prepended to every key, without a trailing slash; empty for the bucket's root.
    prefix: String,
    scratch: Scratch,
    presigned_downloads: bool,
}

impl S3Store {
    pub fn open(bucket: &str, prefix: &str, settings: &S3Config, scratch: Scratch) -> io::Result<Self> {
        // reqwest is built without a default TLS crypto provider; ring is the one in the tree.
        let _ = rustls::crypto::ring::default_provider().install_default();
        // The environment's AWS_* settings (an instance role, say) come first; ours win.
        let mut builder = AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .with_region(&settings.region)
            .with_virtual_hosted_style_request(!settings.path_style)
            .with_retry(RetryConfig {
                backoff: BackoffConfig {
                    init_backoff: Duration::from_millis(100),
                    max_backoff: Duration::from_secs(15),
                    base: 2.0,
                },
                max_retries: settings.max_retries,
                retry_timeout: Duration::from_secs(180),
            })
            .with_client_options(
                ClientOptions::new()
                    .with_connect_timeout(Duration::from_secs(10))
                    // A whole-request timeout would cut long downloads short.
                    .with_timeout_disabled()
                    .with_allow_http(settings.endpoint.as_deref().is_some_and(|url| url.starts_with("http://"))),
            );
        if let Some(endpoint) = &settings.endpoint {
            builder = builder.with_endpoint(endpoint);
        }
        if let (Some(id), Some(secret)) = (&settings.access_key_id, &settings.secret_access_key) {
            builder = builder.with_access_key_id(id).with_secret_access_key(secret);
        }
        let client = builder.build().map_err(|err| io::Error::new(io::ErrorKind::InvalidInput, err.to_string()))?;
        Ok(Self {
            client: Arc::new(client),
            bucket: bucket.to_owned(),
            prefix: prefix.trim_matches('/').to_owned(),
            scratch,
            presigned_downloads: settings.presigned_downloads,
        })
    }

    fn path(&self, key: &Key) -> ObjectPath {
        if self.prefix.is_empty() {
            ObjectPath::from(key.as_str())
        } else {
            ObjectPath::from(format!("{}/{}", self.prefix, key.as_str()))
        }
    }

    /// The key of a listed object: its path without the store's prefix.
    fn key_of(&self, path: &ObjectPath) -> io::Result<Key> {
        let path = path.as_ref();
        let relative = if self.prefix.is_empty() {
            path
        } else {
            path.strip_prefix(&self.prefix).and_then(|rest| rest.strip_prefix('/')).unwrap_or(path)
        };
        Key::parse(relative)
    }
}

/// Maps the store's errors to the kinds callers match on.
fn to_io(err: object_store::Error) -> io::Error {
    match err {
        object_store::Error::NotFound { .. } => io::Error::new(io::ErrorKind::NotFound, err.to_string()),
        object_store::Error::AlreadyExists { .. } | object_store::Error::Precondition { .. } => {
            io::Error::new(io::ErrorKind::AlreadyExists, err.to_string())
        }
        object_store::Error::InvalidPath { .. } => io::Error::new(io::ErrorKind::InvalidInput, err.to_string()),
        err => io::Error::other(err),
    }
}

fn content_type(key: &Key) -> Attributes {
    Attributes::from_iter([(Attribute::ContentType, AttributeValue::from(key.content_type()))])
}

struct S3Writer {
    client: Arc<AmazonS3>,
    path: ObjectPath,
    key: Key,
    mode: WriteMode,
    /// Bytes waiting for the first part to fill; a small file is sent from here in one PUT.
    buffered: Vec<Bytes>,
    buffered_len: usize,
    upload: Option<WriteMultipart>,
    len: u64,
}

async fn exists(client: &AmazonS3, path: &ObjectPath) -> io::Result<bool> {
    match client.head(path).await {
        Ok(_) => Ok(true),
        Err(object_store::Error::NotFound { .. }) => Ok(false),
        Err(err) => Err(to_io(err)),
    }
}

fn taken(key: &Key) -> io::Error {
    io::Error::new(io::ErrorKind::AlreadyExists, format!("{key} is already stored"))
}

#[async_trait]
impl ObjectWriter for S3Writer {
    async fn write(&mut self, chunk: Bytes) -> io::Result<()> {
        self.len += chunk.len() as u64;
        if let Some(upload) = &mut self.upload {
            upload.wait_for_capacity(PARTS_IN_FLIGHT).await.map_err(to_io)?;
            upload.put(chunk);
            return Ok(());
        }
        self.buffered_len += chunk.len();
        self.buffered.push(chunk);
        if self.buffered_len >= PART_SIZE {
            let options = PutMultipartOptions { attributes: content_type(&self.key), ..Default::default() };
            let upload = self.client.put_multipart_opts(&self.path, options).await.map_err(to_io)?;
            let mut upload = WriteMultipart::new_with_chunk_size(upload, PART_SIZE);
            for chunk in self.buffered.drain(..) {
                upload.put(chunk);
            }
            self.buffered_len = 0;
            self.upload = Some(upload);
        }
        Ok(())
    }

    async fn finish(mut self: Box<Self>) -> io::Result<ObjectMeta> {
        let result = match self.upload.take() {
            None => {
                // Checked before as well as by the conditional PUT: some S3-compatible stores
                // ignore `If-None-Match`.
                if self.mode == WriteMode::Create && exists(&self.client, &self.path).await? {
                    return Err(taken(&self.key));
                }
                let mode = match self.mode {
                    WriteMode::Create => PutMode::Create,
                    WriteMode::Replace => PutMode::Overwrite,
                };
                let payload = PutPayload::from_iter(std::mem::take(&mut self.buffered));
                let options = PutOptions { mode, attributes: content_type(&self.key), ..Default::default() };
                self.client.put_opts(&self.path, payload, options).await.map_err(to_io)?
            }
            Some(upload) => {
                // S3 has no conditional multipart completion everywhere; keys of originals are
                // fresh ids, so this check only guards against a caller's mistake.
                if self.mode == WriteMode::Create && exists(&self.client, &self.path).await? {
                    let _ = upload.abort().await;
                    return Err(taken(&self.key));
                }
                upload.finish().await.map_err(to_io)?
            }
        };
        Ok(ObjectMeta { len: self.len, etag: result.e_tag })
    }
}

impl Drop for S3Writer {
    /// An abandoned multipart upload would keep its parts (and their cost) in the bucket.
    fn drop(&mut self) {
        if let Some(upload) = self.upload.take()
            && let Ok(runtime) = tokio::runtime::Handle::try_current()
        {
            runtime.spawn(async move {
                if let Err(err) = upload.abort().await {
                    tracing::warn!(error = %err, "could not abort an abandoned multipart upload");
                }
            });
        }
    }
}

#[async_trait]
impl Store for S3Store {
    fn location(&self) -> String {
        if self.prefix.is_empty() { format!("s3://{}", self.bucket) } else { format!("s3://{}/{}", self.bucket, self.prefix) }
    }

    async fn write(&self, key: &Key, mode: WriteMode) -> io::Result<Box<dyn ObjectWriter>> {
        Ok(Box::new(S3Writer {
            client: self.client.clone(),
            path: self.path(key),
            key: key.clone(),
            mode,
            buffered: Vec::new(),
            buffered_len: 0,
            upload: None,
            len: 0,
        }))
    }

    async fn read(&self, key: &Key, range: Option<RangeInclusive<u64>>) -> io::Result<ObjectRead> {
        let range = match range {
            Some(range) if range.end() < range.start() => {
                return Err(io::Error::new(io::ErrorKind::InvalidInput, "range outside the file"));
            }
            Some(range) => Some(GetRange::Bounded(*range.start()..range.end().saturating_add(1))),
            None => None,
        };
        let options = GetOptions { range, ..Default::default() };
        let result = self.client.get_opts(&self.path(key), options).await.map_err(|err| match err {
            object_store::Error::Generic { .. } if err.to_string().contains("Range") => {
                io::Error::new(io::ErrorKind::InvalidInput, "range outside the file")
            }
            err => to_io(err),
        })?;
        let total_len = result.meta.size;
        let etag = result.meta.e_tag.clone();
        let body = tokio_util::io::StreamReader::new(result.into_stream().map_err(io::Error::other));
        Ok(ObjectRead { total_len, etag, body: Box::pin(body) })
    }

    async fn head(&self, key: &Key) -> io::Result<Option<ObjectMeta>> {
        match self.client.head(&self.path(key)).await {
            Ok(meta) => Ok(Some(ObjectMeta { len: meta.size, etag: meta.e_tag })),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(err) => Err(to_io(err)),
        }
    }

    async fn delete(&self, key: &Key) -> io::Result<()> {
        match self.client.delete(&self.path(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(err) => Err(to_io(err)),
        }
    }

    fn list(&self, prefix: &str) -> BoxStream<'static, io::Result<Listed>> {
        let this = self.clone();
        let full = if self.prefix.is_empty() { prefix.to_owned() } else { format!("{}/{prefix}", self.prefix) };
        // object_store lists whole path segments: list the folder, then keep the prefix's matches.
        let folder = full.rsplit_once('/').map_or("", |(folder, _)| folder).to_owned();
        let wanted = prefix.to_owned();
        let folder = (!folder.is_empty()).then(|| ObjectPath::from(folder.as_str()));
        let listing = self.client.list(folder.as_ref());
        listing
            .map_err(to_io)
            .try_filter_map(move |meta| {
                let listed = this.key_of(&meta.location).map(|key| {
                    key.as_str().starts_with(&wanted).then(|| Listed {
                        key,
                        len: meta.size,
                        modified: meta.last_modified.into(),
                    })
                });
                async move { listed }
            })
            .boxed()
    }

    async fn local_copy(&self, key: &Key) -> io::Result<LocalCopy> {
        let Some(meta) = self.head(key).await? else {
            return Err(io::Error::new(io::ErrorKind::NotFound, format!("{key} is not stored")));
        };
        let share = self.scratch.reserve(meta.len).await;
        let suffix = key.extension().map(|extension| format!(".{extension}")).unwrap_or_default();
        let (file, path) = self.scratch.folder().file(&suffix)?;
        let mut file = tokio::fs::File::from_std(file);
        let mut body = self.read(key, None).await?.body;
        tokio::io::copy(&mut body, &mut file).await?;
        file.flush().await?;
        Ok(LocalCopy::owned(path.to_path_buf(), (path, share)))
    }

    async fn presigned_url(&self, key: &Key, expires: Duration) -> io::Result<Option<String>> {
        if !self.presigned_downloads {
            return Ok(None);
        }
        let url = self.client.signed_url(object_store::signer::Method::GET, &self.path(key), expires).await.map_err(to_io)?;
        Ok(Some(url.to_string()))
    }
}
