//! The REST API under `/api`: one module per resource, each with its own `router()`.

pub mod albums;
pub mod api_keys;
pub mod assets;
pub mod auth;
pub mod download;
pub mod dto;
pub mod duplicates;
pub mod faces;
pub mod jobs;
pub mod map;
pub mod media;
pub mod memories;
pub mod partners;
pub mod people;
pub mod preferences;
pub mod search;
pub mod server;
pub mod shared_links;
pub mod sync;
pub mod timeline;
pub mod trash;
pub mod users;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::Response;
use tower_http::compression::CompressionLayer;
use tower_http::timeout::TimeoutLayer;

use crate::context::ApiContext;
use crate::error::error_response;

/// Largest JSON body accepted (a 5000-file duplicate check is about 1.5 MB).
const JSON_BODY_LIMIT: usize = 16 * 1024 * 1024;

pub fn router(ctx: &ApiContext) -> Router<ApiContext> {
    // Quick JSON requests: bounded in time, compressed.
    let json_api = Router::new()
        .merge(server::router())
        .merge(auth::router())
        .merge(users::router())
        .merge(preferences::router())
        .merge(albums::router())
        .merge(map::router())
        .merge(memories::router())
        .merge(api_keys::router())
        .merge(assets::router())
        .merge(timeline::router())
        .merge(trash::router())
        .merge(jobs::router())
        .merge(search::router())
        .merge(partners::router())
        .merge(people::router())
        .merge(faces::router())
        .merge(duplicates::router())
        .merge(shared_links::router())
        .merge(download::info_router())
        .layer(DefaultBodyLimit::max(JSON_BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, ctx.config.request_timeout))
        .layer(CompressionLayer::new());
    // Uploads and downloads stream for as long as they need, and media is never re-compressed.
    let streaming = Router::new()
        .merge(assets::upload_router(ctx.config.max_upload_bytes))
        .merge(media::router())
        .merge(download::archive_router())
        .merge(sync::router());
    json_api.merge(streaming).fallback(not_found).method_not_allowed_fallback(method_not_allowed)
}

async fn not_found() -> Response {
    error_response(StatusCode::NOT_FOUND, "No such API endpoint")
}

async fn method_not_allowed() -> Response {
    error_response(StatusCode::METHOD_NOT_ALLOWED, "This endpoint does not accept that method")
}
