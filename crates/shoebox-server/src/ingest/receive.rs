//! Streams a multipart upload into storage under its final key, hashing as it goes, without
//! finishing the write: `store` finishes it once the upload is known to be new, so a duplicate, a
//! failed or a cut-off upload leaves nothing behind. On a local disk the bytes wait in this
//! process's staging folder; on S3 in a multipart upload, a few parts in memory at most. The
//! sidecar (16 MiB at most) is kept in memory. Text fields and the file's name follow the text
//! rules of [`crate::text_input`].

use std::collections::HashMap;

use axum::extract::Multipart;
use axum::extract::multipart::{Field, MultipartError};
use axum::http::StatusCode;
use sha1::{Digest, Sha1};
use bytes::Bytes;
use shoebox_core::media::{self, MediaFormat, SNIFF_LEN};
use shoebox_storage::{Key, ObjectWriter, Storage, WriteMode};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::text_input;

/// The largest text field accepted (Immich's fields are dates, flags and ids).
const MAX_TEXT_FIELD: usize = 64 * 1024;
/// The largest XMP sidecar accepted.
const MAX_SIDECAR: u64 = 16 * 1024 * 1024;

/// A fully received upload whose original is written but not yet placed under its key.
pub struct Received {
    /// The id the asset gets if it is new; its key is made from it.
    pub asset_id: Uuid,
    pub key: Key,
    /// Dropping it unfinished discards the bytes.
    pub original: Box<dyn ObjectWriter>,
    pub sha1: Vec<u8>,
    pub size: u64,
    pub format: MediaFormat,
    /// The file name the client gave the file part.
    pub part_file_name: Option<String>,
    pub sidecar: Option<Bytes>,
    /// Every text field, by name; unknown ones are kept and ignored.
    pub fields: HashMap<String, String>,
}

/// An original being written.
struct WrittenPart {
    key: Key,
    writer: Box<dyn ObjectWriter>,
    sha1: Vec<u8>,
    size: u64,
    format: MediaFormat,
}

/// Where an upload goes: the owner's part of the store, and the largest original accepted.
pub struct Destination<'a> {
    pub storage: &'a Storage,
    pub owner: Uuid,
    pub max_bytes: u64,
}

pub async fn receive(mut multipart: Multipart, to: Destination<'_>) -> ApiResult<Received> {
    let asset_id = Uuid::new_v4();
    let mut asset: Option<(WrittenPart, Option<String>)> = None;
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
                asset = Some((write_original(field, &to, asset_id).await?, file_name));
            }
            "sidecarData" => sidecar = Some(read_sidecar(field).await?),
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
    Ok(Received {
        asset_id,
        key: part.key,
        original: part.writer,
        sha1: part.sha1,
        size: part.size,
        format: part.format,
        part_file_name,
        sidecar,
        fields,
    })
}

/// Reads the first bytes to learn the file's type (and so its key), then streams the rest
/// into storage, hashing and counting.
async fn write_original(mut field: Field<'_>, to: &Destination<'_>, asset_id: Uuid) -> ApiResult<WrittenPart> {
    let mut counted = Counted { hasher: Sha1::new(), size: 0, max_bytes: to.max_bytes };
    let mut head = Vec::with_capacity(SNIFF_LEN);
    let mut early = Vec::new();
    while head.len() < SNIFF_LEN {
        let Some(chunk) = counted.next(&mut field).await? else { break };
        head.extend_from_slice(&chunk[..chunk.len().min(SNIFF_LEN - head.len())]);
        early.push(chunk);
    }
    if head.is_empty() {
        return Err(ApiError::bad_request("The uploaded file is empty"));
    }
    let format = media::detect(&head)
        .ok_or_else(|| ApiError::bad_request("Unsupported file type: only images and videos can be uploaded"))?;
    let key = Key::original(to.owner, asset_id, format.extension);
    let mut writer = to.storage.write(&key, WriteMode::Create).await?;
    for chunk in early {
        writer.write(chunk).await?;
    }
    while let Some(chunk) = counted.next(&mut field).await? {
        writer.write(chunk).await?;
    }
    Ok(WrittenPart { key, writer, sha1: counted.hasher.finalize().to_vec(), size: counted.size, format })
}

/// Hashes and counts a file part's chunks as they arrive, refusing one past the limit.
struct Counted {
    hasher: Sha1,
    size: u64,
    max_bytes: u64,
}

impl Counted {
    async fn next(&mut self, field: &mut Field<'_>) -> ApiResult<Option<Bytes>> {
        let Some(chunk) = field.chunk().await.map_err(multipart_error)? else { return Ok(None) };
        self.size += chunk.len() as u64;
        if self.size > self.max_bytes {
            let limit = self.max_bytes;
            return Err(ApiError::PayloadTooLarge(format!("The file is larger than the limit of {limit} bytes")));
        }
        self.hasher.update(&chunk);
        Ok(Some(chunk))
    }
}

async fn read_sidecar(mut field: Field<'_>) -> ApiResult<Bytes> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        bytes.extend_from_slice(&chunk);
        if bytes.len() as u64 > MAX_SIDECAR {
            return Err(ApiError::PayloadTooLarge(format!("The sidecar is larger than the limit of {MAX_SIDECAR} bytes")));
        }
    }
    Ok(Bytes::from(bytes))
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
