//! Sends stored files over HTTP with the headers browsers and players rely on: content type,
//! length, strong ETags with `If-None-Match`, and single byte ranges (`Range`, 206, 416). With
//! presigned downloads turned on, the client is sent to the object store instead.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use http_range_header::parse_range_header;
use tokio_util::io::ReaderStream;

use crate::error::{ApiError, ApiResult};
use shoebox_storage::{Key, Storage};

/// How long a presigned address stays valid: long enough for a slow video download to start.
const PRESIGNED_FOR: std::time::Duration = std::time::Duration::from_secs(3600);

/// What to send and how to label it.
pub struct StoredFile<'a> {
    pub key: &'a str,
    pub content_type: &'a str,
    /// Identifies these exact bytes; quoted here.
    pub etag: String,
    /// `Some(name)` to ask the browser to save the file under `name`.
    pub download_name: Option<&'a str>,
    pub cache_control: &'static str,
}

pub async fn send(storage: &Storage, file: StoredFile<'_>, request: &HeaderMap) -> ApiResult<Response> {
    let key = Key::parse(file.key)?;
    if let Some(url) = storage.presigned_url(&key, PRESIGNED_FOR).await? {
        return Ok(Response::builder()
            .status(StatusCode::FOUND)
            .header(header::LOCATION, url)
            .header(header::CACHE_CONTROL, "private, no-store")
            .body(Body::empty())
            .expect("valid response"));
    }
    let if_none_match = request.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok());
    let range_header = request.get(header::RANGE).and_then(|v| v.to_str().ok());
    // A plain download asks the store once: the read tells the length. A range or a revalidation
    // needs the length (or nothing at all) before any bytes, so it asks for that first.
    let (total, whole) = if if_none_match.is_none() && range_header.is_none() {
        match storage.read(&key, None).await {
            Ok(read) => (read.total_len, Some(read)),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Err(missing(file.key)),
            Err(err) => return Err(err.into()),
        }
    } else {
        match storage.head(&key).await? {
            Some(meta) => (meta.len, None),
            None => return Err(missing(file.key)),
        }
    };
    let etag = format!("\"{}\"", file.etag);
    let mut builder = Response::builder()
        .header(header::ETAG, &etag)
        .header(header::ACCEPT_RANGES, "bytes")
        .header(header::CACHE_CONTROL, file.cache_control);

    if if_none_match.is_some_and(|tags| tags.split(',').any(|tag| tag.trim() == etag || tag.trim() == "*")) {
        return Ok(builder.status(StatusCode::NOT_MODIFIED).body(Body::empty()).expect("valid response"));
    }

    builder = builder.header(header::CONTENT_TYPE, file.content_type);
    if let Some(name) = file.download_name {
        builder = builder.header(header::CONTENT_DISPOSITION, content_disposition(name));
    }

    let range = match range_header {
        None => None,
        Some(raw) => match parse_range_header(raw).ok().map(|parsed| parsed.validate(total)) {
            Some(Ok(ranges)) if ranges.len() == 1 => Some(ranges[0].clone()),
            // Several ranges at once: send the whole file, which every client accepts.
            Some(Ok(_)) => None,
            Some(Err(_)) => {
                return Ok(builder
                    .status(StatusCode::RANGE_NOT_SATISFIABLE)
                    .header(header::CONTENT_RANGE, format!("bytes */{total}"))
                    .body(Body::empty())
                    .expect("valid response"));
            }
            None => return Err(ApiError::bad_request("The Range header is malformed")),
        },
    };

    let (status, length) = match &range {
        Some(range) => {
            builder = builder.header(header::CONTENT_RANGE, format!("bytes {}-{}/{total}", range.start(), range.end()));
            (StatusCode::PARTIAL_CONTENT, range.end() - range.start() + 1)
        }
        None => (StatusCode::OK, total),
    };
    let read = match whole {
        Some(read) => read,
        None => storage.read(&key, range).await?,
    };
    Ok(builder
        .status(status)
        .header(header::CONTENT_LENGTH, length)
        .body(Body::from_stream(ReaderStream::new(read.body)))
        .expect("valid response"))
}

fn missing(key: &str) -> ApiError {
    tracing::error!(key, "a file the database lists is missing from storage");
    ApiError::NotFound("File not found in storage".into())
}

/// `attachment` with both an ASCII fallback and the exact UTF-8 name (RFC 6266).
fn content_disposition(name: &str) -> HeaderValue {
    let ascii: String =
        name.chars().map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' }).collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    HeaderValue::from_str(&format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disposition_keeps_unicode_names() {
        let value = content_disposition("Grüße \"2024\".jpg");
        let text = value.to_str().unwrap();
        assert!(text.starts_with("attachment; filename=\"Gr__e _2024_.jpg\""), "{text}");
        assert!(text.contains("filename*=UTF-8''Gr%C3%BC%C3%9Fe%20%222024%22.jpg"), "{text}");
    }
}
