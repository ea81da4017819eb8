//! Server discovery and health: `/.well-known/immich`, `/api/server/*`.

use axum::Router;
use axum::routing::get;
use serde_json::{Value, json};

use crate::context::ApiContext;
use crate::extract::Json;

/// The Immich version Shoebox answers as: clients warn when the server is older than they are.
pub const IMMICH_COMPAT_VERSION: (u32, u32, u32) = (3, 0, 3);

pub fn router() -> Router<ApiContext> {
    Router::new().route("/server/ping", get(ping)).route("/server/version", get(version))
}

/// Served at the site root, outside `/api`.
pub async fn well_known() -> Json<Value> {
    Json(json!({ "api": { "endpoint": "/api" } }))
}

async fn ping() -> Json<Value> {
    Json(json!({ "res": "pong" }))
}

async fn version() -> Json<Value> {
    let (major, minor, patch) = IMMICH_COMPAT_VERSION;
    Json(json!({ "major": major, "minor": minor, "patch": patch, "prerelease": null }))
}
