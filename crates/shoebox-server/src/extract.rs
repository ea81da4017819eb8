//! Axum extractors whose rejections answer with Shoebox's JSON errors instead of plain text.
//! A JSON body's strings are held to the text rules of [`crate::text_input`] here, for every
//! route at once; query strings and paths are checked by the API's middleware.

use axum::body::Bytes;
use axum::extract::FromRequest;
use axum::extract::FromRequestParts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::text_input;

/// A JSON body whose every string passed [`text_input::check_json`].
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        if !has_json_content_type(request.headers()) {
            return Err(ApiError::bad_request("Expected a JSON body with content-type application/json"));
        }
        let bytes = Bytes::from_request(request, state).await.map_err(body_rejection)?;
        let axum::Json(value) = axum::Json::<T>::from_bytes(&bytes)?;
        text_input::check_json(&bytes)?;
        Ok(Json(value))
    }
}

/// A JSON body that may be left out (`DELETE` routes whose options are optional, as Immich's
/// clients send them or not): no body, or only whitespace, is `T::default()`.
#[derive(Debug)]
pub struct OptionalJson<T>(pub T);

impl<T: DeserializeOwned + Default, S: Send + Sync> FromRequest<S> for OptionalJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(request, state).await.map_err(body_rejection)?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalJson(T::default()));
        }
        let value = serde_json::from_slice(&bytes).map_err(|err| ApiError::bad_request(format!("invalid JSON body: {err}")))?;
        text_input::check_json(&bytes)?;
        Ok(OptionalJson(value))
    }
}

/// A body that could not be read: too large (the body limit), or cut off.
fn body_rejection(rejection: axum::extract::rejection::BytesRejection) -> ApiError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::PayloadTooLarge("Request body is too large".into())
    } else {
        ApiError::bad_request(rejection.body_text())
    }
}

/// `application/json`, or any `application/…+json`, as axum's own extractor accepts.
fn has_json_content_type(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else { return false };
    let essence = value.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

impl<T: serde::Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// Query-string parameters.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct Query<T>(pub T);

/// Path parameters.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct Path<T>(pub T);

/// A multipart form body.
pub struct Multipart(pub axum::extract::Multipart);

impl<S: Send + Sync> FromRequest<S> for Multipart {
    type Rejection = ApiError;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Multipart::from_request(request, state).await.map(Multipart).map_err(|rejection| {
            ApiError::bad_request(format!("Expected a multipart/form-data upload: {}", rejection.body_text()))
        })
    }
}
