//! The REST API under `/api`: one module per resource, each with its own `router()`.

pub mod activities;
pub mod albums;
pub mod api_keys;
pub mod assets;
pub mod auth;
pub mod backups;
pub mod download;
pub mod dto;
pub mod duplicates;
pub mod faces;
pub mod jobs;
pub mod labels;
pub mod libraries;
pub mod map;
pub mod media;
pub mod memories;
pub mod notifications;
pub mod ocr;
pub mod partners;
pub mod people;
pub mod pin_code;
pub mod preferences;
pub mod search;
pub mod server;
pub mod shared_links;
pub mod stacks;
pub mod storage_admin;
pub mod sync;
pub mod tags;
pub mod timeline;
pub mod transfers;
pub mod trash;
pub mod users;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower_http::compression::CompressionLayer;
use tower_http::timeout::TimeoutLayer;

use crate::auth::guard;
use crate::context::ApiContext;
use crate::error::error_response;

/// Largest JSON body an ordinary route accepts: far more than any form a person fills in.
const JSON_BODY_LIMIT: usize = 1024 * 1024;
/// Largest JSON body of a route that takes lists of assets (a 5000-file backup check is about
/// 1.5 MB, 10,000 ids about 400 KB); those routes say so with [`bulk_body_limit`].
pub const BULK_JSON_BODY_LIMIT: usize = 16 * 1024 * 1024;

/// The body limit of the routes that take lists of assets.
pub fn bulk_body_limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max(BULK_JSON_BODY_LIMIT)
}

pub fn router(ctx: &ApiContext) -> Router<ApiContext> {
    // Every route passes the access rules (`auth::rules`) first, inside compression so that a
    // shared link's answers can be read and stripped of metadata.
    // Quick JSON requests: bounded in time, compressed.
    let json_api = Router::new()
        .merge(server::router())
        .merge(auth::router())
        .merge(pin_code::router())
        .merge(users::router())
        .merge(preferences::router())
        .merge(albums::router())
        .merge(activities::router())
        .merge(tags::router())
        .merge(map::router())
        .merge(memories::router())
        .merge(api_keys::router())
        .merge(assets::router())
        .merge(timeline::router())
        .merge(trash::router())
        .merge(jobs::router())
        .merge(libraries::router())
        .merge(search::router())
        .merge(partners::router())
        .merge(people::router())
        .merge(faces::router())
        .merge(ocr::router())
        .merge(labels::router())
        .merge(duplicates::router())
        .merge(shared_links::router())
        .merge(stacks::router())
        .merge(backups::router())
        .merge(notifications::router())
        .merge(transfers::router())
        .merge(storage_admin::router())
        .merge(download::info_router())
        .layer(middleware::from_fn_with_state(ctx.clone(), guard::authorize))
        .layer(DefaultBodyLimit::max(JSON_BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, ctx.config.request_timeout))
        .layer(CompressionLayer::new());
    // Uploads and downloads stream for as long as they need, and media is never re-compressed.
    let streaming = Router::new()
        .merge(assets::upload_router(ctx.config.max_upload_bytes))
        .merge(media::router())
        .merge(download::archive_router())
        .merge(transfers::streaming_router(ctx.config.max_upload_bytes))
        .merge(sync::router())
        .layer(middleware::from_fn_with_state(ctx.clone(), guard::authorize));
    json_api
        .merge(streaming)
        .route_layer(middleware::from_fn(check_uri_text))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
}

/// Every route's path and query string follow the text rules, whichever extractor reads them.
async fn check_uri_text(request: Request, next: Next) -> Response {
    match crate::text_input::check_uri(request.uri()) {
        Ok(()) => next.run(request).await,
        Err(err) => err.into_response(),
    }
}

async fn not_found() -> Response {
    error_response(StatusCode::NOT_FOUND, "No such API endpoint")
}

async fn method_not_allowed() -> Response {
    error_response(StatusCode::METHOD_NOT_ALLOWED, "This endpoint does not accept that method")
}
