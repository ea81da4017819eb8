//! `/api/trash`: restore from the trash, or empty it for good.

use axum::Router;
use axum::extract::State;
use axum::routing::post;
use serde::Deserialize;
use serde_json::{Value, json};
use shoebox_db::assets::{self, Purge};
use uuid::Uuid;

use crate::api::assets::remove_files;
use crate::api::bulk_body_limit;
use crate::auth::Auth;
use crate::context::ApiContext;
use crate::error::ApiResult;
use crate::extract::Json;

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/trash/empty", post(empty))
        .route("/trash/restore", post(restore_all))
        .route("/trash/restore/assets", post(restore_some).layer(bulk_body_limit()))
}

async fn empty(State(ctx): State<ApiContext>, auth: Auth) -> ApiResult<Json<Value>> {
    let (count, keys) = assets::purge(&ctx.db, auth.user.id, Purge::Trash).await?;
    remove_files(&ctx, &keys).await;
    Ok(Json(json!({ "count": count })))
}

async fn restore_all(State(ctx): State<ApiContext>, auth: Auth) -> ApiResult<Json<Value>> {
    let count = assets::restore(&ctx.db, auth.user.id, None).await?;
    Ok(Json(json!({ "count": count })))
}

#[derive(Debug, Deserialize)]
struct Ids {
    ids: Vec<Uuid>,
}

async fn restore_some(State(ctx): State<ApiContext>, auth: Auth, Json(body): Json<Ids>) -> ApiResult<Json<Value>> {
    let count = assets::restore(&ctx.db, auth.user.id, Some(&body.ids)).await?;
    Ok(Json(json!({ "count": count })))
}
