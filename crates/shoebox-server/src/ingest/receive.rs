//! Streams a multipart upload into staging, hashing as it goes. Nothing leaves staging here:
//! a failed or cut-off upload drops its staging files. Text fields and the file's name follow the
//! text rules of [`crate::text_input`].

use std::collections::HashMap;
use std::path::Path;

use axum::extract::Multipart;
use axum::extract::multipart::{Field, MultipartError};
use axum::http::StatusCode;
use sha1::{Digest, Sha1};
use shoebox_core::media::{self, MediaFormat, SNIFF_LEN};
use tempfile::TempPath;
use tokio::io::AsyncWriteExt;

use crate::error::{ApiError, ApiResult};
use crate::text_input;

/// The largest text field accepted (Immich's fields are dates, flags and ids).
const MAX_TEXT_FIELD: usize = 64 * 1024;
/// The largest XMP sidecar accepted.
const MAX_SIDECAR: u64 = 16 * 1024 * 1024;

/// A fully received upload, still in staging.
#[derive(Debug)]
pub struct Received {
    pub staged: TempPath,
    pub sha1: Vec<u8>,
    pub size: u64,
    pub format: MediaFormat,
    /// The file name the client gave the file part.
    pub part_file_name: Option<String>,
    pub sidecar: Option<TempPath>,
    /// Every text field, by name; unknown ones are kept and ignored.
    pub fields: HashMap<String, String>,
}

/// A file part written to staging.
struct StagedPart {
    path: TempPath,
    sha1: Vec<u8>,
    size: u64,
    head: Vec<u8>,
}

pub async fn receive(mut multipart: Multipart, staging: &Path, max_bytes: u64) -> ApiResult<Received> {
    let mut asset: Option<(StagedPart, Option<String>)> = None;
    let mut sidecar = None;
    let mut fields = HashMap::new();
    while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "assetData" => {
                if asset.is_some() {
                    return Err(ApiError::bad_request("assetData was sent twice"));
                }
                let file_name = field.file_name().map(str::to_owned);
                if let Some(file_name) = &file_name {
                    text_input::check("filename", "The file name of assetData", file_name)?;
                }
                asset = Some((stage(field, staging, max_bytes).await?, file_name));
            }
            "sidecarData" => sidecar = Some(stage(field, staging, MAX_SIDECAR).await?.path),
            _ => {
                text_input::check("fieldName", "A form field's name", &name)?;
                let value = read_text(field).await?;
                text_input::check(&name, &name, &value)?;
                fields.insert(name, value);
            }
        }
    }
    let Some((part, part_file_name)) = asset else {
        return Err(ApiError::bad_request("assetData is required: send the file in a multipart field named assetData"));
    };
    if part.size == 0 {
        return Err(ApiError::bad_request("The uploaded file is empty"));
    }
    let format = media::detect(&part.head)
        .ok_or_else(|| ApiError::bad_request("Unsupported file type: only images and videos can be uploaded"))?;
    Ok(Received { staged: part.path, sha1: part.sha1, size: part.size, format, part_file_name, sidecar, fields })
}

async fn stage(mut field: Field<'_>, staging: &Path, max_bytes: u64) -> ApiResult<StagedPart> {
    let (file, path) = tempfile::NamedTempFile::new_in(staging)?.into_parts();
    let mut file = tokio::fs::File::from_std(file);
    let mut hasher = Sha1::new();
    let mut head = Vec::with_capacity(SNIFF_LEN);
    let mut size = 0u64;
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        size += chunk.len() as u64;
        if size > max_bytes {
            return Err(ApiError::PayloadTooLarge(format!("The file is larger than the limit of {max_bytes} bytes")));
        }
        if head.len() < SNIFF_LEN {
            let take = chunk.len().min(SNIFF_LEN - head.len());
            head.extend_from_slice(&chunk[..take]);
        }
        hasher.update(&chunk);
        file.write_all(&chunk).await?;
    }
    // The bytes must be on disk before the file is given a permanent name.
    file.sync_all().await?;
    Ok(StagedPart { path, sha1: hasher.finalize().to_vec(), size, head })
}

async fn read_text(mut field: Field<'_>) -> ApiResult<String> {
    let name = field.name().unwrap_or_default().to_owned();
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        bytes.extend_from_slice(&chunk);
        if bytes.len() > MAX_TEXT_FIELD {
            return Err(ApiError::bad_request(format!("Field {name} is too long")));
        }
    }
    String::from_utf8(bytes).map_err(|_| ApiError::bad_request(format!("Field {name} is not UTF-8 text")))
}

fn multipart_error(err: MultipartError) -> ApiError {
    if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::PayloadTooLarge("The upload is larger than the server's limit".into())
    } else {
        ApiError::bad_request(format!("The upload could not be read: {}", err.body_text()))
    }
}
