//! `/api/trash`: restore from the trash, or empty it for good (telling the owner's live clients).

use axum::Router;
use axum::extract::State;
use axum::routing::post;
use serde::Deserialize;
use serde_json::{Value, json};
use shoebox_db::assets::{self, Purge};
use uuid::Uuid;

use crate::api::assets::{remove_files, send_deleted};
use crate::api::bulk_body_limit;
use crate::auth::Auth;
use crate::context::ApiContext;
use crate::error::ApiResult;
use crate::extract::Json;
use crate::live::{ClientEvent, Room};

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/trash/empty", post(empty))
        .route("/trash/restore", post(restore_all))
        .route("/trash/restore/assets", post(restore_some).layer(bulk_body_limit()))
}

async fn empty(State(ctx): State<ApiContext>, auth: Auth) -> ApiResult<Json<Value>> {
    let (deleted, keys) = assets::purge(&ctx.db, auth.user.id, Purge::Trash).await?;
    remove_files(&ctx, &keys).await;
    let count = deleted.len();
    send_deleted(&ctx, auth.user.id, deleted).await;
    Ok(Json(json!({ "count": count })))
}

async fn restore_all(State(ctx): State<ApiContext>, auth: Auth) -> ApiResult<Json<Value>> {
    let restored = assets::restore(&ctx.db, auth.user.id, None).await?;
    Ok(Json(json!({ "count": send_restored(&ctx, &auth, restored).await })))
}

#[derive(Debug, Deserialize)]
struct Ids {
    ids: Vec<Uuid>,
}

async fn restore_some(State(ctx): State<ApiContext>, auth: Auth, Json(body): Json<Ids>) -> ApiResult<Json<Value>> {
    let restored = assets::restore(&ctx.db, auth.user.id, Some(&body.ids)).await?;
    Ok(Json(json!({ "count": send_restored(&ctx, &auth, restored).await })))
}

/// Tells the owner's clients which assets came back; returns how many.
async fn send_restored(ctx: &ApiContext, auth: &Auth, restored: Vec<Uuid>) -> usize {
    let count = restored.len();
    if count > 0 {
        ctx.live.send(Room::User(auth.user.id), ClientEvent::AssetRestore(restored)).await;
    }
    count
}
